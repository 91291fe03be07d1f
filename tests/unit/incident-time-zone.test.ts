/**
 * Every time a person reads is in the incident's time zone, not the device's: a duty manager's
 * laptop, a reception tablet or a guest's phone set to another zone must still read the times the
 * drivers and hotels use. This test finds a date formatted in client code without a time zone, so a
 * new one fails here instead of on a screen abroad.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** Dates formatted by the browser's own methods; `toLocaleString` only where it is called on a date. */
const DATE_FORMAT = /\.toLocale(?:Time|Date)String\(|(?:Date\([^)]*\)|\bat|\bd)\.toLocaleString\(/;
/** Where the device's own clock is what is meant. */
const DEVICE_TIME = [
  // The offline page's "saved at" of this device's own cache, shown before any incident is known.
  /service-worker\.tsx: .*const time = at \?/,
  // The driver page's times: `opts` carries the incident's zone, set on the line above.
  /DriverPage\.tsx: return d\.toLocaleString\('en-GB', opts\);/,
  // The driver page's fallback when the incident's zone is unknown to this browser.
  /DriverPage\.tsx: .*return d\.toLocaleTimeString\('en-GB', \{ hour: '2-digit', minute: '2-digit' \}\);/,
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(path.join(dir, d.name)) : /\.tsx?$/.test(d.name) ? [path.join(dir, d.name)] : [],
  );
}

/** The call's text from `(` to its matching `)`, however many lines it spans. */
function callText(src: string, open: number): string {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    if (src[i] === '(') depth++;
    else if (src[i] === ')' && --depth === 0) return src.slice(open, i + 1);
  }
  return src.slice(open);
}

test('no date is formatted on a screen without the incident time zone', () => {
  const found: string[] = [];
  for (const file of sources(path.join(ROOT, 'client/src'))) {
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(new RegExp(DATE_FORMAT.source, 'g'))) {
      const line = src.slice(src.lastIndexOf('\n', m.index) + 1, src.indexOf('\n', m.index)).trim();
      const at = `${path.relative(ROOT, file)}: ${line}`;
      if (/timeZone/.test(callText(src, m.index + m[0].length - 1)) || DEVICE_TIME.some((re) => re.test(at))) continue;
      found.push(`${path.relative(ROOT, file)}:${src.slice(0, m.index).split('\n').length}: ${line}`);
    }
  }
  expect(found).toEqual([]);
});
