import request from 'supertest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import { stormScenario } from '../../seed/storm.js';
import { scenarioSchema } from '../../shared/scenario.js';

let server: TestServer;
let duty: Agent;
let stormId: string;

beforeAll(async () => {
  server = await startTestServer();
  duty = await signIn(server.url, DEMO.duty);
  const list = await duty.get('/api/incidents').expect(200);
  stormId = list.body.incidents[0].id;
});
afterAll(async () => server?.close());

/** Times compared as instants: the export writes +00:00 whatever offset the file used. */
function normalise(s: unknown): unknown {
  return JSON.parse(JSON.stringify(s), (_k, v) => (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? new Date(v).toISOString() : v));
}

test('the storm scenario is loaded on first start and round-trips through export', async () => {
  const res = await duty.get(`/api/incidents/${stormId}/scenario`).expect(200);
  expect(normalise(res.body)).toEqual(normalise(scenarioSchema.parse(stormScenario())));
});

test('import then export gives back the same scenario, and counts match', async () => {
  const input = stormScenario();
  const imp = await duty.post('/api/incidents/import').send(input).expect(201);
  const parsed = scenarioSchema.parse(input);
  expect(imp.body.counts).toEqual({
    sites: parsed.sites.length,
    parties: parsed.parties.length,
    guests: parsed.parties.reduce((n, p) => n + p.guests.length, 0),
    hotels: parsed.hotels.length,
    vehicles: parsed.vehicles.length,
  });
  const out = await duty.get(`/api/incidents/${imp.body.incidentId}/scenario`).expect(200);
  expect(normalise(out.body)).toEqual(normalise(parsed));
  const summary = await duty.get(`/api/incidents/${imp.body.incidentId}/summary`).expect(200);
  expect(summary.body.counts.households).toBe(parsed.parties.length);
  expect(summary.body.counts.bedsOffered).toBe(parsed.hotels.reduce((n, h) => n + h.roomTypes.reduce((m, r) => m + r.sleeps * r.count, 0), 0));
});

test('health reports the database kind', async () => {
  const res = await request(server.url).get('/api/health').expect(200);
  expect(res.body).toMatchObject({ ok: true, database: { kind: process.env.DATABASE_URL ? 'postgres' : 'pglite', ok: true } });
  // PostgreSQL also reports the realtime layer's LISTEN connection.
  if (process.env.DATABASE_URL) expect(res.body.realtime).toEqual({ eventListener: true });
});
