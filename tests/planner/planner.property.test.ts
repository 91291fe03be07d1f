/** Every plan the planner makes, on hundreds of random and degenerate scenarios, passes the validator. */
import fc from 'fast-check';
import { lastArrivalBound, naivePlan, planRelocation, validatePlan } from '../../shared/planner/index.js';
import { planSchema } from '../../shared/plan.js';
import { scenarioArb } from './arbitraries.js';
import { generateScenario } from '../../seed/generate.js';
import { scenarioSchema } from '../../shared/scenario.js';
import { buildModel } from '../../shared/planner/model.js';
import { greedyOrder, greedyTrips } from '../../shared/planner/naive.js';

test('planner output is always valid and schema-clean', () => {
  fc.assert(
    fc.property(scenarioArb, (s) => {
      const plan = planRelocation(s, { timeBudgetMs: 30 });
      expect(planSchema.parse(plan)).toEqual(plan);
      const check = validatePlan(s, plan);
      expect(check.violations).toEqual([]);
      expect(check.metrics.peopleHoused + check.metrics.peopleUnassigned).toBe(s.parties.reduce((n, p) => n + p.guests.length, 0));
      for (const u of plan.unassigned) expect(u.reason.length).toBeGreaterThan(10);
    }),
    { numRuns: 250, seed: 42 },
  );
});

test('naive planner output is valid too (the benchmark compares against it)', () => {
  fc.assert(
    fc.property(scenarioArb, (s) => {
      expect(validatePlan(s, naivePlan(s)).violations).toEqual([]);
    }),
    { numRuns: 100, seed: 7 },
  );
});

describe.each(['shelter', 'cost'] as const)('objective %s', (objective) => {
  test('the planner is never beaten by the hand greedy on tiers 1-2 (vulnerable guests housed first, then guests housed)', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const plan = planRelocation(s, { timeBudgetMs: 30, objective });
        const a = validatePlan(s, plan).metrics;
        const b = validatePlan(s, naivePlan(s)).metrics;
        // Tier 1 first: more vulnerable guests wins outright; only when equal do all guests count.
        expect(a.vulnerableHoused).toBeGreaterThanOrEqual(b.vulnerableHoused);
        if (a.vulnerableHoused === b.vulnerableHoused) expect(a.peopleHoused).toBeGreaterThanOrEqual(b.peopleHoused);
      }),
      { numRuns: 300, seed: objective === 'shelter' ? 11 : 12 },
    );
  });

  test('nor on generated incidents where accessible rooms or beds run short', () => {
    const shapes = ['many-wheelchair', 'needs-heavy', 'scarce', 'scarce-rooms', 'normal'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...shapes), fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 150, max: 400 }), (shape, seed, guests) => {
        const s = scenarioSchema.parse(generateScenario({ guests, shape, seed }));
        const a = validatePlan(s, planRelocation(s, { timeBudgetMs: 30, objective })).metrics;
        const b = validatePlan(s, naivePlan(s)).metrics;
        expect(a.vulnerableHoused).toBeGreaterThanOrEqual(b.vulnerableHoused);
        if (a.vulnerableHoused === b.vulnerableHoused) expect(a.peopleHoused).toBeGreaterThanOrEqual(b.peopleHoused);
      }),
      { numRuns: 40, seed: objective === 'shelter' ? 31 : 32 },
    );
  });

  test("the plan's households are never carried later than the hand greedy would carry them to the same hotels", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const plan = planRelocation(s, { timeBudgetMs: 30, objective });
        if (!plan.metrics.lastArrivalAt) return;
        const m = buildModel(s);
        const hotelOf = new Int32Array(m.parties.length).fill(-1);
        for (const st of plan.stays) hotelOf[m.partyIndex.get(st.partyId)!] = m.hotelIndex.get(st.hotelId)!;
        const g = greedyTrips(m, hotelOf, greedyOrder(m), []);
        if (g.unserved.length) return;
        expect(Date.parse(plan.metrics.lastArrivalAt)).toBeLessThanOrEqual(g.lastArrivalMs + 1000);
      }),
      { numRuns: 150, seed: objective === 'shelter' ? 13 : 14 },
    );
  });

  test('plans are valid and report the arrival metrics', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const plan = planRelocation(s, { timeBudgetMs: 30, objective });
        const check = validatePlan(s, plan);
        expect(check.violations).toEqual([]);
        expect(plan.metrics.lastArrivalAt ?? null).toBe(check.metrics.lastArrivalAt);
        expect(plan.metrics.vulnerableLastArrivalAt ?? null).toBe(check.metrics.vulnerableLastArrivalAt);
        if (check.metrics.vulnerableLastArrivalAt)
          expect(Date.parse(check.metrics.vulnerableLastArrivalAt)).toBeLessThanOrEqual(Date.parse(check.metrics.lastArrivalAt!));
        expect(plan.metrics.meanArrivalMinutes ?? null).toBe(check.metrics.meanArrivalMinutes);
        // No plan lands its last household before the relaxation's bound.
        const bound = lastArrivalBound(s, plan);
        if (bound && check.metrics.lastArrivalAt) expect(Date.parse(check.metrics.lastArrivalAt)).toBeGreaterThanOrEqual(Date.parse(bound) - 1000);
      }),
      { numRuns: 150, seed: 21 },
    );
  });
});
