/**
 * POST /api/incidents/import refuses a malformed scenario with a 400 that names the exact JSON
 * path of what is wrong, and leaves the database exactly as it was: a half-imported incident is
 * worse than none. Each case starts from a valid factory scenario and breaks one thing.
 */
import { sql } from 'drizzle-orm';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import { buildGuest, buildHotel, buildParty, buildRoomType, buildScenario, buildSite, buildVehicle } from '../../seed/factories.js';
import { events, guests, hotels, incidents, parties, roomTypes, sites, vehicles } from '../../server/db/schema.js';
import type { ScenarioInput } from '../../shared/scenario.js';

let server: TestServer;
let duty: Agent;

beforeAll(async () => {
  server = await startTestServer();
  duty = await signIn(server.url, DEMO.duty);
});
afterAll(async () => server?.close());

const TABLES = { incidents, sites, parties, guests, hotels, roomTypes, vehicles, events };

/** Row counts of every table an import writes, read straight from the database. */
async function rowCounts(): Promise<Record<keyof typeof TABLES, number>> {
  const out = {} as Record<keyof typeof TABLES, number>;
  for (const [name, table] of Object.entries(TABLES)) {
    const [row] = await server.database.db.select({ n: sql<number>`count(*)::int` }).from(table);
    out[name as keyof typeof TABLES] = row!.n;
  }
  return out;
}

async function incidentListLength(): Promise<number> {
  const res = await duty.get('/api/incidents').expect(200);
  return res.body.incidents.length;
}

/** Everything an observer could use to tell whether an import left something behind. */
async function snapshot() {
  return { listed: await incidentListLength(), rows: await rowCounts() };
}

type Break = (s: ScenarioInput & Record<string, unknown>) => unknown;

interface Case {
  name: string;
  /** Turns a valid scenario into the malformed body that is posted. */
  body: Break;
  path: string;
  message: string | RegExp;
}

/** A scenario whose parts have fixed ids, so expected messages can name them. */
function base(): ScenarioInput & Record<string, unknown> {
  return buildScenario({
    parties: [
      buildParty({ id: 'P1', guests: [buildGuest({ id: 'G1' }), buildGuest({ id: 'G2' })] }),
      buildParty({ id: 'P2', guests: [buildGuest({ id: 'G3' })] }),
    ],
    hotels: [buildHotel({ id: 'H1', roomTypes: [buildRoomType({ type: 'double' }), buildRoomType({ type: 'family', sleeps: 4, count: 2 })] })],
    vehicles: [buildVehicle({ id: 'V1' })],
  }) as ScenarioInput & Record<string, unknown>;
}

