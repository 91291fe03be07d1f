/**
 * What every answer carries: security headers and the content security policy, a request id, and
 * gzip for text when the client accepts it (reception phones are often on a slow link).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn } from '../helpers/api.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

test('security headers and a strict content security policy on API and page answers', async () => {
  for (const url of ['/api/health', '/']) {
    const res = await request(server.url).get(url);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).not.toMatch(/unsafe-eval/);
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-request-id']).toMatch(/.{8,}/);
  }
});

test('JSON answers are gzipped for clients that accept it, and plain for those that do not', async () => {
  const duty = await signIn(server.url, DEMO.duty);
  const id = (await duty.get('/api/incidents').expect(200)).body.incidents[0].id;
  const zipped = await duty.get(`/api/incidents/${id}/state`).set('Accept-Encoding', 'gzip').expect(200);
  expect(zipped.headers['content-encoding']).toBe('gzip');
  expect(zipped.body.parties.length).toBeGreaterThan(100); // supertest inflates it: the content is intact
  const plain = await duty.get(`/api/incidents/${id}/state`).set('Accept-Encoding', 'identity').expect(200);
  expect(plain.headers['content-encoding']).toBeUndefined();
  expect(plain.body).toEqual(zipped.body);
});

const dist = path.resolve('dist/client/assets');
(existsSync(dist) ? test : test.skip)('the client\'s scripts are served gzipped (built by npm test before jest)', async () => {
  const js = readdirSync(dist).find((f) => /^index-.*\.js$/.test(f));
  expect(js).toBeDefined();
  const res = await request(server.url).get(`/assets/${js}`).set('Accept-Encoding', 'gzip').expect(200);
  expect(res.headers['content-encoding']).toBe('gzip');
});

test('behind a trusted proxy, sign-in limits count each client address, not the proxy', async () => {
  const login = (ip: string, email: string, password: string) =>
    request(server.url).post('/api/auth/login').set('X-Forwarded-For', ip).send({ email, password });
  for (let i = 0; i < 50; i++) expect((await login('203.0.113.5', `nobody${i}@example.test`, 'wrong-password')).status).toBe(401);
  const blocked = await login('203.0.113.5', DEMO.duty, DEMO_PASSWORD);
  expect(blocked.status).toBe(429);
  // Another client behind the same proxy is not punished for it.
  expect((await login('203.0.113.6', DEMO.duty, DEMO_PASSWORD)).status).toBe(200);
}, 60_000);
