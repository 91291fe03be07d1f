/**
 * `npm run bench:plan-seeds [-- --seeds 10]`: the shelter objective's time-to-shelter targets on
 * many generated incidents, not only the three that `npm run bench:plan` reports. Each of the
 * three 600-700-guest shapes (storm-like, scarce, needs-heavy) with seeds 1..N: guests and
 * vulnerable guests housed against the hand greedy (shared/planner/naive.ts), the last arrival
 * against the greedy's (target: >= 25% sooner) and against the seats-and-wheelchair-spaces bound
 * (target: <= 1.5 x), and whether the plan is valid and never beaten on tiers 1-2.
 *
 * Up to 1,500 households the planner's deadlines count work, so every figure here is the same on
 * any machine: the per-shape sums of last arrivals compare two versions of the planner directly.
 * Where the planner houses more guests than the greedy (scarce beds), "sooner" compares a plan
 * that carries more people; the table marks those rows. "25% asks" is what 25% sooner than the
 * greedy would be against the bound: below 1 no plan housing these guests can reach it, and just
 * above 1 only a plan as fast as the relaxation could (the plans here are 1.1-1.5 x the bound).
 */
import { generateScenario, type Shape } from '../seed/generate.js';
import { computeMetrics, lastArrivalBound, losesOnHousing, naivePlan, planRelocation, validatePlan } from '../shared/planner/index.js';
import { scenarioSchema, type Scenario } from '../shared/scenario.js';
import { num } from './args.js';

const seeds = num('seeds', 10);
const SHAPES: [string, Shape, number][] = [
  ['storm-like', 'normal', 669],
  ['scarce', 'scarce', 650],
  ['needs-heavy', 'needs-heavy', 640],
];
const mins = (s: Scenario, iso: string | null | undefined) => (iso ? (Date.parse(iso) - Date.parse(s.incident.startedAt)) / 60_000 : NaN);

console.log(
  '| shape | seed | housed / greedy | vulnerable / greedy | last arrival (min) | greedy | sooner | bound | x bound | 25% asks (x bound) | valid | greedy wins tiers 1-2 |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
const summary: string[] = [];
let failed = false;
for (const [name, shape, guests] of SHAPES) {
  let [sooner, near, more, sum, tight] = [0, 0, 0, 0, 0];
  for (let seed = 1; seed <= seeds; seed++) {
    const s = scenarioSchema.parse(generateScenario({ guests, shape, seed }));
    const greedy = computeMetrics(s, naivePlan(s));
    const plan = planRelocation(s, { objective: 'shelter' });
    const m = computeMetrics(s, plan);
    const [last, gLast, bound] = [mins(s, m.lastArrivalAt), mins(s, greedy.lastArrivalAt), mins(s, lastArrivalBound(s, plan))];
    const gain = 1 - last / gLast;
    const valid = validatePlan(s, plan).ok;
    const loses = losesOnHousing(m, greedy);
    failed ||= !valid || loses;
    sooner += gain >= 0.25 ? 1 : 0;
    near += last / bound <= 1.5 ? 1 : 0;
    more += m.peopleHoused > greedy.peopleHoused ? 1 : 0;
    sum += last;
    const asks = (0.75 * gLast) / bound;
    tight += gain < 0.25 && asks < 1.1 ? 1 : 0;
    console.log(
      `| ${name} | ${seed} | ${m.peopleHoused} / ${greedy.peopleHoused}${m.peopleHoused > greedy.peopleHoused ? ' (more)' : ''} | ${m.vulnerableHoused} / ${greedy.vulnerableHoused} | ${last.toFixed(0)} | ${gLast.toFixed(0)} | ${(gain * 100).toFixed(1)}%${gain >= 0.25 ? '' : ' (miss)'} | ${bound.toFixed(0)} | ${(last / bound).toFixed(2)} | ${asks.toFixed(2)}${asks < 1 ? ' (out of reach)' : ''} | ${valid ? 'yes' : 'NO'} | ${loses ? 'YES' : 'no'} |`,
    );
  }
  summary.push(
    `${name}: >= 25% sooner than the greedy on ${sooner} of ${seeds} seeds, within 1.5 x the bound on ${near} of ${seeds}, more guests housed than the greedy on ${more}; of the misses, ${tight} would need a plan within 1.1 x the bound; sum of last arrivals ${sum.toFixed(0)} min`,
  );
}
console.log(`\n${summary.join('\n')}`);
if (failed) {
  console.error('A plan was invalid or beaten by the greedy on tiers 1-2.');
  process.exitCode = 1;
}
