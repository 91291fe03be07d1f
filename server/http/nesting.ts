/**
 * A request body nested deeper than any request of ours is refused before anything walks it:
 * JSON.parse builds any depth, but recursive code after it (JSON.stringify for an Idempotency-Key's
 * hash, a schema's error path, a log line) overflows the stack on a few thousand levels and would
 * answer 500. The depth is measured without recursion.
 */
import type { RequestHandler } from 'express';
import { validationError } from './errors.js';

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

export function nestingLimit(max = MAX_BODY_DEPTH): RequestHandler {
  return (req, _res, next) => {
    if (req.body !== null && typeof req.body === 'object' && depthOf(req.body, max) > max)
      throw validationError([{ path: 'body', message: `nested more than ${max} levels deep; no request of this service is` }]);
    next();
  };
}
