/**
 * Fixed-window counters per key, in memory (per process): enough to slow password guessing and to
 * keep one user from flooding the expensive endpoints (planner runs, exports, imports). With
 * several replicas each counts on its own, so the effective limit is at most replicas x limit.
 *
 * Count BEFORE the work, never after: `take` checks and reserves in one synchronous step, so a
 * burst of parallel requests cannot all pass the check while the first ones are still doing the
 * slow part (a password hash, a lookup). A reservation that turns out not to count (a correct
 * password, a known token) is handed back with `release`.
 */
import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from './errors.js';

const SWEEP_ABOVE = 10_000;
/** Longer keys (an address a client made up, 7 KB of it) are kept as their digest: memory per key stays small. */
const KEY_MAX = 200;
const keyOf = (key: string) => (key.length > KEY_MAX ? `#${createHash('sha256').update(key).digest('base64url')}` : key);

export class RateLimiter {
  private readonly hits = new Map<string, { count: number; resetAt: number }>();
  private nextSweepAt = 0;
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Milliseconds until the key may try again, or 0 if it is under the limit. */
  retryAfter(key: string, now = Date.now()): number {
    const h = this.hits.get(keyOf(key));
    if (!h || h.resetAt <= now) return 0;
    return h.count >= this.limit ? h.resetAt - now : 0;
  }

  /**
   * Check and count in one step: 0 when the attempt is allowed (and now counted), otherwise the
   * milliseconds to wait (nothing counted). The only safe way to guard work that awaits.
   */
  take(key: string, now = Date.now()): number {
    const wait = this.retryAfter(key, now);
    if (wait > 0) return wait;
    this.hit(key, now);
    return 0;
  }

  hit(key: string, now = Date.now()): void {
    const id = keyOf(key);
    const h = this.hits.get(id);
    if (!h || h.resetAt <= now) this.hits.set(id, { count: 1, resetAt: now + this.windowMs });
    else h.count++;
    // Over 10,000 keys the expired ones are forgotten, at most once a second: with more live keys
    // than that (a hurricane's phones polling, one address each) every request walked them all.
    if (this.hits.size > SWEEP_ABOVE && now >= this.nextSweepAt) {
      this.nextSweepAt = now + 1000;
      for (const [k, v] of this.hits) if (v.resetAt <= now) this.hits.delete(k);
    }
  }

  /** How many keys it holds (expired ones included until a sweep). */
  get size(): number {
    return this.hits.size;
  }

  /** Hand back one attempt taken by `take` that turned out not to count (same window only). */
  release(key: string, now = Date.now()): void {
    const h = this.hits.get(keyOf(key));
    if (!h || h.resetAt <= now) return;
    if (h.count <= 1) this.hits.delete(keyOf(key));
    else h.count--;
  }

  reset(key: string): void {
    this.hits.delete(keyOf(key));
  }
}

/** The 429 every limiter answers with; the error handler turns `retryAfterSeconds` into `Retry-After`. */
export function rateLimited(waitMs: number, what: string): AppError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new AppError('rate_limited', `Too many ${what}. Try again in ${seconds} second(s).`, { retryAfterSeconds: seconds });
}

/**
 * Take one attempt from every limiter at once, or none: when any refuses, the ones already taken
 * are handed back and the longest wait is thrown as a 429.
 */
export function takeAll(what: string, ...pairs: [RateLimiter, string][]): void {
  const taken: [RateLimiter, string][] = [];
  for (const [limiter, key] of pairs) {
    const wait = limiter.take(key);
    if (wait > 0) {
      for (const [l, k] of taken) l.release(k);
      const longest = Math.max(wait, ...pairs.map(([l, k]) => l.retryAfter(k)));
      throw rateLimited(longest, what);
    }
    taken.push([limiter, key]);
  }
}

export interface PerUserLimit {
  /** Requests allowed per user per window. */
  limit: number;
  windowMs?: number;
  /** Shown in the 429 message, e.g. "plan proposals". */
  what: string;
}

/**
 * At most `limit` requests per signed-in user per window (a minute by default); the next one is
 * refused with 429 before any work is done, so it changes nothing. Routes name one by `limit`
 * (route.ts), which runs it after the role check: anonymous callers are refused there and never
 * spend anyone's budget.
 */
export function perUserRateLimit(opts: PerUserLimit): RequestHandler {
  const limiter = new RateLimiter(opts.limit, opts.windowMs ?? 60_000);
  return (req, _res, next) => {
    const key = req.user ? `user:${req.user.id}` : `ip:${req.ip ?? 'unknown'}`;
    const wait = limiter.take(key);
    if (wait > 0) throw rateLimited(wait, opts.what);
    next();
  };
}
