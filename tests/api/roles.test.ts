/**
 * Who may call what: every API route x every kind of caller, as one table. Rules:
 * no session -> 401; role not allowed -> 403; role allowed but the incident (or hotel) is not
 * theirs -> 404 (so ids cannot be probed); allowed -> 2xx. A refused call changes nothing.
 *
 * Adding a route means adding a row to ROUTES; the last tests fail if the route table
 * (server/app.ts API_ROUTES) gains a route that has no row here, if a row's columns disagree with
 * the rule its route declares, or if Express serves a route the table does not list.
 */
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { startTestServer, DEMO_PASSWORD, type TestServer } from '../helpers/server.js';
import { declaredRoutes, mountedRoutes, routeRule } from '../helpers/routes.js';
import { NOT_IN_TABLE } from '../../server/app.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import { buildGuest, buildHotel, buildParty, buildRoomType, buildScenario, buildVehicle } from '../../seed/factories.js';
import { hashPassword } from '../../server/auth/password.js';
import { insertUser } from '../../server/auth/repo.js';
import { events, hotels, incidents, parties, plans, stays } from '../../server/db/schema.js';
import type { Role } from '../../server/auth/types.js';

/** The callers, in the order of the columns of ROUTES. */
const WHO = [
  'none', //               no session
  'admin',
  'duty', //               duty_manager
  'reception', //          reception at hotel A1 of incident A
  'insurer', //            insurer bound to incident A
  'receptionNextDoor', //  reception at hotel A2 of the same incident A
  'receptionElsewhere', // reception at hotel B1 of another incident B
  'insurerElsewhere', //   insurer bound to incident B only
] as const;
type Who = (typeof WHO)[number];

let server: TestServer;
let A: string; // the incident every route is called on
let B: string; // another incident
let stormId: string;
const agents = {} as Record<Who, Agent>;
const emails = {} as Record<Who, string>;
let duty: Agent;

/** Incident A: A1 is the cheap hotel everyone goes to; A2 the only pet-friendly one (A-PETS goes there). */
function scenarioA() {
  return buildScenario({
    incident: { name: 'Roles incident A' },
    parties: [
      buildParty({ id: 'A-P1', guests: [buildGuest({ id: 'A-P1-G1', name: 'Ann One' })] }),
      buildParty({ id: 'A-P2', guests: [buildGuest({ id: 'A-P2-G1', name: 'Bea Two' })] }),
      buildParty({ id: 'A-STATUS', guests: [buildGuest({ id: 'A-STATUS-G1', name: 'Cy Status' })] }),
      buildParty({ id: 'A-EDIT', guests: [buildGuest({ id: 'A-EDIT-G1', name: 'Eve Edit' })] }),
      buildParty({ id: 'A-PETS', name: 'Petowner', needs: ['pets'], guests: [buildGuest({ id: 'A-PETS-G1', name: 'Dee Petowner' })] }),
    ],
    hotels: [
      buildHotel({ id: 'A1', name: 'Cheap Central', petsAllowed: false, roomTypes: [buildRoomType({ type: 'double', count: 500, rateMinor: 5000 })] }),
      buildHotel({
        id: 'A2',
        name: 'Dog Friendly Inn',
        lat: 53.17,
        lng: 0.3,
        petsAllowed: true,
        roomTypes: [buildRoomType({ type: 'double', count: 5, rateMinor: 30000 })],
      }),
    ],
    vehicles: [buildVehicle({ id: 'A-V1' }), buildVehicle({ id: 'A-V2' })],
  });
}

async function createUser(who: Who, role: Role, opts: { incidentId?: string; hotelId?: string; bound?: string[] } = {}) {
  const email = `roles-${who}@test.example`;
  await insertUser(
    server.database.db,
    { email, name: `Roles ${who}`, role, passwordHash: await hashPassword(DEMO_PASSWORD), incidentId: opts.incidentId ?? null, hotelId: opts.hotelId ?? null },
    opts.bound ?? [],
  );
  emails[who] = email;
}

beforeAll(async () => {
  server = await startTestServer();
  duty = await signIn(server.url, DEMO.duty);
  stormId = (await duty.get('/api/incidents').expect(200)).body.incidents[0].id;
  A = (await duty.post('/api/incidents/import').send(scenarioA()).expect(201)).body.incidentId;
  B = (
    await duty
      .post('/api/incidents/import')
      .send(buildScenario({ incident: { name: 'Roles incident B' }, hotels: [buildHotel({ id: 'B1' })] }))
      .expect(201)
  ).body.incidentId;
  emails.admin = DEMO.admin;
  emails.duty = DEMO.duty;
  await createUser('reception', 'reception', { incidentId: A, hotelId: 'A1' });
  await createUser('insurer', 'insurer', { bound: [A] });
  await createUser('receptionNextDoor', 'reception', { incidentId: A, hotelId: 'A2' });
  await createUser('receptionElsewhere', 'reception', { incidentId: B, hotelId: 'B1' });
  await createUser('insurerElsewhere', 'insurer', { bound: [B] });
  agents.none = request.agent(server.url);
  for (const who of WHO) if (who !== 'none') agents[who] = await signIn(server.url, emails[who]);
  await applyFreshPlan();
});
afterAll(async () => server?.close());

// ---- data the allowed calls need, built through the API as a duty manager ----

/**
 * For a cell expected to be refused by role (401/403) the role check comes before any lookup, so
 * the helpers below hand back placeholder ids instead of building data: if the role check were
 * lost, the placeholder would give 404 or 2xx, and the cell would still fail.
 */
let placeholders = false;
const NO_ID = '00000000-0000-4000-8000-000000000000';

async function proposePlan(): Promise<string> {
  if (placeholders) return NO_ID;
  return (await duty.post(`/api/incidents/${A}/plans`).expect(201)).body.id;
}

