/**
 * POST /api/incidents/:id/guests/csv: a resort's guest list (one row per guest) added to an incident
 * as households. A clean file adds every household; a file with any bad row adds none and names
 * each bad row by its line. Each test imports its own incident, so no test sees another's rows.
 */
import { readFileSync } from 'node:fs';
import request from 'supertest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, eq, sql } from 'drizzle-orm';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import { buildGuest, buildParty, buildScenario, buildSite, TEST_DEPOT_ID } from '../../seed/factories.js';
import { events, guests, parties } from '../../server/db/schema.js';
import { CSV_COLUMNS } from '../../server/incidents/csv.js';
import type { IncidentState } from '../../shared/api.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLE = readFileSync(path.join(ROOT, 'seed/examples/guests.csv'), 'utf8');
const HEADER = CSV_COLUMNS.join(',');

let server: TestServer;
let duty: Agent;

beforeAll(async () => {
  server = await startTestServer();
  duty = await signIn(server.url, DEMO.duty);
});
afterAll(async () => server?.close());

/** A fresh incident with the park's two muster points and one household (EXISTING-1) already in it. */
async function newIncident(): Promise<string> {
  const scenario = buildScenario({
    sites: [
      buildSite({ id: 'muster-clubhouse', name: 'Clubhouse' }),
      buildSite({ id: 'muster-sports-hall', name: 'Sports Hall' }),
      buildSite({ id: TEST_DEPOT_ID, name: 'Test depot', kind: 'depot' }),
    ],
    parties: [buildParty({ id: 'EXISTING-1', siteId: 'muster-clubhouse', guests: [buildGuest({ id: 'EXISTING-1-G1' })] })],
  });
  const res = await duty.post('/api/incidents/import').send(scenario).expect(201);
  return res.body.incidentId;
}

function postCsv(incidentId: string, text: string, type = 'text/csv') {
  return duty.post(`/api/incidents/${incidentId}/guests/csv`).set('Content-Type', type).send(text);
}

