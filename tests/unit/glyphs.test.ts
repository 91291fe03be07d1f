/**
 * Symbols the pages show must be in the fonts every device has (DejaVu, shipped with Debian and
 * most Linux, and the system fonts of phones): an emoji such as the paw print drew as an empty box
 * on reception's tablets. Any pictograph outside this set fails here, so a new one is chosen on purpose.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ALLOWED = new Set(['★', '☆', '☎', '♿', '⚠', '✓', '✖', '✗', '✚']);
const ROOT = path.resolve(import.meta.dirname, '../../client/src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(path.join(dir, d.name)) : /\.(tsx?|css)$/.test(d.name) ? [path.join(dir, d.name)] : [],
  );
}

test('the client shows no pictograph outside the fonts it can count on', () => {
  const found: string[] = [];
  for (const file of sources(ROOT)) {
    for (const ch of readFileSync(file, 'utf8').match(/\p{Extended_Pictographic}/gu) ?? []) {
      if (!ALLOWED.has(ch)) found.push(`${path.relative(ROOT, file)}: ${ch} (U+${ch.codePointAt(0)!.toString(16).toUpperCase()})`);
    }
  }
  expect(found).toEqual([]);
});
