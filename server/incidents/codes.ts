/** Pass codes (typed at reception, printed on passes) and status-link tokens. */
import { randomBytes, randomInt } from 'node:crypto';

/** No 0/O, 1/I/L: readable aloud and from a crumpled printout. */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export function newPassCode(length = 6): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

/** `count` distinct pass codes, avoiding those already taken in the incident. */
export function newPassCodes(count: number, taken: ReadonlySet<string> = new Set()): string[] {
  const out = new Set<string>();
  while (out.size < count) {
    const c = newPassCode();
    if (!taken.has(c)) out.add(c);
  }
  return [...out];
}

export function newStatusToken(): string {
  return randomBytes(24).toString('base64url');
}
