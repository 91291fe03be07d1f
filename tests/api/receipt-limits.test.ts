/**
 * Receipt photos are read whole before anything else, so the route is bounded: uploads per user per
 * minute (429), and photos a member of staff holds that no perk cites (409, nothing stored).
 */
import { randomBytes } from 'node:crypto';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';

let server: TestServer;
let reception: Agent;
let base: string;

beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_UPLOADS_PER_MIN: '24' } });
  reception = await signIn(server.url, DEMO.reception);
  const incidentId = (await reception.get('/api/incidents').expect(200)).body.incidents[0].id;
  base = `/api/incidents/${incidentId}`;
});
afterAll(async () => server?.close());

const jpeg = () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(2044)]);
const upload = (body: Buffer) => reception.post(`${base}/ledger/receipts`).set('Content-Type', 'image/jpeg').send(body);

test('twenty photos on no perk are the most one person holds; the same photo again is still answered; the minute limit then says when to retry', async () => {
  const first = jpeg();
  await upload(first).expect(201);
  for (let i = 2; i <= 20; i++) await upload(jpeg()).expect(201);
  const refused = await upload(jpeg()).expect(409);
  expect(refused.body.error.message).toBe(
    '20 receipt photos you uploaded are not on any perk yet. Record those perks (or take the photo off the form) before uploading more.',
  );
  expect(refused.body.error.details).toEqual({ uncited: 20, limit: 20 });
  // A photo already stored costs nothing: a phone retrying an upload gets its answer.
  expect((await upload(first).expect(201)).body.sha256).toHaveLength(64);
  await upload(jpeg()).expect(409);
  await upload(jpeg()).expect(409);
  const limited = await upload(jpeg()).expect(429);
  expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
});
