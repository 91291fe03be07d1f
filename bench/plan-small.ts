/**
 * The planner at small size for `npm run bench` (the full picture, with bounds and 100k, is
 * `npm run bench:plan`): the storm seed and a generated 600-guest scenario, planned twice each
 * (cold and warm JIT), CPU time on the planner's own clock, valid or not, and people housed; then
 * the re-plan case of `npm run bench:plan` (wall time).
 */
import { generateScenario } from '../seed/generate.js';
import { stormScenario } from '../seed/storm.js';
import { computeMetrics, planRelocation, validatePlan } from '../shared/planner/index.js';
import { scenarioSchema } from '../shared/scenario.js';
import { report } from './lib/result.js';
import { replanCase } from './replan-case.js';

const cpuClock = () => process.cpuUsage().user / 1000;
for (const [name, scenario] of [
  ['storm', scenarioSchema.parse(stormScenario())],
  ['600 normal', scenarioSchema.parse(generateScenario({ guests: 600, seed: 1 }))],
] as const) {
  const guests = scenario.parties.reduce((n, p) => n + p.guests.length, 0);
  planRelocation(scenario, { clock: cpuClock });
  const plan = planRelocation(scenario, { clock: cpuClock });
  const m = computeMetrics(scenario, plan);
  const valid = validatePlan(scenario, plan).ok;
  console.log(`${name}: ${guests} guests, ${m.peopleHoused} housed, valid ${valid}, planner CPU ${plan.metrics.solveMs} ms (warm)`);
  report({
    figure: `planner CPU time, ${name} (warm)`,
    value: plan.metrics.solveMs ?? 0,
    unit: 'ms',
    note: `${m.peopleHoused} of ${guests} housed, ${valid ? 'valid' : 'INVALID'}`,
  });
}

// The re-plan case: 669 guests planned, then a hotel withdraws 30% of its rooms with the
// earliest tenth of the trips gone (locked). Wall time of the planner in this thread: the process's
// CPU clock would also count other threads.
{
  const s = scenarioSchema.parse(generateScenario({ guests: 669, seed: 1 }));
  const first = planRelocation(s);
  const r = replanCase(s, first, planRelocation);
  console.log(
    `re-plan, 669 storm-like: ${r.replanMs} ms (again ${r.replanWarmMs} ms), moved ${r.moved} for ${r.displaced} displaced, locked trips kept ${r.lockedKept}/${r.locked}, valid ${r.valid}`,
  );
  report({
    figure: 're-plan after a withdrawal, 669 guests (wall)',
    value: r.replanMs,
    unit: 'ms',
    target: '<= 100',
    note: `again ${r.replanWarmMs} ms; moved ${r.moved} for ${r.displaced} displaced; locks kept ${r.lockedKept}/${r.locked}; ${r.valid ? 'valid' : 'INVALID'}`,
  });
}
