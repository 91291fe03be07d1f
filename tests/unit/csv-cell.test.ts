/**
 * The one CSV cell rule (server/exports/csv.ts): cells a spreadsheet would run as formulas get a
 * leading apostrophe, plain numbers stay, and the rule is undone exactly by `csvValue`, so what
 * the chain hashes can be recovered from the file. And the outbox's rule for answers
 * (client/src/offline/retry.ts): a 409 marked retryable is retried, other refusals are kept.
 */
import { csvCell, csvRow, csvValue, neutralise } from '../../server/exports/csv.js';
import { parseCsv } from '../../server/exports/csv-read.js';
import { verdict } from '../../client/src/offline/retry.js';

test('formula starts are neutralised (OWASP: = + - @ tab CR LF, also after spaces, and full-width), plain numbers and ordinary text are not', () => {
  for (const v of [
    '=1+1',
    '+1+1',
    '-1+1',
    '@SUM(A1)',
    '\tcmd',
    '\rcmd',
    '\ncmd',
    '=HYPERLINK("http://x")',
    "'=1",
    "''@x",
    '-',
    '+',
    '-12.50x',
    ' =1',
    '\n=1',
    '\uff1d1',
    "' =1",
  ])
    expect(neutralise(v)).toBe(`'${v}`);
  for (const v of ['-12.50', '+3', '-1e5', '12', '.5', 'Okafor', "'t Hooft", "'quoted'", '', 'a=b', ' x']) expect(neutralise(v)).toBe(v);
  expect(csvCell(-1250)).toBe('-1250');
  expect(csvCell(null)).toBe('');
  expect(csvCell('=1,2')).toBe(`"'=1,2"`);
  expect(csvCell('say "hi"')).toBe('"say ""hi"""');
});

test('reading back gives every value exactly (round trip through a CSV row)', () => {
  const values = ['=1+1', "'=1", "''=1", "'t Hooft", '-12.50', '-', '@', '\tx', 'plain', "'", "''", '=a,"b"\r\nc', ' =1', '\n@x', "' =1"];
  const [row] = parseCsv(csvRow(values));
  expect(row!.map(csvValue)).toEqual(values);
});

test('the outbox retries a key still in progress (409 retryable, Retry-After) and keeps real refusals', () => {
  expect(verdict(409, { error: { code: 'in_progress', message: 'still', details: { retryable: true } } }, '3')).toEqual({ kind: 'retry', afterMs: 3000 });
  expect(verdict(409, { error: { code: 'conflict', message: 'lease lost', details: { reason: 'in_progress', retryable: true } } })).toEqual({
    kind: 'retry',
    afterMs: null,
  });
  expect(verdict(409, { error: { code: 'conflict', message: 'Okafor is already checked in.' } })).toEqual({
    kind: 'refused',
    code: 'conflict',
    message: 'Okafor is already checked in.',
  });
  expect(verdict(503, null, '5')).toEqual({ kind: 'retry', afterMs: 5000 });
  expect(verdict(0, null)).toEqual({ kind: 'retry', afterMs: null });
  expect(verdict(200, { applied: true })).toEqual({ kind: 'done' });
  expect(verdict(401, null)).toEqual({ kind: 'signed-out' });
});
