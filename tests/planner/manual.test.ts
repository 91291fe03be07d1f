/** Manual moves are judged by the same rules; explanations name the binding constraint. */
import { checkManualMove, explainStay, planRelocation, comparePlans, naivePlan } from '../../shared/planner/index.js';
import { scenarioSchema } from '../../shared/scenario.js';
import { ruleScenario } from './fixture.js';

const s = ruleScenario();
// The cost objective's plan sends everyone on the coach, leaving the two-seat taxi free for the move below.
const plan = planRelocation(s, { objective: 'cost' });

test('a move to a suitable hotel and vehicle is accepted and re-timed', () => {
  const from = plan.stays.find((x) => x.partyId === 'P4')!.hotelId;
  const to = from === 'H1' ? 'H2' : 'H1';
  const r = checkManualMove(s, plan, { partyId: 'P4', hotelId: to, vehicleId: 'T1' });
  expect(r.violations).toEqual([]);
  expect(r.ok).toBe(true);
  expect(r.plan.trips.find((t) => t.partyIds.includes('P4'))?.vehicleId).toBe('T1');
});

test('a move that breaks a rule is refused with that rule', () => {
  expect(checkManualMove(s, plan, { partyId: 'P4', hotelId: 'H3' }).violations.map((v) => v.rule)).toContain(6);
  expect(checkManualMove(s, plan, { partyId: 'P2', hotelId: 'H2' }).violations.map((v) => v.rule)).toContain(5);
  expect(checkManualMove(s, plan, { partyId: 'P1', vehicleId: 'T1' }).violations.map((v) => v.rule)).toContain(8);
});

test('explainStay gives cost, distance and next-best options', () => {
  const e = explainStay(s, plan, 'P4');
  expect(e.current?.distanceKm).toBeGreaterThan(0);
  expect(e.current!.totalMinor).toBe(e.current!.roomCostMinor + e.current!.travelCostMinor);
  expect(e.alternatives.every((a) => a.hotelId !== e.current!.hotelId)).toBe(true);
});

test('unassigned reasons name the binding constraint and the way out', () => {
  const noAcc = structuredClone(s);
  noAcc.hotels[0]!.roomTypes = noAcc.hotels[0]!.roomTypes.filter((r) => !r.accessible);
  const p = planRelocation(noAcc);
  const reason = p.unassigned.find((u) => u.partyId === 'P1')?.reason ?? '';
  expect(reason).toMatch(/accessible room within 60 km/);
  expect(reason).toMatch(/Far Away/);
  const noVehicles = scenarioSchema.parse({ ...s, vehicles: [] });
  expect(planRelocation(noVehicles).unassigned.map((u) => u.reason)).toEqual(Array(4).fill('no vehicles in the scenario to carry anyone; add a vehicle'));
});

test('comparePlans follows the contract ordering', () => {
  const empty = { ...plan, stays: [], trips: [], unassigned: s.parties.map((p) => ({ partyId: p.id, reason: 'x' })) };
  expect(comparePlans(s, plan, empty)).toBeLessThan(0);
  expect(comparePlans(s, empty, plan)).toBeGreaterThan(0);
  expect(comparePlans(s, plan, plan)).toBe(0);
  expect(comparePlans(s, plan, naivePlan(s))).toBeLessThanOrEqual(0);
});
