/**
 * Households that reach their hotel before their vehicle leaves (a lift from a neighbour, a taxi of
 * their own). Checked in whole: the plan has nothing more to do for them, so no re-plan sends a
 * vehicle for them or lists them as changed. Checked in in part: those still at the muster point
 * keep the household's ride, and every re-plan carries them.
 */
import request from 'supertest';
import type { TestServer } from '../helpers/server.js';
import { smallNightAfterPlan, type Agent } from '../helpers/api.js';
import { checkInvariants, invariantProblems, sqlOf } from '../helpers/invariants.js';
import type { IncidentState, PlanView } from '../../shared/api.js';

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
const inDiff = (p: PlanView, partyId: string) =>
  [...p.diff.newlyAssigned, ...p.diff.moved, ...p.diff.unassigned, ...p.diff.retimed].some((x) => x.partyId === partyId);

/** A household of two or more, all waiting, booked on a trip that has not started boarding. */
const waitingWhole = (s: IncidentState) =>
  s.parties.find(
    (x) =>
      x.hotelId &&
      x.tripId &&
      x.guests.length >= 2 &&
      x.guests.every((g) => g.whereabouts === 'waiting') &&
      s.trips.find((t) => t.id === x.tripId)?.status === 'planned',
  )!;

/** The driver's phone of a vehicle: each step answered 200. */
async function driverOf(vehicleId: string) {
  const links = (await duty.get(`${base}/drivers`).expect(200)).body.links as { vehicleId: string; token: string }[];
  const token = links.find((l) => l.vehicleId === vehicleId)!.token;
  return (what: string, body: object) => request(server.url).post(`/api/drive/${token}/${what}`).send(body).expect(200);
}

test('a household checked in before its vehicle left gets no vehicle again; one checked in in part keeps its ride for those still waiting', async () => {
  const s0 = await state();
  const onTrip = s0.parties.filter((p) => p.hotelId && p.tripId && s0.trips.find((t) => t.id === p.tripId)?.status === 'planned');
  const whole = onTrip.find((p) => p.guests.length >= 2)!;
  const split = onTrip.find((p) => p.id !== whole.id && p.guests.length >= 3)!;
  expect(whole).toBeDefined();
  expect(split).toBeDefined();
  const seatsOf = async (tripId: string) => Number((await sqlOf(server.db)('select seats_used from trips where id = $1', [tripId]))[0]!.seats_used);
  const seatsBefore = await seatsOf(split.tripId!);
  expect(seatsBefore).toBeGreaterThanOrEqual(split.guests.length);

  // The whole household arrived another way: its ride is given back.
  await duty.post(`${base}/hotels/${whole.hotelId}/arrivals/checkins`).send({ partyId: whole.id }).expect(200);
  // Only the first of the other arrived: the rest still wait at the muster point, on their vehicle's list.
  const first = split.guests[0]!.id;
  await duty
    .post(`${base}/hotels/${split.hotelId}/arrivals/checkins`)
    .send({ partyId: split.id, guestIds: [first] })
    .expect(200);
  const s1 = await state();
  expect(s1.parties.find((p) => p.id === whole.id)).toMatchObject({ tripId: null, hotelId: whole.hotelId });
  const splitNow = s1.parties.find((p) => p.id === split.id)!;
  expect(splitNow.tripId).toBe(split.tripId);
  expect(splitNow.guests.map((g) => g.whereabouts)).toEqual(split.guests.map((g) => (g.id === first ? 'checked_in' : 'waiting')));
  expect(await seatsOf(split.tripId!)).toBe(seatsBefore);
  // Replay reads every person's moves: the one checked in has hers, under the check-in's event.
  const moves = (await duty.get(`${base}/whereabouts-moves`).expect(200)).body.moves as [number, string, string][];
  const checkin = (
    (await duty.get(`${base}/events?limit=5000`).expect(200)).body.events as { seq: number; type: string; payload: { partyId?: string } }[]
  ).find((e) => e.type === 'guest.checked_in' && e.payload.partyId === split.id)!;
  expect(moves.filter((m) => m[1] === first)).toEqual([[checkin.seq, first, 'checked_in']]);
  expect(moves.some((m) => split.guests.slice(1).some((g) => g.id === m[1]))).toBe(false);
  expect(moves.map((m) => m[0])).toEqual([...moves.map((m) => m[0])].sort((a, b) => a - b));
  // The map counts them where they wait, person by person.
  const waitingAt = (st: IncidentState) => st.sites.find((x) => x.id === split.siteId)!.waiting;
  expect(waitingAt(s1)).toBe(waitingAt(s0) - 1 - (whole.siteId === split.siteId ? whole.guests.length : 0));
  // Re-plans (fresh and vehicles only) give the arrived household nothing and list it nowhere;
  // the split household rides again.
  for (const body of [{}, { mode: 'transport' }]) {
    const proposal = (await duty.post(`${base}/plans`).send(body).expect(201)).body as PlanView;
    expect(proposal.plan.trips.some((t) => t.partyIds.includes(whole.id))).toBe(false);
    expect(inDiff(proposal, whole.id)).toBe(false);
    expect(proposal.plan.unassigned.some((u) => u.partyId === whole.id)).toBe(false);
    expect(proposal.plan.trips.some((t) => t.partyIds.includes(split.id))).toBe(true);
    expect(proposal.plan.stays.find((x) => x.partyId === split.id)?.hotelId).toBe(split.hotelId);
  }
  const proposal = (await duty.post(`${base}/plans`).expect(201)).body as PlanView;
  await duty.post(`${base}/plans/${proposal.id}/apply`).expect(200);
  const s2 = await state();
  expect(s2.parties.find((p) => p.id === whole.id)).toMatchObject({ tripId: null, hotelId: whole.hotelId, status: 'checked_in' });
  expect(s2.parties.find((p) => p.id === split.id)!.tripId).not.toBeNull();
  // Their rooms are still theirs: the hotel's counters say so (the invariants check them after the test).
  const again = (await duty.post(`${base}/plans`).expect(201)).body as PlanView;
  expect(inDiff(again, whole.id)).toBe(false);
});

