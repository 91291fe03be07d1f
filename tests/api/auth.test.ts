/**
 * Sign-in, sessions and sign-out against the real app: the cookie's flags, one message for every
 * failed sign-in, revoked and expired sessions, rate limiting, CSRF (foreign Origin), the error
 * shape of unknown endpoints, and password hashes never leaving the server.
 */
import request from 'supertest';
import { eq } from 'drizzle-orm';
import { startTestServer, DEMO_PASSWORD, type TestServer } from '../helpers/server.js';
import { DEMO, signIn } from '../helpers/api.js';
import { hashPassword } from '../../server/auth/password.js';
import { insertUser } from '../../server/auth/repo.js';
import { hashToken, SESSION_COOKIE } from '../../server/auth/service.js';
import { sessions, users } from '../../server/db/schema.js';

const TRUSTED_ORIGIN = 'https://console.relocation.example';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ env: { ALLOWED_ORIGINS: TRUSTED_ORIGIN } });
});
afterAll(async () => server?.close());

let userSeq = 0;
/** A fresh duty manager with its own email, so rate limits and sessions are this test's own. */
async function newUser(opts: { password?: string; disabled?: boolean; name?: string } = {}) {
  userSeq += 1;
  const email = `${opts.name ?? 'auth-user'}-${userSeq}@test.example`;
  const password = opts.password ?? `pw-${userSeq}-correct-horse`;
  const id = await insertUser(server.database.db, { email, name: `Auth User ${userSeq}`, passwordHash: await hashPassword(password), role: 'duty_manager' });
  if (opts.disabled) await server.database.db.update(users).set({ disabled: true }).where(eq(users.id, id));
  return { id, email, password };
}

function login(body: unknown, headers: Record<string, string> = {}) {
  return request(server.url)
    .post('/api/auth/login')
    .set(headers)
    .send(body as object);
}

/** `rc_session=<token>` from a login response. */
function sessionCookie(res: request.Response): string {
  const raw = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const c = raw.find((x) => x.startsWith(`${SESSION_COOKIE}=`));
  if (!c) throw new Error(`no session cookie in ${JSON.stringify(raw)}`);
  return c.split(';')[0]!;
}