/** Background jobs (lodging accrual after a check-out) may append an event between propose and apply. */
async function applyFreshPlan(): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const res = await duty.post(`/api/incidents/${A}/plans/${await proposePlan()}/apply`);
    if (res.status === 200) return;
    if (res.status !== 409 || attempt >= 3) throw new Error(`apply failed: ${res.status} ${res.text}`);
  }
}

/** The footprint once background work set off by earlier cells (accrual after a check-out) has landed. */
async function settledFootprint() {
  let prev = await footprint();
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const next = await footprint();
    if (JSON.stringify(next) === JSON.stringify(prev)) return next;
    prev = next;
  }
  return prev;
}

let refSeq = 0;
/** A new one-guest household added to A by CSV (not yet placed). */
async function newHousehold(): Promise<string> {
  refSeq += 1;
  const ref = `R-${refSeq}`;
  await duty
    .post(`/api/incidents/${A}/guests/csv`)
    .set('Content-Type', 'text/csv')
    .send(`booking_ref,guest_name,age_group\n${ref},Guest ${ref},adult\n`)
    .expect(201);
  return ref;
}

/** A new household with a planned stay at hotel A1 (the plan re-applied to place it). */
/** Each check-in gets a room of its own (a room already given to another household is refused). */
let roomNo = 0;

async function householdExpectedAtA1(): Promise<string> {
  if (placeholders) return 'A-P1';
  const ref = await newHousehold();
  await applyFreshPlan();
  const arrivals = await duty.get(`/api/incidents/${A}/hotels/A1/arrivals`).expect(200);
  if (!arrivals.body.households.some((h: { partyId: string }) => h.partyId === ref)) throw new Error(`setup: ${ref} was not planned at A1`);
  return ref;
}

async function householdCheckedInAtA1(): Promise<string> {
  if (placeholders) return 'A-P1';
  const ref = await householdExpectedAtA1();
  await duty.post(`/api/incidents/${A}/hotels/A1/arrivals/checkins`).send({ partyId: ref }).expect(200);
  return ref;
}

/** The trip (and its vehicle's driver token) that carries a newly placed household. */
async function householdOnTrip(): Promise<{ partyId: string; tripId: string; token: string; hotelId: string }> {
  if (placeholders) return { partyId: 'A-P1', tripId: NO_ID, token: 'placeholder-token', hotelId: 'A1' };
  const partyId = await householdExpectedAtA1();
  const state = (await duty.get(`/api/incidents/${A}/state`).expect(200)).body as { trips: { id: string; vehicleId: string; partyIds: string[] }[] };
  const trip = state.trips.find((t) => t.partyIds.includes(partyId));
  if (!trip) throw new Error(`setup: ${partyId} is on no trip`);
  const links = (await duty.get(`/api/incidents/${A}/drivers`).expect(200)).body.links as { vehicleId: string; token: string }[];
  return { partyId, tripId: trip.id, token: links.find((l) => l.vehicleId === trip.vehicleId)!.token, hotelId: 'A1' };
}

async function boardedTrip() {
  const t = await householdOnTrip();
  await request(server.url).post(`/api/drive/${t.token}/boardings`).send({ tripId: t.tripId, partyId: t.partyId }).expect(200);
  return t;
}

async function departedTrip() {
  const t = await boardedTrip();
  await request(server.url).post(`/api/drive/${t.token}/departures`).send({ tripId: t.tripId }).expect(200);
  return t;
}

/** A roll-call link for the test muster point (the token routes take no session). */
async function rollCallToken(): Promise<string> {
  return (await duty.post(`/api/incidents/${A}/sites/muster-test/rollcall/link`).expect(200)).body.token as string;
}

async function driverToken(): Promise<string> {
  return ((await duty.get(`/api/incidents/${A}/drivers`).expect(200)).body.links as { token: string }[])[0]!.token;
}

/** A household's status-link token (what its guests' phones hold). */
async function statusToken(partyId: string): Promise<string> {
  const t = (await duty.get(`/api/incidents/${A}/status-links/${partyId}`).expect(200)).body.token as string | null;
  if (!t) throw new Error(`setup: ${partyId} has no status link`);
  return t;
}

/** A perk recorded by reception over the staff spend limit: a ledger line waiting for approval. */
async function pendingEntry(): Promise<string> {
  if (placeholders) return NO_ID;
  const partyId = await householdCheckedInAtA1();
  const res = await agents.reception.post(`/api/incidents/${A}/ledger/perks`).send({ partyId, category: 'meals', amountMinor: 25_000 }).expect(201);
  if (!res.body.needsApproval) throw new Error('setup: the perk did not need approval');
  return res.body.entryId;
}

async function postedEntry(): Promise<string> {
  if (placeholders) return NO_ID;
  const partyId = await householdCheckedInAtA1();
  return (await duty.post(`/api/incidents/${A}/ledger/perks`).send({ partyId, hotelId: 'A1', category: 'bar', amountMinor: 700 }).expect(201)).body.entryId;
}

/** A household's reply through its status link that nobody has marked handled yet. */
async function openReply(): Promise<string> {
  if (placeholders) return NO_ID;
  const res = await request(server.url)
    .post('/api/guest/replies')
    .set('X-Status-Token', await statusToken('A-P2'))
    .send({ kind: 'need_help', key: `roles-key-${++keySeq}`, text: 'roles test' })
    .expect(201);
  return res.body.reply.id;
}

/** An open exception (a guest's call for help opens one), not resolved by anyone yet. */
async function openItem(): Promise<string> {
  if (placeholders) return NO_ID;
  const replyId = await openReply();
  const items: { id: string; kind: string; summary: string; partyId: string }[] = (await duty.get(`/api/incidents/${A}/attention`).expect(200)).body.items;
  const mine = items.filter((i) => i.kind === 'need_help' && i.partyId === 'A-P2');
  if (!mine.length) throw new Error(`setup: no open item for reply ${replyId}`);
  return mine[mine.length - 1]!.id;
}

/** Everyone expected at the test muster point (a roll call with all of them present changes nobody). */
async function allAtMuster(): Promise<string[]> {
  if (placeholders) return [];
  const list = (await duty.get(`/api/incidents/${A}/sites/muster-test/rollcall`).expect(200)).body as { households: { guests: { id: string }[] }[] };
  return list.households.flatMap((h) => h.guests.map((g) => g.id));
}

