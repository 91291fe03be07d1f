/**
 * What the fuzzers share: hostile values (wrong types, huge and odd strings, deep nesting,
 * prototype-pollution keys, numbers JSON cannot hold), raw JSON text for what JSON.stringify
 * cannot write, and a fingerprint of the database to prove a refused request changed nothing.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import type { Database } from '../../server/db/client.js';

/** Runs per property; FUZZ_RUNS=200 for a longer local hunt. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 25);
/** The base seed; each property mixes in its own name so one failure replays alone. Print with a failure. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261031);

export function seedFor(name: string): number {
  return (FUZZ_SEED ^ createHash('sha256').update(name).digest().readInt32BE(0)) | 0;
}

/** fast-check parameters: reproducible, no shrinking (each run is a real request), seed printed on failure. */
export function fuzzParams(name: string, numRuns = FUZZ_RUNS): fc.Parameters<unknown> {
  return { seed: seedFor(name), numRuns, endOnFailure: true };
}

/** A piece of JSON text written as is (numbers like 1e309 or -0, duplicate or `__proto__` keys). */
export class Raw {
  constructor(readonly text: string) {}
}

/** JSON.stringify that writes `Raw` values verbatim. */
export function toJsonText(v: unknown): string {
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return `[${v.map(toJsonText).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${toJsonText(x)}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

const POLLUTION = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'];

/** `{"__proto__": {"polluted": true}}` and friends, as own keys (JSON.parse makes them so). */
export const pollutionArb = fc.constantFrom(
  new Raw('{"__proto__":{"polluted":"yes","role":"admin","isAdmin":true}}'),
  new Raw('{"constructor":{"prototype":{"polluted":"yes"}}}'),
  new Raw('{"__proto__":[],"length":1e309}'),
  new Raw('{"toString":"x","valueOf":1,"hasOwnProperty":null}'),
);

const oddStrings = fc.constantFrom(
  '',
  ' ',
  'NaN',
  '-NaN',
  'Infinity',
  '-0',
  '1e309',
  '0x1F',
  '1_000',
  '١٢٣', // Arabic-Indic digits
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  '\u0000',
  'a\u0000b',
  '\ud800', // a lone surrogate
  '\udfff\ud800',
  '\u202eevil',
  '😀👨‍👩‍👧‍👦',
  'Zalgo: Z̷̢͈̓a̸͍̐l̶̰̾g̵̗̈́ǒ̸̱',
  "'; drop table incidents; --",
  '../../../../etc/passwd',
  '%00',
  '%E0%A4%A',
  '<script>alert(1)</script>',
  '${7*7}{{7*7}}',
  '2026-02-30T25:61:00Z',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
);

const oddNumbers = fc.constantFrom<unknown>(
  0,
  -1,
  1.5,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53 + 2,
  Number.MAX_SAFE_INTEGER,
  1e300,
  -1e300,
  5e-324,
  new Raw('-0'),
  new Raw('1e309'),
  new Raw('-1e309'),
  new Raw('1E+2'),
  new Raw('0.0000000000000000000000000000001'),
  new Raw('123456789012345678901234567890'),
);

/** A very long string: plain, or of multi-byte characters. */
export const hugeStringArb = fc.tuple(fc.integer({ min: 1_000, max: 20_000 }), fc.constantFrom('x', 'é', '😀', '\u0000', ' ')).map(([n, ch]) => ch.repeat(n));

/** Arrays or objects nested hundreds or thousands deep. */
export const deepArb = fc
  .tuple(fc.integer({ min: 100, max: 3_000 }), fc.boolean())
  .map(([depth, arrays]) => new Raw(arrays ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`));

const keyArb = fc.oneof(fc.constantFrom(...POLLUTION), fc.string({ maxLength: 12 }), oddStrings);

/** Any JSON value, with hostile keys. */
export const jsonArb: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.string({ maxLength: 30 }),
    oddStrings,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(keyArb, tie('v'), { maxKeys: 4 }),
  ),
})).v;