describe('signing in', () => {
  test('a good login answers the user and sets an httpOnly, SameSite=Lax session cookie for the whole site', async () => {
    const u = await newUser();
    const res = await login({ email: u.email, password: u.password }).expect(200);
    expect(res.body).toEqual({
      user: { id: u.id, email: u.email, name: expect.stringMatching(/^Auth User/), role: 'duty_manager', incidentId: null, hotelId: null },
    });
    const raw = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    expect(raw).toHaveLength(1);
    const attrs = raw[0]!.split(';').map((s) => s.trim());
    expect(attrs[0]).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43}$`));
    expect(attrs).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Path=/']));
    // COOKIE_SECURE is off in tests (plain http); it must not be set here.
    expect(attrs).not.toContain('Secure');
    const expires = attrs.find((a) => a.startsWith('Expires='));
    expect(Date.parse(expires!.slice('Expires='.length)) - Date.now()).toBeGreaterThan(23 * 3600_000);
  });

  test('the database keeps only a hash of the session token', async () => {
    const u = await newUser();
    const token = sessionCookie(await login({ email: u.email, password: u.password }).expect(200)).split('=')[1]!;
    const rows = await server.database.db.select().from(sessions).where(eq(sessions.userId, u.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).toBe(hashToken(token));
    expect(rows[0]!.tokenHash).not.toContain(token);
  });

  test('email is matched without regard to case or surrounding spaces', async () => {
    const u = await newUser();
    await login({ email: `  ${u.email.toUpperCase()} `, password: u.password }).expect(200);
  });

  test('a wrong password and an unknown email get the same 401 and no cookie', async () => {
    const u = await newUser();
    const wrong = await login({ email: u.email, password: 'not-the-password' });
    const unknown = await login({ email: 'nobody-here@test.example', password: 'whatever-it-is' });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect(wrong.body).toEqual({ error: { code: 'unauthenticated', message: 'Wrong email or password.', details: {} } });
    expect(unknown.body).toEqual(wrong.body);
  });

  test('a disabled user cannot sign in, and gets the same message', async () => {
    const u = await newUser({ disabled: true });
    const res = await login({ email: u.email, password: u.password }).expect(401);
    expect(res.body.error.message).toBe('Wrong email or password.');
  });

  test.each([
    { name: 'missing email', body: { password: 'x-password' }, path: 'body.email', message: /expected string/ },
    { name: 'email too short', body: { email: 'ab', password: 'x-password' }, path: 'body.email', message: /^enter your email$/ },
    { name: 'empty password', body: { email: 'someone@test.example', password: '' }, path: 'body.password', message: /^enter your password$/ },
    { name: 'email that is a number', body: { email: 12345, password: 'x-password' }, path: 'body.email', message: /expected string/ },
  ])('a bad body ($name) -> 400 naming $path', async ({ body, path, message }) => {
    const res = await login(body).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.fields).toHaveLength(1);
    expect(res.body.error.details.fields[0].path).toBe(path);
    expect(res.body.error.details.fields[0].message).toMatch(message);
  });

  test('invalid JSON -> 400 bad_request', async () => {
    const res = await request(server.url).post('/api/auth/login').set('Content-Type', 'application/json').send('{"email": "a@b.c",');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
  });
});

describe('sessions', () => {
  test('/api/auth/me is 401 without a session and 200 with one', async () => {
    const none = await request(server.url).get('/api/auth/me').expect(401);
    expect(none.body).toEqual({ error: { code: 'unauthenticated', message: 'Please sign in.', details: {} } });
    const u = await newUser();
    const cookie = sessionCookie(await login({ email: u.email, password: u.password }).expect(200));
    const me = await request(server.url).get('/api/auth/me').set('Cookie', cookie).expect(200);
    expect(me.body.user).toMatchObject({ id: u.id, email: u.email, role: 'duty_manager' });
  });

  test('a made-up or tampered cookie is no session', async () => {
    await request(server.url)
      .get('/api/auth/me')
      .set('Cookie', `${SESSION_COOKIE}=${'A'.repeat(43)}`)
      .expect(401);
    const u = await newUser();
    const cookie = sessionCookie(await login({ email: u.email, password: u.password }).expect(200));
    const tampered = cookie.slice(0, -1) + (cookie.endsWith('A') ? 'B' : 'A');
    await request(server.url).get('/api/auth/me').set('Cookie', tampered).expect(401);
    await request(server.url).get('/api/auth/me').set('Cookie', cookie).expect(200);
  });

  test('logout revokes the session: replaying the old cookie gets 401', async () => {
    const u = await newUser();
    const cookie = sessionCookie(await login({ email: u.email, password: u.password }).expect(200));
    await request(server.url).get('/api/incidents').set('Cookie', cookie).expect(200);
    const out = await request(server.url).post('/api/auth/logout').set('Cookie', cookie).expect(204);
    const cleared = ([] as string[]).concat(out.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    expect(cleared).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Expires=Thu, 01 Jan 1970`));
    // A client that ignores the cleared cookie still has no session.
    await request(server.url).get('/api/auth/me').set('Cookie', cookie).expect(401);
    await request(server.url).get('/api/incidents').set('Cookie', cookie).expect(401);
    const [row] = await server.database.db.select().from(sessions).where(eq(sessions.userId, u.id));
    expect(row!.revokedAt).toBeInstanceOf(Date);
  });

  test("logging out one session leaves the same user's other session alone", async () => {
    const u = await newUser();
    const laptop = sessionCookie(await login({ email: u.email, password: u.password }).expect(200));
    const phone = sessionCookie(await login({ email: u.email, password: u.password }).expect(200));
    expect(laptop).not.toBe(phone);
    await request(server.url).post('/api/auth/logout').set('Cookie', laptop).expect(204);
    await request(server.url).get('/api/auth/me').set('Cookie', laptop).expect(401);
    await request(server.url).get('/api/auth/me').set('Cookie', phone).expect(200);
  });

  test('an expired session is no session', async () => {
    const u = await newUser();
    const cookie = sessionCookie(await login({ email: u.email, password: u.password }).expect(200));
    await request(server.url).get('/api/auth/me').set('Cookie', cookie).expect(200);
    await server.database.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.userId, u.id));
    await request(server.url).get('/api/auth/me').set('Cookie', cookie).expect(401);
  });

  test('a user disabled after signing in loses the session at once', async () => {
    const u = await newUser();
    const cookie = sessionCookie(await login({ email: u.email, password: u.password }).expect(200));
    await server.database.db.update(users).set({ disabled: true }).where(eq(users.id, u.id));
    await request(server.url).get('/api/auth/me').set('Cookie', cookie).expect(401);
  });

  test('logout without a session is a harmless 204', async () => {
    await request(server.url).post('/api/auth/logout').expect(204);
  });
});

