/**
 * Fault: the server dies (SIGKILL) while a reception phone's keyed check-in is in flight. After a
 * restart the phone's retry (same Idempotency-Key, following the outbox's own rule in
 * client/src/offline/retry.ts) must apply the check-in exactly once: never stuck behind an
 * "in progress" key, never refused as a conflict, never applied twice.
 *  - Both engines: the key left exactly as a crash mid-request leaves it (claimed, nothing applied),
 *    and as the earlier code left it (no lease at all).
 *  - Both engines: a real kill with the request in flight (PostgreSQL: held mid-transaction by a row
 *    lock the test takes on the household's stay, so the kill lands inside the change every time;
 *    PGlite: killed as soon as the request is sent).
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { smallScenario } from '../../seed/small.js';
import type { HotelArrivals } from '../../shared/api.js';
import { verdict } from '../../client/src/offline/retry.js';
import { createTestDatabase, usingPostgres, type TestDatabase } from '../helpers/db.js';
import { withSql as withSqlOn, type Sql } from '../helpers/invariants.js';
import { startAppProcess, type AppProcess } from '../helpers/process.js';
import { loginCookie } from '../helpers/socket.js';
import { DEMO_PASSWORD } from '../helpers/server.js';

const engine = usingPostgres() ? 'postgres' : 'pglite';
const LEASE_MS = 1500;

describe(`a crash during a keyed check-in (${engine})`, () => {
  let db: TestDatabase | null = null;
  let dataDir: string | null = null;
  let app: AppProcess | null = null;
  let env: Record<string, string>;
  let cookie = '';
  let incidentId = '';
  let userId = '';
  let arrivals: HotelArrivals;
  const used = new Set<string>();

  const api = async <T = Record<string, unknown>>(
    method: string,
    p: string,
    body?: unknown,
    key?: string,
  ): Promise<{ status: number; body: T; headers: Headers }> => {
    const headers: Record<string, string> = { cookie, 'content-type': 'application/json' };
    if (key) headers['idempotency-key'] = key;
    const res = await fetch(`${app!.url}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json().catch(() => null)) as T, headers: res.headers };
  };

  const withSql = <T>(fn: (q: Sql) => Promise<T>) => withSqlOn({ url: db?.url, dataDir }, fn);

  const hotelId = () => 'H1';
  const checkinPath = () => `/api/incidents/${incidentId}/hotels/${hotelId()}/arrivals/checkins`;
  const nextHousehold = () => {
    const h = arrivals.households.find((x) => !used.has(x.partyId));
    if (!h) throw new Error('no household left');
    used.add(h.partyId);
    return h.partyId;
  };

  /** The phone's outbox: the same key again and again, as long as the outbox's rule says retry. */
  async function phoneRetries(body: unknown, key: string): Promise<{ attempts: number; last: { status: number; body: unknown } }> {
    for (let attempts = 1; attempts <= 30; attempts++) {
      const res = await api('POST', checkinPath(), body, key);
      const v = verdict(res.status, res.body, res.headers.get('retry-after'));
      if (v.kind !== 'retry') return { attempts, last: res };
      await new Promise((ok) => setTimeout(ok, Math.min(v.afterMs ?? 500, 1000)));
    }
    throw new Error('the phone gave up after 30 attempts');
  }

  const checkInEvents = (q: Sql, partyId: string) =>
    q(`select count(*)::int as n from events where incident_id = $1 and type = 'guest.checked_in' and payload->>'partyId' = $2`, [incidentId, partyId]);

  /** Stop the app (PGlite holds its files while it runs), run SQL, start it again. */
  async function whileStopped<T>(fn: (q: Sql) => Promise<T>): Promise<T> {
    await app!.kill();
    const out = await withSql(fn);
    app = await startAppProcess(env);
    return out;
  }

  beforeAll(async () => {
    if (usingPostgres()) {
      db = await createTestDatabase();
      env = { DATABASE_URL: db.url! };
    } else {
      dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'rc-idem-')), 'pglite');
      env = { DATA_DIR: dataDir };
    }
    Object.assign(env, { DEMO_PASSWORD, SEED_DEMO: 'true', MESSAGES_ENABLED: 'false', IDEMPOTENCY_LEASE_MS: String(LEASE_MS) });
    app = await startAppProcess(env);
    cookie = await loginCookie(app.url, 'duty@demo.test');
    userId = String(((await api<{ user: { id: string } }>('GET', '/api/auth/me')).body as { user: { id: string } }).user.id);
    const imported = await api('POST', '/api/incidents/import', smallScenario());
    if (imported.status !== 201) throw new Error(`import: ${imported.status}`);
    incidentId = String(imported.body.incidentId);
    const proposal = await api<{ id: string }>('POST', `/api/incidents/${incidentId}/plans`);
    expect((await api('POST', `/api/incidents/${incidentId}/plans/${proposal.body.id}/apply`)).status).toBe(200);
    arrivals = (await api<HotelArrivals>('GET', `/api/incidents/${incidentId}/hotels/H1/arrivals`)).body;
    expect(arrivals.households.length).toBeGreaterThanOrEqual(3);
  }, 180_000);

  afterAll(async () => {
    await app?.kill();
    await db?.destroy();
    if (dataDir) rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });

  test('a key left claimed by a crashed request (with or without a lease) is taken over by the retry, which applies once', async () => {
    for (const left of ['leased', 'no lease (left by the earlier code)'] as const) {
      const partyId = nextHousehold();
      const body = { partyId };
      const key = randomUUID();
      const requestHash = createHash('sha256')
        .update(`POST ${checkinPath()}\n${JSON.stringify(body)}`)
        .digest('hex');
      await whileStopped((q) =>
        left === 'leased'
          ? q(
              `insert into idempotency_keys (user_id, key, request_hash, status_code, response, owner, lease_until) values ($1, $2, $3, 0, '{}', 'crashed', now() + interval '1 second')`,
              [userId, key, requestHash],
            )
          : q(`insert into idempotency_keys (user_id, key, request_hash, status_code, response) values ($1, $2, $3, 0, '{}')`, [userId, key, requestHash]),
      );
      const { last } = await phoneRetries(body, key);
      expect({ left, status: last.status }).toEqual({ left, status: 200 });
      const replay = await api('POST', checkinPath(), body, key);
      expect(replay.status).toBe(200);
      expect(replay.headers.get('idempotent-replay')).toBe('true');
      expect(replay.body).toEqual(last.body);
      const [row] = await whileStopped((q) => checkInEvents(q, partyId));
      expect(row!.n).toBe(1);
    }
  }, 300_000);

  test("killed with the check-in in flight: after a restart the phone's retry applies it exactly once", async () => {
    const partyId = nextHousehold();
    const body = { partyId };
    const key = randomUUID();
    let lock: pg.Client | null = null;
    if (db) {
      // Hold the household's row so the check-in waits inside its transaction (key claimed, marked, nothing committed).
      lock = new pg.Client({ connectionString: db.url });
      lock.on('error', () => undefined);
      await lock.connect();
      await lock.query('begin');
      await lock.query(`select id from parties where incident_id = $1 and id = $2 for update`, [incidentId, partyId]);
    }
    const inFlight = api('POST', checkinPath(), body, key).catch(() => null);
    if (lock) {
      for (let i = 0; ; i++) {
        // (pg_stat_activity is a snapshot per transaction: clear it to see the app's session now.)
        await lock.query('select pg_stat_clear_snapshot()');
        const waiting = await lock.query(`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query ilike '%parties%'`);
        if (waiting.rows[0].n > 0) break;
        if (i > 400) throw new Error('the check-in never reached the locked household');
        await new Promise((ok) => setTimeout(ok, 25));
      }
    }
    await app!.kill();
    const answered = await inFlight;
    if (lock) {
      expect(answered).toBeNull(); // no answer reached the phone
      await lock.query('rollback');
      await lock.end();
      const [k] = (await withSql((q) => q('select status_code, applied_at from idempotency_keys where user_id = $1 and key = $2', [userId, key]))) as {
        status_code: number;
        applied_at: Date | null;
      }[];
      expect(k).toMatchObject({ status_code: 0, applied_at: null }); // claimed by the dead request, nothing applied
    }
    app = await startAppProcess(env);
    const { last } = await phoneRetries(body, key);
    expect(last.status).toBe(200);
    const state = await api<{ parties: { id: string; status: string }[] }>('GET', `/api/incidents/${incidentId}/state`);
    expect(state.body.parties.find((p) => p.id === partyId)?.status).toBe('checked_in');
    const [row] = await whileStopped((q) => checkInEvents(q, partyId));
    expect(row!.n).toBe(1);
  }, 300_000);
});
