/**
 * Guests found during the night, typed in the console (`POST /api/incidents/:id/parties`): the
 * household is added with a pass code and status link, every colleague's console hears of it, and
 * the next plan houses it without moving anyone already placed. A bad household is refused with
 * the field at fault and changes nothing.
 */
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import { type ClientSocket, collect, loginCookie, watching } from '../helpers/socket.js';
import { buildGuest, buildHotel, buildParty, buildRoomType, buildScenario, buildVehicle, TEST_MUSTER_ID } from '../../seed/factories.js';
import type { IncidentState, PlanView } from '../../shared/api.js';

let server: TestServer;
let duty: Agent;
let incidentId: string;
let base: string;
let socket: ClientSocket;
/** Where the first plan, applied, put the household already there. */
let firstHotel: string;

beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_PLANS_PER_MIN: '1000' } });
  duty = await signIn(server.url, DEMO.duty);
  const scenario = buildScenario({
    incident: { name: 'Guests found' },
    parties: [buildParty({ id: 'GF-FIRST', name: 'First', guests: [buildGuest({ id: 'GF-FIRST-G1' }), buildGuest({ id: 'GF-FIRST-G2' })] })],
    hotels: [
      buildHotel({
        id: 'GF-H1',
        roomTypes: [buildRoomType({ type: 'double', count: 3 }), buildRoomType({ type: 'accessible double', count: 1, accessible: true })],
      }),
      buildHotel({ id: 'GF-H2', lat: 53.16, lng: 0.33, roomTypes: [buildRoomType({ type: 'double', count: 3, rateMinor: 4000 })] }),
    ],
    vehicles: [buildVehicle({ id: 'GF-BUS', seats: 16, wheelchairSpaces: 1 })],
  });
  incidentId = (await duty.post('/api/incidents/import').send(scenario).expect(201)).body.incidentId;
  base = `/api/incidents/${incidentId}`;
  const first = (await duty.post(`${base}/plans`).expect(201)).body as PlanView;
  await duty.post(`${base}/plans/${first.id}/apply`).expect(200);
  firstHotel = first.plan.stays.find((s) => s.partyId === 'GF-FIRST')!.hotelId;
  socket = await watching(server.url, await loginCookie(server.url, DEMO.duty2), incidentId);
});
afterAll(async () => {
  socket?.close();
  await server?.close();
});

const state = async () => (await duty.get(`${base}/state`).expect(200)).body as IncidentState;
const eventCount = async () => ((await duty.get(`${base}/events`).expect(200)).body.events as unknown[]).length;
const found = () =>
  buildParty({
    id: 'GF-LATE',
    name: 'Latecomer',
    unit: 'Lodge 7',
    siteId: TEST_MUSTER_ID,
    guests: [
      buildGuest({ id: 'GF-LATE-1', name: 'Ada Latecomer', needs: ['wheelchair'] }),
      buildGuest({ id: 'GF-LATE-2', name: 'Bo Latecomer', age: 'child' }),
    ],
  });

