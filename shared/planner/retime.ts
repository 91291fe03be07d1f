/**
 * Re-timing a vehicle's trips after households were taken off or put on: stops become exactly the
 * hotels of the parties on board, empty trips go, and departures move later where rule 9 needs it
 * (never earlier). Used by manual moves and by re-plans that keep the previous trips.
 */
import { roadKm, type LatLng } from '../geo.js';
import type { Plan, Trip } from '../plan.js';
import { driveMs, vehicleReadyMs, type Model } from './model.js';
import { ceilSecond, formatIso, MINUTE_MS, parseIso } from './time.js';

/** Placeholder departure for a new trip: sorts after every real one, then re-timed. */
export const LAST = '9999-12-31T00:00:00Z';

/** Where and from when a vehicle can start its next run (after its trips on the road: `initialVehicles`). */
export interface VehicleStart {
  pos: LatLng;
  readyMs: number;
}

/** Re-time every trip of `vehicleId` in `plan` (in place). */
export function retimeVehicle(m: Model, plan: Plan, vehicleId: string): void {
  const hotelOf = new Map(plan.stays.map((s) => [s.partyId, s.hotelId]));
  plan.trips = plan.trips.filter((t) => t.vehicleId !== vehicleId || t.partyIds.length > 0);
  retimeChain(
    m,
    plan.trips.filter((t) => t.vehicleId === vehicleId),
    hotelOf,
  );
}

/**
 * Re-time all trips (in place), vehicle by vehicle; returns the non-empty ones. `starts`: per
 * vehicle index, where it stands once its locked trips are done (default: its depot, at availableFrom).
 */
export function retimeTrips(m: Model, trips: Trip[], hotelOf: Map<string, string>, starts?: readonly VehicleStart[]): Trip[] {
  const kept = trips.filter((t) => t.partyIds.length > 0);
  const byVehicle = new Map<string, Trip[]>();
  for (const t of kept) {
    const l = byVehicle.get(t.vehicleId);
    if (l) l.push(t);
    else byVehicle.set(t.vehicleId, [t]);
  }
  for (const list of byVehicle.values()) retimeChain(m, list, hotelOf, starts);
  return kept;
}

/** A vehicle's run as numbers: pick-up site, hotel stops (-1: unknown, no drive), listed departure (ms; NaN: none). */
export interface Run {
  site: number;
  stops: number[];
  listed: number;
}

/**
 * Departure and arrival at each stop of a vehicle's runs, in the order given, timed from `start`
 * (default: its depot at availableFrom): each run leaves when the vehicle can be at its pick-up and
 * has boarded, and never before it is listed to leave.
 */
export function timeRuns(m: Model, v: number, runs: readonly Run[], start?: VehicleStart): { depart: number[]; arrive: number[][] } {
  const veh = m.vehicles[v]!;
  let pos: LatLng = start?.pos ?? m.sites[m.siteIndex.get(veh.depotSiteId) ?? 0]!;
  let ready = start?.readyMs ?? vehicleReadyMs(veh);
  const depart: number[] = [];
  const arrive: number[][] = [];
  for (const r of runs) {
    const site = m.sites[r.site]!;
    const earliest = ceilSecond(ready + driveMs(m, roadKm(pos, site, m.policy)) + m.policy.boardingMinutes * MINUTE_MS);
    const leave = Number.isFinite(r.listed) ? Math.max(earliest, r.listed) : earliest;
    let at: LatLng = site;
    let time = leave;
    const times = r.stops.map((h, i) => {
      const hotel = m.hotels[h]?.hotel ?? at;
      time += (i > 0 ? m.policy.stopMinutes * MINUTE_MS : 0) + driveMs(m, roadKm(at, hotel, m.policy));
      at = hotel;
      return time;
    });
    depart.push(leave);
    arrive.push(times);
    pos = at;
    ready = time + m.policy.stopMinutes * MINUTE_MS;
  }
  return { depart, arrive };
}

/** One vehicle's trips, timed in departure order from its start (default: its depot). */
function retimeChain(m: Model, trips: Trip[], hotelOf: Map<string, string>, starts?: readonly VehicleStart[]): void {
  const v = m.vehicleIndex.get(trips[0]?.vehicleId ?? '');
  if (v === undefined) return;
  const mine = [...trips].sort((a, b) => parseIso(a.departAt) - parseIso(b.departAt));
  for (const t of mine) {
    const wanted = [...new Set(t.partyIds.map((p) => hotelOf.get(p)).filter((h): h is string => !!h))];
    t.stops = [...t.stops.filter((s) => wanted.includes(s)), ...wanted.filter((s) => !t.stops.includes(s))];
  }
  const { depart, arrive } = timeRuns(
    m,
    v,
    mine.map((t) => ({
      site: m.siteIndex.get(t.fromSiteId) ?? 0,
      stops: t.stops.map((sid) => m.hotelIndex.get(sid) ?? -1),
      listed: t.departAt === LAST ? NaN : parseIso(t.departAt),
    })),
    starts?.[v],
  );
  mine.forEach((t, i) => {
    t.departAt = formatIso(depart[i]!);
    t.arrivals = arrive[i]!.map(formatIso);
  });
}
