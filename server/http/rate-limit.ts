/**
 * Fixed-window counters per key, in memory (per process): enough to slow password guessing and to
 * keep one user from flooding the expensive endpoints (planner runs, exports, imports). With
 * several replicas each counts on its own, so the effective limit is at most replicas x limit.
 */
import type { Request, RequestHandler } from 'express';
import { AppError } from './errors.js';

export class RateLimiter {
  private readonly hits = new Map<string, { count: number; resetAt: number }>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Milliseconds until the key may try again, or 0 if it is under the limit. */
  retryAfter(key: string, now = Date.now()): number {
    const h = this.hits.get(key);
    if (!h || h.resetAt <= now) return 0;
    return h.count >= this.limit ? h.resetAt - now : 0;
  }

  hit(key: string, now = Date.now()): void {
    const h = this.hits.get(key);
    if (!h || h.resetAt <= now) this.hits.set(key, { count: 1, resetAt: now + this.windowMs });
    else h.count++;
    if (this.hits.size > 10_000) for (const [k, v] of this.hits) if (v.resetAt <= now) this.hits.delete(k);
  }

  reset(key: string): void {
    this.hits.delete(key);
  }
}

/** The 429 every limiter answers with; the error handler turns `retryAfterSeconds` into `Retry-After`. */
export function rateLimited(waitMs: number, what: string): AppError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new AppError('rate_limited', `Too many ${what}. Try again in ${seconds} second(s).`, { retryAfterSeconds: seconds });
}

export interface PerUserLimit {
  /** Requests allowed per user per window. */
  limit: number;
  windowMs?: number;
  /** Shown in the 429 message, e.g. "plan proposals". */
  what: string;
  /** Count only the requests this accepts (for a router-wide `r.use`); all by default. */
  applies?: (req: Request) => boolean;
}

/**
 * At most `limit` requests per signed-in user per window (a minute by default); the next one is
 * refused with 429 before any work is done, so it changes nothing. Mount after `requireRole`:
 * anonymous callers are refused there and never spend anyone's budget.
 */
export function perUserRateLimit(opts: PerUserLimit): RequestHandler {
  const limiter = new RateLimiter(opts.limit, opts.windowMs ?? 60_000);
  return (req, _res, next) => {
    if (opts.applies && !opts.applies(req)) return next();
    const key = req.user ? `user:${req.user.id}` : `ip:${req.ip ?? 'unknown'}`;
    const wait = limiter.retryAfter(key);
    if (wait > 0) throw rateLimited(wait, opts.what);
    limiter.hit(key);
    next();
  };
}

/** The default for routers built without a limit (unit tests, CLIs). */
export const noRateLimit: RequestHandler = (_req, _res, next) => next();
