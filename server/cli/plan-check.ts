/**
 * `npm run plan:check -- SCENARIO.json PLAN.json [--previous PLAN.json] [--locked LOCKED.json]`
 * Validates a plan against every rule of the contract, prints the metrics; exits 1 if invalid.
 */
import { planSchema } from '../../shared/plan.js';
import { validatePlan } from '../../shared/planner/index.js';
import { scenarioSchema } from '../../shared/scenario.js';
import { readJsonFile } from './read-json.js';
import { printSummary } from './summary.js';

const USAGE = 'usage: npm run plan:check -- SCENARIO.json PLAN.json [--previous PLAN.json] [--locked LOCKED.json]';

const argv = process.argv.slice(2);
const files: string[] = [];
const flags = new Map<string, string>();
for (let i = 0; i < argv.length; i++) {
  const a = argv[i]!;
  if (a.startsWith('--')) flags.set(a.slice(2), argv[++i] ?? '');
  else files.push(a);
}
if (files.length !== 2 || [...flags.keys()].some((k) => !['previous', 'locked'].includes(k))) {
  console.error(USAGE);
  process.exit(2);
}
const scenario = readJsonFile(files[0]!, scenarioSchema, 'scenario');
const plan = readJsonFile(files[1]!, planSchema, 'plan');
const previous = flags.get('previous') ? readJsonFile(flags.get('previous')!, planSchema, 'previous plan') : null;
const locked = flags.get('locked') ? readJsonFile(flags.get('locked')!, planSchema, 'locked plan') : null;
const check = validatePlan(scenario, plan, { previous, locked });
console.log(JSON.stringify({ ok: check.ok, metrics: check.metrics, violations: check.violations }, null, 2));
printSummary(scenario, plan, check);
process.exit(check.ok ? 0 : 1);
