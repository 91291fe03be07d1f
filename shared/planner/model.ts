/**
 * An indexed view of a validated scenario: parties, hotels, room types and sites get dense integer
 * indices and derived figures (size, wheelchair users, distances) so the planner's inner loops stay
 * on typed arrays instead of string lookups.
 */
import { roadKm, travelMinutes } from '../geo.js';
import { hasPets, isVulnerable, wheelchairCount, type Hotel, type Party, type Policy, type Scenario, type Site, type Vehicle } from '../scenario.js';
import { MINUTE_MS, parseIso } from './time.js';

export interface RoomSlot {
  hotel: number;
  type: string;
  sleeps: number;
  accessible: boolean;
  rate: number;
  count: number;
}

export interface PartyInfo {
  idx: number;
  party: Party;
  site: number;
  size: number;
  /** Wheelchair users: they take wheelchair spaces. */
  wheel: number;
  /** Everyone else, infants included: they take seats. */
  seated: number;
  pets: boolean;
  vulnerable: boolean;
}

export interface HotelInfo {
  idx: number;
  hotel: Hotel;
  /** Global room-slot indices of this hotel's room types (count > 0 or not). */
  rooms: number[];
}

export interface Model {
  scenario: Scenario;
  policy: Policy;
  parties: PartyInfo[];
  partyIndex: Map<string, number>;
  hotels: HotelInfo[];
  hotelIndex: Map<string, number>;
  rooms: RoomSlot[];
  sites: Site[];
  siteIndex: Map<string, number>;
  vehicles: Vehicle[];
  vehicleIndex: Map<string, number>;
  /** Road km, sites x hotels (row-major by site). */
  siteHotelKm: Float64Array;
  /** Road km, sites x sites (a vehicle at its depot, which is a site, to a pick-up site). */
  siteSiteKm: Float64Array;
  /**
   * Memo of road km between hotels, keyed by the lower index x hotels + the higher (kmHotelHotel):
   * made on first use, a matrix filled as asked (NaN until then) up to 1,000 hotels, a map above.
   * A holder, so the copies of the model the shelter search makes share it.
   */
  hotelKm: { table: Float64Array | Map<number, number> | null };
  /** Memo for room combinations, keyed by hotel/size/accessible. */
  comboCache: Map<number, unknown>;
  /**
   * Room-stage multipliers on the travel weight (1 = the contract's stay cost). The shelter search
   * raises them to pull households, wheelchair households most, towards hotels near their site.
   */
  kmWeight: number;
  accKmWeight: number;
}

/** Index a scenario once; every planner stage works on this. */
export function buildModel(scenario: Scenario): Model {
  const policy = scenario.incident.policy;
  const siteIndex = new Map(scenario.sites.map((s, i) => [s.id, i]));
  const hotelIndex = new Map(scenario.hotels.map((h, i) => [h.id, i]));
  const rooms: RoomSlot[] = [];
  const hotels: HotelInfo[] = scenario.hotels.map((hotel, idx) => {
    const ids: number[] = [];
    for (const rt of hotel.roomTypes) {
      ids.push(rooms.length);
      rooms.push({ hotel: idx, type: rt.type, sleeps: rt.sleeps, accessible: rt.accessible, rate: rt.rateMinor, count: rt.count });
    }
    return { idx, hotel, rooms: ids };
  });
  const parties: PartyInfo[] = scenario.parties.map((party, idx) => {
    const wheel = wheelchairCount(party);
    return {
      idx,
      party,
      site: siteIndex.get(party.siteId) ?? 0,
      size: party.guests.length,
      wheel,
      seated: party.guests.length - wheel,
      pets: hasPets(party),
      vulnerable: isVulnerable(party),
    };
  });
  const siteHotelKm = new Float64Array(scenario.sites.length * scenario.hotels.length);
  scenario.sites.forEach((s, si) => {
    scenario.hotels.forEach((h, hi) => {
      siteHotelKm[si * scenario.hotels.length + hi] = roadKm(s, h, policy);
    });
  });
  const siteSiteKm = Float64Array.from({ length: scenario.sites.length ** 2 }, (_, i) =>
    roadKm(scenario.sites[Math.floor(i / scenario.sites.length)]!, scenario.sites[i % scenario.sites.length]!, policy),
  );
  return {
    scenario,
    policy,
    parties,
    partyIndex: new Map(scenario.parties.map((p, i) => [p.id, i])),
    hotels,
    hotelIndex,
    rooms,
    sites: scenario.sites,
    siteIndex,
    vehicles: scenario.vehicles,
    vehicleIndex: new Map(scenario.vehicles.map((v, i) => [v.id, i])),
    siteHotelKm,
    siteSiteKm,
    hotelKm: { table: null },
    comboCache: new Map(),
    kmWeight: 1,
    accKmWeight: 1,
  };
}

/** Road km from a site to a hotel. */
export function kmSiteHotel(m: Model, site: number, hotel: number): number {
  return m.siteHotelKm[site * m.hotels.length + hotel] ?? Infinity;
}

/** Road km between two hotels (haversine is symmetric to the last bit, so one entry serves both ways). */
export function kmHotelHotel(m: Model, a: number, b: number): number {
  const k = a < b ? a * m.hotels.length + b : b * m.hotels.length + a;
  const memo = (m.hotelKm.table ??= m.hotels.length <= 1000 ? new Float64Array(m.hotels.length ** 2).fill(NaN) : new Map());
  if (memo instanceof Float64Array) {
    let d = memo[k]!;
    if (d !== d) memo[k] = d = roadKm(m.hotels[a]!.hotel, m.hotels[b]!.hotel, m.policy);
    return d;
  }
  let d = memo.get(k);
  if (d === undefined) memo.set(k, (d = roadKm(m.hotels[a]!.hotel, m.hotels[b]!.hotel, m.policy)));
  return d;
}

/** Drive time in ms for `km` road km. */
export function driveMs(m: Model, km: number): number {
  return travelMinutes(km, m.policy) * MINUTE_MS;
}

/** A vehicle's `availableFrom` in ms. */
export function vehicleReadyMs(v: Vehicle): number {
  return parseIso(v.availableFrom);
}

/** Whether any vehicle of the scenario can carry the party in one piece (rule 8). */
export function carriable(m: Model, p: PartyInfo): boolean {
  const key = p.seated * 100_003 + p.wheel;
  let memo = m.comboCache.get(-1) as Map<number, boolean> | undefined;
  if (!memo) m.comboCache.set(-1, (memo = new Map()));
  let ok = memo.get(key);
  if (ok === undefined) memo.set(key, (ok = m.vehicles.some((v) => v.seats >= p.seated && v.wheelchairSpaces >= p.wheel)));
  return ok;
}