let scannedLink: string | undefined;
/** The status link (as printed in a pass's QR) of a household expected at hotel A1. */
async function statusLinkAtA1(): Promise<string> {
  if (placeholders) return 'https://example.test/#/s/placeholder-token-0000';
  scannedLink ??= (await duty.get(`/api/incidents/${A}/status-links/${await householdExpectedAtA1()}`).expect(200)).body.url as string;
  return scannedLink;
}

/** Photo bytes (JPEG magic): the same bytes are always the same receipt, first uploader's hotel and all. */
const jpegBytes = (text: string) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(text)]);
const RECEIPT_JPEG = jpegBytes('roles test receipt photo');
/** A receipt photo first uploaded by reception at A1, so A1's reception may read it. */
async function receiptAtA1(): Promise<string> {
  if (placeholders) return NO_ID;
  return (
    await agents.reception
      .post(`/api/incidents/${A}/ledger/receipts`)
      .set('Content-Type', 'image/jpeg')
      .send(jpegBytes('roles test receipt from A1'))
      .expect(201)
  ).body.id;
}

async function newExport(): Promise<{ exportId: string; manifest: object }> {
  if (placeholders) return { exportId: NO_ID, manifest: {} };
  const manifest = (await duty.post(`/api/incidents/${A}/exports`).send({}).expect(201)).body;
  return { exportId: manifest.exportId, manifest };
}

async function currentTemplate(): Promise<{ subject: string; body: string }> {
  if (placeholders) return { subject: 'Placeholder', body: 'Placeholder' };
  const list = (await duty.get(`/api/incidents/${A}/message-templates`).expect(200)).body.templates as {
    key: string;
    language: string;
    subject: string;
    body: string;
  }[];
  const t = list.find((x) => x.key === 'assigned' && x.language === 'en')!;
  return { subject: t.subject, body: t.body };
}

let keySeq = 0;

// ---- the table ----

interface Call {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  body?: string | object;
  contentType?: string;
  headers?: Record<string, string>;
}

interface RouteRow {
  /** Method and path exactly as the routers declare it (checked by the last test). */
  route: string;
  /** Expected status per caller, in WHO order. */
  expect: readonly [number, number, number, number, number, number, number, number];
  /** The request to send for this caller (may first build the data an allowed call needs). */
  call: (who: Who) => Call | Promise<Call>;
  /** Use a newly signed-in client for this cell (the call ends or replaces the session). */
  ownSession?: boolean;
  /** Runs after the cell's request (e.g. sign the shared client in again after "sign out everywhere"). */
  after?: (who: Who) => Promise<void>;
}

const inc = (rest = '') => `/api/incidents/${A}${rest}`;
let offerSeq = 0;

