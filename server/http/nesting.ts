/**
 * A request body nested deeper than any request of ours is refused before anything walks it:
 * JSON.parse builds any depth, but recursive code after it (JSON.stringify for an Idempotency-Key's
 * hash, a schema's error path, a log line) overflows the stack on a few thousand levels and would
 * answer 500. The depth is measured without recursion.
 */
import type { RequestHandler } from 'express';
import { validationError } from './errors.js';
import { formatPath } from '../../shared/errors.js';
import { LONE_SURROGATE, LONE_SURROGATE_MESSAGE } from '../../shared/fields.js';

/** Deeper than the deepest request body we take (a scenario: scenario > hotels > roomTypes > room, a few levels). */
export const MAX_BODY_DEPTH = 32;

/** Depth of a parsed JSON value: 0 for a scalar, 1 for {} or [] of scalars; stops counting past `limit`. */
export function depthOf(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    deepest = Math.max(deepest, d + 1);
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
  }
  return deepest;
}

/**
 * Where a parsed JSON value holds a lone UTF-16 surrogate (JSON's `"\ud800"`), in a value or a
 * key, or null. Walked without recursion, keys in order.
 */
export function loneSurrogateAt(value: unknown, prefix: readonly PropertyKey[] = []): string | null {
  const stack: [unknown, readonly PropertyKey[]][] = [[value, prefix]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (LONE_SURROGATE.test(v)) return formatPath(path);
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    const entries: [PropertyKey, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      if (typeof key === 'string' && LONE_SURROGATE.test(key)) return formatPath(path);
      stack.push([child, [...path, key]]);
    }
  }
  return null;
}

/**
 * Bodies nested too deep are refused before anything walks them, and then text holding half of a
 * character (a lone surrogate), in any field: it cannot be stored as written (the database keeps
 * U+FFFD), so a ledger line's hash taken before the write would not match the line read back, and
 * one perk would make the whole chain read as tampered.
 */
export function nestingLimit(max = MAX_BODY_DEPTH): RequestHandler {
  return (req, _res, next) => {
    if (req.body !== null && typeof req.body === 'object') {
      if (depthOf(req.body, max) > max)
        throw validationError([{ path: 'body', message: `nested more than ${max} levels deep; no request of this service is` }]);
      const at = loneSurrogateAt(req.body, ['body']);
      if (at) throw validationError([{ path: at, message: LONE_SURROGATE_MESSAGE }]);
    }
    next();
  };
}
