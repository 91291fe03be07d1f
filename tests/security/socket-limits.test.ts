/**
 * Sockets per session and per user: one cookie used to open as many sockets as it liked (3,000
 * took 40 MB of the server, and each is re-checked against the database every period), so one
 * signed-in phone could exhaust the process. Now a session holds at most SOCKETS_PER_SESSION
 * (20) and a user SOCKETS_PER_USER (60) on a process; the next is refused at the handshake until one
 * closes, and other sessions and users are unaffected.
 */
import { startTestServer, type TestServer } from '../helpers/server.js';
import { connect, connected, loginCookie, type ClientSocket } from '../helpers/socket.js';
import { DEMO } from '../helpers/api.js';
import { loadConfig } from '../../server/config.js';

/** The shipped defaults (SOCKETS_PER_SESSION, SOCKETS_PER_USER), which the test server keeps. */
const { SOCKETS_PER_SESSION: MAX_SOCKETS_PER_SESSION, SOCKETS_PER_USER: MAX_SOCKETS_PER_USER } = loadConfig({ NODE_ENV: 'test' });

let server: TestServer;
const opened: ClientSocket[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const s of opened) s.close();
  await server?.close();
});

const open = (cookie: string) => {
  const s = connect(server.url, { cookie });
  opened.push(s);
  return s;
};
/** Whether the handshake was accepted, or the server's reason for refusing it. */
const outcome = (s: ClientSocket) =>
  new Promise<string>((resolve) => {
    s.once('connect', () => resolve('connected'));
    s.once('connect_error', (e) => resolve(e.message));
  });

test('the shipped caps are a few tabs, not thousands', () => {
  expect(MAX_SOCKETS_PER_SESSION).toBe(20);
  expect(MAX_SOCKETS_PER_USER).toBe(60);
});

test('a session holds at most SOCKETS_PER_SESSION sockets; closing one frees its place', async () => {
  const cookie = await loginCookie(server.url, DEMO.reception);
  const first = Array.from({ length: MAX_SOCKETS_PER_SESSION }, () => open(cookie));
  await Promise.all(first.map(connected));
  const refused = open(cookie);
  expect(await outcome(refused)).toMatch(/^too many connections/);
  // Another user is not affected.
  const other = open(await loginCookie(server.url, DEMO.duty));
  expect(await outcome(other)).toBe('connected');
  // One closes: its place is given back.
  const closed = new Promise<void>((resolve) => first[0]!.once('disconnect', () => resolve()));
  first[0]!.close();
  await closed;
  let again = 'not tried';
  for (let i = 0; i < 50 && again !== 'connected'; i++) {
    again = await outcome(open(cookie));
    if (again !== 'connected') await new Promise((r) => setTimeout(r, 50));
  }
  expect(again).toBe('connected');
});

test('a user holds at most SOCKETS_PER_USER sockets, however many times they sign in', async () => {
  const sessions = await Promise.all(
    Array.from({ length: Math.ceil(MAX_SOCKETS_PER_USER / MAX_SOCKETS_PER_SESSION) }, () => loginCookie(server.url, DEMO.duty2)),
  );
  const all = sessions.flatMap((cookie) => Array.from({ length: MAX_SOCKETS_PER_SESSION }, () => open(cookie)));
  const results = await Promise.all(all.map(outcome));
  expect(results.filter((r) => r === 'connected')).toHaveLength(MAX_SOCKETS_PER_USER);
  const fresh = await loginCookie(server.url, DEMO.duty2);
  expect(await outcome(open(fresh))).toMatch(/^too many connections/);
});
