/**
 * The same input gives the same plan, however busy the machine: up to 1,500 households every
 * deadline of the planner runs on counted work (shared/planner/time.ts), not on a clock. A caller's
 * clock only measures solveMs. Here the "machine" is made as busy as can be: a clock that jumps a
 * second at every reading would cut every time-budgeted stage short at once.
 */
import { generateScenario, type Shape } from '../../seed/generate.js';
import { planBoth, planRelocation } from '../../shared/planner/index.js';
import type { Plan } from '../../shared/plan.js';
import { scenarioSchema, type Scenario } from '../../shared/scenario.js';
import { runPlanPairInWorker } from '../../server/planner/worker.js';

/** A clock that has advanced a second every time it is read. */
function racingClock(): () => number {
  let t = 0;
  return () => (t += 1000);
}

/** The plan without its solve time (the one figure that measures the machine). */
const withoutSolveMs = (p: Plan) => ({ ...p, metrics: { ...p.metrics, solveMs: 0 } });

const scenarioOf = (guests: number, shape: Shape, seed: number): Scenario => scenarioSchema.parse(generateScenario({ guests, shape, seed }));

test.each([
  ['storm-like', 240, 'normal', 3],
  ['needs-heavy', 220, 'needs-heavy', 2],
] as const)('a fresh %s plan is the same plan on a quiet clock and a racing one', (_name, guests, shape, seed) => {
  const s = scenarioOf(guests, shape, seed);
  const quiet = planRelocation(s, { timeBudgetMs: 150 });
  const busy = planRelocation(s, { timeBudgetMs: 150, clock: racingClock() });
  expect(quiet.trips.length).toBeGreaterThan(0);
  expect(withoutSolveMs(busy)).toEqual(withoutSolveMs(quiet));
  // The racing clock still measures the solve: it was read at the start and the end.
  expect(busy.metrics.solveMs).toBeGreaterThanOrEqual(1000);
});

test('both alternatives and a re-plan after rooms are withdrawn are the same on either clock', () => {
  const s = scenarioOf(200, 'scarce', 4);
  const quiet = planBoth(s, { timeBudgetMs: 150 });
  const busy = planBoth(s, { timeBudgetMs: 150, clock: racingClock() });
  expect(withoutSolveMs(busy.shelter)).toEqual(withoutSolveMs(quiet.shelter));
  expect(withoutSolveMs(busy.cost)).toEqual(withoutSolveMs(quiet.cost));
  const fewer = structuredClone(s);
  const hotel = fewer.hotels.find((h) => quiet.shelter.stays.some((x) => x.hotelId === h.id))!;
  for (const rt of hotel.roomTypes) rt.count = Math.floor(rt.count / 2);
  const again = planRelocation(fewer, { previous: quiet.shelter });
  const againBusy = planRelocation(fewer, { previous: quiet.shelter, clock: racingClock() });
  expect(again.changes?.length).toBeGreaterThan(0);
  expect(withoutSolveMs(againBusy)).toEqual(withoutSolveMs(again));
});

test("the server's worker thread computes the same pair as this thread", async () => {
  // The server plans fresh incidents in a worker: a new thread, a cold JIT, the same plans.
  const s = scenarioOf(180, 'needs-heavy', 7);
  const here = planBoth(s, { timeBudgetMs: 150 });
  const there = await runPlanPairInWorker({ scenario: s, timeBudgetMs: 150 });
  expect(withoutSolveMs(there.shelter)).toEqual(withoutSolveMs(here.shelter));
  expect(withoutSolveMs(there.cost)).toEqual(withoutSolveMs(here.cost));
}, 60_000);