/** A value to put where a field should be: of the wrong type, odd, huge, deep, polluting, or a wrong-looking id. */
export function nastyValueArb(ids: string[] = []): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: jsonArb },
    { weight: 3, arbitrary: oddStrings },
    { weight: 2, arbitrary: oddNumbers },
    { weight: 1, arbitrary: hugeStringArb },
    { weight: 1, arbitrary: deepArb },
    { weight: 1, arbitrary: pollutionArb },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: ids.length ? fc.constantFrom(...ids) : fc.uuid() },
    { weight: 1, arbitrary: fc.array(fc.constantFrom<unknown>(null, 1, 'a', {}), { maxLength: 3 }) },
  );
}

/** A string to put where a path parameter or query value goes. */
export function nastyStringArb(ids: string[] = []): fc.Arbitrary<string> {
  return fc.oneof(
    oddStrings,
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
    hugeStringArb.map((s) => s.slice(0, 3_000)),
    fc.uuid(),
    ids.length ? fc.constantFrom(...ids) : fc.uuid(),
    fc.integer().map(String),
  );
}

/** Malformed JSON text, sent as application/json. */
export const malformedJsonArb = fc.oneof(
  fc.constantFrom(
    '{',
    '}',
    '{"a":}',
    '{"a":1,}',
    "{'a':1}",
    '[1,2',
    'nul',
    'tru',
    '{"a":1}{"b":2}',
    '\u0000',
    '\ufeff{}',
    'NaN',
    '{"a":NaN}',
    '{"a":Infinity}',
    '{"a":undefined}',
    '"unterminated',
    '{"a":"\\x41"}',
    '{"a":"\\ud800"}',
    '// comment\n{}',
    '',
  ),
  fc.string({ maxLength: 40 }),
);

export interface Fingerprint {
  [table: string]: string;
}

/**
 * One md5 per table over every row (as text, sorted): what any accepted change would move.
 * Bookkeeping that a refused request may legitimately touch is left out: sessions, idempotency
 * claims (deleted again on failure) and the socket adapter's table.
 */
export async function fingerprinter(database: Database, ignore: string[] = ['sessions', 'idempotency_keys', 'socket_io_attachments']) {
  const rows = rowsOf<{ table_name: string }>(
    await database.db.execute(
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
    ),
  );
  const tables = rows.map((r) => r.table_name).filter((t) => !ignore.includes(t));
  if (tables.length < 10) throw new Error(`only ${tables.length} tables found`);
  const query = sql.raw(
    tables.map((t) => `select '${t}' as name, md5(coalesce(string_agg(t::text, ',' order by t::text), '')) as hash from "${t}" t`).join(' union all '),
  );
  return {
    tables,
    async take(): Promise<Fingerprint> {
      const out: Fingerprint = {};
      for (const r of rowsOf<{ name: string; hash: string }>(await database.db.execute(query))) out[r.name] = r.hash;
      return out;
    },
    /**
     * The fingerprint once background work set off by an accepted change (accrual, messages) has
     * landed: unchanged over three looks 50 ms apart. One look 25 ms on was too soon on a slow
     * machine: the accrual started later and landed during the next (refused) request.
     */
    async settled(): Promise<Fingerprint> {
      let prev = await this.take();
      let same = 0;
      for (let i = 0; i < 60 && same < 3; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const next = await this.take();
        same = JSON.stringify(next) === JSON.stringify(prev) ? same + 1 : 0;
        prev = next;
      }
      return prev;
    },
  };
}

function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

/** The tables whose hash differs. */
export function changedTables(before: Fingerprint, after: Fingerprint): string[] {
  return Object.keys({ ...before, ...after }).filter((k) => before[k] !== after[k]);
}

/** True when a request managed to pollute this process's Object.prototype (the server runs in the test's process). */
export function prototypePolluted(): string | null {
  const probe = {} as Record<string, unknown>;
  for (const k of ['polluted', 'role', 'isAdmin', 'length']) if (probe[k] !== undefined) return k;
  return null;
}
