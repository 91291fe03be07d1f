/**
 * Conditional requests on the status page: a phone that sends back the ETag of its last answer
 * gets 304 (no body) while nothing the page shows has changed, and 200 with the new page as soon
 * as anything shown changes, whichever part of the product changed it: the household's status (a
 * check-in), its replies, its hotel's perks, or any row the page is built from changed where this
 * process could not hear it. The token is still checked first: a revoked link is 404 whatever ETag
 * it sends.
 */
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, driveToDoor, signIn, type Agent } from '../helpers/api.js';
import { smallScenario } from '../../seed/small.js';
import type { IncidentState } from '../../shared/api.js';
import type { GuestStatusView } from '../../shared/messages.js';
import { ifNoneMatch, STATUS_PAGE_FORMAT } from '../../server/guest/etag.js';
import { loadConfig } from '../../server/config.js';
import { startServer } from '../../server/server.js';
import { pino } from 'pino';

let server: TestServer;
let duty: Agent;
let incidentId: string;

const inc = (p = '') => `/api/incidents/${incidentId}${p}`;
const tokenOf = async (partyId: string): Promise<string> => (await duty.get(inc(`/status-links/${partyId}`)).expect(200)).body.token;
const status = (token: string, etag?: string) => {
  const r = request(server.url).get('/api/guest/status').set('x-status-token', token);
  return etag === undefined ? r : r.set('if-none-match', etag);
};

/** The background loop pages each household once the plan is applied: wait for it, so the page is at rest. */
async function atRest(token: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) if (((await status(token).expect(200)).body as GuestStatusView).messages.some((m) => m.template === 'assigned')) return;
  throw new Error('the household was never paged its hotel');
}

beforeAll(async () => {
  server = await startTestServer();
  duty = await signIn(server.url, DEMO.duty);
  incidentId = (await duty.post('/api/incidents/import').send(smallScenario()).expect(201)).body.incidentId;
  const proposal = (await duty.post(inc('/plans')).expect(201)).body;
  await duty.post(inc(`/plans/${proposal.id}/apply`)).expect(200);
});
afterAll(async () => {
  await server?.close();
});

test('unchanged: 304 with no body; the same answer is read twice with the same ETag', async () => {
  const token = await tokenOf('P03');
  await atRest(token);
  const first = await status(token).expect(200);
  const etag = first.headers.etag as string;
  expect(etag).toMatch(new RegExp(`^"p${STATUS_PAGE_FORMAT}-[A-Za-z0-9_-]{32}"$`));
  expect(first.headers['cache-control']).toBe('no-store');
  const again = await status(token).expect(200);
  expect(again.headers.etag).toBe(etag); // the read time (updatedAt) differs, the ETag does not
  expect(again.body.updatedAt).not.toBeUndefined();
  const same = await status(token, etag).expect(304);
  expect(same.text ?? '').toBe('');
  expect(same.headers.etag).toBe(etag);
  await status(token, `W/${etag}`).expect(304);
  await status(token, `"other", ${etag}`).expect(304);
  await status(token, '"other"').expect(200);
});

test('a check-in changes the status: the same If-None-Match gets 200 with the new page', async () => {
  const token = await tokenOf('P05');
  await atRest(token);
  const before = await status(token).expect(200);
  const etag = before.headers.etag as string;
  expect((before.body as GuestStatusView).household.status).toBe('assigned');
  await status(token, etag).expect(304);
  const party = ((await duty.get(inc('/state')).expect(200)).body as IncidentState).parties.find((p) => p.id === 'P05')!;
  await duty
    .post(inc(`/hotels/${party.hotelId}/arrivals/checkins`))
    .send({ partyId: 'P05' })
    .expect(200);
  const after = await status(token, etag).expect(200);
  expect((after.body as GuestStatusView).household.status).toBe('checked_in');
  expect(after.headers.etag).not.toBe(etag);
});

