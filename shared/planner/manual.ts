/**
 * Manual changes by a duty manager: move one household to another hotel and/or vehicle, then
 * judge the result by the same validator as the planner, so the UI can refuse a move that breaks a
 * rule and say which one. The affected vehicles' trips are re-timed (rule 9) as part of the move.
 */
import { roadKm, type LatLng } from '../geo.js';
import type { Plan, Stay, Trip } from '../plan.js';
import type { Scenario } from '../scenario.js';
import { cheapestFreeCombo, comboRooms } from './combos.js';
import { driveMs, buildModel, vehicleReadyMs, type Model } from './model.js';
import { stayCombo } from './planner.js';
import { ceilSecond, formatIso, MINUTE_MS, parseIso } from './time.js';
import { validatePlan, type Violation } from './validate.js';

export interface ManualMove {
  partyId: string;
  /** New hotel; rooms default to the cheapest free ones that suit the household. */
  hotelId?: string;
  rooms?: Stay['rooms'];
  /** New vehicle; the household joins that vehicle's trip from its site (or a new trip at the end). */
  vehicleId?: string;
}

export interface ManualMoveResult {
  ok: boolean;
  /** Violations the move introduces (ones the plan already had are left out). */
  violations: Violation[];
  plan: Plan;
}

/** Placeholder departure for a new trip: sorts after every real one, then re-timed. */
const LAST = '9999-12-31T00:00:00Z';
const key = (x: Violation) => `${x.rule}|${x.message}`;

/** Apply a move to a copy of the plan and report what it would break. */
export function checkManualMove(scenario: Scenario, plan: Plan, move: ManualMove): ManualMoveResult {
  const m = buildModel(scenario);
  const next: Plan = structuredClone(plan);
  const before = new Set(validatePlan(scenario, plan).violations.map(key));
  const p = m.partyIndex.get(move.partyId);
  if (p === undefined) return { ok: false, violations: [{ rule: 1, partyId: move.partyId, message: `unknown party ${move.partyId}` }], plan };
  const info = m.parties[p]!;
  const oldStay = next.stays.find((s) => s.partyId === move.partyId);
  const touched = new Set<string>();
  if (move.hotelId !== undefined) {
    const h = m.hotelIndex.get(move.hotelId);
    if (h === undefined) return { ok: false, violations: [{ rule: 2, partyId: move.partyId, hotelId: move.hotelId, message: `unknown hotel ${move.hotelId}` }], plan };
    let rooms = move.rooms;
    if (!rooms) {
      const avail = Int32Array.from(m.rooms, (r) => r.count);
      for (const s of next.stays) {
        const sh = m.hotelIndex.get(s.hotelId);
        const c = s.partyId === move.partyId || sh === undefined ? null : stayCombo(m, sh, s.rooms);
        c?.slots.forEach((slot, i) => (avail[slot]! -= c.counts[i]!));
      }
      const c = cheapestFreeCombo(m, h, info.size, info.wheel > 0, avail);
      rooms = c ? comboRooms(m, c) : (m.hotels[h]!.hotel.roomTypes.slice(0, 1).map((r) => ({ type: r.type, count: 1 })) as Stay['rooms']);
      if (!c) return finish(scenario, next, before, [{ rule: 3, partyId: move.partyId, hotelId: move.hotelId, message: `${m.hotels[h]!.hotel.name} has no free rooms that suit ${move.partyId}` }]);
    }
    next.stays = next.stays.filter((s) => s.partyId !== move.partyId);
    next.stays.push({ partyId: move.partyId, hotelId: move.hotelId, rooms });
    next.unassigned = next.unassigned.filter((u) => u.partyId !== move.partyId);
  }
  const hotelId = next.stays.find((s) => s.partyId === move.partyId)?.hotelId ?? oldStay?.hotelId;
  const current = next.trips.find((t) => t.partyIds.includes(move.partyId));
  const targetVehicle = move.vehicleId ?? current?.vehicleId;
  if (hotelId && targetVehicle !== undefined) {
    if (current) {
      current.partyIds = current.partyIds.filter((x) => x !== move.partyId);
      touched.add(current.vehicleId);
    }
    let trip = next.trips.find((t) => t.vehicleId === targetVehicle && t.fromSiteId === info.party.siteId && (t === current || move.vehicleId !== undefined));
    if (!trip) {
      trip = { vehicleId: targetVehicle, fromSiteId: info.party.siteId, stops: [], partyIds: [], departAt: LAST, arrivals: [] };
      next.trips.push(trip);
    }
    trip.partyIds.push(move.partyId);
    touched.add(targetVehicle);
  }
  for (const v of touched) retimeVehicle(m, next, v);
  return finish(scenario, next, before, []);
}

function finish(scenario: Scenario, next: Plan, before: Set<string>, extra: Violation[]): ManualMoveResult {
  const after = validatePlan(scenario, next).violations.filter((x) => !before.has(key(x)));
  const violations = [...extra, ...after];
  return { ok: violations.length === 0, violations, plan: next };
}

/**
 * Rebuild one vehicle's trips after a change: drop empty trips, make stops exactly the hotels of
 * the parties on board, and shift departures later where rule 9 needs it (never earlier).
 */
export function retimeVehicle(m: Model, plan: Plan, vehicleId: string): void {
  const v = m.vehicleIndex.get(vehicleId);
  if (v === undefined) return;
  const hotelOf = new Map(plan.stays.map((s) => [s.partyId, s.hotelId]));
  plan.trips = plan.trips.filter((t) => t.vehicleId !== vehicleId || t.partyIds.length > 0);
  const mine = plan.trips.filter((t) => t.vehicleId === vehicleId).sort((a, b) => parseIso(a.departAt) - parseIso(b.departAt));
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
