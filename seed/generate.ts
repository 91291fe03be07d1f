/**
 * Scenarios of any size for benchmarks and load tests (600, 10,000, 100,000 guests), with the same
 * realism as the storm scenario but drawn programmatically, plus named shapes that stress one rule
 * at a time. Deterministic by seed, so a slow or failing benchmark can be replayed exactly.
 */
import { haversineKm } from '../shared/geo.js';
import { DEFAULT_POLICY, SCENARIO_FORMAT, type Perk, type ScenarioInput, type VehicleKind } from '../shared/scenario.js';
import { NAME_ADJECTIVES, NAME_KINDS, NAME_NOUNS } from './data/hotel-names.js';
import { COASTLINE, FAR_TOWNS, NEAR_TOWNS, STREETS, type Town } from './data/towns.js';
import { makeVehicle } from './fleet.js';
import { dramaLandline, pad, widthFor } from './format.js';
import { drawSize, makeHousehold, NORMAL_RATES, type NeedRates } from './households.js';
import { Rng } from './rng.js';
import { bedsOf, roomMix, type Tier } from './rooms.js';
import type { HotelInput, PartyInput, SiteInput, VehicleInput } from './types.js';
import { countOf } from '../shared/plural.js';

export const SHAPES = ['normal', 'scarce-rooms', 'many-pets', 'many-wheelchair', 'far-hotels', 'scarce', 'needs-heavy'] as const;
export type Shape = (typeof SHAPES)[number];

export interface GenerateOptions {
  guests: number;
  hotels?: number;
  vehicles?: number;
  seed?: number;
  shape?: Shape;
  /** Muster points (default: 2 up to 5,000 guests, more beyond; 'needs-heavy' uses 3). */
  musters?: number;
}

const STARTED_AT = '2026-10-31T20:00:00+00:00';
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/**
 * Bed targets per guest. Room mixes round up (whole rooms, 2-room minimum per type), landing about
 * 5% above target, so these aim a little low: normal ends near 1.3x guests, scarce near 0.8x.
 */
const PLENTY = 1.24;
const SCARCE = 0.76;

/** What each shape changes: beds per guest, share of hotels beyond 60 km, and guest need rates. */
function shapeParams(shape: Shape): { bedFactor: number; farShare: number; rates: NeedRates } {
  switch (shape) {
    case 'scarce-rooms':
      return { bedFactor: SCARCE, farShare: 0.05, rates: NORMAL_RATES };
    case 'many-pets':
      return { bedFactor: PLENTY, farShare: 0.05, rates: { ...NORMAL_RATES, pets: 0.4 } };
    case 'many-wheelchair':
      return { bedFactor: PLENTY, farShare: 0.05, rates: { ...NORMAL_RATES, wheelchair: 0.15 } };
    case 'far-hotels':
      return { bedFactor: PLENTY, farShare: 0.5, rates: NORMAL_RATES };
    // Fewer beds than guests, many pets, a third of the hotels beyond the distance limit.
    case 'scarce':
      return { bedFactor: SCARCE, farShare: 0.3, rates: { ...NORMAL_RATES, pets: 0.35 } };
    // Many pets and wheelchair users (three muster points unless asked otherwise).
    case 'needs-heavy':
      return { bedFactor: PLENTY, farShare: 0.05, rates: { ...NORMAL_RATES, pets: 0.35, wheelchair: 0.12 } };
    default:
      return { bedFactor: PLENTY, farShare: 0.05, rates: NORMAL_RATES };
  }
}

/** Sensible defaults: ~24 guests per hotel (10..1500 hotels), ~14 guests per vehicle. */
export function defaultCounts(guests: number): { hotels: number; vehicles: number; musters: number } {
  return {
    hotels: clamp(Math.round(guests / 24), 10, 1500),
    vehicles: clamp(Math.round(guests / 14), 5, 8000),
    musters: clamp(Math.round(guests / 5000) + 1, 2, 10),
  };
}

/** A point `t` (0..1) of the way along the coastline, south to north. */
function alongCoast(t: number): { lat: number; lng: number } {
  const x = clamp(t, 0, 1) * (COASTLINE.length - 1);
  const i = Math.min(COASTLINE.length - 2, Math.floor(x));
  const [aLat, aLng] = COASTLINE[i]!;
  const [bLat, bLng] = COASTLINE[i + 1]!;
  const f = x - i;
  return { lat: round5(aLat + (bLat - aLat) * f), lng: round5(aLng + (bLng - aLng) * f) };
}

const round5 = (x: number) => Math.round(x * 1e5) / 1e5;

function nearestTown(p: { lat: number; lng: number }): Town {
  let best = NEAR_TOWNS[0]!;
  for (const t of NEAR_TOWNS) if (haversineKm(p, t) < haversineKm(p, best)) best = t;
  return best;
}

