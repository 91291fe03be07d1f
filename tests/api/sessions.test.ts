/**
 * "Sign out everywhere" ends every session of the user (this one included) and nobody else's, and
 * a sign-out of either kind closes the ended sessions' live sockets at once, not at the next
 * periodic check; production refuses to start without Secure session cookies.
 */
import request from 'supertest';
import type { Socket as ClientSocket } from 'socket.io-client';
import { connect, connected, loginCookie, roundTrip } from '../helpers/socket.js';
import { startTestServer, DEMO_PASSWORD, type TestServer } from '../helpers/server.js';
import { signIn } from '../helpers/api.js';
import { hashPassword } from '../../server/auth/password.js';
import { insertUser } from '../../server/auth/repo.js';
import { loadConfig } from '../../server/config.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ seed: 'none', env: { MESSAGES_ENABLED: 'false' } });
  for (const who of ['everywhere', 'bystander'])
    await insertUser(server.database.db, { email: `${who}@test.example`, name: who, role: 'duty_manager', passwordHash: await hashPassword(DEMO_PASSWORD) });
});
afterAll(async () => server?.close());

test('signing out everywhere ends the sessions on every device, this one included, and leaves other users signed in', async () => {
  const laptop = await signIn(server.url, 'everywhere@test.example');
  const phone = await signIn(server.url, 'everywhere@test.example');
  const tablet = await signIn(server.url, 'everywhere@test.example');
  const someoneElse = await signIn(server.url, 'bystander@test.example');
  await laptop.post('/api/auth/logout');
  const res = await phone.post('/api/auth/logout-everywhere').expect(200);
  // The laptop had already signed out: two live sessions ended.
  expect(res.body).toEqual({ revoked: 2 });
  expect(([] as string[]).concat(res.headers['set-cookie'] ?? []).some((c) => /^rc_session=;/.test(c))).toBe(true);
  for (const device of [phone, tablet]) await device.get('/api/auth/me').expect(401);
  await someoneElse.get('/api/auth/me').expect(200);
  // Signing in again works as usual.
  await (await signIn(server.url, 'everywhere@test.example')).get('/api/auth/me').expect(200);
});

describe('live sockets of ended sessions', () => {
  const open: ClientSocket[] = [];
  afterEach(() => open.splice(0).forEach((s) => s.disconnect()));
  /** A socket on a fresh session of `email`, connected; and how it ends (server disconnect or not within 3 s). */
  const device = async (email: string) => {
    const cookie = await loginCookie(server.url, email);
    const socket = connect(server.url, { cookie });
    open.push(socket);
    await connected(socket);
    const ended = new Promise<string>((resolve) => {
      socket.once('disconnect', (reason) => resolve(reason));
      setTimeout(() => resolve('still connected after 3 s'), 3000);
    });
    return { cookie, socket, ended };
  };

  // The periodic session check is 30 s in this server: a socket closed within 3 s was closed by the sign-out.
  test("signing out everywhere closes every socket of the user at once, and no one else's", async () => {
    const [laptop, phone, bystander] = [
      await device('everywhere@test.example'),
      await device('everywhere@test.example'),
      await device('bystander@test.example'),
    ];
    const res = await fetch(`${server.url}/api/auth/logout-everywhere`, { method: 'POST', headers: { cookie: phone.cookie } });
    expect(res.status).toBe(200);
    expect(await laptop.ended).toBe('io server disconnect');
    expect(await phone.ended).toBe('io server disconnect');
    expect(await bystander.ended).toBe('still connected after 3 s');
    expect((await roundTrip(bystander.socket)).ok).toBe(false); // answered: the socket is alive (the incident does not exist)
  });

  test("signing out closes that session's sockets, not the user's other sessions'", async () => {
    const [laptop, tablet] = [await device('bystander@test.example'), await device('bystander@test.example')];
    const res = await fetch(`${server.url}/api/auth/logout`, { method: 'POST', headers: { cookie: laptop.cookie } });
    expect(res.status).toBe(204);
    expect(await laptop.ended).toBe('io server disconnect');
    expect(await tablet.ended).toBe('still connected after 3 s');
    // A new socket on the ended session is refused at the handshake.
    const again = connect(server.url, { cookie: laptop.cookie });
    open.push(again);
    await expect(connected(again)).rejects.toThrow(/unauthenticated/);
  });
});

test('without a session it is a 401 and ends nothing', async () => {
  const res = await request(server.url).post('/api/auth/logout-everywhere').expect(401);
  expect(res.body.error.code).toBe('unauthenticated');
});

test('production refuses to start unless session cookies are Secure', () => {
  const prod = {
    NODE_ENV: 'production',
    SEED_DEMO: 'false',
    DATABASE_URL: 'postgres://u@db/x',
    DRIVER_LINK_SECRET: 'a-long-random-secret-for-drivers-links-0123',
  };
  expect(() => loadConfig(prod)).toThrow(/COOKIE_SECURE must be true in production/);
  expect(() => loadConfig({ ...prod, COOKIE_SECURE: 'false' })).toThrow(/COOKIE_SECURE/);
  expect(loadConfig({ ...prod, COOKIE_SECURE: 'true' }).COOKIE_SECURE).toBe(true);
  // Development and tests keep plain-HTTP cookies.
  expect(loadConfig({ NODE_ENV: 'development' }).COOKIE_SECURE).toBe(false);
});