test('a household on its own way to the hotel booked for it gets no vehicle from any re-plan, keeps its rooms, and is listed nowhere', async () => {
  const s0 = await state();
  const p = s0.parties.find(
    (x) => x.hotelId && x.tripId && x.guests.every((g) => g.whereabouts === 'waiting') && s0.trips.find((t) => t.id === x.tripId)?.status === 'planned',
  )!;
  const token = (await duty.get(`${base}/status-links/${p.id}`).expect(200)).body.token as string;
  await request(server.url)
    .post('/api/guest/replies')
    .set('x-status-token', token)
    .send({ kind: 'own_way', key: `own-way-${p.id}`, place: 'the hotel', toHotel: true })
    .expect(201);
  for (const body of [{}, { mode: 'transport' }]) {
    const proposal = (await duty.post(`${base}/plans`).send(body).expect(201)).body as PlanView;
    expect(proposal.plan.trips.some((t) => t.partyIds.includes(p.id))).toBe(false);
    expect(proposal.plan.unassigned.some((u) => u.partyId === p.id)).toBe(false);
    expect(inDiff(proposal, p.id)).toBe(false);
  }
  const proposal = (await duty.post(`${base}/plans`).expect(201)).body as PlanView;
  await duty.post(`${base}/plans/${proposal.id}/apply`).expect(200);
  const now = (await state()).parties.find((x) => x.id === p.id)!;
  expect(now).toMatchObject({ hotelId: p.hotelId, tripId: null, status: p.status });
  expect(now.guests.every((g) => g.whereabouts === 'own_way')).toBe(true);
  // Reception checks them in when they walk in.
  await duty.post(`${base}/hotels/${p.hotelId}/arrivals/checkins`).send({ partyId: p.id }).expect(200);
});

