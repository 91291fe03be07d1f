/**
 * Manual changes by a duty manager: move one household to another hotel and/or vehicle, then
 * judge the result by the same validator as the planner, so the UI can refuse a move that breaks a
 * rule and say which one. The affected vehicles' trips are re-timed (rule 9) as part of the move.
 */
import type { Plan, Stay } from '../plan.js';
import type { Scenario } from '../scenario.js';
import { cheapestFreeCombo, comboRooms } from './combos.js';
import { buildModel } from './model.js';
import { LAST, retimeVehicle } from './retime.js';
import { stayCombo } from './planner.js';
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
    if (h === undefined)
      return { ok: false, violations: [{ rule: 2, partyId: move.partyId, hotelId: move.hotelId, message: `unknown hotel ${move.hotelId}` }], plan };
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
      if (!c)
        return finish(scenario, next, before, [
          { rule: 3, partyId: move.partyId, hotelId: move.hotelId, message: `${m.hotels[h]!.hotel.name} has no free rooms that suit ${move.partyId}` },
        ]);
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