// Loose access for breaking things on purpose.
/* eslint-disable @typescript-eslint/no-explicit-any */
const CASES: Case[] = [
  {
    name: 'guest age "elder"',
    body: (s) => (((s.parties as any)[0].guests[0].age = 'elder'), s),
    path: 'parties[0].guests[0].age',
    message: 'expected adult, child or infant',
  },
  { name: 'wrong format string', body: (s) => (((s as any).format = 'relocation-scenario/2'), s), path: 'format', message: 'expected "relocation-scenario/1"' },
  {
    name: 'helpline that is not a phone number',
    body: (s) => (((s.incident as any).helpline = 'ring Bob'), s),
    path: 'incident.helpline',
    message: /expected one telephone number/,
  },
  { name: 'missing incident name', body: (s) => (delete (s.incident as any).name, s), path: 'incident.name', message: /expected string/ },
  { name: 'blank incident name', body: (s) => (((s.incident as any).name = '   '), s), path: 'incident.name', message: 'expected the incident name' },
  {
    name: 'lower-case currency',
    body: (s) => (((s.incident as any).currency = 'gbp'), s),
    path: 'incident.currency',
    message: 'expected a three-letter ISO currency code such as GBP',
  },
  {
    name: 'currency as a word',
    body: (s) => (((s.incident as any).currency = 'POUNDS'), s),
    path: 'incident.currency',
    message: 'expected a three-letter ISO currency code such as GBP',
  },
  {
    name: 'startedAt without an offset',
    body: (s) => (((s.incident as any).startedAt = '2026-10-31T20:00:00'), s),
    path: 'incident.startedAt',
    message: 'expected an ISO-8601 time with an offset, e.g. 2026-03-01T20:00:00+00:00',
  },
  {
    name: 'startedAt on a day that does not exist',
    body: (s) => (((s.incident as any).startedAt = '2026-02-30T20:00:00+00:00'), s),
    path: 'incident.startedAt',
    message: 'expected an ISO-8601 time with an offset, e.g. 2026-03-01T20:00:00+00:00',
  },
  {
    name: 'roadFactor below 1',
    body: (s) => (((s.incident as any).policy = { roadFactor: 0.5 }), s),
    path: 'incident.policy.roadFactor',
    message: 'roadFactor must be at least 1',
  },
  {
    name: 'staff spend limit beyond a 32-bit integer',
    body: (s) => (((s.incident as any).staffSpendLimitMinor = 5_000_000_000), s),
    path: 'incident.staffSpendLimitMinor',
    message: 'expected at most 2000000000',
  },
  { name: 'no sites at all', body: (s) => ({ ...s, sites: [], parties: [], vehicles: [] }), path: 'sites', message: 'a scenario needs at least one site' },
  {
    name: 'duplicate site id',
    body: (s) => ((s as any).sites.push(buildSite({ id: 'muster-test' })), s),
    path: 'sites[2].id',
    message: 'duplicate site id "muster-test"',
  },
  { name: 'site latitude 95', body: (s) => (((s.sites as any)[0].lat = 95), s), path: 'sites[0].lat', message: 'latitude must be between -90 and 90' },
  { name: 'site kind "car park"', body: (s) => (((s.sites as any)[0].kind = 'car park'), s), path: 'sites[0].kind', message: 'expected resort, muster, depot' },
  { name: 'duplicate party id', body: (s) => (((s.parties as any)[1].id = 'P1'), s), path: 'parties[1].id', message: 'duplicate party id "P1"' },
  {
    name: 'party at an unknown site',
    body: (s) => (((s.parties as any)[1].siteId = 'nowhere'), s),
    path: 'parties[1].siteId',
    message: 'unknown site "nowhere"; expected one of the scenario\'s sites',
  },
  {
    name: 'household with no guests',
    body: (s) => (((s.parties as any)[0].guests = []), s),
    path: 'parties[0].guests',
    message: 'a household needs at least one guest',
  },
  {
    name: 'guests that are not a list',
    body: (s) => (((s.parties as any)[0].guests = 'Ada and Ben'), s),
    path: 'parties[0].guests',
    message: /expected array/,
  },
  {
    name: 'duplicate guest id across households',
    body: (s) => (((s.parties as any)[1].guests[0].id = 'G1'), s),
    path: 'parties[1].guests[0].id',
    message: 'duplicate guest id "G1"',
  },
  {
    name: 'guest without a name',
    body: (s) => (((s.parties as any)[1].guests[0].name = ''), s),
    path: 'parties[1].guests[0].name',
    message: 'expected the guest name',
  },
  { name: 'hotel longitude 200', body: (s) => (((s.hotels as any)[0].lng = 200), s), path: 'hotels[0].lng', message: 'longitude must be between -180 and 180' },
  {
    name: 'negative room count',
    body: (s) => (((s.hotels as any)[0].roomTypes[0].count = -1), s),
    path: 'hotels[0].roomTypes[0].count',
    message: 'room count cannot be negative',
  },
  {
    name: 'room count too large for the database',
    body: (s) => (((s.hotels as any)[0].roomTypes[0].count = 3_000_000_000), s),
    path: 'hotels[0].roomTypes[0].count',
    message: 'expected at most 2000000000',
  },
  {
    name: 'non-integer rateMinor',
    body: (s) => (((s.hotels as any)[0].roomTypes[1].rateMinor = 89.5), s),
    path: 'hotels[0].roomTypes[1].rateMinor',
    message: 'expected whole minor units (pence)',
  },
  {
    name: 'negative rateMinor',
    body: (s) => (((s.hotels as any)[0].roomTypes[1].rateMinor = -100), s),
    path: 'hotels[0].roomTypes[1].rateMinor',
    message: 'expected an amount of 0 or more',
  },
  {
    name: 'room that sleeps 0',
    body: (s) => (((s.hotels as any)[0].roomTypes[0].sleeps = 0), s),
    path: 'hotels[0].roomTypes[0].sleeps',
    message: 'a room must sleep at least 1',
  },
  {
    name: 'duplicate room type in a hotel',
    body: (s) => (((s.hotels as any)[0].roomTypes[1].type = 'double'), s),
    path: 'hotels[0].roomTypes[1].type',
    message: 'duplicate room type "double" in this hotel: list each type once, with its count',
  },
  {
    name: 'vehicle kind "helicopter"',
    body: (s) => (((s.vehicles as any)[0].kind = 'helicopter'), s),
    path: 'vehicles[0].kind',
    message: 'expected coach, minibus, taxi, accessible_taxi',
  },
  {
    name: 'vehicle with 0 seats',
    body: (s) => (((s.vehicles as any)[0].seats = 0), s),
    path: 'vehicles[0].seats',
    message: 'a vehicle needs at least one seat',
  },
  {
    name: 'vehicle at an unknown depot',
    body: (s) => (((s.vehicles as any)[0].depotSiteId = 'depot-elsewhere'), s),
    path: 'vehicles[0].depotSiteId',
    message: 'unknown site "depot-elsewhere"; expected one of the scenario\'s sites',
  },
  {
    name: 'vehicle availableFrom without an offset',
    body: (s) => (((s.vehicles as any)[0].availableFrom = '2026-10-31 20:30'), s),
    path: 'vehicles[0].availableFrom',
    message: 'expected an ISO-8601 time with an offset, e.g. 2026-03-01T20:00:00+00:00',
  },
  { name: 'body that is a JSON array', body: (s) => [s], path: '', message: /expected object, received array/ },
];
/* eslint-enable @typescript-eslint/no-explicit-any */