/* prettier-ignore */
const ROUTES: RouteRow[] = [
  //                                                                          none admin duty  rec  ins  recND recEl insEl
  { route: 'GET /api/health',                                        expect: [200, 200, 200, 200, 200, 200, 200, 200], call: () => ({ method: 'get', path: '/api/health' }) },
  { route: 'GET /api/config',                                        expect: [200, 200, 200, 200, 200, 200, 200, 200], call: () => ({ method: 'get', path: '/api/config' }) },
  { route: 'POST /api/auth/login',                                   expect: [200, 200, 200, 200, 200, 200, 200, 200], ownSession: true,
    call: (who) => ({ method: 'post', path: '/api/auth/login', body: { email: who === 'none' ? DEMO.duty : emails[who], password: DEMO_PASSWORD } }) },
  { route: 'POST /api/auth/logout',                                  expect: [204, 204, 204, 204, 204, 204, 204, 204], ownSession: true, call: () => ({ method: 'post', path: '/api/auth/logout' }) },
  { route: 'POST /api/auth/logout-everywhere',                       expect: [401, 200, 200, 200, 200, 200, 200, 200], ownSession: true, call: () => ({ method: 'post', path: '/api/auth/logout-everywhere' }),
    // Every session of that user ended: sign the shared clients in again (`duty` is the same user as agents.duty).
    after: async (who) => { if (who !== 'none') agents[who] = await signIn(server.url, emails[who]); if (who === 'duty') duty = agents.duty; } },
  { route: 'GET /api/auth/me',                                       expect: [401, 200, 200, 200, 200, 200, 200, 200], call: () => ({ method: 'get', path: '/api/auth/me' }) },
  { route: 'GET /api/incidents',                                     expect: [401, 200, 200, 200, 200, 200, 200, 200], call: () => ({ method: 'get', path: '/api/incidents' }) },
  { route: 'POST /api/incidents/import',                             expect: [401, 201, 201, 403, 403, 403, 403, 403],
    call: () => ({ method: 'post', path: '/api/incidents/import', body: buildScenario({ incident: { name: 'Roles import' } }) }) },
  { route: 'GET /api/incidents/:incidentId/summary',                 expect: [401, 200, 200, 403, 200, 403, 403, 404], call: () => ({ method: 'get', path: inc('/summary') }) },
  { route: 'GET /api/incidents/:incidentId/state',                   expect: [401, 200, 200, 403, 403, 403, 403, 403], call: () => ({ method: 'get', path: inc('/state') }) },
  { route: 'GET /api/incidents/:incidentId/state/part',              expect: [401, 200, 200, 403, 403, 403, 403, 403], call: () => ({ method: 'get', path: inc('/state/part?trips=true') }) },
  { route: 'GET /api/incidents/:incidentId/scenario',                expect: [401, 200, 200, 403, 403, 403, 403, 403], call: () => ({ method: 'get', path: inc('/scenario') }) },
  { route: 'POST /api/incidents/:incidentId/guests/csv',             expect: [401, 201, 201, 403, 403, 403, 403, 403],
    call: (who) => ({ method: 'post', path: inc('/guests/csv'), contentType: 'text/csv', body: `booking_ref,guest_name,age_group\nCSV-${who},Guest ${who},adult\n` }) },
  { route: 'GET /api/incidents/:incidentId/events',                  expect: [401, 200, 200, 403, 403, 403, 403, 403], call: () => ({ method: 'get', path: inc('/events') }) },
  { route: 'GET /api/incidents/:incidentId/whereabouts-moves',      expect: [401, 200, 200, 403, 403, 403, 403, 403], call: () => ({ method: 'get', path: inc('/whereabouts-moves') }) },
  { route: 'POST /api/incidents/:incidentId/plans',                  expect: [401, 201, 201, 403, 403, 403, 403, 403], call: () => ({ method: 'post', path: inc('/plans') }) },
  { route: 'GET /api/incidents/:incidentId/plans/latest',            expect: [401, 200, 200, 403, 403, 403, 403, 403], call: () => ({ method: 'get', path: inc('/plans/latest') }) },
  { route: 'GET /api/incidents/:incidentId/plans/:planId',           expect: [401, 200, 200, 403, 403, 403, 403, 403],
    call: async () => ({ method: 'get', path: inc(`/plans/${await proposePlan()}`) }) },
  { route: 'POST /api/incidents/:incidentId/plans/:planId/moves',    expect: [401, 201, 201, 403, 403, 403, 403, 403],
    call: async () => ({ method: 'post', path: inc(`/plans/${await proposePlan()}/moves`), body: { partyId: 'A-P1', hotelId: 'A1' } }) },
  { route: 'POST /api/incidents/:incidentId/plans/:planId/apply',    expect: [401, 200, 200, 403, 403, 403, 403, 403],
    call: async () => ({ method: 'post', path: inc(`/plans/${await proposePlan()}/apply`) }) },
  { route: 'POST /api/incidents/:incidentId/hotels',                 expect: [401, 201, 201, 403, 403, 403, 403, 403],
    call: () => ({ method: 'post', path: inc('/hotels'), body: buildHotel({ id: `OFFER-${++offerSeq}`, roomTypes: [] }) }) },
  { route: 'PATCH /api/incidents/:incidentId/hotels/:hotelId',       expect: [401, 200, 200, 403, 403, 403, 403, 403],
    call: () => ({ method: 'patch', path: inc('/hotels/A1'), body: { perks: [{ kind: 'tea_and_toast' }] } }) },
  { route: 'POST /api/incidents/:incidentId/parties/:partyId/status', expect: [401, 200, 200, 403, 403, 403, 403, 403],
    call: () => ({ method: 'post', path: inc('/parties/A-STATUS/status'), body: { status: 'needs_help', note: 'roles test' } }) },
  { route: 'PUT /api/incidents/:incidentId/parties/:partyId',        expect: [401, 200, 200, 403, 403, 403, 403, 403],
    call: (who) => ({ method: 'put', path: inc('/parties/A-EDIT'), body: buildParty({ id: 'A-EDIT', notes: `corrected by ${who}`, guests: [buildGuest({ id: 'A-EDIT-G1', name: 'Eve Edit' })] }) }) },
  { route: 'POST /api/incidents/:incidentId/parties',                expect: [401, 201, 201, 403, 403, 403, 403, 403],
    call: () => ({ method: 'post', path: inc('/parties'), body: buildParty({ id: `TYPED-${++offerSeq}`, guests: [buildGuest({ id: `TYPED-${offerSeq}-G1` })] }) }) },
  { route: 'POST /api/incidents/:incidentId/sites',                  expect: [401, 201, 201, 403, 403, 403, 403, 403],
    call: () => ({ method: 'post', path: inc('/sites'), body: { id: `place-${++offerSeq}`, name: `Place ${offerSeq}`, kind: 'muster', lat: 53.1, lng: 0.3 } }) },
  { route: 'POST /api/incidents/:incidentId/vehicles',               expect: [401, 201, 201, 403, 403, 403, 403, 403],
    call: () => ({ method: 'post', path: inc('/vehicles'), body: buildVehicle({ id: `VOFFER-${++offerSeq}` }) }) },
  { route: 'PATCH /api/incidents/:incidentId/vehicles/:vehicleId',   expect: [401, 200, 200, 403, 403, 403, 403, 403],
    call: () => ({ method: 'patch', path: inc('/vehicles/A-V2'), body: { status: 'in_service' } }) },
  { route: 'GET /api/incidents/:incidentId/hotels/:hotelId/arrivals', expect: [401, 200, 200, 200, 403, 404, 404, 403], call: () => ({ method: 'get', path: inc('/hotels/A1/arrivals') }) },
  { route: 'POST /api/incidents/:incidentId/hotels/:hotelId/arrivals/checkins', expect: [401, 200, 200, 200, 403, 404, 404, 403],
    call: async () => ({ method: 'post', path: inc('/hotels/A1/arrivals/checkins'), body: { partyId: await householdExpectedAtA1(), roomNumbers: { double: [String(100 + ++roomNo)] } } }) },
  { route: 'POST /api/incidents/:incidentId/hotels/:hotelId/arrivals/no-shows', expect: [401, 200, 200, 200, 403, 404, 404, 403],
    call: async () => ({ method: 'post', path: inc('/hotels/A1/arrivals/no-shows'), body: { partyId: await householdExpectedAtA1(), kind: 'went_elsewhere' } }) },
  { route: 'POST /api/incidents/:incidentId/hotels/:hotelId/arrivals/checkouts', expect: [401, 200, 200, 200, 403, 404, 404, 403],
    call: async () => ({ method: 'post', path: inc('/hotels/A1/arrivals/checkouts'), body: { partyId: await householdCheckedInAtA1() } }) },
  { route: 'GET /api/incidents/:incidentId/hotels/:hotelId/etas',   expect: [401, 200, 200, 200, 403, 404, 404, 403], call: () => ({ method: 'get', path: inc('/hotels/A1/etas') }) },
  { route: 'GET /api/incidents/:incidentId/attention',              expect: [401, 200, 200, 403, 403, 403, 403, 403], call: () => ({ method: 'get', path: inc('/attention') }) },
  { route: 'PATCH /api/incidents/:incidentId/attention/settings',   expect: [401, 200, 200, 403, 403, 403, 403, 403],
    call: () => ({ method: 'patch', path: inc('/attention/settings'), body: { overdueMinutes: 15 } }) },
  { route: 'POST /api/incidents/:incidentId/attention/:itemId/resolve', expect: [401, 200, 200, 403, 403, 403, 403, 403],
    call: async () => ({ method: 'post', path: inc(`/attention/${await openItem()}/resolve`), body: { note: 'roles test' } }) },
  { route: 'GET /api/incidents/:incidentId/sites/:siteId/rollcall', expect: [401, 200, 200, 403, 403, 403, 403, 403], call: () => ({ method: 'get', path: inc('/sites/muster-test/rollcall') }) },
  { route: 'POST /api/incidents/:incidentId/sites/:siteId/rollcall', expect: [401, 200, 200, 403, 403, 403, 403, 403],
    call: async () => ({ method: 'post', path: inc('/sites/muster-test/rollcall'), body: { presentGuestIds: await allAtMuster() } }) },
  { route: 'POST /api/incidents/:incidentId/sites/:siteId/rollcall/link', expect: [401, 200, 200, 403, 403, 403, 403, 403],
    call: () => ({ method: 'post', path: inc('/sites/muster-test/rollcall/link') }) },
  { route: 'POST /api/incidents/:incidentId/sites/:siteId/rollcall/link/withdraw', expect: [401, 200, 200, 403, 403, 403, 403, 403],
    call: () => ({ method: 'post', path: inc('/sites/depot-test/rollcall/link/withdraw') }) },
  { route: 'GET /api/incidents/:incidentId/drivers',                 expect: [401, 200, 200, 403, 403, 403, 403, 403], call: () => ({ method: 'get', path: inc('/drivers') }) },
  { route: 'POST /api/incidents/:incidentId/vehicles/:vehicleId/driver-link/revoke', expect: [401, 200, 200, 403, 403, 403, 403, 403],
    call: () => ({ method: 'post', path: inc('/vehicles/A-V2/driver-link/revoke') }) },
  { route: 'GET /api/incidents/:incidentId/hotels/:hotelId/rooming-list', expect: [401, 200, 200, 200, 403, 404, 404, 403], call: () => ({ method: 'get', path: inc('/hotels/A1/rooming-list?format=csv') }) },
  { route: 'GET /api/incidents/:incidentId/passes',                  expect: [401, 200, 200, 403, 403, 403, 403, 403], call: () => ({ method: 'get', path: inc('/passes') }) },
  { route: 'GET /api/incidents/:incidentId/passes/households/:partyId/pdf', expect: [401, 200, 200, 403, 403, 403, 403, 403], call: () => ({ method: 'get', path: inc('/passes/households/A-PETS/pdf') }) },
  { route: 'GET /api/incidents/:incidentId/passes/hotels/:hotelId/pdf', expect: [401, 200, 200, 403, 403, 403, 403, 403], call: () => ({ method: 'get', path: inc('/passes/hotels/A1/pdf') }) },
  { route: 'GET /api/incidents/:incidentId/passes/:siteId',          expect: [401, 200, 200, 403, 403, 403, 403, 403], call: () => ({ method: 'get', path: inc('/passes/muster-test') }) },
  { route: 'GET /api/incidents/:incidentId/passes/:siteId/pdf',      expect: [401, 200, 200, 403, 403, 403, 403, 403], call: () => ({ method: 'get', path: inc('/passes/muster-test/pdf') }) },
  { route: 'POST /api/incidents/:incidentId/passes/scan',            expect: [401, 200, 200, 200, 403, 404, 404, 403],
    call: async () => ({ method: 'post', path: inc('/passes/scan'), body: { text: await statusLinkAtA1() } }) },
  // Guest messaging (duty managers' side).
  { route: 'GET /api/incidents/:incidentId/messages',                expect: [401, 200, 200, 403, 403, 403, 403, 403], call: () => ({ method: 'get', path: inc('/messages') }) },
  { route: 'GET /api/incidents/:incidentId/message-templates',       expect: [401, 200, 200, 403, 403, 403, 403, 403], call: () => ({ method: 'get', path: inc('/message-templates') }) },
  { route: 'PUT /api/incidents/:incidentId/message-templates/:key/:language', expect: [401, 200, 200, 403, 403, 403, 403, 403],
    call: async () => ({ method: 'put', path: inc('/message-templates/assigned/en'), body: await currentTemplate() }) },
  { route: 'DELETE /api/incidents/:incidentId/message-templates/:key/:language', expect: [401, 200, 200, 403, 403, 403, 403, 403], call: () => ({ method: 'delete', path: inc('/message-templates/assigned/en') }) },
  { route: 'GET /api/incidents/:incidentId/message-settings',        expect: [401, 200, 200, 403, 403, 403, 403, 403], call: () => ({ method: 'get', path: inc('/message-settings') }) },
  { route: 'PATCH /api/incidents/:incidentId/message-settings',      expect: [401, 200, 200, 403, 403, 403, 403, 403], call: () => ({ method: 'patch', path: inc('/message-settings'), body: { departureNoticeMinutes: 30 } }) },
  { route: 'GET /api/incidents/:incidentId/feedback',                expect: [401, 200, 200, 403, 403, 403, 403, 403], call: () => ({ method: 'get', path: inc('/feedback') }) },
  { route: 'GET /api/incidents/:incidentId/guest-replies',           expect: [401, 200, 200, 403, 403, 403, 403, 403], call: () => ({ method: 'get', path: inc('/guest-replies') }) },
  { route: 'POST /api/incidents/:incidentId/guest-replies/:replyId/handle', expect: [401, 200, 200, 403, 403, 403, 403, 403],
    call: async () => ({ method: 'post', path: inc(`/guest-replies/${await openReply()}/handle`), body: { note: 'roles test' } }) },
  { route: 'GET /api/incidents/:incidentId/status-links/:partyId',   expect: [401, 200, 200, 403, 403, 403, 403, 403], call: () => ({ method: 'get', path: inc('/status-links/A-P2') }) },
  { route: 'POST /api/incidents/:incidentId/status-links/:partyId/:action', expect: [401, 200, 200, 403, 403, 403, 403, 403], call: () => ({ method: 'post', path: inc('/status-links/A-P2/reissue') }) },
  // The ledger: insurers read, reception records perks at its own hotel, duty managers do the rest.
  { route: 'GET /api/incidents/:incidentId/ledger',                  expect: [401, 200, 200, 200, 200, 200, 404, 404], call: () => ({ method: 'get', path: inc('/ledger') }) },
  { route: 'GET /api/incidents/:incidentId/ledger/summary',          expect: [401, 200, 200, 403, 200, 403, 403, 404], call: () => ({ method: 'get', path: inc('/ledger/summary') }) },
  { route: 'GET /api/incidents/:incidentId/ledger/verify',           expect: [401, 200, 200, 403, 200, 403, 403, 404], call: () => ({ method: 'get', path: inc('/ledger/verify') }) },
  { route: 'GET /api/incidents/:incidentId/ledger/pending',          expect: [401, 200, 200, 403, 403, 403, 403, 403], call: () => ({ method: 'get', path: inc('/ledger/pending') }) },
  { route: 'POST /api/incidents/:incidentId/ledger/perks',           expect: [401, 201, 201, 201, 403, 404, 404, 403],
    call: async () => ({ method: 'post', path: inc('/ledger/perks'), body: { partyId: await householdCheckedInAtA1(), hotelId: 'A1', category: 'meals', amountMinor: 1200 } }) },
  { route: 'POST /api/incidents/:incidentId/ledger/receipts',        expect: [401, 201, 201, 201, 403, 201, 404, 403],
    call: () => ({ method: 'post', path: inc('/ledger/receipts'), contentType: 'image/jpeg', body: RECEIPT_JPEG }) },
  { route: 'GET /api/incidents/:incidentId/ledger/receipts/:receiptId', expect: [401, 200, 200, 200, 200, 404, 404, 404],
    call: async () => ({ method: 'get', path: inc(`/ledger/receipts/${await receiptAtA1()}`) }) },
  { route: 'POST /api/incidents/:incidentId/ledger/entries/:entryId/approve', expect: [401, 200, 200, 403, 403, 403, 403, 403],
    call: async () => ({ method: 'post', path: inc(`/ledger/entries/${await pendingEntry()}/approve`), body: {} }) },
  { route: 'POST /api/incidents/:incidentId/ledger/entries/:entryId/reject', expect: [401, 200, 200, 403, 403, 403, 403, 403],
    call: async () => ({ method: 'post', path: inc(`/ledger/entries/${await pendingEntry()}/reject`), body: { reason: 'no receipt' } }) },
  { route: 'POST /api/incidents/:incidentId/ledger/entries/:entryId/reverse', expect: [401, 201, 201, 403, 403, 403, 403, 403],
    call: async () => ({ method: 'post', path: inc(`/ledger/entries/${await postedEntry()}/reverse`), body: { reason: 'entered twice' } }) },
  { route: 'POST /api/incidents/:incidentId/ledger/accruals/lodging', expect: [401, 200, 200, 403, 403, 403, 403, 403], call: () => ({ method: 'post', path: inc('/ledger/accruals/lodging'), body: {} }) },
  { route: 'POST /api/incidents/:incidentId/ledger/trips/:tripId/complete', expect: [401, 200, 200, 403, 403, 403, 403, 403],
    call: async () => ({ method: 'post', path: inc(`/ledger/trips/${(await householdOnTrip()).tripId}/complete`) }) },
  // Insurers' exports.
  { route: 'POST /api/incidents/:incidentId/exports',                expect: [401, 201, 201, 403, 201, 403, 403, 404], call: () => ({ method: 'post', path: inc('/exports'), body: {} }) },
  { route: 'GET /api/incidents/:incidentId/exports/claim-packs/:partyId', expect: [401, 200, 200, 403, 200, 403, 403, 404], call: () => ({ method: 'get', path: inc('/exports/claim-packs/A-PETS') }) },
  { route: 'GET /api/incidents/:incidentId/exports',                 expect: [401, 200, 200, 403, 200, 403, 403, 404], call: () => ({ method: 'get', path: inc('/exports') }) },
  { route: 'POST /api/incidents/:incidentId/exports/verify',         expect: [401, 200, 200, 403, 200, 403, 403, 404],
    call: async () => ({ method: 'post', path: inc('/exports/verify'), body: { manifest: (await newExport()).manifest } }) },
  { route: 'GET /api/incidents/:incidentId/exports/:exportId',       expect: [401, 200, 200, 403, 200, 403, 403, 404], call: async () => ({ method: 'get', path: inc(`/exports/${(await newExport()).exportId}`) }) },
  { route: 'GET /api/incidents/:incidentId/exports/:exportId/verify', expect: [401, 200, 200, 403, 200, 403, 403, 404], call: async () => ({ method: 'get', path: inc(`/exports/${(await newExport()).exportId}/verify`) }) },
  { route: 'GET /api/incidents/:incidentId/exports/:exportId/files/:name', expect: [401, 200, 200, 403, 200, 403, 403, 404],
    call: async () => ({ method: 'get', path: inc(`/exports/${(await newExport()).exportId}/files/ledger.csv`) }) },
  // Token routes: the link is the credential, so a session (or its absence) changes nothing.
  { route: 'GET /api/drive/:token',                                  expect: [200, 200, 200, 200, 200, 200, 200, 200], call: async () => ({ method: 'get', path: `/api/drive/${await driverToken()}` }) },
  { route: 'POST /api/drive/:token/positions',                       expect: [200, 200, 200, 200, 200, 200, 200, 200],
    call: async () => ({ method: 'post', path: `/api/drive/${await driverToken()}/positions`, body: { lat: 53.15, lng: 0.33 } }) },
  { route: 'POST /api/drive/:token/boardings',                       expect: [200, 200, 200, 200, 200, 200, 200, 200],
    call: async () => {
      const t = await householdOnTrip();
      return { method: 'post', path: `/api/drive/${t.token}/boardings`, body: { tripId: t.tripId, partyId: t.partyId } };
    } },
  { route: 'POST /api/drive/:token/departures',                      expect: [200, 200, 200, 200, 200, 200, 200, 200],
    call: async () => {
      const t = await boardedTrip();
      return { method: 'post', path: `/api/drive/${t.token}/departures`, body: { tripId: t.tripId } };
    } },
  { route: 'POST /api/drive/:token/arrivals',                        expect: [200, 200, 200, 200, 200, 200, 200, 200],
    call: async () => {
      const t = await departedTrip();
      return { method: 'post', path: `/api/drive/${t.token}/arrivals`, body: { tripId: t.tripId, hotelId: t.hotelId } };
    } },
  { route: 'GET /api/rollcall/:token',                               expect: [200, 200, 200, 200, 200, 200, 200, 200], call: async () => ({ method: 'get', path: `/api/rollcall/${await rollCallToken()}` }) },
  { route: 'POST /api/rollcall/:token',                              expect: [200, 200, 200, 200, 200, 200, 200, 200],
    call: async () => ({ method: 'post', path: `/api/rollcall/${await rollCallToken()}`, body: { presentGuestIds: await allAtMuster() } }) },
  { route: 'GET /api/guest/status',                                  expect: [200, 200, 200, 200, 200, 200, 200, 200],
    call: async () => ({ method: 'get', path: '/api/guest/status', headers: { 'X-Status-Token': await statusToken('A-P1') } }) },
  { route: 'POST /api/guest/replies',                                expect: [201, 201, 201, 201, 201, 201, 201, 201],
    call: async () => ({ method: 'post', path: '/api/guest/replies', headers: { 'X-Status-Token': await statusToken('A-P1') }, body: { kind: 'need_help', key: `roles-key-${++keySeq}`, text: 'roles test' } }) },
  { route: 'POST /api/guest/feedback',                               expect: [200, 200, 200, 200, 200, 200, 200, 200],
    call: async () => ({ method: 'post', path: '/api/guest/feedback', headers: { 'X-Status-Token': await statusToken(await householdCheckedInAtA1()) }, body: { rating: 5, comment: 'warm and dry' } }) },
];

