/**
 * CSRF for cookie sessions, route by route: every POST/PUT/PATCH/DELETE the routers declare
 * refuses a request from another site with a live session cookie (a foreign Origin; or no Origin
 * and a browser's Sec-Fetch-Site saying cross-site or same-site) with 403, and changes nothing.
 * The same request from the app's own origin, an allowed origin, or a non-browser client gets past
 * the check (whatever the route then answers).
 */
import http from 'node:http';
import { startTestServer, DEMO_PASSWORD, type TestServer } from '../helpers/server.js';
import { loginCookie } from '../helpers/socket.js';
import { declaredRoutes, isMutating, parseRoute } from '../helpers/routes.js';
import { buildHotel, buildScenario } from '../../seed/factories.js';
import { hashPassword } from '../../server/auth/password.js';
import { insertUser } from '../../server/auth/repo.js';
import { changedTables, fingerprinter } from './fuzz-kit.js';

const ALLOWED = 'https://console.example.org';
const CSRF_MESSAGE = 'Requests from another site are not accepted.';

let server: TestServer;
let fp: Awaited<ReturnType<typeof fingerprinter>>;
let cookie: string;
let A: string;

/** Placeholder values for path parameters: the check comes before any lookup. */
const VALUES: Record<string, () => string> = { incidentId: () => A, hotelId: () => 'A1', token: () => 'a-driver-link-token-that-does-not-matter' };

beforeAll(async () => {
  server = await startTestServer({ seed: 'none', env: { MESSAGES_ENABLED: 'false', ALLOWED_ORIGINS: ALLOWED } });
  await insertUser(server.database.db, {
    email: 'csrf-admin@test.example',
    name: 'Csrf admin',
    role: 'admin',
    passwordHash: await hashPassword(DEMO_PASSWORD),
  });
  cookie = await loginCookie(server.url, 'csrf-admin@test.example');
  // "Sign out everywhere" ends every session of its user: it signs in as someone else.
  await insertUser(server.database.db, {
    email: 'csrf-other@test.example',
    name: 'Csrf other',
    role: 'admin',
    passwordHash: await hashPassword(DEMO_PASSWORD),
  });
  const res = await post(
    '/api/incidents/import',
    { cookie, 'content-type': 'application/json' },
    JSON.stringify(buildScenario({ incident: { name: 'CSRF incident' }, hotels: [buildHotel({ id: 'A1' })] })),
  );
  A = JSON.parse(res.text).incidentId;
  fp = await fingerprinter(server.database);
});
afterAll(async () => server?.close());

function request(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method, path, headers: { ...(body ? { 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
const post = (path: string, headers: Record<string, string>, body?: string) => request('POST', path, headers, body);

const MUTATING = declaredRoutes().filter(isMutating);

/** How a request from another site can look to the server. */
const ATTACKS: Record<string, Record<string, string>> = {
  'a foreign Origin': { origin: 'https://evil.example' },
  'a look-alike Origin': { origin: `${new URL(ALLOWED).origin}.evil.example` },
  'Origin: null (sandboxed frame)': { origin: 'null' },
  'no Origin, Sec-Fetch-Site: cross-site': { 'sec-fetch-site': 'cross-site' },
  'no Origin, Sec-Fetch-Site: same-site': { 'sec-fetch-site': 'same-site' },
};

function pathOf(route: string): { method: string; path: string } {
  const { method, pattern } = parseRoute(route);
  return { method: method.toUpperCase(), path: pattern.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(VALUES[name]?.() ?? `csrf-${name}`)) };
}

test('there are mutating routes to check, and every declared route is covered', () => {
  expect(MUTATING.length).toBeGreaterThanOrEqual(30);
  expect(MUTATING.every((r) => /^(POST|PUT|PATCH|DELETE) /.test(r))).toBe(true);
});

describe.each(MUTATING)('%s', (route) => {
  test.each(Object.entries(ATTACKS))('refuses %s with 403 and changes nothing', async (_name, attack) => {
    const { method, path } = pathOf(route);
    const before = await fp.take();
    const res = await request(method, path, { cookie, 'content-type': 'application/json', ...attack }, '{}');
    expect({ route, status: res.status }).toEqual({ route, status: 403 });
    expect(JSON.parse(res.text).error).toEqual({ code: 'forbidden', message: CSRF_MESSAGE, details: {} });
    expect(changedTables(before, await fp.take())).toEqual([]);
  });

  test('lets its own origin, the allowed origin, same-origin fetches and non-browser clients past the check', async () => {
    const { method, path } = pathOf(route);
    const own = new URL(server.url).origin;
    // Signing out for real would end the session the other rows send.
    const session =
      route === 'POST /api/auth/logout'
        ? await loginCookie(server.url, 'csrf-admin@test.example')
        : route === 'POST /api/auth/logout-everywhere'
          ? await loginCookie(server.url, 'csrf-other@test.example')
          : cookie;
    const variants: Record<string, string>[] = [{ origin: own }, { origin: ALLOWED }, { 'sec-fetch-site': 'same-origin' }, { 'sec-fetch-site': 'none' }, {}];
    for (const headers of variants) {
      // A body that every route refuses or ignores: the point is only that the CSRF check let it through.
      const res = await request(method, path, { cookie: session, 'content-type': 'application/json', ...headers }, '"csrf-probe"');
      const message = res.text.startsWith('{') ? (JSON.parse(res.text) as { error?: { message?: string } }).error?.message : undefined;
      expect({ route, headers, refusedAsCrossSite: message === CSRF_MESSAGE }).toEqual({ route, headers, refusedAsCrossSite: false });
    }
  });
});

test('reads are not affected by the origin check', async () => {
  const res = await request('GET', '/api/auth/me', { cookie, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
  expect(res.status).toBe(200);
});

test('a host name this server does not answer to (DNS rebinding) is refused, for pages, API, sign-in and sockets; its own and configured names are not', async () => {
  const port = new URL(server.url).port;
  const rebound = `rebind.attacker.example:${port}`;
  const refused = { status: 403, message: 'This server does not answer to that host name. Open it by the address you were given.' };
  const seen = (res: { status: number; text: string }) => ({
    status: res.status,
    message: res.text.startsWith('{') ? (JSON.parse(res.text) as { error?: { message?: string } }).error?.message : res.text.slice(0, 80),
  });
  for (const path of ['/api/auth/me', '/api/incidents', '/', '/api/health'])
    expect(seen(await request('GET', path, { host: rebound, cookie }))).toEqual(refused);
  // The attacker's page signing in with the published demo password, as "same origin".
  const signIn = await post(
    '/api/auth/login',
    { host: rebound, origin: `http://${rebound}`, 'content-type': 'application/json' },
    JSON.stringify({ email: 'csrf-admin@test.example', password: DEMO_PASSWORD }),
  );
  expect(seen(signIn)).toEqual(refused);
  expect((await request('GET', '/socket.io/?EIO=4&transport=polling', { host: rebound })).status).toBe(403);
  // This machine's names and the configured origin's are answered.
  for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'console.example.org', 'CONSOLE.example.org:443'])
    expect({ host, status: (await request('GET', '/api/auth/me', { host, cookie })).status }).toEqual({ host, status: 200 });
  expect((await request('GET', '/socket.io/?EIO=4&transport=polling', { host: `localhost:${port}` })).status).toBe(200);
});
