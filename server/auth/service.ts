/** Sign-in, sessions and sign-out. Tokens live only in the cookie; the database keeps their sha256. */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { RateLimiter } from '../http/rate-limit.js';
import { DUMMY_HASH, verifyPassword } from './password.js';
import * as repo from './repo.js';
import type { SessionUser } from './types.js';

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
  ) {}

  async login(email: string, password: string, ip: string): Promise<{ token: string; user: SessionUser; expiresAt: Date }> {
    const key = `${ip}|${email.toLowerCase()}`;
    const wait = Math.max(this.failures.retryAfter(key), this.failuresByIp.retryAfter(ip));
    if (wait > 0) throw new AppError('rate_limited', `Too many failed sign-ins. Try again in ${Math.ceil(wait / 60_000)} minute(s).`, { retryAfterSeconds: Math.ceil(wait / 1000) });
    const row = await repo.findUserByEmail(this.db, email);
    const ok = await verifyPassword(password, row?.passwordHash ?? DUMMY_HASH);
    if (!row || !ok || row.disabled) {
      this.failures.hit(key);
      this.failuresByIp.hit(ip);
      throw new AppError('unauthenticated', 'Wrong email or password.');
    }
    this.failures.reset(key);
    const user = await repo.loadSessionUser(this.db, row.id);
    if (!user) throw new AppError('unauthenticated', 'Wrong email or password.');
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.sessionTtlMs);
    await repo.insertSession(this.db, hashToken(token), user.id, expiresAt);
    return { token, user, expiresAt };
  }

  /** The signed-in user for a cookie token, or undefined for a missing, expired or revoked session. */
  async authenticate(token: string | undefined): Promise<SessionUser | undefined> {
    if (!token) return undefined;
    const userId = await repo.findSessionUserId(this.db, hashToken(token), new Date());
    return userId ? repo.loadSessionUser(this.db, userId) : undefined;
  }

  async logout(token: string | undefined): Promise<void> {
    if (token) await repo.revokeSession(this.db, hashToken(token));
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
