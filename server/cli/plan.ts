/**
 * `npm run plan -- SCENARIO.json [--objective shelter|cost] [--previous PLAN.json] [--locked LOCKED.json] [--pins PINS.json] [--out PLAN.json]`
 * Prints the plan as JSON (stdout or --out) and a human summary on stderr.
 */
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { planSchema } from '../../shared/plan.js';
import { planRelocation, validatePlan, type Pin } from '../../shared/planner/index.js';
import { PLAN_OBJECTIVES, scenarioSchema, type PlanObjective } from '../../shared/scenario.js';
import { readJsonFile } from './read-json.js';
import { lockedRefErrors } from '../../shared/planner/locked-refs.js';
import { describeFieldErrors } from '../../shared/errors.js';
import { countOf } from '../../shared/plural.js';
import { printSummary } from './summary.js';

const USAGE =
  'usage: npm run plan -- SCENARIO.json [--objective shelter|cost] [--previous PLAN.json] [--locked LOCKED.json] [--pins PINS.json] [--out PLAN.json]';
const pinsSchema = z.array(z.object({ partyId: z.string().min(1), hotelId: z.string().min(1).optional(), vehicleId: z.string().min(1).optional() }));

function main(argv: string[]): void {
  const flags = new Map<string, string>();
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') return console.log(USAGE);
    if (a.startsWith('--')) {
      const v = argv[++i];
      if (!v) throw new Error(`${a} needs ${a === '--objective' ? 'shelter or cost' : 'a file'}\n${USAGE}`);
      flags.set(a.slice(2), v);
    } else files.push(a);
  }
  const unknown = [...flags.keys()].filter((k) => !['previous', 'locked', 'pins', 'out', 'objective'].includes(k));
  if (files.length !== 1 || unknown.length) throw new Error(unknown.length ? `unknown option --${unknown[0]}\n${USAGE}` : USAGE);
  const scenario = readJsonFile(files[0]!, scenarioSchema, 'scenario');
  const previous = flags.has('previous') ? readJsonFile(flags.get('previous')!, planSchema, 'previous plan') : null;
  const locked = flags.has('locked') ? readJsonFile(flags.get('locked')!, planSchema, 'locked plan') : null;
  const lockErrors = locked ? lockedRefErrors(scenario, locked) : [];
  if (lockErrors.length) {
    const shown = lockErrors.slice(0, 50).map((e) => `  ${describeFieldErrors([e])}`);
    throw new Error(
      `locked plan ${flags.get('locked')} does not match the scenario (${countOf(lockErrors.length, 'problem')}):\n${shown.join('\n')}${lockErrors.length > 50 ? `\n  ... and ${lockErrors.length - 50} more` : ''}`,
    );
  }
  const pins: Pin[] = flags.has('pins') ? readJsonFile(flags.get('pins')!, pinsSchema, 'pins') : [];
  const objective = flags.get('objective');
  if (objective !== undefined && !(PLAN_OBJECTIVES as readonly string[]).includes(objective))
    throw new Error(`--objective expects shelter or cost, got ${objective}\n${USAGE}`);
  const plan = planRelocation(scenario, { previous, locked, pins, ...(objective ? { objective: objective as PlanObjective } : {}) });
  const json = JSON.stringify(plan, null, 2) + '\n';
  const out = flags.get('out');
  if (out) writeFileSync(out, json);
  else process.stdout.write(json);
  const check = validatePlan(scenario, plan, { previous, locked, pins });
  printSummary(scenario, plan, check);
  if (out) console.error(`plan written to ${out}`);
  // A plan that breaks a rule (a lock that no vehicle can honour) is written for reading, never passed as good.
  if (!check.ok) process.exitCode = 1;
}

try {
  main(process.argv.slice(2));
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}