test('the household replies: its page changes, so 200', async () => {
  const token = await tokenOf('P06');
  const etag = (await status(token).expect(200)).headers.etag as string;
  await request(server.url)
    .post('/api/guest/replies')
    .set('x-status-token', token)
    .send({ kind: 'need_help', key: `etag-${Date.now()}`, text: 'we need a ground-floor room' })
    .expect(201);
  const after = await status(token, etag).expect(200);
  expect((after.body as GuestStatusView).replies).toHaveLength(1);
  expect(after.headers.etag).not.toBe(etag);
});

test("another part of the product changes what the page shows (the hotel's perks): 200", async () => {
  const token = await tokenOf('P07');
  const first = await status(token).expect(200);
  const view = first.body as GuestStatusView;
  const hotelId = ((await duty.get(inc('/state')).expect(200)).body as IncidentState).parties.find((p) => p.id === 'P07')!.hotelId!;
  expect(view.destination).not.toBeNull();
  await duty
    .patch(inc(`/hotels/${hotelId}`))
    .send({ perks: [{ kind: 'breakfast', note: 'from 6 am in the lounge' }] })
    .expect(200);
  const after = await status(token, first.headers.etag as string).expect(200);
  expect(JSON.stringify(after.body)).toContain('from 6 am in the lounge');
});

/**
 * The ETag is the version of the rows the page is built from, read in one query, so changes made
 * where this process cannot hear them (another app process, a job that writes no event) must still
 * turn the next answer into 200: each write below goes straight to the database.
 */
test.each([
  ['the incident (its name)', `update incidents set name = name || ' (moved)' where id = $1`, (v: GuestStatusView) => v.incident.name.endsWith('(moved)')],
  [
    'a guest (a name corrected)',
    `update guests set name = name || ' Jr' where incident_id = $1 and party_id = 'P08' and position = 0`,
    (v: GuestStatusView) => v.household.guests[0]!.name.endsWith(' Jr'),
  ],
  [
    'the stay (room numbers)',
    `update stays set room_numbers = '{"double":["214"]}' where incident_id = $1 and party_id = 'P08'`,
    (v: GuestStatusView) => JSON.stringify(v.destination?.roomNumbers ?? {}).includes('214'),
  ],
  [
    'the hotel (its phone)',
    `update hotels set phone = '+44 1234 999999' where incident_id = $1 and id in (select hotel_id from stays where incident_id = $1 and party_id = 'P08')`,
    (v: GuestStatusView) => v.destination?.phone === '+44 1234 999999',
  ],
  [
    'the trip (a new time)',
    `update trips set depart_at = depart_at + interval '7 minutes' where id in (select trip_id from trip_riders where incident_id = $1 and party_id = 'P08')`,
    (v: GuestStatusView, before: GuestStatusView) => v.transport?.departAt !== before.transport?.departAt,
  ],
  [
    'the vehicle (its provider)',
    `update vehicles set provider = 'Relief Coaches' where incident_id = $1 and id in (select t.vehicle_id from trips t join trip_riders r on r.trip_id = t.id where r.incident_id = $1 and r.party_id = 'P08')`,
    (v: GuestStatusView) => v.transport?.provider === 'Relief Coaches',
  ],
  [
    'a page message',
    `insert into outbox (incident_id, party_id, channel, template, recipient, body, dedupe_key, status) values ($1, 'P08', 'page', 'update', 'page', 'Coaches are running 10 minutes late.', 'etag-test-' || gen_random_uuid(), 'sent')`,
    (v: GuestStatusView) => v.messages.some((m) => m.body.includes('10 minutes late')),
  ],
  [
    'the helpline',
    `insert into message_settings (incident_id, helpline_phone, departure_notice_minutes) values ($1, '+44 800 000 111', 15) on conflict (incident_id) do update set helpline_phone = excluded.helpline_phone`,
    (v: GuestStatusView) => JSON.stringify(v.incident).includes('+44 800 000 111'),
  ],
])('a change this process did not make reaches the next answer: %s', async (_what, write, shows) => {
  const token = await tokenOf('P08');
  await atRest(token);
  const first = await status(token).expect(200);
  const etag = first.headers.etag as string;
  await status(token, etag).expect(304);
  await status(token, etag).expect(304);
  await server.db.db.execute(sql.raw(write.replaceAll('$1', `'${incidentId}'::uuid`)));
  const after = await status(token, etag).expect(200);
  expect(shows(after.body as GuestStatusView, first.body as GuestStatusView)).toBe(true);
  expect(after.headers.etag).not.toBe(etag);
  await status(token, after.headers.etag as string).expect(304);
});

