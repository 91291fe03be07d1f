/**
 * Signed-in users by session token hash, kept in memory for SESSION_CACHE_MS (0, off, by default)
 * so that a busy reception desk does not cost a query per request (decision 0017).
 *
 * Revocations reach every process: signing out sends `pg_notify('rc_sessions', <token hash>)` and
 * each process LISTENs on its own connection and forgets that session at once. While that
 * connection is down a process could miss a sign-out, so it then neither reads nor fills the cache
 * (every request asks the database, as without a cache) and empties it; entries also expire after
 * `ttlMs` whatever happens. On PGlite there is one process and sign-out forgets the entry directly.
 * What it does not hear: edits made straight in the database (a user disabled, a session's expiry
 * moved) take effect only when the entry expires, which is why it is off unless configured.
 */
import pg from 'pg';
import type { Logger } from 'pino';
import type { SessionUser } from './types.js';

export const SESSIONS_CHANNEL = 'rc_sessions';

interface Entry {
  user: SessionUser;
  /** The session's own expiry (ms). */
  expiresAt: number;
  /** When this copy must be read again from the database (ms). */
  freshUntil: number;
}

export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  /** False while a process that must hear revocations cannot (PostgreSQL, LISTEN down). */
  private trusted: boolean;

  constructor(
    private readonly ttlMs = 10_000,
    private readonly maxEntries = 20_000,
    needsListener = false,
  ) {
    this.trusted = !needsListener;
  }

  get(tokenHash: string, now = Date.now()): SessionUser | undefined {
    if (!this.trusted || this.ttlMs <= 0) return undefined;
    const e = this.entries.get(tokenHash);
    if (!e) return undefined;
    if (now >= e.freshUntil || now >= e.expiresAt) {
      this.entries.delete(tokenHash);
      return undefined;
    }
    // A copy: a handler that changes req.user must not change the next request's.
    return { ...e.user, incidentIds: [...e.user.incidentIds] };
  }

  set(tokenHash: string, user: SessionUser, expiresAt: Date, now = Date.now()): void {
    if (!this.trusted || this.ttlMs <= 0) return;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(tokenHash, { user: { ...user, incidentIds: [...user.incidentIds] }, expiresAt: expiresAt.getTime(), freshUntil: now + this.ttlMs });
  }

  forget(tokenHash: string): void {
    this.entries.delete(tokenHash);
  }

  /** Stop using (and empty) the cache until `trust()`: revocations may be missed meanwhile. */
  distrust(): void {
    this.trusted = false;
    this.entries.clear();
  }

  trust(): void {
    this.entries.clear();
    this.trusted = true;
  }

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** LISTEN for sign-outs of every process (PostgreSQL); reconnects with backoff. */
export async function listenForRevocations(url: string, cache: SessionCache, logger: Logger): Promise<{ close(): Promise<void> }> {
  let client: pg.Client | null = null;
  let closed = false;
  let retryMs = 250;
  let timer: NodeJS.Timeout | null = null;
  const connect = async () => {
    timer = null;
    if (closed) return;
    const c = new pg.Client({ connectionString: url, keepAlive: true });
    c.on('error', () => undefined);
    c.on('end', () => {
      if (client !== c) return;
      client = null;
      cache.distrust();
      if (!closed) timer = setTimeout(() => void connect(), retryMs);
    });
    c.on('notification', (n) => {
      if (n.channel === SESSIONS_CHANNEL && n.payload) cache.forget(n.payload);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${SESSIONS_CHANNEL}`);
      client = c;
      retryMs = 250;
      cache.trust();
    } catch (err) {
      logger.warn({ err }, 'session revocation listener could not connect; sessions are read from the database meanwhile');
      cache.distrust();
      await c.end().catch(() => undefined);
      retryMs = Math.min(retryMs * 2, 10_000);
      if (!closed) timer = setTimeout(() => void connect(), retryMs);
    }
  };
  await connect();
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      cache.distrust();
      await c?.end().catch(() => undefined);
    },
  };
}
