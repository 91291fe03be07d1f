/**
 * The planner at small size for `npm run bench` (the full picture, with bounds and 100k, is
 * `npm run bench:plan`): the storm seed and a generated 600-guest scenario, planned twice each
 * (cold and warm JIT), CPU time on the planner's own clock, valid or not, and people housed.
 */
import { generateScenario } from '../seed/generate.js';
import { stormScenario } from '../seed/storm.js';
import { computeMetrics, planRelocation, validatePlan } from '../shared/planner/index.js';
import { scenarioSchema } from '../shared/scenario.js';
import { report } from './lib/result.js';

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
