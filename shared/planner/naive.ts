/**
 * The naive planner the benchmark measures against: each household in file order goes to the
 * nearest hotel with free rooms that suit it (cheapest rooms there), each trip serves one hotel,
 * and each load takes the earliest free vehicle. Valid, but blind to cost and to combining stops.
 */
import { now } from './time.js';
import { PLAN_FORMAT, type Plan, type Stay, type Trip, type Unassigned } from '../plan.js';
import type { Scenario } from '../scenario.js';
import { hotelAllowed } from './columns.js';
import { cheapestFreeCombo, comboRooms, take } from './combos.js';
import { unassignedReason } from './explain.js';
import { computeMetrics } from './metrics.js';
import { buildModel, carriable, kmSiteHotel } from './model.js';
import { buildTrip, earliestDeparture, initialVehicles } from './route.js';

/** A simple, valid plan for comparison. */
export function naivePlan(scenario: Scenario): Plan {
  const t0 = now();
  const m = buildModel(scenario);
  const avail = Int32Array.from(m.rooms, (r) => r.count);
  const hotelOf = new Int32Array(m.parties.length).fill(-1);
  const stays: Stay[] = [];
  const unassigned: Unassigned[] = [];
  const byDistance = m.sites.map((_, s) => m.hotels.map((h) => h.idx).sort((a, b) => kmSiteHotel(m, s, a) - kmSiteHotel(m, s, b)));
  for (const p of m.parties) {
    if (!carriable(m, p)) continue;
    for (const h of byDistance[p.site]!) {
      if (!hotelAllowed(m, p, h)) continue;
      const c = cheapestFreeCombo(m, h, p.size, p.wheel > 0, avail);
      if (!c) continue;
      take(c, avail, 1);
      hotelOf[p.idx] = h;
      stays.push({ partyId: p.party.id, hotelId: m.hotels[h]!.hotel.id, rooms: comboRooms(m, c) });
      break;
    }
  }
  for (const p of m.parties) if (hotelOf[p.idx]! < 0) unassigned.push({ partyId: p.party.id, reason: unassignedReason(m, p.idx, avail) });
  // Transport: (site, hotel) groups in order of first appearance, one hotel per trip.
  const groups = new Map<string, number[]>();
  for (const p of m.parties) {
    if (hotelOf[p.idx]! < 0) continue;
    const key = `${p.site}|${hotelOf[p.idx]}`;
    const g = groups.get(key);
    if (g) g.push(p.idx);
    else groups.set(key, [p.idx]);
  }
  const vs = initialVehicles(m, []);
  const trips: Trip[] = [];
  for (const list of groups.values()) {
    const pending = [...list];
    while (pending.length) {
      const first = m.parties[pending[0]!]!;
      let best = -1;
      let bestD = Infinity;
      vs.forEach((v, i) => {
        const veh = m.vehicles[v.idx]!;
        if (veh.seats < first.seated || veh.wheelchairSpaces < first.wheel) return;
        const d = earliestDeparture(m, v, first.site);
        if (d < bestD) [best, bestD] = [i, d];
      });
      const v = vs[best]!;
      const veh = m.vehicles[v.idx]!;
      let seats = veh.seats;
      let wc = veh.wheelchairSpaces;
      const load: number[] = [];
      for (const p of pending) {
        const info = m.parties[p]!;
        if (info.seated <= seats && info.wheel <= wc) {
          seats -= info.seated;
          wc -= info.wheel;
          load.push(p);
        }
      }
      for (const p of load) pending.splice(pending.indexOf(p), 1);
      trips.push(buildTrip(m, v, first.site, [hotelOf[first.idx]!], load.map((p) => m.parties[p]!.party.id)).trip);
    }
  }
  const plan: Plan = { format: PLAN_FORMAT, stays, trips, unassigned, metrics: {} };
  const mt = computeMetrics(scenario, plan);
  plan.metrics = {
    peopleHoused: mt.peopleHoused,
    peopleUnassigned: mt.peopleUnassigned,
    roomCostMinorPerNight: mt.roomCostMinorPerNight,
    travelCostMinor: mt.travelCostMinor,
    transportCostMinor: mt.transportCostMinor,
    lastArrivalAt: mt.lastArrivalAt,
    solveMs: Math.round(now() - t0),
  };
  return plan;
}
