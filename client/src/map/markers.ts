/**
 * Turns an incident snapshot into map markers with their details: pure, no Leaflet, so it is easy
 * to test and the adapter only has to draw.
 */
import type { IncidentState } from '../../../shared/api.js';
import { formatCount, formatDateTime, formatMoneyMinor, humanize, plural } from '../format.js';
import type { MarkerKind } from './marker-styles.js';

export interface DetailRow {
  label: string;
  value: string;
}

export interface MarkerDetails {
  title: string;
  kindLabel: string;
  rows: DetailRow[];
  /** Short facts shown as badges, e.g. "Accessible rooms: 4", "Pets welcome". */
  flags: string[];
  /** Free lines such as one per room type or vehicle. */
  lines: string[];
}

export interface MarkerSpec {
  id: string;
  kind: MarkerKind;
  lat: number;
  lng: number;
  /** Pixel radius. */
  radius: number;
  /** Hotels: share of beds taken, 0..1. */
  fillRatio?: number;
  /** Muster points with nobody waiting are drawn hollow. */
  hollow?: boolean;
  /** Hover text. */
  tooltip: string;
  /** Always-visible label (e.g. guests waiting), or none. */
  permanentLabel?: string;
  /** Which side of the marker the permanent label sits, so neighbours' labels do not cover each other. */
  labelSide?: 'left' | 'right' | 'bottom';
  /** The one number that matters for this place, for lists (e.g. "322 waiting", "12/88 beds"). */
  stat: string;
  details: MarkerDetails;
}

type Site = IncidentState['sites'][number];
type Hotel = IncidentState['hotels'][number];
type Vehicle = IncidentState['vehicles'][number];

/**
 * `spec` with its details built only when first read (a popup opens, or the map compares what it
 * drew): at 500 hotels the details' money and dates were most of the cost of building the markers.
 */
function withDetails(spec: Omit<MarkerSpec, 'details'>, build: () => MarkerDetails): MarkerSpec {
  let made: MarkerDetails | undefined;
  return Object.defineProperty(spec, 'details', { get: () => (made ??= build()), enumerable: true, configurable: true }) as MarkerSpec;
}

function radiusFor(n: number, min: number, max: number, scale: number): number {
  return Math.min(max, min + Math.sqrt(Math.max(0, n)) * scale);
}

function vehicleLine(v: Vehicle, timeZone: string): string {
  const wheel = v.wheelchairSpaces > 0 ? `, ${v.wheelchairSpaces} wheelchair` : '';
  return `${humanize(v.kind)} ${v.id}${v.provider ? ` (${v.provider})` : ''}: ${plural(v.seats, 'seat')}${wheel}; from ${formatDateTime(v.availableFrom, timeZone)}; ${humanize(v.status)}`;
}

/** What the markers count over households, in one pass (per place, a scan each would cost hotels x households). */
interface Tallies {
  /** Per muster point: households still waiting there (waiting, assigned or needing help), and their wheelchair users. */
  waiting: Map<string, { households: number; wheelchair: number }>;
  /** Per hotel: households placed there. */
  placed: Map<string, number>;
}

function tally(state: IncidentState): Tallies {
  const waiting = new Map<string, { households: number; wheelchair: number }>();
  const placed = new Map<string, number>();
  for (const p of state.parties) {
    if (p.hotelId) placed.set(p.hotelId, (placed.get(p.hotelId) ?? 0) + 1);
    if (p.status !== 'waiting' && p.status !== 'assigned' && p.status !== 'needs_help') continue;
    const w = waiting.get(p.siteId) ?? { households: 0, wheelchair: 0 };
    w.households++;
    for (const g of p.guests) if (g.needs.includes('wheelchair')) w.wheelchair++;
    waiting.set(p.siteId, w);
  }
  return { waiting, placed };
}

function siteMarker(site: Site, state: IncidentState, vehiclesHere: Vehicle[], counts: Tallies): MarkerSpec {
  const tz = state.incident.timezone;
  const { households: waitingHouseholds, wheelchair } = counts.waiting.get(site.id) ?? { households: 0, wheelchair: 0 };
  const isDepot = site.kind === 'depot' || (site.kind !== 'muster' && vehiclesHere.length > 0);
  const kind: MarkerKind = site.kind === 'muster' ? 'muster' : isDepot ? 'depot' : 'resort';
  const kindLabel = kind === 'muster' ? 'Muster point' : kind === 'depot' ? 'Vehicle depot' : humanize(site.kind);
  const tooltip =
    kind === 'muster'
      ? `${site.name}: ${formatCount(site.waiting)} waiting`
      : kind === 'depot'
        ? `${site.name}: ${plural(vehiclesHere.length, 'vehicle')}`
        : site.name;
  const details = (): MarkerDetails => {
    const rows: DetailRow[] = [];
    const flags: string[] = [];
    if (kind === 'muster' || site.waiting > 0) {
      rows.push({ label: 'Guests waiting', value: formatCount(site.waiting) });
      rows.push({ label: 'Households waiting', value: formatCount(waitingHouseholds) });
      if (wheelchair > 0) flags.push(`Wheelchair users waiting: ${wheelchair}`);
    }
    if (vehiclesHere.length > 0) {
      rows.push({ label: 'Vehicles here', value: formatCount(vehiclesHere.length) });
      rows.push({ label: 'Seats', value: formatCount(vehiclesHere.reduce((n, v) => n + v.seats, 0)) });
    }
    return { title: site.name, kindLabel, rows, flags, lines: vehiclesHere.map((v) => vehicleLine(v, tz)) };
  };
  const spec = {
    id: `site:${site.id}`,
    kind,
    lat: site.lat,
    lng: site.lng,
    radius: kind === 'muster' ? radiusFor(site.waiting, 8, 26, 1.2) : kind === 'depot' ? radiusFor(vehiclesHere.length, 7, 16, 1.5) : 8,
    hollow: kind === 'muster' && site.waiting === 0,
    tooltip,
    permanentLabel:
      kind === 'muster' ? `${site.name}: ${formatCount(site.waiting)} waiting` : kind === 'depot' ? plural(vehiclesHere.length, 'vehicle') : undefined,
    labelSide: kind === 'depot' ? 'bottom' : 'right',
    stat: kind === 'muster' ? `${formatCount(site.waiting)} waiting` : kind === 'depot' ? plural(vehiclesHere.length, 'vehicle') : '',
  } satisfies Omit<MarkerSpec, 'details'>;
  return withDetails(spec, details);
}

