/**
 * Writes a seed scenario as JSON to stdout, so the planner, importer and benchmarks can be fed
 * from files without committing large generated data:
 *
 *   tsx seed/cli.ts storm > storm.json
 *   tsx seed/cli.ts small --pretty
 *   tsx seed/cli.ts generate --guests 100000 [--shape far-hotels] [--seed 7] [--hotels 800] [--vehicles 5000]
 */
import { pathToFileURL } from 'node:url';
import type { ScenarioInput } from '../shared/scenario.js';
import { generateScenario, SHAPES, type Shape } from './generate.js';
import { smallScenario } from './small.js';
import { stormScenario } from './storm.js';

const USAGE = `usage: tsx seed/cli.ts storm|small|generate [--guests N] [--shape ${SHAPES.join('|')}] [--seed K] [--hotels H] [--vehicles V] [--pretty]`;

class UsageError extends Error {}

function wholeNumber(flag: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (value === undefined || value === '' || !Number.isInteger(n) || n < min)
    throw new UsageError(`${flag} expects a whole number of at least ${min}, got "${value ?? ''}"`);
  return n;
}

/** Parses argv into a scenario; throws UsageError with a message a person can act on. */
export function scenarioFromArgs(argv: readonly string[]): { scenario: ScenarioInput; pretty: boolean } {
  const [command, ...rest] = argv;
  const flags = new Map<string, string>();
  let pretty = false;
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i]!;
    if (flag === '--pretty') pretty = true;
    else if (['--guests', '--shape', '--seed', '--hotels', '--vehicles'].includes(flag)) flags.set(flag, rest[++i] ?? '');
    else throw new UsageError(`unknown option "${flag}"`);
  }
  if (command === 'storm') return { scenario: stormScenario(), pretty };
  if (command === 'small') return { scenario: smallScenario(), pretty };
  if (command !== 'generate') throw new UsageError(command ? `unknown scenario "${command}"` : 'which scenario?');
  const shape = flags.get('--shape') ?? 'normal';
  if (!(SHAPES as readonly string[]).includes(shape)) throw new UsageError(`--shape expects one of ${SHAPES.join(', ')}`);
  const scenario = generateScenario({
    guests: wholeNumber('--guests', flags.get('--guests'), 1),
    shape: shape as Shape,
    seed: flags.has('--seed') ? wholeNumber('--seed', flags.get('--seed'), 0) : 1,
    ...(flags.has('--hotels') ? { hotels: wholeNumber('--hotels', flags.get('--hotels'), 1) } : {}),
    ...(flags.has('--vehicles') ? { vehicles: wholeNumber('--vehicles', flags.get('--vehicles'), 0) } : {}),
  });
  return { scenario, pretty };
}

function main(): void {
  try {
    const { scenario, pretty } = scenarioFromArgs(process.argv.slice(2));
    process.stdout.write(JSON.stringify(scenario, null, pretty ? 2 : undefined) + '\n');
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n${USAGE}\n`);
    process.exitCode = 2;
  }
}

// Run only as a script, so tests can import scenarioFromArgs.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