/** Two musters on one park near Ingoldmells for small runs; for big runs, parks spread along the coast. */
function musterSites(count: number): SiteInput[] {
  if (count <= 2) {
    return [
      { id: 'muster-1', name: 'Clubhouse', kind: 'muster', lat: 53.1912, lng: 0.3405 },
      { id: 'muster-2', name: 'Sports Hall', kind: 'muster', lat: 53.1887, lng: 0.3438 },
    ];
  }
  return Array.from({ length: count }, (_, k) => {
    const p = alongCoast((k + 0.5) / count);
    return { id: `muster-${k + 1}`, name: `Muster point ${k + 1} (${nearestTown(p).name})`, kind: 'muster', ...p };
  });
}

/** Spreadsheet-style row letters: 0 -> A, 25 -> Z, 26 -> AA. */
function rowLetters(r: number): string {
  let out = '';
  for (let n = r + 1; n > 0; n = Math.floor((n - 1) / 26)) out = String.fromCharCode(65 + ((n - 1) % 26)) + out;
  return out;
}

/** "Lodge 14", "Chalet 7", "Caravan B22": unique per household; caravan rows of 40 grow with the park. */
function unitName(i: number): string {
  const kind = i % 5;
  const n = Math.floor(i / 5);
  if (kind === 0) return `Lodge ${n + 1}`;
  if (kind === 1) return `Chalet ${n + 1}`;
  const c = n * 3 + (kind - 2);
  return `Caravan ${rowLetters(Math.floor(c / 40))}${(c % 40) + 1}`;
}

function minRoadKm(p: { lat: number; lng: number }, musters: readonly SiteInput[], roadFactor: number): number {
  let best = Infinity;
  for (const m of musters) best = Math.min(best, haversineKm(p, m) * roadFactor);
  return best;
}

/** A hotel position near a town: inland of coastal towns, and on the requested side of the 60 km limit. */
function placeHotel(rng: Rng, town: Town, far: boolean, musters: readonly SiteInput[]): { lat: number; lng: number } {
  const limit = DEFAULT_POLICY.maxDistanceKm;
  let p = { lat: town.lat, lng: town.lng };
  for (let attempt = 0; attempt < 8; attempt++) {
    const dLng = rng.normal() * 0.03;
    p = { lat: round5(town.lat + rng.normal() * 0.018), lng: round5(town.lng + (town.coastal ? -Math.abs(dLng) : dLng)) };
    const km = minRoadKm(p, musters, DEFAULT_POLICY.roadFactor);
    if (far ? km > limit + 2 : km < limit - 2) break;
  }
  return p;
}

function hotelName(rng: Rng, town: string): string {
  return rng.chance(0.5) ? `The ${rng.pick(NAME_ADJECTIVES)} ${rng.pick(NAME_NOUNS)}, ${town}` : `${town} ${rng.pick(NAME_KINDS)}`;
}

const TIERS: readonly (readonly [Tier, number])[] = [
  ['budget', 35],
  ['mid', 50],
  ['premium', 15],
];
const KINDS: readonly (readonly [VehicleKind, number])[] = [
  ['coach', 18],
  ['minibus', 18],
  ['taxi', 50],
  ['accessible_taxi', 14],
];
const DEPOT_TOWNS = ['Skegness', 'Boston', 'Louth', 'Mablethorpe', 'Horncastle', 'Spilsby', 'Alford', 'Woodhall Spa', 'Coningsby', 'Chapel St Leonards'];

/**
 * A valid scenario with exactly `guests` guests. Beds total about 1.3x guests (0.8x for
 * 'scarce-rooms'); accessible rooms about 1.1x the wheelchair users a normal crowd brings, so
 * 'many-wheelchair' runs short of them by design.
 */
