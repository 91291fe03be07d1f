/**
 * The public status-link API under /api/guest. No session: the token is the credential, sent in
 * the `X-Status-Token` header (not the URL, so it stays out of access logs and Referer headers).
 *
 * Limits: requests per TOKEN (one household's phones polling), and per client ADDRESS only the
 * failures, counted once per distinct unknown token. A muster point's shared Wi-Fi puts hundreds
 * of households behind one address: counting all their requests per address would lock them all
 * out, and so would one phone polling a revoked link. Guessing needs many distinct tokens, and
 * those are what lock an address out (tokens are 192 random bits anyway). A failure is reserved
 * before the lookup and handed back when the token is known, so a parallel burst cannot slip
 * past the limit (docs/decisions/0012).
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
  /** Distinct unknown or revoked tokens per client address per 10 minutes before it is locked out. */
  missesPer10Min?: number;
}

const MISS_WINDOW_MS = 10 * 60_000;

/** Checks both limits of one app (reserving a possible miss first), runs `fn`, settles the reservation. */
export type GuestGate = <T>(req: Request, fn: (token: string) => Promise<T>) => Promise<T>;

/** The limits' counters live as long as the app that made them (app.ts makes one gate). */
export function guestGate(opts: GuestRouteOptions = {}): GuestGate {
  const perToken = new RateLimiter(opts.perMinute ?? 120, 60_000);
  const misses = new RateLimiter(opts.missesPer10Min ?? 30, MISS_WINDOW_MS);
  /** (address, token) pairs already counted as a miss in this window: a repeat costs nothing more. */
  const counted = new RateLimiter(1, MISS_WINDOW_MS);

  const refuse = (wait: number) =>
    new AppError('rate_limited', `Too many requests. Please wait ${Math.ceil(wait / 1000)} seconds.`, { retryAfterSeconds: Math.ceil(wait / 1000) });

  return async <T>(req: Request, fn: (token: string) => Promise<T>): Promise<T> => {
    const who = req.ip ?? 'unknown';
    const token = req.header(STATUS_TOKEN_HEADER) ?? '';
    const tokenKey = createHash('sha256').update(token).digest('base64url');
    const pair = `${who}|${tokenKey}`;
    const repeat = counted.retryAfter(pair) > 0;
    // A locked-out address is refused everything, or 429-versus-200 would still tell guesses apart.
    const lockWait = misses.retryAfter(who);
    if (lockWait > 0) throw refuse(lockWait);
    const reserved = !repeat;
    if (reserved) {
      const wait = misses.take(who);
      if (wait > 0) throw refuse(wait);
    }
    const tokenWait = perToken.take(tokenKey);
    if (tokenWait > 0) {
      if (reserved) misses.release(who);
      throw refuse(tokenWait);
    }
    try {
      const result = await fn(token);
      if (reserved) misses.release(who);
      return result;
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') {
        if (reserved) counted.hit(pair);
      } else if (reserved) misses.release(who);
      throw err;
    }
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
      const result = await deps.guestGate(req, (t) => deps.guest.reply(t, req.body));
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
      const body: GuestFeedbackResult = { feedback: await deps.guestGate(req, (t) => deps.guest.giveFeedback(t, req.body)) };
      res.json(body);
    },
  }),
];
