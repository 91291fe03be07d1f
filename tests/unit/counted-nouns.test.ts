/**
 * "1 households", "1 events in the log": a count written straight before its noun reads wrong
 * whenever the count is one. Every count that people read (pages, messages, files, the CLI, plan
 * explanations) goes through `countOf` (shared/plural.ts) or the client's `plural`, which pick the
 * noun from the number. This test finds a number interpolated straight before a plural noun in
 * the sources, so a new one fails here instead of on a duty manager's screen.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DIRS = ['client/src', 'server', 'shared', 'seed'];
const NOUNS = [
  'arrivals',
  'beds',
  'changes',
  'charges',
  'check-ins',
  'entries',
  'events',
  'exceptions',
  'guests',
  'households',
  'hotels',
  'items',
  'lines',
  'members',
  'messages',
  'nights',
  'offers',
  'people',
  'photos',
  'problems',
  'replies',
  'riders',
  'rooms',
  'seats',
  'spaces',
  'stops',
  'trips',
  'users',
  'vehicles',
  'violations',
  'wheelchair spaces',
  'wheelchair users',
];
/**
 * An interpolation (`${...}` or JSX `{...}`) closing straight before one of the nouns, optionally
 * after a space and one or two words that qualify it ("1 accessible rooms free", "1 more households").
 */
const COUNTED = new RegExp(`\\}\\s?(?:\\{' '\\})?(?:(?!(?:of|than|from|in|to|at|on|for|with|by)\\s)[a-z][a-z-]*\\s){0,2}(${NOUNS.join('|')})\\b`, 'g');
/** Interpolations before those nouns that are not counts (a room type's name, money, words). */
const NOT_COUNTS = [/\$\{r\.type\} rooms offered/, /formatMoneyMinor\([^)]*\)\} rooms a night/, /'pet-friendly ' : ''\}rooms/];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(path.join(dir, d.name)) : /\.tsx?$/.test(d.name) ? [path.join(dir, d.name)] : [],
  );
}

test('no count is written straight before a plural noun', () => {
  const found: string[] = [];
  for (const file of DIRS.flatMap((d) => sources(path.join(ROOT, d)))) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (/^\s*(\/\/|\*|\/\*)/.test(line) || NOT_COUNTS.some((re) => re.test(line))) return;
        for (const m of line.matchAll(COUNTED))
          found.push(`${path.relative(ROOT, file)}:${i + 1}: ...${line.slice(Math.max(0, m.index - 40), m.index + m[0].length).trim()}`);
      });
  }
  expect(found).toEqual([]);
});