test('polls that arrive together share one version read, yet each phone gets its own household, its own 304, and an unknown link its 404', async () => {
  const state = (await duty.get(inc('/state')).expect(200)).body as IncidentState;
  const households = state.parties.slice(0, 12);
  const tokens = await Promise.all(households.map((p) => tokenOf(p.id)));
  const pages = await Promise.all(tokens.map((t) => status(t).expect(200)));
  pages.forEach((r, i) => expect((r.body as GuestStatusView).household.name).toBe(households[i]!.name));
  // All at once again, each with its own ETag, two of them twice, and a link nobody was given.
  const again = await Promise.all([
    ...tokens.map((t, i) => status(t, pages[i]!.headers.etag as string)),
    status(tokens[0]!, pages[0]!.headers.etag as string),
    status(tokens[1]!),
    status('x'.repeat(32)),
  ]);
  for (const r of again.slice(0, tokens.length + 1)) expect(r.status).toBe(304);
  expect(again[tokens.length + 1]!.status).toBe(200);
  expect((again[tokens.length + 1]!.body as GuestStatusView).household.name).toBe(households[1]!.name);
  expect(again[tokens.length + 2]!.status).toBe(404);
});

test('another process, which never built the page, answers 304 to the ETag this one gave, and 200 once it changes', async () => {
  // A second server on the same database: a new process behind the load balancer, or this one restarted.
  const other = await startServer(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'silent',
      SEED_DEMO: 'false',
      MESSAGES_ENABLED: 'false',
      ...(server.db.url ? { DATABASE_URL: server.db.url } : {}),
    }),
    { database: server.db, logger: pino({ level: 'silent' }) },
  );
  try {
    const token = await tokenOf('P09');
    await atRest(token);
    const here = await status(token).expect(200);
    const etag = here.headers.etag as string;
    const there = () => request(other.url).get('/api/guest/status').set('x-status-token', token);
    const same = await there().set('if-none-match', etag).expect(304);
    expect(same.headers.etag).toBe(etag);
    // The same page read whole there has the same tag.
    const whole = await there().expect(200);
    expect(whole.headers.etag).toBe(etag);
    expect({ ...(whole.body as GuestStatusView), updatedAt: '' }).toEqual({ ...(here.body as GuestStatusView), updatedAt: '' });
    await server.db.db.execute(
      sql.raw(`update guests set name = name || ' Sr' where incident_id = '${incidentId}'::uuid and party_id = 'P09' and position = 0`),
    );
    const changed = await there().set('if-none-match', etag).expect(200);
    expect((changed.body as GuestStatusView).household.guests[0]!.name.endsWith(' Sr')).toBe(true);
    await status(token, changed.headers.etag as string).expect(304);
  } finally {
    await other.close();
  }
});

/** Every field of a page, as paths ("household.guests[].name"), sorted. */
function shapeOf(v: unknown, at = ''): string[] {
  if (Array.isArray(v)) return [...new Set(v.flatMap((x) => shapeOf(x, `${at}[]`)))].sort();
  if (v && typeof v === 'object')
    return Object.entries(v)
      .flatMap(([k, x]) => [`${at}${at ? '.' : ''}${k}`, ...shapeOf(x, `${at}${at ? '.' : ''}${k}`)])
      .sort();
  return [];
}

