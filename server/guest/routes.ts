/**
 * The public status-link API under /api/guest. No session: the token is the credential, sent in
 * the `X-Status-Token` header (not the URL, so it stays out of access logs and Referer headers).
 * Lookups are rate-limited per client address, and unknown tokens much more strictly, so tokens
 * cannot be guessed (they are 192 random bits anyway).
 */
import { Router, type Request } from 'express';
import { AppError } from '../http/errors.js';
import { RateLimiter } from '../http/rate-limit.js';
import type { GuestService } from './service.js';

export const STATUS_TOKEN_HEADER = 'x-status-token';

export interface GuestRouteOptions {
  /** Requests per client address per minute (a phone polls every 15 s). */
  perMinute?: number;
  /** Unknown or revoked tokens per client address per 10 minutes before it is locked out. */
  missesPer10Min?: number;
}

export function guestRoutes(service: GuestService, opts: GuestRouteOptions = {}): Router {
  const requests = new RateLimiter(opts.perMinute ?? 120, 60_000);
  const misses = new RateLimiter(opts.missesPer10Min ?? 30, 10 * 60_000);
  const r = Router();

  /** Counts the request, refuses a client over either limit, and returns the token. */
  const gate = (req: Request): string => {
    const who = req.ip ?? 'unknown';
    const wait = Math.max(requests.retryAfter(who), misses.retryAfter(who));
    if (wait > 0) throw new AppError('rate_limited', `Too many requests. Please wait ${Math.ceil(wait / 1000)} seconds.`, { retryAfterSeconds: Math.ceil(wait / 1000) });
    requests.hit(who);
    const token = req.header(STATUS_TOKEN_HEADER) ?? '';
    return token;
  };
  /** An unknown token counts against the stricter limit. */
  const guarded = async <T>(req: Request, fn: (token: string) => Promise<T>): Promise<T> => {
    const token = gate(req);
    try {
      return await fn(token);
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') misses.hit(req.ip ?? 'unknown');
      throw err;
    }
  };

  r.use((_req, res, next) => {
    res.setHeader('cache-control', 'no-store');
    next();
  });
  r.get('/status', async (req, res) => {
    res.json(await guarded(req, (t) => service.status(t)));
  });
  r.post('/replies', async (req, res) => {
    const result = await guarded(req, (t) => service.reply(t, req.body));
    res.status(result.recorded ? 201 : 200).json(result);
  });
  r.post('/feedback', async (req, res) => {
    res.json({ feedback: await guarded(req, (t) => service.giveFeedback(t, req.body)) });
  });
  return r;
}
