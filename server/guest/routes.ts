/**
 * The public status-link API under /api/guest. No session: the token is the credential, sent in
 * the `X-Status-Token` header (not the URL, so it stays out of access logs and Referer headers).
 *
 * Limits: requests per TOKEN (one household's phones polling), replies and feedback per TOKEN at a
 * person's pace (RATE_LIMIT_GUEST_REPLIES_PER_MIN), and per client ADDRESS only the
 * failures, counted once per distinct unknown token. A muster point's shared Wi-Fi puts hundreds
 * of households behind one address: counting all their requests per address would lock them all
 * out, and so would one phone polling a revoked link. Guessing needs many distinct tokens, and
 * those are what lock an address out (tokens are 192 random bits anyway). A read's failure is
 * judged when its lookup answers (an answer that comes after the lock is refused whatever it
 * found); a write reserves its possible failure before it runs. Either way a parallel burst
 * learns no more than the limit allows (docs/decisions/0012).
 */
import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { AppError } from '../http/errors.js';
import { RateLimiter } from '../http/rate-limit.js';
import { routesFor } from '../http/route.js';
import type { GuestService } from './service.js';
import type { GuestFeedbackResult } from '../../shared/messages.js';

export const STATUS_TOKEN_HEADER = 'x-status-token';

export interface GuestRouteOptions {
  /** Requests per status token per minute (a phone polls every 15 s; a household may have several). */
  perMinute?: number;
  /**
   * Replies and feedback per status token per minute: a person's pace, not a poller's. Each one
   * writes to the incident's log and can reach every duty manager, so a forwarded link must not be
   * able to send 120 a minute.
   */
  writesPerMinute?: number;
  /** Distinct unknown or revoked tokens per client address per 10 minutes before it is locked out. */
  missesPer10Min?: number;
}

const MISS_WINDOW_MS = 10 * 60_000;

/**
 * Checks both limits of one app, runs `fn`, judges a miss. A read is judged when its lookup
 * answers; a write reserves its possible miss before it runs (it cannot be taken back after).
 */
export type GuestGate = <T>(req: Request, fn: (token: string) => Promise<T>, kind?: 'read' | 'write') => Promise<T>;

/** The limits' counters live as long as the app that made them (app.ts makes one gate). */
export function guestGate(opts: GuestRouteOptions = {}): GuestGate {
  const perToken = new RateLimiter(opts.perMinute ?? 120, 60_000);
  const writesPerToken = new RateLimiter(opts.writesPerMinute ?? 6, 60_000);
  const misses = new RateLimiter(opts.missesPer10Min ?? 30, MISS_WINDOW_MS);
  /** (address, token) pairs already counted as a miss in this window: a repeat costs nothing more. */
  const counted = new RateLimiter(1, MISS_WINDOW_MS);

  const refuse = (wait: number, what = 'requests') =>
    new AppError('rate_limited', `Too many ${what}. Please wait ${Math.ceil(wait / 1000)} seconds.`, { retryAfterSeconds: Math.ceil(wait / 1000) });

  return async <T>(req: Request, fn: (token: string) => Promise<T>, kind: 'read' | 'write' = 'read'): Promise<T> => {
    const who = req.ip ?? 'unknown';
    const token = req.header(STATUS_TOKEN_HEADER) ?? '';
    const tokenKey = createHash('sha256').update(token).digest('base64url');
    const pair = `${who}|${tokenKey}`;
    // A locked-out address is refused everything, or 429-versus-200 would still tell guesses apart.
    const lockWait = misses.retryAfter(who);
    if (lockWait > 0) throw refuse(lockWait);
    // A write that is not a known miss reserves one before it runs: what it changes stays changed.
    // Reads do not: the reads in flight from one address are its households polling as much as
    // its guesses, and a muster point has far more than 30 of them polling at once.
    const reserved = kind === 'write' && counted.retryAfter(pair) === 0;
    if (reserved) {
      const wait = misses.take(who);
      if (wait > 0) throw refuse(wait);
    }
    const tokenWait = perToken.take(tokenKey);
    if (tokenWait > 0) {
      if (reserved) misses.release(who);
      throw refuse(tokenWait);
    }
    // A write also takes from the token's own, smaller budget; refused, it hands the rest back.
    const writeWait = kind === 'write' ? writesPerToken.take(tokenKey) : 0;
    if (writeWait > 0) {
      perToken.release(tokenKey);
      if (reserved) misses.release(who);
      throw refuse(writeWait, 'messages from this link');
    }
    let result: T;
    try {
      result = await fn(token);
    } catch (err) {
      const miss = err instanceof AppError && err.code === 'not_found';
      if (reserved) {
        if (miss) counted.hit(pair);
        else misses.release(who);
      } else if (miss && counted.retryAfter(pair) === 0) {
        // Judged with the answer, in one synchronous step: past the limit a miss is refused.
        const wait = misses.take(who);
        if (wait > 0) throw refuse(wait);
        counted.hit(pair);
      }
      throw err;
    }
    if (reserved) {
      misses.release(who);
      return result;
    }
    // A read that answers after its address was locked is refused whatever it found, so a
    // parallel burst of guesses learns no more than the limit's worth of answers.
    const lockedMeanwhile = misses.retryAfter(who);
    if (lockedMeanwhile > 0) throw refuse(lockedMeanwhile);
    return result;
  };
}

const route = routesFor<{ guest: GuestService; guestGate: GuestGate }>();
const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('cache-control', 'no-store');
  next();
};
const LINK = "a household's status link has no account: the token (X-Status-Token header) is the key, limited per token and per address";

export const guestRoutes = [
  /** With If-None-Match: 304 and no body when nothing the page shows has changed (./etag.ts). */
  route({
    method: 'get',
    path: '/api/guest/status',
    roles: 'token',
    why: LINK,
    use: [noStore],
    handler: async ({ req, res, deps }) => {
      const { etag, view } = await deps.guestGate(req, (t) => deps.guest.statusIfChanged(t, req.header('if-none-match')));
      res.setHeader('etag', etag);
      if (!view) {
        res.status(304).end();
        return;
      }
      res.json(view);
    },
  }),
  route({
    method: 'post',
    path: '/api/guest/replies',
    roles: 'token',
    why: LINK,
    use: [noStore],
    handler: async ({ req, res, deps }) => {
      const result = await deps.guestGate(req, (t) => deps.guest.reply(t, req.body), 'write');
      res.status(result.recorded ? 201 : 200).json(result);
    },
  }),
  route({
    method: 'post',
    path: '/api/guest/feedback',
    roles: 'token',
    why: LINK,
    use: [noStore],
    handler: async ({ req, res, deps }) => {
      const body: GuestFeedbackResult = { feedback: await deps.guestGate(req, (t) => deps.guest.giveFeedback(t, req.body), 'write') };
      res.json(body);
    },
  }),
];
