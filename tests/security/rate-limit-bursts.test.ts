/**
 * Every limiter holds under a parallel burst: the attempt is counted BEFORE the slow part (a
 * password hash, a token lookup, the planner), so of any burst no more than the limit gets
 * through and the rest are 429. Each test speaks from its own client address (X-Forwarded-For
 * from loopback is trusted, as behind the compose proxy), so the limits are this test's own.
 */
import request from 'supertest';
import { startTestServer, DEMO_PASSWORD, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import { hashPassword } from '../../server/auth/password.js';
import { insertUser } from '../../server/auth/repo.js';
import { smallScenario } from '../../seed/small.js';
import { buildScenario } from '../../seed/factories.js';

let server: TestServer;
let duty: Agent;
let incidentId: string;

beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_IMPORTS_PER_MIN: '3', MESSAGES_ENABLED: 'false' } });
  duty = await signIn(server.url, DEMO.duty);
  incidentId = (await duty.post('/api/incidents/import').send(smallScenario()).expect(201)).body.incidentId;
});
afterAll(async () => server?.close());

const counts = (list: { status: number }[]) => list.reduce<Record<number, number>>((m, r) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }), {});
const login = (from: string, email: string, password: string) =>
  request(server.url).post('/api/auth/login').set('x-forwarded-for', from).send({ email, password });

test('150 wrong passwords for one account at once: exactly 10 are answered 401, the other 140 are 429', async () => {
  const email = 'burst-one@test.example';
  await insertUser(server.database.db, { email, name: 'Burst', role: 'duty_manager', passwordHash: await hashPassword('the-right-password') });
  const results = await Promise.all(Array.from({ length: 150 }, (_, i) => login('198.51.100.1', email, `wrong-${i}`)));
  expect(counts(results)).toEqual({ 401: 10, 429: 140 });
  // The account is locked for this address now, the right password included.
  await login('198.51.100.1', email, 'the-right-password').expect(429);
});

test('a burst across 80 accounts from one address: no more than the per-address 50 are 401', async () => {
  const results = await Promise.all(Array.from({ length: 80 }, (_, i) => login('198.51.100.2', `nobody-${i}@test.example`, 'guess')));
  expect(counts(results)).toEqual({ 401: 50, 429: 30 });
});

test('a right password among a burst is not counted as a failure', async () => {
  const email = 'burst-right@test.example';
  await insertUser(server.database.db, { email, name: 'Right', role: 'duty_manager', passwordHash: await hashPassword(DEMO_PASSWORD) });
  const results = await Promise.all(Array.from({ length: 9 }, () => login('198.51.100.3', email, DEMO_PASSWORD)));
  expect(counts(results)).toEqual({ 200: 9 });
  // Nine good sign-ins left the full ten failures available.
  const wrong = await Promise.all(Array.from({ length: 12 }, (_, i) => login('198.51.100.3', email, `wrong-${i}`)));
  expect(counts(wrong)).toEqual({ 401: 10, 429: 2 });
});

test('per-user limits (imports here) hold under a parallel burst', async () => {
  const duty2 = await signIn(server.url, DEMO.duty2);
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, i) => duty2.post('/api/incidents/import').send(buildScenario({ incident: { name: `Burst ${i}` } }))),
  );
  expect(counts(results)).toEqual({ 201: 3, 429: 7 });
});

describe('status links', () => {
  const status = (from: string, token: string) => request(server.url).get('/api/guest/status').set('x-forwarded-for', from).set('x-status-token', token);
  const tokenOf = async (partyId: string): Promise<string> => (await duty.get(`/api/incidents/${incidentId}/status-links/${partyId}`).expect(200)).body.token;

  test('a muster point behind one address: many households polling, and a phone stuck on a revoked link, are never locked out', async () => {
    const ids = ['P01', 'P02', 'P03', 'P04', 'P05', 'P06'];
    const tokens = await Promise.all(ids.map(tokenOf));
    const revoked = await tokenOf('P07');
    await duty.post(`/api/incidents/${incidentId}/status-links/P07/reissue`).expect(200);
    // 6 x 30 = 180 polls from one address: more than the 120 a minute any single link may make.
    const polls = await Promise.all(tokens.flatMap((t) => Array.from({ length: 30 }, () => status('203.0.113.10', t))));
    expect(counts(polls)).toEqual({ 200: 180 });
    // The old link polled 40 times is one failure, not 40.
    for (let i = 0; i < 40; i++) await status('203.0.113.10', revoked).expect(404);
    await status('203.0.113.10', tokens[0]!).expect(200);
  });

  test('one link is limited per token (120 a minute), whatever address it comes from', async () => {
    const token = await tokenOf('P08');
    const results = await Promise.all(Array.from({ length: 130 }, (_, i) => status(`203.0.113.${100 + (i % 100)}`, token)));
    expect(counts(results)).toEqual({ 200: 120, 429: 10 });
  });

  test('guessing in parallel: of 60 distinct unknown tokens from one address at most 30 are answered 404, and the address is then refused', async () => {
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => status('203.0.113.20', `guess-${i}`.padEnd(32, 'x'))));
    expect(counts(results)).toEqual({ 404: 30, 429: 30 });
    await status('203.0.113.20', await tokenOf('P09')).expect(429);
    // Another address at the same muster point is unaffected.
    await status('203.0.113.21', await tokenOf('P09')).expect(200);
  });
});
