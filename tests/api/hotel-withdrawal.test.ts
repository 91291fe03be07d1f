/**
 * A hotel withdrawing rooms never displaces a household that is already on a vehicle bound for it
 * (found by the soak run: such households were re-planned from the muster point they had left).
 */
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import type { IncidentState, PlanView } from '../../shared/api.js';
import type { DriverLink } from '../../shared/drivers.js';

let server: TestServer;
let duty: Agent;
let incidentId: string;

beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_PLANS_PER_MIN: '1000' } });
  duty = await signIn(server.url, DEMO.duty);
  incidentId = (await duty.get('/api/incidents').expect(200)).body.incidents[0].id;
});
afterAll(async () => server?.close());

test('households on their way keep their rooms; the rest are displaced', async () => {
  const base = `/api/incidents/${incidentId}`;
  const plan = (await duty.post(`${base}/plans`).expect(201)).body as PlanView;
  await duty.post(`${base}/plans/${plan.id}/apply`).expect(200);
  let state = (await duty.get(`${base}/state`).expect(200)).body as IncidentState;
  // A hotel with at least two households coming; board one of them.
  const byHotel = new Map<string, IncidentState['parties']>();
  for (const p of state.parties) if (p.hotelId && p.tripId) byHotel.set(p.hotelId, [...(byHotel.get(p.hotelId) ?? []), p]);
  const [hotelId, coming] = [...byHotel].find(([, list]) => list.length >= 2)!;
  const rider = coming[0]!;
  const trip = state.trips.find((t) => t.id === rider.tripId)!;
  const link = ((await duty.get(`${base}/drivers`).expect(200)).body.links as DriverLink[]).find((l) => l.vehicleId === trip.vehicleId)!;
  await duty.post(`/api/drive/${link.token}/boardings`).send({ tripId: trip.id, partyId: rider.id }).expect(200);

  // Withdrawing every room is refused: the boarded household's rooms cannot be freed.
  const hotel = state.hotels.find((h) => h.id === hotelId)!;
  const refused = await duty
    .patch(`${base}/hotels/${hotelId}`)
    .send({ roomTypes: hotel.roomTypes.map(({ used: _u, ...r }) => ({ ...r, count: 0 })) })
    .expect(409);
  expect(refused.body.error.message).toMatch(/on their way/);

  // Withdrawing all but the boarded household's rooms displaces everyone else coming.
  const held = new Map(plan.plan.stays.find((s) => s.partyId === rider.id)!.rooms.map((r) => [r.type, r.count]));
  const res = await duty
    .patch(`${base}/hotels/${hotelId}`)
    .send({ roomTypes: hotel.roomTypes.map(({ used: _u, ...r }) => ({ ...r, count: held.get(r.type) ?? 0 })) })
    .expect(200);
  expect(res.body.displacedPartyIds).not.toContain(rider.id);
  expect(res.body.displacedPartyIds.length).toBe(coming.length - 1);
  state = (await duty.get(`${base}/state`).expect(200)).body as IncidentState;
  expect(state.parties.find((p) => p.id === rider.id)).toMatchObject({ status: 'on_vehicle', hotelId });
});