test('a member found at a roll call after the household was set down at its hotel gets a ride of their own to its rooms', async () => {
  const s0 = await state();
  const h = waitingWhole(s0);
  const trip = s0.trips.find((t) => t.id === h.tripId)!;
  const drive = await driverOf(trip.vehicleId);
  await drive('boardings', { tripId: trip.id, partyId: h.id, boarded: true });
  await drive('departures', { tripId: trip.id });
  await drive('arrivals', { tripId: trip.id, hotelId: h.hotelId });
  // All but the last checked in; the last is not there (missing), then found at the muster point.
  const last = h.guests[h.guests.length - 1]!;
  await duty
    .post(`${base}/hotels/${h.hotelId}/arrivals/checkins`)
    .send({ partyId: h.id, guestIds: h.guests.slice(0, -1).map((g) => g.id) })
    .expect(200);
  const list = (await duty.get(`${base}/sites/${h.siteId}/rollcall`).expect(200)).body as { households: { guests: { id: string; whereabouts: string }[] }[] };
  const waiting = list.households.flatMap((x) => x.guests).filter((g) => g.whereabouts === 'waiting');
  await duty
    .post(`${base}/sites/${h.siteId}/rollcall`)
    .send({ presentGuestIds: [...waiting.map((g) => g.id), last.id] })
    .expect(200);
  expect((await state()).parties.find((x) => x.id === h.id)!.guests.find((g) => g.id === last.id)!.whereabouts).toBe('waiting');
  // Every re-plan carries them, from where they wait to the household's hotel; the rest stay in their rooms.
  for (const body of [{}, { mode: 'transport' }]) {
    const proposal = (await duty.post(`${base}/plans`).send(body).expect(201)).body as PlanView;
    const ride = proposal.plan.trips.find((t) => t.partyIds.includes(h.id));
    expect(ride).toMatchObject({ fromSiteId: h.siteId, stops: expect.arrayContaining([h.hotelId]) });
    expect(proposal.plan.stays.find((x) => x.partyId === h.id)?.hotelId).toBe(h.hotelId);
  }
  const proposal = (await duty.post(`${base}/plans`).expect(201)).body as PlanView;
  await duty.post(`${base}/plans/${proposal.id}/apply`).expect(200);
  const s1 = await state();
  const now = s1.parties.find((x) => x.id === h.id)!;
  expect(now.hotelId).toBe(h.hotelId);
  expect(now.tripId).not.toBe(trip.id);
  const next = s1.trips.find((t) => t.id === now.tripId)!;
  expect(next.status).toBe('planned');
  expect(now.guests.map((g) => g.whereabouts)).toEqual(h.guests.map((g) => (g.id === last.id ? 'waiting' : 'checked_in')));
});

test('"we made our own way to our hotel" moves only the members not yet there: those a vehicle set down at the hotel stay arrived', async () => {
  const s0 = await state();
  const h = waitingWhole(s0);
  const trip = s0.trips.find((t) => t.id === h.tripId)!;
  const last = h.guests[h.guests.length - 1]!;
  // A roll call before boarding misses the last member; the rest ride and are set down at the hotel.
  const rollcall = async (present: (id: string) => boolean) => {
    const list = (await duty.get(`${base}/sites/${h.siteId}/rollcall`).expect(200)).body as { households: { guests: { id: string; whereabouts: string }[] }[] };
    const ids = list.households.flatMap((x) => x.guests).filter((g) => ['waiting', 'missing'].includes(g.whereabouts) && present(g.id));
    await duty
      .post(`${base}/sites/${h.siteId}/rollcall`)
      .send({ presentGuestIds: ids.map((g) => g.id) })
      .expect(200);
  };
  await rollcall((id) => id !== last.id);
  const drive = await driverOf(trip.vehicleId);
  await drive('boardings', { tripId: trip.id, partyId: h.id, boarded: true });
  await drive('departures', { tripId: trip.id });
  await drive('arrivals', { tripId: trip.id, hotelId: h.hotelId });
  await rollcall(() => true);
  const before = (await state()).parties.find((x) => x.id === h.id)!;
  expect(before.guests.map((g) => g.whereabouts)).toEqual(h.guests.map((g) => (g.id === last.id ? 'waiting' : 'arrived')));
  // The household's link says it made its own way to its hotel: that is the last member's news only.
  const { token } = (await duty.get(`${base}/status-links/${h.id}`).expect(200)).body as { token: string };
  await request(server.url)
    .post('/api/guest/replies')
    .set('x-status-token', token)
    .send({ kind: 'own_way', key: `own-way-split-${h.id}`, place: 'the hotel', toHotel: true })
    .expect(201);
  const after = (await state()).parties.find((x) => x.id === h.id)!;
  expect(after.guests.map((g) => g.whereabouts)).toEqual(h.guests.map((g) => (g.id === last.id ? 'own_way' : 'arrived')));
  // Reception checks in those set down at its door, as it would have.
  await duty
    .post(`${base}/hotels/${h.hotelId}/arrivals/checkins`)
    .send({ partyId: h.id, guestIds: h.guests.slice(0, -1).map((g) => g.id) })
    .expect(200);
});