describe('password guessing', () => {
  test('the 11th failed attempt within the window is 429, even with the right password; other accounts are unaffected', async () => {
    const u = await newUser();
    for (let i = 1; i <= 10; i++) {
      const res = await login({ email: u.email, password: `guess-${i}` });
      expect(res.status).toBe(401);
    }
    const eleventh = await login({ email: u.email, password: 'guess-11' });
    expect(eleventh.status).toBe(429);
    expect(eleventh.body.error.code).toBe('rate_limited');
    expect(eleventh.body.error.message).toMatch(/^Too many failed sign-ins\. Try again in 15 minute\(s\)\.$/);
    expect(eleventh.body.error.details.retryAfterSeconds).toBeGreaterThan(14 * 60);
    expect(eleventh.body.error.details.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
    const right = await login({ email: u.email, password: u.password });
    expect(right.status).toBe(429);
    expect(right.headers['set-cookie']).toBeUndefined();
    // The limit is per account (and address): someone else signs in normally.
    const other = await newUser();
    await login({ email: other.email, password: other.password }).expect(200);
  });

  test('the limit counts the email without regard to case', async () => {
    const u = await newUser();
    for (let i = 1; i <= 10; i++) await login({ email: i % 2 ? u.email.toUpperCase() : u.email, password: `guess-${i}` }).expect(401);
    await login({ email: u.email, password: u.password }).expect(429);
  });

  test('a second spelling of one account (a dotted capital İ) is no second counter: it signs nobody in', async () => {
    const u = await newUser({ name: 'admin' });
    // The database's lower('İ') is 'i' under some collations; JavaScript's is 'i' plus a combining dot.
    const variant = u.email.replace(/i/, 'İ');
    expect(variant).not.toBe(u.email);
    // Not this account: its guesses would count apart from the account's own, so they open nothing.
    await login({ email: variant, password: u.password }).expect(401);
    await login({ email: u.email, password: u.password }).expect(200);
  });

  test('a successful sign-in resets the count', async () => {
    const u = await newUser();
    for (let i = 1; i <= 9; i++) await login({ email: u.email, password: `guess-${i}` }).expect(401);
    await login({ email: u.email, password: u.password }).expect(200);
    for (let i = 1; i <= 9; i++) await login({ email: u.email, password: `guess-${i}` }).expect(401);
    await login({ email: u.email, password: u.password }).expect(200);
  });
});

describe('requests from other sites', () => {
  test('a POST with a foreign Origin is refused with 403 and signs nobody in', async () => {
    const u = await newUser();
    const res = await login({ email: u.email, password: u.password }, { Origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: { code: 'forbidden', message: 'Requests from another site are not accepted.', details: {} } });
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(await server.database.db.select().from(sessions).where(eq(sessions.userId, u.id))).toHaveLength(0);
  });

  test("a signed-in user's cookie cannot be ridden from another site: import and logout refused", async () => {
    const duty = await signIn(server.url, DEMO.duty);
    const before = (await duty.get('/api/incidents').expect(200)).body.incidents.length;
    const imp = await duty.post('/api/incidents/import').set('Origin', 'http://localhost.evil.example').send({ format: 'relocation-scenario/1' });
    expect(imp.status).toBe(403);
    expect(imp.body.error.code).toBe('forbidden');
    await duty.post('/api/auth/logout').set('Origin', 'null').expect(403);
    // Still signed in, nothing imported.
    expect((await duty.get('/api/incidents').expect(200)).body.incidents.length).toBe(before);
  });

  test("the server's own origin and the configured ALLOWED_ORIGINS are accepted; GETs are never refused for Origin", async () => {
    const u = await newUser();
    await login({ email: u.email, password: u.password }, { Origin: server.url }).expect(200);
    await login({ email: u.email, password: u.password }, { Origin: TRUSTED_ORIGIN }).expect(200);
    await request(server.url).get('/api/health').set('Origin', 'https://evil.example').expect(200);
  });
});

describe('error shape and leaks', () => {
  test.each([
    ['GET', '/api/nope?x=1'],
    ['POST', '/api/incidents/00000000-0000-4000-8000-000000000000/nothing-here'],
    ['DELETE', '/api/auth/me'],
  ])('unknown endpoint %s %s -> 404 in the one JSON error shape', async (method, path) => {
    const res = await request(server.url)[method.toLowerCase() as 'get' | 'post' | 'delete'](path);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ error: { code: 'not_found', message: `No such endpoint: ${method} ${path.split('?')[0]}`, details: {} } });
  });

  test('a password hash never appears in any response', async () => {
    const hashes = (await server.database.db.select({ h: users.passwordHash }).from(users)).map((r) => r.h);
    expect(hashes.length).toBeGreaterThanOrEqual(5);
    const duty = await signIn(server.url, DEMO.duty);
    const incidentId = (await duty.get('/api/incidents').expect(200)).body.incidents[0].id;
    const responses: request.Response[] = [];
    for (const email of Object.values(DEMO)) {
      const res = await login({ email, password: DEMO_PASSWORD });
      responses.push(res);
      const cookie = sessionCookie(res);
      responses.push(await request(server.url).get('/api/auth/me').set('Cookie', cookie));
      responses.push(await request(server.url).get('/api/incidents').set('Cookie', cookie));
      for (const part of ['summary', 'state', 'scenario'])
        responses.push(await request(server.url).get(`/api/incidents/${incidentId}/${part}`).set('Cookie', cookie));
    }
    responses.push(await login({ email: DEMO.admin, password: 'wrong-password' }));
    expect(responses.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(15);
    for (const res of responses) {
      const text = JSON.stringify(res.headers) + res.text;
      expect(text).not.toMatch(/scrypt\$/);
      expect(text).not.toMatch(/password_?hash/i);
      for (const h of hashes) expect(text).not.toContain(h.split('$').pop()!);
    }
  });
});