test('the cases are all different', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(15);
  expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
});

test('control: the unbroken base scenario imports, and the counters see it', async () => {
  const before = await snapshot();
  const res = await duty.post('/api/incidents/import').send(base()).expect(201);
  expect(res.body.counts).toEqual({ sites: 2, parties: 2, guests: 3, hotels: 1, vehicles: 1 });
  const after = await snapshot();
  expect(after.listed).toBe(before.listed + 1);
  expect(after.rows).toMatchObject({
    incidents: before.rows.incidents + 1,
    sites: before.rows.sites + 2,
    parties: before.rows.parties + 2,
    guests: before.rows.guests + 3,
    hotels: before.rows.hotels + 1,
    roomTypes: before.rows.roomTypes + 2,
    vehicles: before.rows.vehicles + 1,
  });
});

test.each(CASES)('$name -> 400 naming "$path", nothing stored', async ({ body, path, message }) => {
  const before = await snapshot();
  const res = await duty.post('/api/incidents/import').send(body(base()) as object);
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('validation_failed');
  expect(res.body.error.message).toMatch(/^Invalid scenario: /);
  const fields: { path: string; message: string }[] = res.body.error.details.fields;
  // Exactly one thing was broken, so exactly one field is named.
  expect(fields).toHaveLength(1);
  expect(fields[0]!.path).toBe(path);
  if (typeof message === 'string') expect(fields[0]!.message).toBe(message);
  else expect(fields[0]!.message).toMatch(message);
  expect(await snapshot()).toEqual(before);
});

test('several mistakes at once are all named, deepest paths included', async () => {
  const before = await snapshot();
  const s = base() as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  s.incident.currency = 'gbp';
  s.parties[1].guests[0].age = 'pensioner';
  s.vehicles[0].seats = 0;
  const res = await duty.post('/api/incidents/import').send(s).expect(400);
  expect(res.body.error.code).toBe('validation_failed');
  expect(res.body.error.details.fields.map((f: { path: string }) => f.path).sort()).toEqual([
    'incident.currency',
    'parties[1].guests[0].age',
    'vehicles[0].seats',
  ]);
  expect(await snapshot()).toEqual(before);
});

test('invalid JSON text -> 400 bad_request, nothing stored', async () => {
  const before = await snapshot();
  const res = await duty.post('/api/incidents/import').set('Content-Type', 'application/json').send('{"format": "relocation-scenario/1", "incident": ');
  expect(res.status).toBe(400);
  expect(res.body.error).toEqual({ code: 'bad_request', message: 'The request body is not valid JSON.', details: {} });
  expect(await snapshot()).toEqual(before);
});

test('a scenario sent as text/plain -> 400 bad_request, nothing stored', async () => {
  const before = await snapshot();
  const res = await duty.post('/api/incidents/import').set('Content-Type', 'text/plain').send(JSON.stringify(base()));
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('bad_request');
  expect(await snapshot()).toEqual(before);
});

/*
 * These once passed zod and failed inside the import transaction (the database refuses NUL); now
 * every one-line field refuses control characters first (shared/fields.ts), naming the field, and
 * the database's refusal remains the second line of defence.
 */
test('a NUL byte in the last row written (a vehicle provider) -> 400 naming the field, nothing stored', async () => {
  const before = await snapshot();
  const s = base();
  s.vehicles = [buildVehicle({ id: 'V1', provider: 'Coastal\u0000Coaches' })];
  const res = await duty.post('/api/incidents/import').send(s);
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('validation_failed');
  expect(res.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['vehicles[0].provider']);
  expect(await snapshot()).toEqual(before);
});

test('a NUL escape inside a hotel perk (jsonb) -> 400 naming the field, nothing stored', async () => {
  const before = await snapshot();
  const s = base();
  s.hotels = [buildHotel({ id: 'H1', perks: [{ kind: 'open_bar', note: 'ask for\u0000Sam' }] })];
  const res = await duty.post('/api/incidents/import').send(s);
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('validation_failed');
  expect(res.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['hotels[0].perks[0].note']);
  expect(await snapshot()).toEqual(before);
});
