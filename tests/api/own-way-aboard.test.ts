/**
 * People aboard one of our vehicles are the driver's to set down: "we made our own way" (the
 * guest's link, to the booked hotel or elsewhere), a duty manager's "own way" or "no-show", and
 * reception's "went elsewhere" never move them off the vehicle on paper, nor give back the rooms
 * and seat of people sitting on it. Before, a household on a coach that had left tapping "we made
 * our own way" was counted "made own way" with its rooms given back, and the coach set three people
 * down at a hotel with no room for them, with nothing open for anyone.
 * And the other way round: a household left behind (or without a bed or a vehicle) that says on its
 * link it made its own way closes those items, as a duty manager marking it own way always did.
 */
import request from 'supertest';
import type { TestServer } from '../helpers/server.js';
import { smallNightAfterPlan, type Agent } from '../helpers/api.js';
import { smallScenario } from '../../seed/small.js';
import { checkInvariants, invariantProblems, sqlOf } from '../helpers/invariants.js';
import type { IncidentState, PlanView } from '../../shared/api.js';
import type { AttentionList } from '../../shared/attention.js';

let server: TestServer;
let duty: Agent;
let base: string;
let incidentId: string;

beforeAll(async () => {
  ({ server, duty, incidentId, base } = await smallNightAfterPlan());
});
afterAll(async () => server?.close());
afterEach(async () => expect(invariantProblems(await checkInvariants(sqlOf(server.db), incidentId))).toEqual([]));

const state = async () => (await duty.get(`${base}/state`).expect(200)).body as IncidentState;
const used = new Set<string>();

/** A household alone on its trip (driving it moves nobody else), ticked aboard and, if asked, on the road. */
async function aboard(depart: boolean) {
  const s = await state();
  const trip = s.trips.find((t) => t.status === 'planned' && !used.has(t.id) && s.parties.filter((p) => p.tripId === t.id).length >= 1)!;
  used.add(trip.id);
  const h = s.parties.find((p) => p.tripId === trip.id)!;
  const links = (await duty.get(`${base}/drivers`).expect(200)).body.links as { vehicleId: string; token: string }[];
  const token = links.find((l) => l.vehicleId === trip.vehicleId)!.token;
  const drive = (what: string, body: object) => request(server.url).post(`/api/drive/${token}/${what}`).send(body).expect(200);
  await drive('boardings', { tripId: trip.id, partyId: h.id, boarded: true });
  if (depart) await drive('departures', { tripId: trip.id });
  return { h, trip, drive };
}

const tokenOf = async (partyId: string) => (await duty.get(`${base}/status-links/${partyId}`).expect(200)).body.token as string;
const household = async (id: string) => (await state()).parties.find((p) => p.id === id)!;

test.each([
  ['elsewhere', { place: 'my sister in Louth' }],
  ['to the booked hotel', { place: 'the hotel', toHotel: true }],
])('a guest on a vehicle that has left saying "own way" (%s) is recorded, and nobody leaves the vehicle on paper', async (_label, body) => {
  const { h, trip, drive } = await aboard(true);
  const res = await request(server.url)
    .post('/api/guest/replies')
    .set('x-status-token', await tokenOf(h.id))
    .send({ kind: 'own_way', key: `k-own-way-${h.id}`, text: '', ...body })
    .expect(201);
  expect(res.body.recorded).toBe(true);
  const after = await household(h.id);
  expect(after.guests.map((g) => g.whereabouts)).toEqual(h.guests.map(() => 'aboard'));
  expect(after.hotelId).toBe(h.hotelId);
  expect(after.tripId).toBe(trip.id);
  // The vehicle sets them down at a hotel that still has their rooms.
  await drive('arrivals', { tripId: trip.id, hotelId: h.hotelId });
  const down = await household(h.id);
  expect(down.guests.map((g) => g.whereabouts)).toEqual(h.guests.map(() => 'arrived'));
  expect(down.hotelId).toBe(h.hotelId);
});

test.each(['self_evacuated', 'no_show'])('a duty manager cannot mark a household aboard a vehicle as %s', async (status) => {
  const { h } = await aboard(status === 'no_show');
  const res = await duty.post(`${base}/parties/${h.id}/status`).send({ status }).expect(409);
  expect(res.body.error.message).toContain(h.guests[0]!.name);
  expect(res.body.error.details.guestIds).toEqual(h.guests.map((g) => g.id));
  const after = await household(h.id);
  expect(after.guests.every((g) => g.whereabouts === 'aboard')).toBe(true);
  expect(after.hotelId).toBe(h.hotelId);
});

test('reception cannot record a household on its way there aboard a vehicle as gone elsewhere', async () => {
  const { h } = await aboard(true);
  const res = await duty.post(`${base}/hotels/${h.hotelId}/arrivals/no-shows`).send({ partyId: h.id, kind: 'went_elsewhere' }).expect(409);
  expect(res.body.error.details.guestIds).toEqual(h.guests.map((g) => g.id));
  const after = await household(h.id);
  expect(after.guests.every((g) => g.whereabouts === 'aboard')).toBe(true);
  expect(after.hotelId).toBe(h.hotelId);
});

test.each([
  ['elsewhere', { place: 'my sister in Louth' }],
  ['to the booked hotel', { place: 'the hotel', toHotel: true }],
])('a household left behind that says on its link it made its own way (%s) closes its item, as a duty manager marking it does', async (_label, body) => {
  // A night of its own: each case needs a trip with two households on it.
  incidentId = (await duty.post('/api/incidents/import').send(smallScenario()).expect(201)).body.incidentId as string;
  base = `/api/incidents/${incidentId}`;
  const proposal = (await duty.post(`${base}/plans`).expect(201)).body as PlanView;
  await duty.post(`${base}/plans/${proposal.id}/apply`).expect(200);
  const s = await state();
  const trip = s.trips.find((t) => t.status === 'planned' && !used.has(t.id) && s.parties.filter((p) => p.tripId === t.id).length >= 2)!;
  used.add(trip.id);
  const [other, h] = s.parties.filter((p) => p.tripId === trip.id);
  const links = (await duty.get(`${base}/drivers`).expect(200)).body.links as { vehicleId: string; token: string }[];
  const token = links.find((l) => l.vehicleId === trip.vehicleId)!.token;
  const drive = (what: string, b: object) => request(server.url).post(`/api/drive/${token}/${what}`).send(b).expect(200);
  await drive('boardings', { tripId: trip.id, partyId: other!.id, boarded: true });
  await drive('departures', { tripId: trip.id });
  const open = async () => ((await duty.get(`${base}/attention`).expect(200)).body as AttentionList).items.filter((i) => i.partyId === h!.id);
  expect((await open()).map((i) => i.kind)).toContain('left_behind');
  await request(server.url)
    .post('/api/guest/replies')
    .set('x-status-token', await tokenOf(h!.id))
    .send({ kind: 'own_way', key: `k-left-${h!.id}`, text: '', ...body })
    .expect(201);
  expect((await household(h!.id)).guests.every((g) => g.whereabouts === 'own_way')).toBe(true);
  expect(await open()).toEqual([]);
});
