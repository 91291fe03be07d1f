/** On a re-plan, which of the previous plan's trips can stay (minus households that changed). */
import type { Plan, Trip } from '../plan.js';
import type { Model } from './model.js';
import { retimeTrips, type VehicleStart } from './retime.js';

/**
 * Previous trips that are not locked, carrying only the riders whose hotel and site are unchanged
 * (and whose vehicle pin, if any, is that vehicle); re-timed so rule 9 holds, each vehicle from
 * `starts` (where it stands once its locked trips are done). A vehicle with a trip on the road keeps
 * its later runs: dropping them re-timed every household of the second wave once the first had left.
 */
export function keepPreviousTrips(
  m: Model,
  previous: Plan,
  hotelOf: Int32Array,
  riders: number[],
  locked: Trip[],
  pins: Map<number, number>,
  starts: readonly VehicleStart[],
): Trip[] {
  const lockedKeys = new Set(locked.map((t) => `${t.vehicleId}|${t.departAt}`));
  const before = new Map(previous.stays.map((s) => [s.partyId, s.hotelId]));
  const riding = new Set(riders);
  const seen = new Set<string>();
  const hotelIds = new Map<string, string>();
  const trips: Trip[] = [];
  for (const t of previous.trips) {
    if (lockedKeys.has(`${t.vehicleId}|${t.departAt}`)) continue;
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
  return retimeTrips(m, trips, hotelIds, starts);
}