function hotelMarker(hotel: Hotel, state: IncidentState, counts: Tallies): MarkerSpec {
  const accessibleRooms = hotel.roomTypes.reduce((n, r) => n + (r.accessible ? r.count : 0), 0);
  const households = counts.placed.get(hotel.id) ?? 0;
  const ratio = hotel.bedsOffered > 0 ? Math.min(1, hotel.bedsTaken / hotel.bedsOffered) : 0;
  const tags = [accessibleRooms > 0 ? 'accessible' : null, hotel.petsAllowed ? 'pets' : null].filter(Boolean).join(', ');
  const details = (): MarkerDetails => {
    const flags = [accessibleRooms > 0 ? `Accessible rooms: ${accessibleRooms}` : 'No accessible rooms', hotel.petsAllowed ? 'Pets welcome' : 'No pets'];
    const rows: DetailRow[] = [
      { label: 'Beds taken', value: `${formatCount(hotel.bedsTaken)} of ${formatCount(hotel.bedsOffered)}` },
      { label: 'Households placed', value: formatCount(households) },
    ];
    if (hotel.address) rows.push({ label: 'Address', value: hotel.address });
    if (hotel.phone) rows.push({ label: 'Phone', value: hotel.phone });
    const rooms = hotel.roomTypes.map(
      (r) =>
        `${r.type} (sleeps ${r.sleeps}${r.accessible ? ', accessible' : ''}): ${r.used} of ${r.count} used, ${formatMoneyMinor(r.rateMinor, state.incident.currency)} a night`,
    );
    const perks = hotel.perks.map((p) => `Perk: ${humanize(p.kind)}${p.note ? ` (${p.note})` : ''}`);
    return { title: hotel.name, kindLabel: 'Hotel', rows, flags, lines: [...rooms, ...perks] };
  };
  const spec = {
    id: `hotel:${hotel.id}`,
    kind: 'hotel',
    lat: hotel.lat,
    lng: hotel.lng,
    radius: radiusFor(hotel.bedsOffered, 7, 15, 0.6),
    fillRatio: ratio,
    stat: `${formatCount(hotel.bedsTaken)}/${plural(hotel.bedsOffered, 'bed')}`,
    tooltip: `${hotel.name}: ${formatCount(hotel.bedsTaken)}/${plural(hotel.bedsOffered, 'bed')}${tags ? ` (${tags})` : ''}`,
  } satisfies Omit<MarkerSpec, 'details'>;
  return withDetails(spec, details);
}

function vehicleMarker(v: Vehicle, lat: number, lng: number, tz: string): MarkerSpec {
  const spec = {
    id: `vehicle:${v.id}`,
    kind: 'vehicle',
    lat,
    lng,
    radius: 5,
    stat: humanize(v.status),
    tooltip: `${humanize(v.kind)} ${v.id}: ${humanize(v.status)}`,
  } satisfies Omit<MarkerSpec, 'details'>;
  return withDetails(spec, () => ({
    title: `${humanize(v.kind)} ${v.id}`,
    kindLabel: 'Vehicle',
    rows: [{ label: 'Status', value: humanize(v.status) }],
    flags: [],
    lines: [vehicleLine(v, tz)],
  }));
}

/** Every place worth drawing: sites (muster, depot, park), hotels, and vehicles away from their depot. */
export function buildMarkers(state: IncidentState): MarkerSpec[] {
  const atDepot = new Map<string, Vehicle[]>();
  const onRoad: MarkerSpec[] = [];
  for (const v of state.vehicles) {
    if (v.lat !== null && v.lng !== null) onRoad.push(vehicleMarker(v, v.lat, v.lng, state.incident.timezone));
    else {
      const here = atDepot.get(v.depotSiteId);
      if (here) here.push(v);
      else atDepot.set(v.depotSiteId, [v]);
    }
  }
  const counts = tally(state);
  const sites = state.sites.map((s) => siteMarker(s, state, atDepot.get(s.id) ?? [], counts));
  // Muster points usually stand close together at the park: alternate their labels west and east.
  sites
    .filter((m) => m.kind === 'muster')
    .sort((a, b) => a.lng - b.lng)
    .forEach((m, i) => {
      m.labelSide = i % 2 === 0 ? 'left' : 'right';
    });
  const hotels = state.hotels.map((h) => hotelMarker(h, state, counts));
  // Draw order: big muster circles at the bottom, then hotels, the park, depots, and vehicles on top.
  const ofKind = (kind: MarkerKind) => sites.filter((m) => m.kind === kind);
  return [...ofKind('muster'), ...hotels, ...ofKind('resort'), ...ofKind('depot'), ...onRoad];
}

export function countByKind(markers: readonly MarkerSpec[]): Record<MarkerKind, number> {
  const out: Record<MarkerKind, number> = { muster: 0, resort: 0, hotel: 0, depot: 0, vehicle: 0 };
  for (const m of markers) out[m.kind]++;
  return out;
}
