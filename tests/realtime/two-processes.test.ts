/**
 * Two server processes behind one address share broadcasts through PostgreSQL. When one dies, its
 * clients reconnect through the proxy to the other and catch up with no gap and no duplicate.
 * Needs the real PostgreSQL (PGlite is one process): skipped, and said so, without DATABASE_URL.
 */
import { createTestDatabase, usingPostgres, type TestDatabase } from '../helpers/db.js';
import { startAppProcess, type AppProcess } from '../helpers/process.js';
import { startProxy, type Proxy } from '../helpers/proxy.js';
import { collect, connect, connected, loginCookie, subscribe } from '../helpers/socket.js';
import { DEMO_PASSWORD } from '../helpers/server.js';
import type { LiveEvent } from '../../shared/realtime.js';

const describePg = usingPostgres() ? describe : describe.skip;
if (!usingPostgres()) console.warn('two-processes: SKIPPED on PGlite (set DATABASE_URL to run it on PostgreSQL)');

describePg('two server processes on PostgreSQL', () => {
  let db: TestDatabase;
  let a: AppProcess;
  let b: AppProcess;
  let proxy: Proxy;

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = { DATABASE_URL: db.url!, DEMO_PASSWORD, SEED_DEMO: 'true' };
    a = await startAppProcess(env);
    b = await startAppProcess(env);
    proxy = await startProxy([
      { host: '127.0.0.1', port: a.port },
      { host: '127.0.0.1', port: b.port },
    ]);
  }, 120_000);
  afterAll(async () => {
    await proxy?.close();
    await a?.kill();
    await b?.kill();
    await db?.destroy();
  });

  test('signing out everywhere on one process closes the sockets the user holds on the other at once', async () => {
    const onA = await loginCookie(a.url, 'duty2@demo.test');
    const onB = await loginCookie(b.url, 'duty2@demo.test');
    const someoneElse = await loginCookie(a.url, 'duty@demo.test');
    const [mine, theirs] = [connect(a.url, { cookie: onA }), connect(a.url, { cookie: someoneElse })];
    await Promise.all([connected(mine), connected(theirs)]);
    // The periodic session check is 30 s: closed within 3 s means closed by the sign-out itself.
    const ended = (s: typeof mine) =>
      new Promise<string>((resolve) => {
        s.once('disconnect', (reason) => resolve(reason));
        setTimeout(() => resolve('still connected after 3 s'), 3000);
      });
    const [mineEnded, theirsEnded] = [ended(mine), ended(theirs)];
    expect((await fetch(`${b.url}/api/auth/logout-everywhere`, { method: 'POST', headers: { cookie: onB } })).status).toBe(200);
    expect(await mineEnded).toBe('io server disconnect');
    expect(await theirsEnded).toBe('still connected after 3 s');
    theirs.disconnect();
  }, 60_000);

  test('a change made on one process reaches clients of the other; killing a process loses nothing', async () => {
    const cookie = await loginCookie(proxy.url, 'duty@demo.test');
    const incidents = await (await fetch(`${b.url}/api/incidents`, { headers: { cookie } })).json();
    const incidentId: string = incidents.incidents[0].id;
    const state = await (await fetch(`${b.url}/api/incidents/${incidentId}/state`, { headers: { cookie } })).json();
    const hotelId: string = state.hotels[0].id;
    const change = (petsAllowed: boolean) =>
      fetch(`${b.url}/api/incidents/${incidentId}/hotels/${hotelId}`, {
        method: 'PATCH',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ petsAllowed }),
      }).then((r) => {
        if (!r.ok) throw new Error(`change failed ${r.status}`);
      });

    // The client goes through the proxy, which sends it to process A.
    const s = connect(proxy.url, { cookie, reconnection: true });
    await connected(s);
    const seen: LiveEvent[] = [];
    let lastSeq = 0;
    const apply = (list: LiveEvent[]) => {
      for (const e of list) {
        if (e.seq <= lastSeq) continue;
        seen.push(e);
        lastSeq = e.seq;
      }
    };
    const live = collect(s);
    s.on('events', apply);
    const first = await subscribe(s, incidentId, 0);
    if (!first.ok) throw new Error(first.error);
    lastSeq = first.lastSeq;
    const start = lastSeq;

    // A change made on B arrives at the client connected to A (through the PostgreSQL adapter).
    await change(true);
    await live.until(1);
    expect(seen.map((e) => e.seq)).toEqual([start + 1]);

    // Kill A; while the client is away, B takes 20 changes.
    const reconnected = new Promise<void>((resolve) => s.io.once('reconnect', () => resolve()));
    await a.kill('SIGKILL');
    for (let i = 0; i < 20; i++) await change(i % 2 === 0);
    await reconnected;
    const sync = await subscribe(s, incidentId, lastSeq);
    if (!sync.ok || sync.snapshot) throw new Error('expected replay');
    apply(sync.events);
    await change(false);
    await new Promise<void>((resolve) => {
      const check = () => (lastSeq >= start + 22 ? resolve() : setTimeout(check, 20));
      check();
    });
    expect(seen.map((e) => e.seq)).toEqual(Array.from({ length: 22 }, (_, i) => start + 1 + i));
    s.disconnect();
  }, 120_000);
});