export function generateScenario(opts: GenerateOptions): ScenarioInput {
  if (!Number.isInteger(opts.guests) || opts.guests < 1) throw new Error('generateScenario: guests must be a positive integer');
  const rng = new Rng(opts.seed ?? 1);
  const shape = opts.shape ?? 'normal';
  const { bedFactor, farShare, rates } = shapeParams(shape);
  const defaults = defaultCounts(opts.guests);
  const musters = musterSites(opts.musters ?? (shape === 'needs-heavy' ? Math.max(3, defaults.musters) : defaults.musters));
  const depotTowns = DEPOT_TOWNS.slice(0, clamp(defaults.musters + 1, 3, DEPOT_TOWNS.length));
  const depots: SiteInput[] = depotTowns.map((name) => {
    const t = NEAR_TOWNS.find((x) => x.name === name)!;
    return {
      id: `depot-${name.toLowerCase().replace(/ /g, '-')}`,
      name: `${name} depot`,
      kind: 'depot',
      lat: round5(t.lat + 0.006),
      lng: round5(t.lng - 0.01),
    };
  });
  const resort: SiteInput = { id: 'resort', name: 'Seaview Holiday Park', kind: 'resort', lat: 53.19, lng: 0.34 };

  // Households until the guest count is reached; the last one is trimmed to land exactly on it.
  const sizes: number[] = [];
  for (let left = opts.guests; left > 0;) {
    const size = Math.min(left, drawSize(rng));
    sizes.push(size);
    left -= size;
  }
  const pw = widthFor(sizes.length);
  const gw = widthFor(opts.guests);
  const musterWeights = musters.map((m) => [m.id, rng.float(0.6, 1.4)] as const);
  const parties: PartyInput[] = new Array(sizes.length);
  let guest = 1;
  for (let i = 0; i < sizes.length; i++) {
    const size = sizes[i]!;
    parties[i] = makeHousehold(rng, {
      index: i + 1,
      partyIdWidth: pw,
      firstGuest: guest,
      guestIdWidth: gw,
      size,
      siteId: rng.weighted(musterWeights),
      unit: unitName(i),
      rates,
    });
    guest += size;
  }

  const hotelCount = opts.hotels ?? defaults.hotels;
  const weights = Array.from({ length: hotelCount }, () => Math.exp(0.7 * rng.normal()));
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const targetBeds = opts.guests * bedFactor;
  const accessibleTarget = opts.guests * NORMAL_RATES.wheelchair * 1.1;
  const nearWeighted = NEAR_TOWNS.map((t) => [t, t.weight] as const);
  const farWeighted = FAR_TOWNS.map((t) => [t, t.weight] as const);
  const hw = widthFor(hotelCount, 2);
  const hotels: HotelInput[] = weights.map((w, i) => {
    const far = Math.floor((i + 1) * farShare) > Math.floor(i * farShare);
    const town = rng.weighted(far ? farWeighted : nearWeighted);
    const beds = clamp(Math.round((targetBeds * w) / weightSum), 6, 300);
    const accessible = Math.min(4, Math.floor((accessibleTarget * w) / weightSum + rng.next()));
    const tier = rng.weighted(TIERS);
    const perks: Perk[] = [];
    if (rng.chance(0.2)) perks.push({ kind: 'open_bar', capMinorPerGuestPerNight: 3000 });
    if (rng.chance(0.5)) perks.push({ kind: 'meals', note: rng.chance(0.5) ? 'breakfast only' : 'breakfast and evening meal' });
    if (rng.chance(0.3)) perks.push({ kind: 'parking', note: 'free car park' });
    return {
      id: pad('H', i + 1, hw),
      name: hotelName(rng, town.name),
      ...placeHotel(rng, town, far, musters),
      address: `${rng.int(1, 180)} ${rng.pick(STREETS)}, ${town.name} ${town.postcode}`,
      phone: dramaLandline(i),
      petsAllowed: rng.chance(0.35),
      roomTypes: roomMix(rng, beds, tier, accessible),
      perks,
    };
  });

  const vehicleCount = opts.vehicles ?? defaults.vehicles;
  const providers = depots.map((d, k) => ({
    depot: d.id,
    coaches: `${depotTowns[k]} ${rng.pick(['Coaches', 'Travel', 'Motor Services'])}`,
    cabs: `${depotTowns[k]} ${rng.pick(['Cabs', 'Taxis', 'Private Hire', 'Cars'])}`,
  }));
  const vw = widthFor(vehicleCount, 2);
  const vehicles: VehicleInput[] = Array.from({ length: vehicleCount }, (_, i) => {
    const kind = rng.weighted(KINDS);
    const p = rng.pick(providers);
    const provider = kind === 'coach' || kind === 'minibus' ? p.coaches : p.cabs;
    return makeVehicle(rng, { id: pad('V', i + 1, vw), kind, provider, depotSiteId: p.depot, startedAt: STARTED_AT });
  });

  return {
    format: SCENARIO_FORMAT,
    incident: {
      name: `Generated storm: ${countOf(opts.guests, 'guest')} (${shape}, seed ${opts.seed ?? 1})`,
      startedAt: STARTED_AT,
      currency: 'GBP',
      timezone: 'Europe/London',
      staffSpendLimitMinor: 10000,
      policy: { ...DEFAULT_POLICY },
    },
    sites: [resort, ...musters, ...depots],
    parties,
    hotels,
    vehicles,
  };
}

/** Beds of a generated scenario, for benchmarks that report capacity next to timings. */
export function totalBeds(s: ScenarioInput): number {
  return (s.hotels ?? []).reduce((sum, h) => sum + bedsOf(h.roomTypes ?? []), 0);
}
