/** Sign-in, sessions and sign-out. Tokens live only in the cookie; the database keeps their sha256. */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { RateLimiter } from '../http/rate-limit.js';
import { DUMMY_HASH, verifyPassword } from './password.js';
import * as repo from './repo.js';
import { SessionCache } from './session-cache.js';
import type { SessionUser } from './types.js';
import type { EventBus } from '../events/bus.js';

export const SESSION_COOKIE = 'rc_session';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class AuthService {
  /** 10 failed attempts per address and email in 15 minutes. */
  private readonly failures = new RateLimiter(10, 15 * 60_000);
  /** And 50 per address whatever the email, so one address cannot spray passwords across accounts. */
  private readonly failuresByIp = new RateLimiter(50, 15 * 60_000);

  constructor(
    private readonly db: Db,
    private readonly sessionTtlMs: number,
    /** Signed-in users for SESSION_CACHE_MS (off by default); on PostgreSQL used only while sign-outs are heard. */
    readonly sessions: SessionCache = new SessionCache(0),
    /** Told when sessions end, so that their sockets are closed at once (realtime/handshake.ts). */
    private readonly bus?: EventBus,
  ) {}

  async login(email: string, password: string, ip: string): Promise<{ token: string; user: SessionUser; expiresAt: Date }> {
    // One spelling for the limit and the look-up alike: the database's lower() of some capitals (a
    // dotted İ) is not JavaScript's, and a second spelling of one account would be a second counter.
    const address = email.trim().toLowerCase();
    const key = `${ip}|${address}`;
    // Reserve the attempt BEFORE the slow hash: a parallel burst cannot slip past the limit while
    // the first guesses are still being verified. A correct password hands its reservation back.
    const wait = this.reserve(key, ip);
    if (wait > 0)
      throw new AppError('rate_limited', `Too many failed sign-ins. Try again in ${Math.ceil(wait / 60_000)} minute(s).`, {
        retryAfterSeconds: Math.ceil(wait / 1000),
      });
    let row: Awaited<ReturnType<typeof repo.findUserByEmail>>;
    let ok: boolean;
    try {
      row = await repo.findUserByEmail(this.db, address);
      ok = await verifyPassword(password, row?.passwordHash ?? DUMMY_HASH);
    } catch (err) {
      // The database was away: not a guess, so not counted.
      this.failures.release(key);
      this.failuresByIp.release(ip);
      throw err;
    }
    if (!row || !ok || row.disabled) throw new AppError('unauthenticated', 'Wrong email or password.');
    this.failures.reset(key);
    this.failuresByIp.release(ip);
    const user = await repo.loadSessionUser(this.db, row.id);
    if (!user) throw new AppError('unauthenticated', 'Wrong email or password.');
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.sessionTtlMs);
    await repo.insertSession(this.db, hashToken(token), user.id, expiresAt);
    return { token, user, expiresAt };
  }

  /** Take one attempt from both limits, or none; the wait in milliseconds when either is spent. */
  private reserve(key: string, ip: string): number {
    const wait = this.failures.take(key);
    if (wait > 0) return Math.max(wait, this.failuresByIp.retryAfter(ip));
    const waitIp = this.failuresByIp.take(ip);
    if (waitIp > 0) this.failures.release(key);
    return waitIp;
  }

  /** The signed-in user for a cookie token, or undefined for a missing, expired or revoked session. */
  async authenticate(token: string | undefined): Promise<SessionUser | undefined> {
    if (!token) return undefined;
    const hash = hashToken(token);
    const cached = this.sessions.get(hash);
    if (cached) return cached;
    const found = await repo.findSessionUser(this.db, hash, new Date());
    if (found) this.sessions.set(hash, found.user, found.expiresAt);
    return found?.user;
  }

  async logout(token: string | undefined): Promise<void> {
    if (!token) return;
    const hash = hashToken(token);
    await repo.revokeSession(this.db, hash);
    this.sessions.forget(hash);
    this.bus?.publishVolatile({ kind: 'sessions.ended', tokenHash: hash });
  }

  /**
   * "Sign out everywhere": every session of the user ends, this one included (a lost phone, a
   * shared laptop): forgotten by every process's session cache, and every socket opened with one
   * of them closed at once, on every process. Answers how many sessions were live.
   */
  async logoutEverywhere(userId: string): Promise<number> {
    const hashes = await repo.revokeUserSessions(this.db, userId);
    for (const h of hashes) this.sessions.forget(h);
    this.bus?.publishVolatile({ kind: 'sessions.ended', userId });
    return hashes.length;
  }
}

/** Read one cookie from a Cookie header without a dependency. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      const value = part.slice(i + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return value; // a malformed escape: no session will match it
      }
    }
  }
  return undefined;
}
