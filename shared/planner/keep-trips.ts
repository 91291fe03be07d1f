/** On a re-plan, which of the previous plan's trips can stay (minus households that changed). */
import type { Plan, Trip } from '../plan.js';
import type { Model } from './model.js';
import { retimeTrips } from './retime.js';

/**
 * Previous trips of vehicles without locked trips, carrying only the riders whose hotel and site
 * are unchanged (and whose vehicle pin, if any, is that vehicle); re-timed so rule 9 holds.
 */
export function keepPreviousTrips(m: Model, previous: Plan, hotelOf: Int32Array, riders: number[], locked: Trip[], pins: Map<number, number>): Trip[] {
  const lockedVehicles = new Set(locked.map((t) => t.vehicleId));
  const lockedKeys = new Set(locked.map((t) => `${t.vehicleId}|${t.departAt}`));
  const before = new Map(previous.stays.map((s) => [s.partyId, s.hotelId]));
  const riding = new Set(riders);
  const seen = new Set<string>();
  const hotelIds = new Map<string, string>();
  const trips: Trip[] = [];
  for (const t of previous.trips) {
    if (lockedVehicles.has(t.vehicleId) || lockedKeys.has(`${t.vehicleId}|${t.departAt}`)) continue;
    const v = m.vehicleIndex.get(t.vehicleId);
    if (v === undefined || !m.siteIndex.has(t.fromSiteId)) continue;
    const partyIds = t.partyIds.filter((id) => {
      const p = m.partyIndex.get(id);
      if (p === undefined || seen.has(id) || !riding.has(p)) return false;
      const h = m.hotels[hotelOf[p]!]?.hotel.id;
      if (!h || h !== before.get(id) || m.parties[p]!.party.siteId !== t.fromSiteId) return false;
      if ((pins.get(p) ?? v) !== v) return false;
      seen.add(id);
      hotelIds.set(id, h);
      return true;
    });
    if (partyIds.length) trips.push({ ...t, stops: [...t.stops], arrivals: [...t.arrivals], partyIds });
  }
  return retimeTrips(m, trips, hotelIds);
}
