/** Reading and validating the scenario and plan files the planner CLIs take. */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { describeFieldErrors, zodFieldErrors } from '../../shared/errors.js';
import { countOf } from '../../shared/plural.js';

/** Parse `file` with `schema`; on failure print every field path with its message and exit 2. */
export function readJsonFile<S extends z.ZodType>(file: string, schema: S, what: string): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    console.error(`${what} ${file}: ${(err as Error).message}`);
    process.exit(2);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const errors = zodFieldErrors(parsed.error);
    console.error(`${what} ${file} is invalid (${countOf(errors.length, 'problem')}):`);
    for (const e of errors.slice(0, 50)) console.error(`  ${describeFieldErrors([e])}`);
    if (errors.length > 50) console.error(`  ... and ${errors.length - 50} more`);
    process.exit(2);
  }
  return parsed.data;
}
