/**
 * What every answer carries: security headers and the content security policy, a request id, and
 * gzip for text when the client accepts it (reception phones are often on a slow link).
 */
import { existsSync, readdirSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import path from 'node:path';
import request from 'supertest';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn } from '../helpers/api.js';
import { createTestDatabase } from '../helpers/db.js';
import { loadConfig } from '../../server/config.js';
import { startServer } from '../../server/server.js';
import { contentSecurityPolicy } from '../../server/app.js';

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
    expect(csp).not.toMatch(/unsafe-inline/);
    expect(csp).toMatch(/script-src 'self';/);
    expect(csp).toMatch(/style-src 'self';/);
    expect(csp).toMatch(/connect-src 'self';/);
    expect(csp).toMatch(/worker-src 'self';/);
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
(existsSync(dist) ? test : test.skip)("the client's scripts are served gzipped (built by npm test before jest)", async () => {
  const js = readdirSync(dist).find((f) => /^index-.*\.js$/.test(f));
  expect(js).toBeDefined();
  const res = await request(server.url).get(`/assets/${js}`).set('Accept-Encoding', 'gzip').expect(200);
  expect(res.headers['content-encoding']).toBe('gzip');
});

(existsSync(dist) ? test : test.skip)("the service worker is served from the site root, never from a cache, listing this build's app shell", async () => {
  const res = await request(server.url).get('/sw.js').expect(200);
  expect(res.headers['cache-control']).toBe('no-cache');
  expect(res.headers['content-type']).toMatch(/javascript/);
  const js = readdirSync(dist).find((f) => /^index-.*\.js$/.test(f));
  expect(res.text).toContain(`"/assets/${js}"`);
  expect(res.text).toContain('"/index.html"');
  expect(res.text).toMatch(/const VERSION = "[0-9a-f]{16}"/);
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

test('passwords never reach the log, even at the most verbose level and on refused sign-ins', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const db = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'trace', SEED_DEMO: 'true', DEMO_PASSWORD: 'Seed-Only-Secret-1' });
  const running = await startServer(config, { database: db, logger: pino({ level: 'trace' }, sink) });
  try {
    const secret = 'Tr0ub4dor-and-3-horses';
    const login = (body: unknown) =>
      request(running.url)
        .post('/api/auth/login')
        .send(body as object);
    expect((await login({ email: DEMO.duty, password: secret })).status).toBe(401);
    expect((await login({ email: 42, password: secret })).status).toBe(400);
    expect((await login({ email: DEMO.duty, password: 'Seed-Only-Secret-1' })).status).toBe(200);
    const everything = lines.join('');
    expect(everything.length).toBeGreaterThan(0); // the request log did run
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain('Seed-Only-Secret-1');
  } finally {
    await running.close();
    await db.destroy();
  }
}, 60_000);

test('the policy lets pages connect only to themselves and the configured origins (HTTP and sockets)', () => {
  const csp = contentSecurityPolicy(loadConfig({ NODE_ENV: 'test', ALLOWED_ORIGINS: 'https://console.example.org, not an origin' }));
  const connect = csp.split('; ').find((d) => d.startsWith('connect-src'));
  expect(connect).toBe("connect-src 'self' https://console.example.org wss://console.example.org");
  expect(csp).not.toMatch(/ws: |wss: |unsafe-inline/);
});

test('a body nested thousands deep is a 400 naming the body, with or without an Idempotency-Key, and changes nothing', async () => {
  const duty = await signIn(server.url, DEMO.duty);
  const id = (await duty.get('/api/incidents').expect(200)).body.incidents[0].id;
  const before = (await duty.get(`/api/incidents/${id}/events?limit=1`).expect(200)).body;
  const url = `/api/incidents/${id}/parties`;
  for (const depth of [33, 5_000, 50_000])
    for (const key of [null, `deep-${depth}`]) {
      const body = `{"name":${'['.repeat(depth)}${']'.repeat(depth)}}`;
      const req = duty.post(url).set('content-type', 'application/json');
      if (key) req.set('Idempotency-Key', key);
      const res = await req.send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.details.fields).toEqual([{ path: 'body', message: expect.stringContaining('nested more than 32 levels deep') }]);
    }
  // A body as deep as the service's own (a scenario) is read as usual: its fields are judged.
  const shallow = await duty.post(url).send({ name: [[[['x']]]] });
  expect(shallow.status).toBe(400);
  expect(shallow.body.error.details.fields[0].path).not.toBe('body');
  expect((await duty.get(`/api/incidents/${id}/events?limit=1`).expect(200)).body).toEqual(before);
});
