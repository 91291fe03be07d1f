/**
 * Transport offered during the night (`POST /api/incidents/:id/vehicles`): a duty manager records
 * a vehicle a firm rings back with, every colleague's console hears of it, and the next plan uses
 * it. A bad offer is refused with the field at fault and changes nothing.
 */
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import { type ClientSocket, collect, loginCookie, watching } from '../helpers/socket.js';
import { buildGuest, buildHotel, buildParty, buildRoomType, buildScenario, buildVehicle, TEST_DEPOT_ID } from '../../seed/factories.js';
import type { IncidentState, PlanView } from '../../shared/api.js';

let server: TestServer;
let duty: Agent;
let incidentId: string;
let base: string;
let socket: ClientSocket;

beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_PLANS_PER_MIN: '1000' } });
  duty = await signIn(server.url, DEMO.duty);
  // A wheelchair user's household and a coach with no wheelchair space: nobody can carry them yet.
  const scenario = buildScenario({
    incident: { name: 'Vehicle offers' },
    parties: [
      buildParty({ id: 'VO-WHEEL', name: 'Wheeler', guests: [buildGuest({ id: 'VO-WHEEL-G1', needs: ['wheelchair'] }), buildGuest({ id: 'VO-WHEEL-G2' })] }),
      buildParty({ id: 'VO-PAIR', name: 'Pair' }),
    ],
    hotels: [
      buildHotel({
        id: 'VO-H1',
        roomTypes: [buildRoomType({ type: 'double', count: 4 }), buildRoomType({ type: 'accessible double', count: 1, accessible: true })],
      }),
    ],
    vehicles: [buildVehicle({ id: 'VO-COACH', kind: 'coach', seats: 49, wheelchairSpaces: 0 })],
  });
  incidentId = (await duty.post('/api/incidents/import').send(scenario).expect(201)).body.incidentId;
  base = `/api/incidents/${incidentId}`;
  socket = await watching(server.url, await loginCookie(server.url, DEMO.duty2), incidentId);
});
afterAll(async () => {
  socket?.close();
  await server?.close();
});

const state = async () => (await duty.get(`${base}/state`).expect(200)).body as IncidentState;
const eventCount = async () => ((await duty.get(`${base}/events`).expect(200)).body.events as unknown[]).length;

test('an accessible taxi recorded during the night is heard by colleagues and carries the household nobody could', async () => {
  const before = (await duty.post(`${base}/plans`).expect(201)).body as PlanView;
  expect(before.plan.unassigned.map((u) => u.partyId)).toContain('VO-WHEEL');

  const heard = collect(socket);
  const offer = buildVehicle({
    id: 'VO-TAXI',
    kind: 'accessible_taxi',
    provider: 'Skegness Cabs',
    seats: 3,
    wheelchairSpaces: 1,
    availableFrom: '2026-10-31T21:15:00+00:00',
  });
  const res = await duty.post(`${base}/vehicles`).send(offer).expect(201);
  expect(res.body).toMatchObject({ vehicleId: 'VO-TAXI', seq: expect.any(Number) });

  const [ev] = await heard.until(1);
  expect(ev).toMatchObject({
    type: 'vehicle.offered',
    seq: res.body.seq,
    payload: { vehicleId: 'VO-TAXI', kind: 'accessible_taxi', seats: 3, wheelchairSpaces: 1 },
  });
  const listed = (await state()).vehicles.find((v) => v.id === 'VO-TAXI');
  expect(listed).toMatchObject({
    provider: 'Skegness Cabs',
    kind: 'accessible_taxi',
    seats: 3,
    wheelchairSpaces: 1,
    depotSiteId: TEST_DEPOT_ID,
    status: 'in_service',
  });

  const after = (await duty.post(`${base}/plans`).expect(201)).body as PlanView;
  expect(after.plan.unassigned).toEqual([]);
  const ride = after.plan.trips.find((t) => t.partyIds.includes('VO-WHEEL'));
  expect(ride?.vehicleId).toBe('VO-TAXI');
  // Not before the taxi is free: it leaves its depot at 21:15 at the earliest.
  expect(Date.parse(ride!.departAt)).toBeGreaterThan(Date.parse('2026-10-31T21:15:00Z'));
});

test('a bad offer is refused with the field at fault, and nothing is recorded', async () => {
  const vehiclesBefore = (await state()).vehicles.map((v) => v.id);
  const eventsBefore = await eventCount();
  const refused = async (body: object, status: number) => (await duty.post(`${base}/vehicles`).send(body).expect(status)).body.error;

  const depot = await refused(buildVehicle({ id: 'VO-BAD1', depotSiteId: 'nowhere' }), 400);
  expect(depot.details.fields).toEqual([{ path: 'body.depotSiteId', message: expect.stringMatching(/unknown site "nowhere".*"depot-test"/) }]);

  const year = await refused(buildVehicle({ id: 'VO-BAD2', availableFrom: '2025-10-31T21:00:00+00:00' }), 400);
  expect(year.details.fields).toEqual([{ path: 'body.availableFrom', message: expect.stringMatching(/within 30 days/) }]);

  const shape = await refused({ ...buildVehicle({ id: 'VO-BAD3' }), seats: 0, kind: 'hovercraft' }, 400);
  expect(shape.details.fields.map((f: { path: string }) => f.path).sort()).toEqual(['body.kind', 'body.seats']);

  const noTime = await refused({ ...buildVehicle({ id: 'VO-BAD4' }), availableFrom: '21:00' }, 400);
  expect(noTime.details.fields.map((f: { path: string }) => f.path)).toEqual(['body.availableFrom']);

  // An id already used is never overwritten: the coach stays a coach.
  const taken = await refused(buildVehicle({ id: 'VO-COACH', kind: 'taxi', seats: 4 }), 409);
  expect(taken.message).toMatch(/VO-COACH is already recorded/);

  const now = await state();
  expect(now.vehicles.map((v) => v.id)).toEqual(vehiclesBefore);
  expect(now.vehicles.find((v) => v.id === 'VO-COACH')).toMatchObject({ kind: 'coach', seats: 49 });
  expect(await eventCount()).toBe(eventsBefore);
});

test('offers to another incident, or by reception, are refused', async () => {
  const reception = await signIn(server.url, DEMO.reception);
  await reception
    .post(`${base}/vehicles`)
    .send(buildVehicle({ id: 'VO-REC' }))
    .expect(403);
  await duty
    .post(`/api/incidents/00000000-0000-4000-8000-000000000000/vehicles`)
    .send(buildVehicle({ id: 'VO-NONE' }))
    .expect(404);
  expect((await state()).vehicles.map((v) => v.id)).not.toContain('VO-REC');
});

test('two managers recording the same vehicle at once: one is recorded, the other told so', async () => {
  const duty2 = await signIn(server.url, DEMO.duty2);
  const offer = buildVehicle({ id: 'VO-TWICE', kind: 'minibus', seats: 16 });
  const answers = await Promise.all([duty.post(`${base}/vehicles`).send(offer), duty2.post(`${base}/vehicles`).send({ ...offer, seats: 12 })]);
  expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
  expect((await state()).vehicles.filter((v) => v.id === 'VO-TWICE')).toHaveLength(1);
});
