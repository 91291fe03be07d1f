/** Every plan the planner makes, on hundreds of random and degenerate scenarios, passes the validator. */
import fc from 'fast-check';
import { naivePlan, planRelocation, validatePlan } from '../../shared/planner/index.js';
import { planSchema } from '../../shared/plan.js';
import { scenarioArb } from './arbitraries.js';

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

test('the planner never houses fewer vulnerable guests than the naive planner', () => {
  fc.assert(
    fc.property(scenarioArb, (s) => {
      const a = validatePlan(s, planRelocation(s, { timeBudgetMs: 30 })).metrics;
      const b = validatePlan(s, naivePlan(s)).metrics;
      expect(a.vulnerableHoused).toBeGreaterThanOrEqual(b.vulnerableHoused);
    }),
    { numRuns: 150, seed: 11 },
  );
});
