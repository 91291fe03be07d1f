/**
 * Places added during the night (`POST /api/incidents/:id/sites`): a second muster point opens, a
 * coach firm's depot. Colleagues hear of it; households, guest lists and vehicles may name it from
 * then on, and the next plan picks its households up there. A bad place is refused by field and
 * changes nothing; an id already used is a 409, never an overwrite, also when two managers race.
 */
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import { type ClientSocket, collect, loginCookie, watching } from '../helpers/socket.js';
import { buildGuest, buildHotel, buildParty, buildRoomType, buildScenario, buildVehicle } from '../../seed/factories.js';
import type { IncidentState, PlanView } from '../../shared/api.js';

let server: TestServer;
let duty: Agent;
let base: string;
let socket: ClientSocket;

beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_PLANS_PER_MIN: '1000' } });
  duty = await signIn(server.url, DEMO.duty);
  const scenario = buildScenario({
    incident: { name: 'Places added' },
    parties: [buildParty({ id: 'PA-FIRST' })],
    hotels: [buildHotel({ id: 'PA-H1', roomTypes: [buildRoomType({ type: 'double', count: 6 })] })],
    vehicles: [buildVehicle({ id: 'PA-COACH', seats: 49 })],
  });
  const incidentId = (await duty.post('/api/incidents/import').send(scenario).expect(201)).body.incidentId as string;
  base = `/api/incidents/${incidentId}`;
  socket = await watching(server.url, await loginCookie(server.url, DEMO.duty2), incidentId);
});
afterAll(async () => {
  socket?.close();
  await server?.close();
});

const state = async () => (await duty.get(`${base}/state`).expect(200)).body as IncidentState;
const eventCount = async () => ((await duty.get(`${base}/events`).expect(200)).body.events as unknown[]).length;
const hall = { id: 'church-hall', name: 'Church hall', kind: 'muster', lat: 53.14, lng: 0.33 };

test('a muster point opened during the night is heard by colleagues, named by households and guest lists, and served by the next plan', async () => {
  const heard = collect(socket);
  const res = await duty.post(`${base}/sites`).send(hall).expect(201);
  expect(res.body).toEqual({ siteId: 'church-hall', seq: expect.any(Number) });
  const [ev] = await heard.until(1);
  expect(ev).toMatchObject({ type: 'site.added', seq: res.body.seq, payload: { siteId: 'church-hall', name: 'Church hall', kind: 'muster' } });
  const sites = (await state()).sites;
  expect(sites.at(-1)).toMatchObject({ id: 'church-hall', name: 'Church hall', kind: 'muster', lat: 53.14, lng: 0.33, waiting: 0 });

  // A household typed at the hall, and a guest list naming the hall by name.
  await duty
    .post(`${base}/parties`)
    .send(buildParty({ id: 'PA-HALL', siteId: 'church-hall', guests: [buildGuest({ id: 'PA-HALL-G1' })] }))
    .expect(201);
  await duty
    .post(`${base}/guests/csv`)
    .set('content-type', 'text/csv')
    .send('booking_ref,guest_name,age_group,muster_point\nPA-CSV,Rhea Hall,adult,Church hall\n')
    .expect(201);
  const after = await state();
  expect(after.parties.filter((p) => p.siteId === 'church-hall').map((p) => p.id)).toEqual(['PA-HALL', 'PA-CSV']);
  expect(after.sites.find((s) => s.id === 'church-hall')?.waiting).toBe(2);

  // A depot added the same way can base a vehicle; the next plan collects the hall's households.
  await duty.post(`${base}/sites`).send({ id: 'cabs-yard', name: 'Cabs yard', kind: 'depot', lat: 53.1, lng: 0.3 }).expect(201);
  await duty
    .post(`${base}/vehicles`)
    .send(buildVehicle({ id: 'PA-TAXI', kind: 'taxi', seats: 4, depotSiteId: 'cabs-yard' }))
    .expect(201);
  const plan = (await duty.post(`${base}/plans`).expect(201)).body as PlanView;
  const fromHall = plan.plan.trips.filter((t) => t.fromSiteId === 'church-hall').flatMap((t) => t.partyIds);
  expect(fromHall.sort()).toEqual(['PA-CSV', 'PA-HALL']);
});

test('a bad place is refused by field, an id already used is a 409, and neither changes anything', async () => {
  const before = { events: await eventCount(), sites: (await state()).sites };
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ ...hall, id: 'pa-lat', lat: 95 }, 'body.lat', /between -90 and 90/],
    [{ ...hall, id: 'pa-lng', lng: 'east' }, 'body.lng', /./],
    [{ ...hall, id: 'pa-kind', kind: 'bunker' }, 'body.kind', /resort, muster, depot/],
    [{ ...hall, id: 'pa-name', name: '  ' }, 'body.name', /site name/],
    [{ ...hall, id: '' }, 'body.id', /./],
  ];
  for (const [body, path, message] of cases) {
    const res = await duty.post(`${base}/sites`).send(body).expect(400);
    const field = (res.body.error.details.fields as { path: string; message: string }[]).find((f) => f.path === path);
    if (!field) throw new Error(`expected ${path} among ${JSON.stringify(res.body.error.details.fields)}`);
    expect(field.message).toMatch(message);
  }
  const again = await duty
    .post(`${base}/sites`)
    .send({ ...hall, name: 'Impostor', lat: 50 })
    .expect(409);
  expect(again.body.error.message).toMatch(/church-hall is already in this incident/);
  expect({ events: await eventCount(), sites: (await state()).sites }).toEqual(before);
});

test('reception and insurers may not add places (403); two managers adding one place at once get one 201 and one 409', async () => {
  const reception = await signIn(server.url, DEMO.reception);
  await reception
    .post(`${base}/sites`)
    .send({ ...hall, id: 'pa-reception' })
    .expect(403);
  const insurer = await signIn(server.url, DEMO.insurer);
  await insurer
    .post(`${base}/sites`)
    .send({ ...hall, id: 'pa-insurer' })
    .expect(403);
  const duty2 = await signIn(server.url, DEMO.duty2);
  for (let round = 1; round <= 6; round++) {
    const one = { ...hall, id: `pa-race-${round}`, name: `Race ${round}` };
    const [a, b] = await Promise.all([duty.post(`${base}/sites`).send(one), duty2.post(`${base}/sites`).send(one)]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    expect((await state()).sites.filter((s) => s.id === one.id)).toHaveLength(1);
  }
  // Positions stay distinct and in order of adding.
  const ids = (await state()).sites.map((s) => s.id);
  expect(ids.slice(-6)).toEqual([1, 2, 3, 4, 5, 6].map((n) => `pa-race-${n}`));
});