test('a household found during the night is added, heard by colleagues, and housed by the next plan with nobody else moved', async () => {
  const heard = collect(socket);
  const res = await duty.post(`${base}/parties`).send(found()).expect(201);
  expect(res.body).toEqual({ partyId: 'GF-LATE', guests: 2, seq: expect.any(Number) });
  const [ev] = await heard.until(1);
  expect(ev).toMatchObject({ type: 'parties.added', seq: res.body.seq, payload: { partyIds: ['GF-LATE'], guests: 2 } });

  const added = (await state()).parties.find((p) => p.id === 'GF-LATE');
  expect(added).toMatchObject({ name: 'Latecomer', unit: 'Lodge 7', siteId: TEST_MUSTER_ID, status: 'waiting', hotelId: null });
  expect(added!.passCode).toMatch(/^[A-Z0-9]{6}$/);
  expect(added!.guests.map((g) => [g.name, g.age, g.needs])).toEqual([
    ['Ada Latecomer', 'adult', ['wheelchair']],
    ['Bo Latecomer', 'child', []],
  ]);
  // Its status link works like every other household's.
  const link = await duty.get(`${base}/status-links/GF-LATE`).expect(200);
  expect(typeof link.body.token).toBe('string');

  // A plan is in force, so nothing places them until the next one: a duty manager is told.
  const open = async () =>
    ((await duty.get(`${base}/attention`).expect(200)).body.items as { kind: string; partyId: string; summary: string; resolvedAt: string | null }[]).filter(
      (i) => i.partyId === 'GF-LATE' && !i.resolvedAt,
    );
  expect(await open()).toEqual([expect.objectContaining({ kind: 'unplaced', summary: 'Latecomer (2 people) added after the plan: no bed or vehicle yet.' })]);

  const next = (await duty.post(`${base}/plans`).expect(201)).body as PlanView;
  const stay = next.plan.stays.find((s) => s.partyId === 'GF-LATE');
  expect(stay).toBeDefined();
  expect(stay!.rooms.some((r) => r.type === 'accessible double')).toBe(true);
  expect(next.plan.stays.find((s) => s.partyId === 'GF-FIRST')?.hotelId).toBe(firstHotel);
  // Placed by the plan applied: the item closes by itself.
  await duty.post(`${base}/plans/${next.id}/apply`).expect(200);
  expect(await open()).toEqual([]);
});

test('a bad household is refused by field and changes nothing', async () => {
  const before = { events: await eventCount(), parties: (await state()).parties.length };
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ ...found(), id: 'GF-SITE', siteId: 'the-beach' }, 'body.siteId', /unknown site "the-beach"; expected one of .*Test muster/i],
    [{ ...found(), id: 'GF-NOGUESTS', guests: [] }, 'body.guests', /at least one guest/],
    [{ ...found(), id: 'GF-AGE', guests: [buildGuest({ id: 'GF-AGE-1', age: 'pensioner' as 'adult' })] }, 'body.guests[0].age', /adult, child or infant/],
    [{ ...found(), id: 'GF-TWICE', guests: [buildGuest({ id: 'GF-TWICE-1' }), buildGuest({ id: 'GF-TWICE-1' })] }, 'body.guests[1].id', /given twice/],
    [{ ...found(), id: 'GF-USED', guests: [buildGuest({ id: 'GF-FIRST-G1' })] }, 'body.guests[0].id', /already used in this incident/],
    [{ ...found(), id: '' }, 'body.id', /./],
  ];
  for (const [body, path, message] of cases) {
    const res = await duty.post(`${base}/parties`).send(body).expect(400);
    const field = (res.body.error.details.fields as { path: string; message: string }[]).find((f) => f.path === path);
    if (!field) throw new Error(`expected ${path} among ${JSON.stringify(res.body.error.details.fields)}`);
    expect(field.message).toMatch(message);
  }
  // A booking reference already used: 409, never overwritten.
  const again = await duty
    .post(`${base}/parties`)
    .send({ ...found(), name: 'Impostor' })
    .expect(409);
  expect(again.body.error.message).toMatch(/GF-LATE is already in this incident/);
  expect((await state()).parties.find((p) => p.id === 'GF-LATE')?.name).toBe('Latecomer');
  expect({ events: await eventCount(), parties: (await state()).parties.length }).toEqual(before);
});

test('reception may not add households (403), and two managers adding one booking at once get one 201 and one 409', async () => {
  const reception = await signIn(server.url, DEMO.reception);
  await reception
    .post(`${base}/parties`)
    .send({ ...found(), id: 'GF-RECEPTION' })
    .expect(403);
  const duty2 = await signIn(server.url, DEMO.duty2);
  for (let round = 1; round <= 8; round++) {
    const one = { ...found(), id: `GF-RACE-${round}`, guests: [buildGuest({ id: `GF-RACE-${round}-1` })] };
    const [a, b] = await Promise.all([duty.post(`${base}/parties`).send(one), duty2.post(`${base}/parties`).send(one)]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    expect((await state()).parties.filter((p) => p.id === one.id)).toHaveLength(1);
  }
});