async function state(incidentId: string): Promise<IncidentState> {
  return (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
}

/** Households, guests and events of one incident, counted in the database itself. */
async function counts(incidentId: string) {
  const db = server.database.db;
  const n = async (table: typeof parties | typeof guests | typeof events) => {
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(table)
      .where(eq(table.incidentId, incidentId));
    return row!.n;
  };
  return { parties: await n(parties), guests: await n(guests), events: await n(events) };
}

describe('a good file', () => {
  test('the example export adds 7 households and 16 guests, with needs, contacts and notes', async () => {
    const id = await newIncident();
    const res = await postCsv(id, EXAMPLE).expect(201);
    expect(res.body).toEqual({ parties: 7, guests: 16 });

    const s = await state(id);
    expect(s.parties.map((p) => p.id)).toEqual(['EXISTING-1', 'SV-104417', 'SV-104452', 'SV-104460', 'SV-104501', 'SV-104533', 'SV-104578', 'SV-104590']);
    expect(s.parties.reduce((n, p) => n + p.guests.length, 0)).toBe(1 + 16);
    const byId = new Map(s.parties.map((p) => [p.id, p]));

    const okafor = byId.get('SV-104417')!;
    expect(okafor).toMatchObject({
      name: 'Okafor',
      unit: 'Lodge 14',
      siteId: 'muster-clubhouse',
      needs: [],
      notes: 'regulars; oat milk',
      status: 'waiting',
      size: 2,
    });
    expect(okafor.guests).toEqual([
      { id: 'SV-104417-1', name: 'Ada Okafor', age: 'adult', needs: ['wheelchair'], roomNumber: null, whereabouts: 'waiting' },
      { id: 'SV-104417-2', name: 'Ben Okafor', age: 'adult', needs: [], roomNumber: null, whereabouts: 'waiting' },
    ]);
    expect(byId.get('SV-104460')).toMatchObject({ needs: ['pets'], notes: 'dog (labrador), very friendly', size: 2 });
    expect(byId.get('SV-104452')!.guests.map((g) => g.age)).toEqual(['adult', 'adult', 'child', 'infant']);
    expect(byId.get('SV-104501')).toMatchObject({ siteId: 'muster-sports-hall', needs: [] });
    expect(byId.get('SV-104501')!.guests[0]!.needs).toEqual(['medical', 'reduced_mobility']);
    // Every new household gets its own pass code.
    expect(new Set(s.parties.map((p) => p.passCode)).size).toBe(s.parties.length);
    // The waiting counts per muster point include the newcomers.
    expect(s.sites.find((x) => x.id === 'muster-clubhouse')!.waiting).toBe(1 + 2 + 4 + 2);
    expect(s.sites.find((x) => x.id === 'muster-sports-hall')!.waiting).toBe(3 + 2 + 2 + 1);

    // Contact details are stored even though the console state does not show them.
    const [row] = await server.database.db
      .select()
      .from(parties)
      .where(and(eq(parties.incidentId, id), eq(parties.id, 'SV-104417')));
    expect(row).toMatchObject({ phone: '+447700900001', email: 'ada.okafor@example.org', position: 1 });

    const summary = (await duty.get(`/api/incidents/${id}/summary`).expect(200)).body;
    expect(summary.counts).toMatchObject({
      households: 8,
      guests: 17,
      infants: 1,
      children: 2,
      needs: { wheelchair: 1, medical: 1, reducedMobility: 2, petHouseholds: 1 },
    });
  });

  test('different notes on one booking are joined; pets on any row marks the household; text/plain works too', async () => {
    const id = await newIncident();
    const text = [
      HEADER,
      'B-1,Lodge 9,Ann Lee,adult,,+447700900101,ann@example.org,no,vegetarian,Clubhouse',
      'B-1,Lodge 9,Bo Lee,child,wheelchair,,,yes,asthma inhaler,Clubhouse',
      'B-2,Chalet 4,Di Fox,adult,,,,no,,Sports Hall',
    ].join('\n');
    expect((await postCsv(id, text, 'text/plain').expect(201)).body).toEqual({ parties: 2, guests: 3 });
    const s = await state(id);
    const lee = s.parties.find((p) => p.id === 'B-1')!;
    expect(lee).toMatchObject({ name: 'Lee', needs: ['pets'], notes: 'vegetarian; asthma inhaler' });
    expect(lee.guests.map((g) => [g.name, g.needs])).toEqual([
      ['Ann Lee', []],
      ['Bo Lee', ['wheelchair']],
    ]);
    expect(s.parties.find((p) => p.id === 'B-2')).toMatchObject({ siteId: 'muster-sports-hall', needs: [], notes: '' });
  });

  test('the import is one event in the incident log', async () => {
    const id = await newIncident();
    const before = await counts(id);
    await postCsv(id, EXAMPLE).expect(201);
    const after = await counts(id);
    expect(after).toEqual({ parties: before.parties + 7, guests: before.guests + 16, events: before.events + 1 });
    const [ev] = await server.database.db
      .select()
      .from(events)
      .where(and(eq(events.incidentId, id), eq(events.type, 'parties.added')));
    expect(ev!.payload).toEqual({ partyIds: ['SV-104417', 'SV-104452', 'SV-104460', 'SV-104501', 'SV-104533', 'SV-104578', 'SV-104590'], guests: 16 });
  });
});

const GOOD_ROW = 'B-1,Lodge 1,Ann Lee,adult,,,,no,,Clubhouse';

interface BadFile {
  name: string;
  text: string;
  fields: { path: string; message: string | RegExp }[];
}

const BAD_FILES: BadFile[] = [
  {
    name: 'bad age group on line 3',
    text: [HEADER, GOOD_ROW, 'B-1,Lodge 1,Bo Lee,teenager,,,,no,,Clubhouse', 'B-2,Lodge 2,Cy Roe,adult,,,,no,,Clubhouse'].join('\n'),
    fields: [{ path: 'line 3: age_group', message: 'expected adult, child or infant, got "teenager"' }],
  },
  {
    name: 'unknown muster point',
    text: [HEADER, GOOD_ROW, 'B-2,Lodge 2,Cy Roe,adult,,,,no,,Car Park'].join('\n'),
    fields: [{ path: 'line 3: muster_point', message: /^unknown muster point "Car Park"; expected one of .*Clubhouse, Sports Hall/ }],
  },
  {
    name: 'pets "maybe"',
    text: [HEADER, GOOD_ROW, 'B-2,Lodge 2,Cy Roe,adult,,,,maybe,,Clubhouse'].join('\n'),
    fields: [{ path: 'line 3: pets', message: 'expected yes or no, got "maybe"' }],
  },
  {
    name: 'missing required column',
    text: ['booking_ref,unit,guest_name,needs', 'B-1,Lodge 1,Ann Lee,'].join('\n'),
    fields: [{ path: 'line 1', message: /^missing column\(s\) age_group; expected booking_ref,unit,guest_name,age_group/ }],
  },
  {
    name: 'same booking at two muster points',
    text: [HEADER, GOOD_ROW, 'B-1,Lodge 1,Bo Lee,child,,,,no,,Sports Hall'].join('\n'),
    fields: [{ path: 'line 3: muster_point', message: 'booking B-1 is already at "muster-clubhouse" (line 2); a household stays together' }],
  },
  {
    name: 'booking reference already in the incident',
    text: [HEADER, GOOD_ROW, 'EXISTING-1,Lodge 7,Ed Roe,adult,,,,no,,Clubhouse'].join('\n'),
    fields: [{ path: 'booking_ref EXISTING-1', message: 'this booking is already in the incident' }],
  },
  {
    name: 'header only',
    text: `${HEADER}\n`,
    fields: [{ path: 'file', message: 'the file has a header but no guests' }],
  },
  {
    name: 'a row missing its booking reference after a blank line',
    text: [HEADER, GOOD_ROW, '', ',Lodge 3,Fay Roe,adult,,,,no,,Clubhouse'].join('\n'),
    fields: [{ path: 'line 4: booking_ref', message: 'expected a booking reference' }],
  },
  {
    name: 'several bad rows, each named',
    text: [HEADER, 'B-1,Lodge 1,Ann Lee,elder,,,,no,,Clubhouse', 'B-2,Lodge 2,,adult,,,,no,,Clubhouse', 'B-3,Lodge 3,Cy Roe,adult,,,,perhaps,,Beach'].join(
      '\n',
    ),
    fields: [
      { path: 'line 2: age_group', message: 'expected adult, child or infant, got "elder"' },
      { path: 'line 3: guest_name', message: 'expected the guest name' },
      { path: 'line 4: pets', message: 'expected yes or no, got "perhaps"' },
      { path: 'line 4: muster_point', message: /^unknown muster point "Beach"/ },
    ],
  },
];

describe('a bad file adds nothing', () => {
  test.each(BAD_FILES)('$name -> 400 naming the line', async ({ text, fields }) => {
    const id = await newIncident();
    const before = await counts(id);
    const res = await postCsv(id, text);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.message).toMatch(/^Invalid guest list: /);
    const got: { path: string; message: string }[] = res.body.error.details.fields;
    expect(got.map((f) => f.path)).toEqual(fields.map((f) => f.path));
    fields.forEach((f, i) => (typeof f.message === 'string' ? expect(got[i]!.message).toBe(f.message) : expect(got[i]!.message).toMatch(f.message)));
    expect(await counts(id)).toEqual(before);
    expect((await state(id)).parties.map((p) => p.id)).toEqual(['EXISTING-1']);
  });

  test('a file of thousands of bad rows is answered with the first 200 refusals and how many more, not a list larger than the file', async () => {
    const id = await newIncident();
    const rows = Array.from({ length: 3000 }, (_, i) => `B-${i},Lodge ${i},Guest ${i},elder,,,,maybe,,Nowhere`);
    const text = [HEADER, ...rows].join('\n');
    const res = await postCsv(id, text).expect(400);
    expect(res.body.error.details.fields).toHaveLength(200);
    expect(res.body.error.details.fields[0]).toEqual({ path: 'line 2: age_group', message: 'expected adult, child or infant, got "elder"' });
    expect(res.body.error.details.more).toBe(3 * 3000 - 200);
    expect(JSON.stringify(res.body).length).toBeLessThan(text.length);
    expect((await state(id)).parties.map((p) => p.id)).toEqual(['EXISTING-1']);
  });

  test('a large file costs time in proportion to its size: one booking of 30,000 rows, or thousands of columns, is answered in seconds and the server keeps answering', async () => {
    // Each row's note used to be searched for in the household's notes so far and appended:
    // a 3 MB file of one booking held the server's only thread for over five minutes.
    const id = await newIncident();
    const oneBooking = [HEADER, ...Array.from({ length: 30_000 }, (_, i) => `B-1,Lodge 1,Guest ${i},adult,,,,no,note ${i} about the stay,Clubhouse`)].join(
      '\n',
    );
    // Columns were found by searching the header on every cell read; the named ones come last here.
    const extra = Array.from({ length: 20_000 }, (_, i) => `x${i}`);
    const wide = [[...extra, ...CSV_COLUMNS].join(','), ...Array.from({ length: 20_000 }, (_, i) => `W-${i}`)].join('\n');
    for (const [text, field] of [
      [oneBooking, 'line 2: notes'],
      [wide, 'line 2: booking_ref'],
    ] as const) {
      const started = Date.now();
      const [res, health] = await Promise.all([
        postCsv(id, text),
        new Promise<number>((resolve) => setTimeout(resolve, 200)).then(async () => {
          const t = Date.now();
          await request(server.url).get('/api/health').expect(200);
          return Date.now() - t;
        }),
      ]);
      expect(res.status).toBe(400);
      expect(res.body.error.details.fields.map((f: { path: string }) => f.path)).toContain(field);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(health).toBeLessThan(3_000);
    }
    expect((await state(id)).parties.map((p) => p.id)).toEqual(['EXISTING-1']);
  }, 600_000);

  test('the same file twice: the second time every booking is named and nothing is added', async () => {
    const id = await newIncident();
    await postCsv(id, EXAMPLE).expect(201);
    const before = await counts(id);
    const res = await postCsv(id, EXAMPLE).expect(400);
    expect(res.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(
      ['SV-104417', 'SV-104452', 'SV-104460', 'SV-104501', 'SV-104533', 'SV-104578', 'SV-104590'].map((r) => `booking_ref ${r}`),
    );
    expect(await counts(id)).toEqual(before);
  });

  test.each([
    ['an empty file', ''],
    ['a file of blank lines', '\n\n  \n'],
  ])('%s -> 400 bad_request', async (_name, text) => {
    const id = await newIncident();
    const before = await counts(id);
    const res = await postCsv(id, text);
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ code: 'bad_request', message: 'Send the guest list as text/csv.', details: {} });
    expect(await counts(id)).toEqual(before);
  });

  test('a guest list sent as JSON -> 400 bad_request', async () => {
    const id = await newIncident();
    const before = await counts(id);
    const res = await duty.post(`/api/incidents/${id}/guests/csv`).send({ csv: EXAMPLE });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
    expect(await counts(id)).toEqual(before);
  });

  test('a NUL byte (once refused only by the database) -> 400 naming the field, the households before it not added', async () => {
    const id = await newIncident();
    const before = await counts(id);
    const res = await postCsv(id, [HEADER, GOOD_ROW, 'B-2,Lodge 2,Cy\u0000Roe,adult,,,,no,,Clubhouse'].join('\n'));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(JSON.stringify(res.body.error.details.fields)).toMatch(/guest/);
    expect(await counts(id)).toEqual(before);
  });

  test('an incident that does not exist -> 404, and a malformed id -> 400 naming params.incidentId', async () => {
    const missing = await postCsv('00000000-0000-4000-8000-000000000000', EXAMPLE);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    const bad = await postCsv('not-a-uuid', EXAMPLE);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields).toEqual([{ path: 'params.incidentId', message: 'expected an incident id (uuid)' }]);
  });
});