test('the page is built as STATUS_PAGE_FORMAT names: change what it shows, bump the number (phones would keep the old page)', async () => {
  // A page with every part filled: a reply, a check-in with a room number, feedback.
  const token = await tokenOf('P10');
  await atRest(token);
  const guest = (path: string, body: object) => request(server.url).post(path).set('x-status-token', token).send(body);
  await guest('/api/guest/replies', { kind: 'need_help', key: `shape-${Date.now()}`, text: 'a cot for the baby, please' }).expect(201);
  const s = (await duty.get(inc('/state')).expect(200)).body as IncidentState;
  const party = s.parties.find((p) => p.id === 'P10')!;
  // Brought to the door by its vehicle (a household checked in before its vehicle leaves has no ride left to show).
  const trip = s.trips.find((t) => t.id === party.tripId)!;
  await driveToDoor(server.url, duty, incidentId, { tripId: trip.id, vehicleId: trip.vehicleId, partyId: 'P10', hotelId: party.hotelId! });
  await duty
    .post(inc(`/hotels/${party.hotelId}/arrivals/checkins`))
    .send({ partyId: 'P10' })
    .expect(200);
  await guest('/api/guest/feedback', { rating: 5, comment: 'thank you' }).expect(200);
  const view = (await status(token).expect(200)).body as GuestStatusView;
  expect({ format: STATUS_PAGE_FORMAT, shape: shapeOf(view) }).toEqual({
    format: 3,
    shape: [
      'destination',
      'destination.address',
      'destination.lat',
      'destination.lng',
      'destination.mapUrl',
      'destination.name',
      'destination.perks',
      'destination.perks[].kind',
      'destination.perks[].note',
      'destination.phone',
      'destination.roomNumbers',
      'destination.rooms',
      'destination.rooms[].count',
      'destination.rooms[].type',
      'destination.stayStatus',
      'feedback',
      'feedback.comment',
      'feedback.rating',
      'feedbackOpen',
      'household',
      'household.guests',
      'household.guests[].age',
      'household.guests[].id',
      'household.guests[].name',
      'household.guests[].whereabouts',
      'household.language',
      'household.name',
      'household.passCode',
      'household.status',
      'household.unit',
      'incident',
      'incident.helplinePhone',
      'incident.name',
      'incident.timezone',
      'messages',
      'messages[].at',
      'messages[].body',
      'messages[].replaces',
      'messages[].subject',
      'messages[].superseded',
      'messages[].template',
      'ownWayToHotel',
      'replies',
      'replies[].at',
      'replies[].guestId',
      'replies[].id',
      'replies[].kind',
      'replies[].text',
      'transport',
      'transport.departAt',
      'transport.eta',
      'transport.from',
      'transport.provider',
      'transport.status',
      'transport.vehicleId',
      'transport.vehicleKind',
      'updatedAt',
    ],
  });
});

test('a revoked link is 404 whatever ETag it sends back', async () => {
  const token = await tokenOf('P04');
  const etag = (await status(token).expect(200)).headers.etag as string;
  await duty.post(inc('/status-links/P04/revoke')).expect(200);
  await status(token, etag).expect(404);
  await status(token, '*').expect(404);
});

test('If-None-Match parsing: lists, weak tags, star; nothing else matches', () => {
  expect(ifNoneMatch(undefined, '"a"')).toBe(false);
  expect(ifNoneMatch('', '"a"')).toBe(false);
  expect(ifNoneMatch('"a"', '"a"')).toBe(true);
  expect(ifNoneMatch('W/"a"', '"a"')).toBe(true);
  expect(ifNoneMatch('"b" ,  "a"', '"a"')).toBe(true);
  expect(ifNoneMatch('"ab"', '"a"')).toBe(false);
  expect(ifNoneMatch('a', '"a"')).toBe(false);
  expect(ifNoneMatch(' * ', '"a"')).toBe(true);
});
