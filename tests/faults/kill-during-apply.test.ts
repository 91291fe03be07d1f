/**
 * Fault: the server is killed (SIGKILL) while it applies a plan. After a restart the plan is
 * either wholly applied or not at all: no stays or trips of it and the previous plan still in
 * force, or every household of it with its stay and trip seat. Room and seat counters equal the
 * rows, the event log has no gap, and a fresh apply then works.
 *
 * The app runs as its own OS process on a 10,000-guest scenario (apply takes ~0.5-1 s).
 * - PostgreSQL: the kill is timed by watching the apply transaction's locks in pg_locks: once while
 *   it writes stays, once while it writes trip riders, once after it appended its event (just
 *   before COMMIT), so the crash lands inside the transaction each time.
 * - PGlite (the embedded default): the same against a data dir on disk, the kill at fractions of
 *   a measured apply time; afterwards the data dir is opened in this
 *   process (crash recovery of the embedded database) and checked before the app starts on it again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { generateScenario } from '../../seed/generate.js';
import type { Plan } from '../../shared/plan.js';
import type { IncidentState } from '../../shared/api.js';
import { createTestDatabase, usingPostgres, type TestDatabase } from '../helpers/db.js';
import { activeSnapshot, checkInvariants, invariantProblems, missingFromPlan, type Sql, withSql as withSqlOn } from '../helpers/invariants.js';
import { startAppProcess, type AppProcess } from '../helpers/process.js';
import { loginCookie } from '../helpers/socket.js';
import { DEMO_PASSWORD } from '../helpers/server.js';

const engine = usingPostgres() ? 'postgres' : 'pglite';
const GUESTS = 10_000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Round {
  stage: string;
  planId: string;
  outcome: 'applied' | 'not applied';
  responseBeforeKill: boolean;
  restartMs: number;
}

describe(`killing the server while it applies a plan (${engine})`, () => {
  let db: TestDatabase | null = null;
  let dataDir: string | null = null;
  let app: AppProcess | null = null;
  let env: Record<string, string>;
  let cookie = '';
  let incidentId = '';

  const start = async () => {
    app = await startAppProcess(env);
    return app;
  };
  const api = async <T = Record<string, unknown>>(method: string, p: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${app!.url}${p}`, {
      method,
      headers: { cookie, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as T };
  };

  const withSql = <T>(fn: (q: Sql) => Promise<T>) => withSqlOn({ url: db?.url, dataDir }, fn);

  beforeAll(async () => {
    if (usingPostgres()) {
      db = await createTestDatabase();
      env = { DATABASE_URL: db.url! };
    } else {
      dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'rc-kill-')), 'pglite');
      env = { DATA_DIR: dataDir };
    }
    Object.assign(env, {
      DEMO_PASSWORD,
      SEED_DEMO: 'true',
      MAX_BODY: '50mb',
      MESSAGES_ENABLED: 'false',
      RATE_LIMIT_PLANS_PER_MIN: '1000',
      RATE_LIMIT_IMPORTS_PER_MIN: '1000',
    });
    await start();
    cookie = await loginCookie(app!.url, 'admin@demo.test');
    const imported = await api('POST', '/api/incidents/import', generateScenario({ guests: GUESTS, seed: 9 }));
    if (imported.status !== 201) throw new Error(`import failed: ${imported.status} ${JSON.stringify(imported.body).slice(0, 300)}`);
    incidentId = String(imported.body.incidentId);
  }, 120_000);

  afterAll(async () => {
    await app?.kill();
    await db?.destroy();
    if (dataDir) rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });

  test('after each crash the plan is all or nothing, counters match, the log has no gap, and a fresh apply works', async () => {
    const t0 = Date.now();
    const base = `/api/incidents/${incidentId}`;
    const propose = async (): Promise<{ id: string; plan: Plan }> => {
      const r = await api<{ id: string; plan: Plan }>('POST', `${base}/plans`);
      if (r.status !== 201) throw new Error(`propose: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      return r.body;
    };
    /** Withdraw 40% of the rooms of the five busiest hotels not yet touched: the next plan must move people. */
    let withdrawals = 0;
    const withdrawRooms = async () => {
      const state = (await api<IncidentState>('GET', `${base}/state`)).body;
      const hotels = [...state.hotels].sort((x, y) => y.bedsTaken - x.bedsTaken).slice(withdrawals * 5, withdrawals * 5 + 5);
      withdrawals++;
      for (const h of hotels) {
        const roomTypes = h.roomTypes.map(({ used: _used, ...r }) => ({ ...r, count: Math.floor(r.count * 0.6) }));
        const res = await api('PATCH', `${base}/hotels/${h.id}`, { roomTypes });
        if (res.status !== 200) throw new Error(`withdraw: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      }
    };
    const check = async (q: Sql) => {
      const report = await checkInvariants(q, incidentId);
      expect(invariantProblems(report)).toEqual([]);
      return report;
    };

    // A first plan, applied cleanly, then a re-plan applied cleanly: the "previous plan in force"
    // for the crashes that follow. The re-plan's apply time is what the PGlite kills are timed by
    // (a first apply runs cold and can take several times longer than the re-plans that follow).
    const first = await propose();
    expect((await api('POST', `${base}/plans/${first.id}/apply`)).status).toBe(200);
    await withdrawRooms();
    const warm = await propose();
    let t = Date.now();
    expect((await api('POST', `${base}/plans/${warm.id}/apply`)).status).toBe(200);
    let applyMs = Date.now() - t;
    let previousPlanId = warm.id;

    // PGlite: early, midway, late and just after the apply, as fractions of the last apply time measured.
    // A PGlite round whose answer came back before the kill did not test a crash mid-apply: its
    // answer time becomes the new measure and it is retried earlier (a re-plan's apply time varies
    // with how much moves), up to eight rounds in all.
    const stages: (string | number)[] = engine === 'postgres' ? ['stays', 'trip_riders', 'events'] : [0.2, 0.5, 0.8, 1.1];
    const rounds: Round[] = [];
    let pending: { id: string; plan: Plan } | null = null;
    for (let i = 0; i < stages.length; i++) {
      const stage = stages[i]!;
      if (!pending) {
        await withdrawRooms();
        pending = await propose();
        expect(pending.plan.stays.length).toBeGreaterThan(1000);
      }
      const target = pending;
      const before = await (engine === 'postgres' ? withSql((q) => activeSnapshot(q, incidentId)) : null);

      // Send the apply and kill the process mid-transaction.
      let responded = false;
      const sentAt = Date.now();
      let answeredMs = 0;
      const request = fetch(`${app!.url}${base}/plans/${target.id}/apply`, { method: 'POST', headers: { cookie } }).then(
        () => {
          responded = true;
          answeredMs = Date.now() - sentAt;
        },
        () => undefined,
      );
      if (typeof stage === 'string') await waitForLock(db!.url!, stage, () => responded);
      else await sleep(Math.round(applyMs * stage));
      const respondedBeforeKill = responded;
      await app!.kill('SIGKILL');
      await request;
      if (db) await waitForBackendsGone(db.url!);

      // PGlite: open the data dir the killed process left behind (its crash recovery), check it.
      const verdict = async (q: Sql) => {
        await check(q);
        const [row] = await q(`select status from plans where id = $1`, [target.id]);
        const applied = row!.status === 'applied';
        if (applied) {
          expect(await missingFromPlan(q, incidentId, target.plan)).toEqual([]);
          const [prev] = await q(`select status from plans where id = $1`, [previousPlanId]);
          expect(prev!.status).toBe('superseded');
        } else {
          expect(row!.status).toBe('proposed');
          expect(await q(`select 1 from stays where plan_id = $1 union all select 1 from trips where plan_id = $1`, [target.id])).toEqual([]);
          const [prev] = await q(`select status from plans where id = $1`, [previousPlanId]);
          expect(prev!.status).toBe('applied');
          if (before) expect(await activeSnapshot(q, incidentId)).toEqual(before);
        }
        return applied;
      };
      if (engine === 'pglite') await withSql(verdict);

      t = Date.now();
      await start();
      const restartMs = Date.now() - t;
      const applied =
        engine === 'postgres' ? await withSql(verdict) : (await api<{ status: string }>('GET', `${base}/plans/${target.id}`)).body.status === 'applied';
      rounds.push({
        stage: String(stage),
        planId: target.id.slice(0, 8),
        outcome: applied ? 'applied' : 'not applied',
        responseBeforeKill: respondedBeforeKill,
        restartMs,
      });
      if (typeof stage === 'number' && respondedBeforeKill) {
        applyMs = answeredMs;
        if (stages.length < 8) stages.push(Math.min(stage, 0.5));
      }
      if (applied) {
        previousPlanId = target.id;
        pending = null;
      }
      // Not applied: the same proposal is still valid (nothing else changed) and is tried again.
    }

    // After the crashes, a fresh plan applies normally.
    await withdrawRooms();
    const fresh = await propose();
    const res = await api('POST', `${base}/plans/${fresh.id}/apply`);
    expect(res.status).toBe(200);
    if (engine === 'pglite') {
      await app!.kill('SIGTERM');
      await withSql(async (q) => {
        await check(q);
        expect(await missingFromPlan(q, incidentId, fresh.plan)).toEqual([]);
      });
      await start();
    } else {
      await withSql(async (q) => {
        await check(q);
        expect(await missingFromPlan(q, incidentId, fresh.plan)).toEqual([]);
      });
    }
    console.log(
      `kill-during-apply (${engine}): ${GUESTS} guests, last measured apply ${applyMs} ms, ${((Date.now() - t0) / 1000).toFixed(0)} s\n${rounds.map((r) => `  kill at ${r.stage}: plan ${r.planId} ${r.outcome}${r.responseBeforeKill ? ' (response had already arrived: not mid-flight)' : ''}; restart ${r.restartMs} ms`).join('\n')}`,
    );
    // The kills must really have landed mid-apply (no answer had come back) in most rounds.
    expect(rounds.filter((r) => !r.responseBeforeKill).length).toBeGreaterThanOrEqual(2);
  }, 360_000);
});

/**
 * Resolve once a client backend of this database holds a RowExclusiveLock on `table`: the apply
 * transaction is writing it. Gives up (throws) if the apply answered first.
 */
async function waitForLock(url: string, table: string, answered: () => boolean): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    for (const until = Date.now() + 30_000; Date.now() < until;) {
      const r = await c.query(
        `select 1 from pg_locks l join pg_class k on k.oid = l.relation
         where l.database = (select oid from pg_database where datname = current_database())
           and l.mode = 'RowExclusiveLock' and l.granted and l.pid <> pg_backend_pid() and k.relname = $1 limit 1`,
        [table],
      );
      if (r.rowCount) return;
      if (answered()) throw new Error(`the apply finished before it was seen writing ${table}`);
    }
    throw new Error(`the apply was never seen writing ${table}`);
  } finally {
    await c.end();
  }
}

/** After the kill, wait until PostgreSQL has ended the dead process's sessions (and so rolled back). */
async function waitForBackendsGone(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    for (const until = Date.now() + 20_000; Date.now() < until; await sleep(50)) {
      const r = await c.query(
        `select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`,
      );
      if (r.rows[0].n === 0) return;
    }
    throw new Error('sessions of the killed process are still open after 20 s');
  } finally {
    await c.end();
  }
}