const ERROR_CODE: Record<number, string> = { 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found' };

function send(agent: Agent, c: Call) {
  const req = agent[c.method](c.path);
  if (c.contentType) req.set('Content-Type', c.contentType);
  if (c.headers) req.set(c.headers);
  return c.body === undefined ? req : req.send(c.body);
}

/** Counts that any accepted change would move: a refused call must leave them all alone. */
async function footprint() {
  const db = server.database.db;
  const out: Record<string, number> = {};
  for (const [name, table] of Object.entries({ incidents, events, plans, parties, hotels, stays })) {
    const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(table);
    out[name] = row!.n;
  }
  const [seq] = await db.select({ n: sql<number>`coalesce(sum(${incidents.lastSeq}), 0)::int` }).from(incidents);
  out.lastSeqSum = seq!.n;
  const [st] = await db
    .select({ s: sql<string>`coalesce(string_agg(${parties.id} || '=' || ${parties.status}, ',' order by ${parties.id}), '')` })
    .from(parties)
    .where(sql`${parties.incidentId} = ${A}`);
  return { ...out, statuses: st!.s };
}

/**
 * Whether the last call was refused with placeholders (401/403): it set nothing up and changed
 * nothing, so what settled before it is still settled and the next footprint need not wait.
 */
let settled = false;

describe.each(ROUTES)('$route', (row) => {
  test.each(WHO.map((who, i) => ({ who, status: row.expect[i]! })))('as $who -> $status', async ({ who, status }) => {
    placeholders = status === 401 || status === 403;
    const c = await Promise.resolve(row.call(who)).finally(() => (placeholders = false));
    const agent = row.ownSession ? (who === 'none' ? request.agent(server.url) : await signIn(server.url, emails[who])) : agents[who];
    const before = status >= 400 ? await (settled ? footprint() : settledFootprint()) : undefined;
    settled = false;
    const res = await send(agent, c);
    await row.after?.(who);
    if (res.status !== status) throw new Error(`${row.route} as ${who}: expected ${status}, got ${res.status} ${res.text.slice(0, 500)}`);
    if (status >= 400) {
      expect(res.body.error.code).toBe(ERROR_CODE[status]);
      expect(await footprint()).toEqual(before);
    }
    settled = (status === 401 || status === 403) && !row.after && !row.ownSession;
  });
});

test('the table has one column per caller and one row per route', () => {
  for (const row of ROUTES) expect(row.expect).toHaveLength(WHO.length);
  expect(new Set(ROUTES.map((r) => r.route)).size).toBe(ROUTES.length);
});

describe('what each caller sees', () => {
  const listed = async (who: Who) => ((await agents[who].get('/api/incidents').expect(200)).body.incidents as { id: string; name: string }[]).map((i) => i.id);

  test('the incident list: admin and duty managers see all; insurers their bound incidents; reception its own', async () => {
    for (const who of ['admin', 'duty'] as const) expect(await listed(who)).toEqual(expect.arrayContaining([stormId, A, B]));
    expect(await listed('insurer')).toEqual([A]);
    expect(await listed('reception')).toEqual([A]);
    expect(await listed('receptionNextDoor')).toEqual([A]);
    expect(await listed('receptionElsewhere')).toEqual([B]);
    expect(await listed('insurerElsewhere')).toEqual([B]);
    // The seeded demo users are bound to the storm incident.
    for (const email of [DEMO.insurer, DEMO.reception])
      expect(((await (await signIn(server.url, email)).get('/api/incidents').expect(200)).body.incidents as { id: string }[]).map((i) => i.id)).toEqual([
        stormId,
      ]);
  });

  test('an insurer bound to no incident sees none, and cannot read any summary', async () => {
    await insertUser(server.database.db, {
      email: 'roles-unbound@test.example',
      name: 'Unbound',
      role: 'insurer',
      passwordHash: await hashPassword(DEMO_PASSWORD),
    });
    const unbound = await signIn(server.url, 'roles-unbound@test.example');
    expect((await unbound.get('/api/incidents').expect(200)).body.incidents).toEqual([]);
    await unbound.get(`/api/incidents/${A}/summary`).expect(404);
    await unbound.get(`/api/incidents/${stormId}/summary`).expect(404);
  });

  test('an incident that does not exist is 404 for admins too, the same as one a caller may not see', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const res = await agents.admin.get(`/api/incidents/${missing}/summary`).expect(404);
    const hidden = await agents.insurerElsewhere.get(`/api/incidents/${A}/summary`).expect(404);
    expect(hidden.body).toEqual(res.body);
  });

  test("reception receives only its own hotel's households, never another hotel's", async () => {
    await applyFreshPlan();
    const state = (await duty.get(`/api/incidents/${A}/state`).expect(200)).body as {
      parties: { id: string; hotelId: string | null; name: string; passCode: string }[];
    };
    const atA1 = state.parties.filter((p) => p.hotelId === 'A1');
    const atA2 = state.parties.filter((p) => p.hotelId === 'A2');
    expect(atA2.map((p) => p.id)).toEqual(['A-PETS']);
    expect(atA1.length).toBeGreaterThanOrEqual(3);

    const mine = await agents.reception.get(`/api/incidents/${A}/hotels/A1/arrivals`).expect(200);
    expect(mine.body.hotel.id).toBe('A1');
    const mineIds: string[] = mine.body.households.map((h: { partyId: string }) => h.partyId);
    expect(mineIds).toEqual(expect.arrayContaining(atA1.map((p) => p.id)));
    // Anything else listed is a household that has left A1 (checked out, no-show): none is placed elsewhere.
    const hotelOf = new Map(state.parties.map((p) => [p.id, p.hotelId]));
    expect(mineIds.filter((id) => hotelOf.get(id) !== 'A1' && hotelOf.get(id) !== null)).toEqual([]);
    // Nothing about A2's household anywhere in what this reception can fetch.
    const pets = atA2[0]!;
    const seen = [mine, await agents.reception.get('/api/incidents'), await agents.reception.get('/api/auth/me')].map((r) => r.text).join('\n');
    for (const secret of [pets.id, pets.name, pets.passCode, 'Dee Petowner']) expect(seen).not.toContain(secret);

    // The other hotel's list, and acting on its household, are "not found" for this reception.
    const other = await agents.reception.get(`/api/incidents/${A}/hotels/A2/arrivals`);
    expect(other.status).toBe(404);
    expect(other.text).not.toContain('Petowner');
    await agents.reception.post(`/api/incidents/${A}/hotels/A2/arrivals/checkins`).send({ partyId: 'A-PETS' }).expect(404);
    await agents.reception.post(`/api/incidents/${A}/hotels/A1/arrivals/checkins`).send({ partyId: 'A-PETS' }).expect(404);
    await agents.reception.post(`/api/incidents/${A}/hotels/A1/arrivals/no-shows`).send({ partyId: 'A-PETS', kind: 'no_show' }).expect(404);
    // ...while the reception next door sees exactly that household.
    const nextDoor = await agents.receptionNextDoor.get(`/api/incidents/${A}/hotels/A2/arrivals`).expect(200);
    expect(nextDoor.body.households.map((h: { partyId: string }) => h.partyId)).toEqual(['A-PETS']);
    expect(nextDoor.body.households[0].status).not.toBe('checked_in');
  });
});

