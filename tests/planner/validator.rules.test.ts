/** The validator catches a hand-broken plan for each of the nine rules (and locks and pins). */
import { planRelocation, validatePlan, type RuleId } from '../../shared/planner/index.js';
import type { Plan } from '../../shared/plan.js';
import { ruleScenario } from './fixture.js';

const s = ruleScenario();
const good = planRelocation(s);
const broken = (f: (p: Plan) => void): Plan => {
  const p = structuredClone(good);
  f(p);
  return p;
};
const rules = (p: Plan): RuleId[] => validatePlan(s, p).violations.map((v) => v.rule);
const stay = (p: Plan, id: string) => p.stays.find((x) => x.partyId === id)!;
const trip = (p: Plan, id: string) => p.trips.find((t) => t.partyIds.includes(id))!;

test('the planned fixture is valid and houses everyone', () => {
  expect(validatePlan(s, good).violations).toEqual([]);
  expect(good.stays).toHaveLength(4);
});

test('rule 1: a party missing from stays and unassigned', () => {
  expect(rules(broken((p) => (p.stays = p.stays.filter((x) => x.partyId !== 'P4'))))).toContain(1);
});

test('rule 1: an unassigned party without a usable reason', () => {
  expect(rules(broken((p) => p.unassigned.push({ partyId: 'P4', reason: ' ' })))).toContain(1);
});

test('rule 2: beds do not cover the party', () => {
  expect(rules(broken((p) => (stay(p, 'P3').rooms = [{ type: 'double', count: 1 }])))).toContain(2);
});

test('rule 2: a room type the hotel does not have', () => {
  expect(rules(broken((p) => (stay(p, 'P4').rooms = [{ type: 'penthouse', count: 1 }])))).toContain(2);
});

test('rule 3: more rooms of a type than the hotel has', () => {
  expect(rules(broken((p) => (stay(p, 'P4').rooms = [{ type: stay(p, 'P4').hotelId === 'H1' ? 'family' : 'double', count: 5 }])))).toContain(3);
});

test('rule 4: wheelchair user without an accessible room', () => {
  expect(stay(good, 'P1').hotelId).toBe('H1');
  expect(rules(broken((p) => (stay(p, 'P1').rooms = [{ type: 'double', count: 1 }])))).toContain(4);
});

test('rule 5: pets at a hotel that does not take them', () => {
  const p = broken((x) => {
    stay(x, 'P2').hotelId = 'H2';
    stay(x, 'P2').rooms = [{ type: 'double', count: 1 }];
  });
  expect(rules(p)).toContain(5);
});

test('rule 6: a hotel beyond the distance limit', () => {
  const p = broken((x) => {
    stay(x, 'P4').hotelId = 'H3';
    stay(x, 'P4').rooms = [{ type: 'double', count: 1 }];
  });
  expect(rules(p)).toContain(6);
});

test('rule 7: a housed party on no trip', () => {
  const p = broken((x) => {
    const t = trip(x, 'P4');
    t.partyIds = t.partyIds.filter((id) => id !== 'P4');
  });
  expect(rules(p)).toContain(7);
});

test('rule 7: a party on a trip that does not stop at its hotel', () => {
  const p = broken((x) => {
    stay(x, 'P2').hotelId = 'H3';
    stay(x, 'P2').rooms = [{ type: 'double', count: 1 }];
  });
  expect(rules(p)).toContain(7);
});

test('rule 8: more wheelchair users than wheelchair spaces', () => {
  const p = broken((x) => (trip(x, 'P1').vehicleId = 'T1'));
  expect(rules(p)).toContain(8);
});

test('rule 9: an arrival five minutes off', () => {
  const p = broken((x) => {
    const t = x.trips[0]!;
    t.arrivals[0] = new Date(Date.parse(t.arrivals[0]!) + 5 * 60_000).toISOString();
  });
  expect(rules(p)).toContain(9);
});

test('rule 9: a departure before the vehicle can be there', () => {
  const p = broken((x) => {
    const t = x.trips[0]!;
    t.departAt = '2026-03-01T19:00:00Z';
  });
  expect(rules(p)).toContain(9);
});

test('rule 9: a stop nobody on board is going to', () => {
  const p = broken((x) => {
    const t = x.trips[0]!;
    t.stops.push('H3');
    t.arrivals.push(t.arrivals[t.arrivals.length - 1]!);
  });
  expect(rules(p)).toContain(9);
});

test('locks and pins are checked when given', () => {
  const locked = { stays: [stay(good, 'P4')], trips: [] };
  const moved = broken((x) => (stay(x, 'P4').rooms = [{ type: 'double', count: 2 }]));
  expect(validatePlan(s, moved, { locked }).violations.map((v) => v.rule)).toContain('locked');
  expect(validatePlan(s, good, { pins: [{ partyId: 'P4', hotelId: 'H3' }] }).violations.map((v) => v.rule)).toContain('pin');
});
