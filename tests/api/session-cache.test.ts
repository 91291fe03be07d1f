/**
 * With SESSION_CACHE_MS set, sessions are kept in memory (server/auth/session-cache.ts), yet signing out
 * ends the session at once on every process: on PostgreSQL a second server on the same database
 * hears the sign-out through LISTEN/NOTIFY; with its listener down it asks the database instead.
 */
import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { startTestServer, DEMO_PASSWORD, type TestServer } from '../helpers/server.js';
import { usingPostgres } from '../helpers/db.js';
import { pino } from 'pino';

let a: TestServer;
let b: RunningServer | undefined;
beforeAll(async () => {
  a = await startTestServer({ env: { SESSION_CACHE_MS: '10000' } });
  // A second server on the same database (PostgreSQL): another process as far as sessions go.
  if (usingPostgres())
    b = await startServer(
      loadConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', SEED_DEMO: 'false', DATABASE_URL: a.db.url!, SESSION_CACHE_MS: '10000' }),
      { database: a.db, logger: pino({ level: 'silent' }) },
    );
}, 60_000);
afterAll(async () => {
  await b?.close();
  await a?.close();
});

async function signIn(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'duty@demo.test', password: DEMO_PASSWORD }),
  });
  expect(res.status).toBe(200);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}
const me = (url: string, cookie: string) => fetch(`${url}/api/auth/me`, { headers: { cookie } }).then((r) => r.status);
const signOut = (url: string, cookie: string) => fetch(`${url}/api/auth/logout`, { method: 'POST', headers: { cookie, origin: url } }).then((r) => r.status);

/** Poll until `f` answers `want`, for at most `ms` (well under the cache's 10 s lifetime). */
async function eventually(f: () => Promise<number>, want: number, ms = 3000): Promise<number> {
  const until = Date.now() + ms;
  let got = await f();
  while (got !== want && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    got = await f();
  }
  return got;
}

test('signing out ends the session at once on the same server, though it was cached', async () => {
  const cookie = await signIn(a.url);
  expect(await me(a.url, cookie)).toBe(200);
  expect(await me(a.url, cookie)).toBe(200);
  expect(a.app.auth.sessions.size).toBeGreaterThan(0);
  expect([200, 204]).toContain(await signOut(a.url, cookie));
  expect(await me(a.url, cookie)).toBe(401);
});

(usingPostgres() ? test : test.skip)('signing out on one server ends the session cached by another (PostgreSQL)', async () => {
  const cookie = await signIn(a.url);
  expect(await me(b!.url, cookie)).toBe(200); // now cached by b
  expect(await me(b!.url, cookie)).toBe(200);
  expect([200, 204]).toContain(await signOut(a.url, cookie));
  expect(await eventually(() => me(b!.url, cookie), 401)).toBe(401);
});

(usingPostgres() ? test : test.skip)('a server that cannot hear sign-outs does not trust its cache', async () => {
  const cookie = await signIn(a.url);
  expect(await me(b!.url, cookie)).toBe(200);
  b!.app.auth.sessions.distrust(); // as when its LISTEN connection drops
  expect(b!.app.auth.sessions.size).toBe(0);
  expect(await me(b!.url, cookie)).toBe(200);
  expect(b!.app.auth.sessions.size).toBe(0); // read from the database, not kept
  b!.app.auth.sessions.trust();
});

test('signing out everywhere ends every cached session of the user at once, on this server and (PostgreSQL) on another', async () => {
  const [laptop, phone] = [await signIn(a.url), await signIn(a.url)];
  for (const c of [laptop, phone]) expect(await me(a.url, c)).toBe(200); // cached by a
  if (b) expect(await me(b.url, laptop)).toBe(200); // and the laptop's by b
  const res = await fetch(`${a.url}/api/auth/logout-everywhere`, { method: 'POST', headers: { cookie: phone, origin: a.url } });
  expect(res.status).toBe(200);
  expect(await me(a.url, laptop)).toBe(401);
  expect(await me(a.url, phone)).toBe(401);
  if (b) expect(await eventually(() => me(b!.url, laptop), 401)).toBe(401);
});