test('every route the table declares has a row here (and every row is a real route)', () => {
  const declared = declaredRoutes();
  expect(declared.length).toBeGreaterThanOrEqual(20);
  expect(ROUTES.map((r) => r.route).sort()).toEqual(declared);
});

/** The role each caller signs in with. */
const ROLE_OF: Record<Exclude<Who, 'none'>, Role> = {
  admin: 'admin',
  duty: 'duty_manager',
  reception: 'reception',
  insurer: 'insurer',
  receptionNextDoor: 'reception',
  receptionElsewhere: 'reception',
  insurerElsewhere: 'insurer',
};

test("each row's 401 and 403 columns are exactly what its route's declared rule says", () => {
  for (const row of ROUTES) {
    const rule = routeRule(row.route);
    const got = WHO.map((who, i) => ({ who, status: row.expect[i]! }));
    const want = got.map(({ who, status }) => {
      if (rule.roles === 'public' || rule.roles === 'token') return { who, status: status === 401 || status === 403 ? 'refused' : status };
      if (who === 'none') return { who, status: 401 };
      if (rule.roles === 'signed-in' || rule.roles.includes(ROLE_OF[who])) return { who, status: status === 401 || status === 403 ? 'allowed' : status };
      return { who, status: 403 };
    });
    expect({ route: row.route, rule: rule.roles, got }).toEqual({ route: row.route, rule: rule.roles, got: want });
  }
});

test('Express serves exactly the table, and besides it only what is listed as exempt', () => {
  const { routes, middleware } = mountedRoutes(server.app.app);
  const exempt: string[] = NOT_IN_TABLE.flatMap((e) => ('path' in e ? [`${e.method.toUpperCase()} ${String(e.path)}`] : []));
  expect(routes.filter((r) => !exempt.includes(r))).toEqual(declaredRoutes());
  // Middleware that answers requests by itself (serves files) must be listed too.
  for (const name of middleware.filter((m) => m === 'serveStatic')) expect(NOT_IN_TABLE.some((e) => 'middleware' in e && e.middleware === name)).toBe(true);
});
