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

/** Re-time all trips (in place), vehicle by vehicle; returns the non-empty ones. */
export function retimeTrips(m: Model, trips: Trip[], hotelOf: Map<string, string>): Trip[] {
  const kept = trips.filter((t) => t.partyIds.length > 0);
  const byVehicle = new Map<string, Trip[]>();
  for (const t of kept) {
    const l = byVehicle.get(t.vehicleId);
    if (l) l.push(t);
    else byVehicle.set(t.vehicleId, [t]);
  }
  for (const list of byVehicle.values()) retimeChain(m, list, hotelOf);
  return kept;
}

/** One vehicle's trips, timed from its depot in departure order. */
function retimeChain(m: Model, trips: Trip[], hotelOf: Map<string, string>): void {
  const v = m.vehicleIndex.get(trips[0]?.vehicleId ?? '');
  if (v === undefined) return;
  const mine = [...trips].sort((a, b) => parseIso(a.departAt) - parseIso(b.departAt));
  const veh = m.vehicles[v]!;
  let pos: LatLng = m.sites[m.siteIndex.get(veh.depotSiteId) ?? 0]!;
  let ready = vehicleReadyMs(veh);
  for (const t of mine) {
    const wanted = [...new Set(t.partyIds.map((p) => hotelOf.get(p)).filter((h): h is string => !!h))];
    t.stops = [...t.stops.filter((s) => wanted.includes(s)), ...wanted.filter((s) => !t.stops.includes(s))];
    const site = m.sites[m.siteIndex.get(t.fromSiteId) ?? 0]!;
    const earliest = ceilSecond(ready + driveMs(m, roadKm(pos, site, m.policy)) + m.policy.boardingMinutes * MINUTE_MS);
    const listed = t.departAt === LAST ? NaN : parseIso(t.departAt);
    const depart = Number.isFinite(listed) ? Math.max(earliest, listed) : earliest;
    let at: LatLng = site;
    let time = depart;
    t.departAt = formatIso(depart);
    t.arrivals = t.stops.map((sid, i) => {
      const h = m.hotels[m.hotelIndex.get(sid) ?? -1]?.hotel ?? at;
      time += (i > 0 ? m.policy.stopMinutes * MINUTE_MS : 0) + driveMs(m, roadKm(at, h, m.policy));
      at = h;
      return formatIso(time);
    });
    pos = at;
    ready = time + m.policy.stopMinutes * MINUTE_MS;
  }
}
