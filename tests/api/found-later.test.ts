/**
 * People found at a roll call after their household's vehicle has gone: nobody is carried on paper
 * only, and nobody found is left without someone acting on it.
 * - A household ticked aboard of which nobody got on (everyone reported missing) is left behind
 *   when the vehicle departs; found later, it is at its muster point with a bed and no ride, and
 *   the next plan seats it.
 * - A member found while the rest of the household is on the road gets a `left_behind` item naming
 *   them, which stays open until a duty manager handles it; once the household is set down, a
 *   re-plan seats them.
 * - A member found after the household was ticked aboard but before the vehicle left is not on it
 *   (nobody ticks a household twice): when it leaves, or a duty manager marks the trip complete
 *   without it having been seen to leave, a `left_behind` item names them.
 * - Setting a household back to waiting finds nobody reported missing; a no-show household set back
 *   to waiting is found, and its `missing` item closes.
 * - A guest typed twice and taken off the list is named by no open item: one about them alone
 *   closes, one about the household names the rest.
 */
import request from 'supertest';
import { sql } from 'drizzle-orm';
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
const openItems = async () => (await duty.get(`${base}/attention`).expect(200)).body as AttentionList;

/** A trip not yet boarding with at least two households waiting whole, one of at least two members. */
async function tripWithTwo() {
  const s = await state();
  for (const t of s.trips.filter((x) => x.status === 'planned')) {
    const hs = s.parties.filter((p) => p.tripId === t.id && p.guests.every((g) => g.whereabouts === 'waiting'));
    const big = hs.find((p) => p.guests.length >= 2);
    const other = hs.find((p) => p !== big);
    if (big && other) return { trip: t, h: big, other };
  }
  throw new Error('no trip with two households waiting in the small scenario');
}

async function driver(vehicleId: string) {
  const links = (await duty.get(`${base}/drivers`).expect(200)).body.links as { vehicleId: string; token: string }[];
  const token = links.find((l) => l.vehicleId === vehicleId)!.token;
  return (what: string, body: object) => request(server.url).post(`/api/drive/${token}/${what}`).send(body).expect(200);
}

async function rollcall(siteId: string, present: (id: string) => boolean) {
  const list = (await duty.get(`${base}/sites/${siteId}/rollcall`).expect(200)).body as { households: { guests: { id: string; whereabouts: string }[] }[] };
  const ids = list.households.flatMap((x) => x.guests).filter((g) => ['waiting', 'missing'].includes(g.whereabouts) && present(g.id));
  return (
    await duty
      .post(`${base}/sites/${siteId}/rollcall`)
      .send({ presentGuestIds: ids.map((g) => g.id) })
      .expect(200)
  ).body as { found: string[]; missing: string[] };
}

test('a household ticked aboard with nobody on it is left behind when the vehicle leaves, and seated by the next plan once found', async () => {
  const { trip, h, other } = await tripWithTwo();
  const everyone = new Set(h.guests.map((g) => g.id));
  await rollcall(h.siteId, (id) => !everyone.has(id));
  const drive = await driver(trip.vehicleId);
  // The driver ticks the whole list, this household too: nobody of it is there to get on.
  await drive('boardings', { tripId: trip.id, partyId: h.id, boarded: true });
  await drive('boardings', { tripId: trip.id, partyId: other.id, boarded: true });
  const left = (await drive('departures', { tripId: trip.id })).body as { leftBehind: number };
  expect(left.leftBehind).toBeGreaterThanOrEqual(1);
  const s1 = await state();
  const after = s1.parties.find((p) => p.id === h.id)!;
  expect(after.tripId).toBeNull();
  expect(after.hotelId).toBe(h.hotelId);
  expect(after.guests.every((g) => g.whereabouts === 'missing')).toBe(true);
  expect(s1.trips.find((t) => t.id === trip.id)!.status).toBe('departed');
  expect((await openItems()).items.some((i) => i.kind === 'left_behind' && i.partyId === h.id)).toBe(true);
  // Found at the muster point: waiting, with a bed and no ride, and the next plan seats them.
  await rollcall(h.siteId, () => true);
  const proposal = (await duty.post(`${base}/plans`).send({ mode: 'transport' }).expect(201)).body as PlanView;
  const ride = proposal.plan.trips.find((t) => t.partyIds.includes(h.id));
  expect(ride).toMatchObject({ fromSiteId: h.siteId, stops: expect.arrayContaining([h.hotelId]) });
  expect(ride!.vehicleId === trip.vehicleId && ride!.departAt === trip.departAt).toBe(false);
  await duty.post(`${base}/plans/${proposal.id}/apply`).expect(200);
});

test('a member found while the rest of the household is on the road is named in an item that stays, and seated once the household is set down', async () => {
  const { trip, h } = await tripWithTwo();
  const last = h.guests[h.guests.length - 1]!;
  await rollcall(h.siteId, (id) => id !== last.id);
  const drive = await driver(trip.vehicleId);
  await drive('boardings', { tripId: trip.id, partyId: h.id, boarded: true });
  await drive('departures', { tripId: trip.id });
  // Found while the vehicle is on the road.
  const found = await rollcall(h.siteId, () => true);
  expect(found.found).toContain(last.id);
  const item = (await openItems()).items.find((i) => i.kind === 'left_behind' && i.partyId === h.id && i.guestIds.includes(last.id));
  expect(item).toBeDefined();
  expect(item!.summary).toContain(last.name);
  expect(item!.summary).toMatch(/found at the roll call .* after .* left with the rest of the household/);
  expect(item!.guestIds).toEqual([last.id]);
  // The vehicle sets the household down; the next plan seats the one found.
  await drive('arrivals', { tripId: trip.id, hotelId: h.hotelId });
  const proposal = (await duty.post(`${base}/plans`).send({ mode: 'transport' }).expect(201)).body as PlanView;
  expect(proposal.plan.trips.find((t) => t.partyIds.includes(h.id))).toMatchObject({ fromSiteId: h.siteId, stops: expect.arrayContaining([h.hotelId]) });
  await duty.post(`${base}/plans/${proposal.id}/apply`).expect(200);
  // The item stays until a duty manager says it is handled.
  expect((await openItems()).items.some((i) => i.id === item!.id)).toBe(true);
});

test('a member found after the household was ticked aboard, and not on the vehicle when it leaves, is named as left behind', async () => {
  const { trip, h } = await tripWithTwo();
  const last = h.guests[h.guests.length - 1]!;
  await rollcall(h.siteId, (id) => id !== last.id);
  const drive = await driver(trip.vehicleId);
  // Ticked aboard while one of them is missing: the rest get on.
  await drive('boardings', { tripId: trip.id, partyId: h.id, boarded: true });
  // Found at the muster point before the vehicle leaves; the driver, who ticked the household
  // already, drives off without them.
  expect((await rollcall(h.siteId, () => true)).found).toContain(last.id);
  await drive('departures', { tripId: trip.id });
  const s = await state();
  expect(s.parties.find((p) => p.id === h.id)!.guests.find((g) => g.id === last.id)!.whereabouts).toBe('waiting');
  const item = (await openItems()).items.find((i) => i.kind === 'left_behind' && i.tripId === trip.id && i.partyId === h.id);
  expect(item).toBeDefined();
  expect(item!.guestIds).toEqual([last.id]);
  expect(item!.summary).toContain(last.name);
  // The vehicle sets the household down; the next plan seats the one left behind.
  await drive('arrivals', { tripId: trip.id, hotelId: h.hotelId });
  const proposal = (await duty.post(`${base}/plans`).send({ mode: 'transport' }).expect(201)).body as PlanView;
  expect(proposal.plan.trips.find((t) => t.partyIds.includes(h.id))).toMatchObject({ fromSiteId: h.siteId, stops: expect.arrayContaining([h.hotelId]) });
  await duty.post(`${base}/plans/${proposal.id}/apply`).expect(200);
});

test('a trip a duty manager marks complete before it was seen to leave names the members of a ticked household who were not aboard', async () => {
  const { trip, h } = await tripWithTwo();
  const last = h.guests[h.guests.length - 1]!;
  await rollcall(h.siteId, (id) => id !== last.id);
  const drive = await driver(trip.vehicleId);
  await drive('boardings', { tripId: trip.id, partyId: h.id, boarded: true });
  await rollcall(h.siteId, () => true);
  // The driver's phone went quiet: the duty manager marks the trip complete from the console.
  await duty.post(`${base}/ledger/trips/${trip.id}/complete`).expect(200);
  const s = await state();
  expect(s.parties.find((p) => p.id === h.id)!.guests.find((g) => g.id === last.id)!.whereabouts).toBe('waiting');
  const item = (await openItems()).items.find((i) => i.kind === 'left_behind' && i.tripId === trip.id && i.partyId === h.id);
  expect(item?.guestIds).toEqual([last.id]);
});

test('a household set back to waiting does not find a member reported missing: they stay missing, named, and are not ticked aboard', async () => {
  const s0 = await state();
  const h = s0.parties.find(
    (p) =>
      p.guests.length >= 2 && p.tripId && s0.trips.find((t) => t.id === p.tripId)?.status === 'planned' && p.guests.every((g) => g.whereabouts === 'waiting'),
  )!;
  const trip = s0.trips.find((t) => t.id === h.tripId)!;
  const last = h.guests[h.guests.length - 1]!;
  const token = (await duty.get(`${base}/status-links/${h.id}`).expect(200)).body.token as string;
  await request(server.url)
    .post('/api/guest/replies')
    .set('x-status-token', token)
    .send({ kind: 'missing_member', key: `k-missing-${last.id}`, guestId: last.id, text: 'ran off to find the dog' })
    .expect(201);
  // A duty manager rings the family and sets the household back to waiting: the call for help is
  // handled, but nobody has seen the one who ran off.
  await duty.post(`${base}/parties/${h.id}/status`).send({ status: 'waiting' }).expect(200);
  const s = await state();
  expect(s.parties.find((p) => p.id === h.id)!.guests.find((g) => g.id === last.id)!.whereabouts).toBe('missing');
  expect(s.guestCounts.byWhereabouts.missing).toBeGreaterThanOrEqual(1);
  const items = (await openItems()).items;
  expect(items.some((i) => i.kind === 'missing' && i.partyId === h.id && i.guestIds.includes(last.id))).toBe(true);
  expect(items.some((i) => i.kind === 'need_help' && i.partyId === h.id)).toBe(false);
  // The driver ticks the household aboard: the one still missing does not get on.
  const drive = await driver(trip.vehicleId);
  await drive('boardings', { tripId: trip.id, partyId: h.id, boarded: true });
  const after = (await state()).parties.find((p) => p.id === h.id)!;
  expect(after.guests.find((g) => g.id === last.id)!.whereabouts).toBe('missing');
  expect(after.guests.filter((g) => g.id !== last.id).every((g) => g.whereabouts === 'aboard')).toBe(true);
});

test('a no-show household set back to waiting is found: its missing item closes, and the next plan places it', async () => {
  // A night of its own: the vehicle must reach the hotel without the household.
  incidentId = (await duty.post('/api/incidents/import').send(smallScenario()).expect(201)).body.incidentId as string;
  base = `/api/incidents/${incidentId}`;
  const first = (await duty.post(`${base}/plans`).expect(201)).body as PlanView;
  await duty.post(`${base}/plans/${first.id}/apply`).expect(200);
  const { trip, h, other } = await tripWithTwo();
  const drive = await driver(trip.vehicleId);
  await drive('boardings', { tripId: trip.id, partyId: other.id, boarded: true });
  await drive('departures', { tripId: trip.id });
  for (const stop of trip.stops) await drive('arrivals', { tripId: trip.id, hotelId: stop });
  await duty.post(`${base}/hotels/${h.hotelId}/arrivals/no-shows`).send({ partyId: h.id, kind: 'no_show' }).expect(200);
  const missing = (await openItems()).items.find((i) => i.kind === 'missing' && i.partyId === h.id);
  expect(missing?.guestIds).toEqual(h.guests.map((g) => g.id));
  // They ring: they are back at the muster point.
  await duty.post(`${base}/parties/${h.id}/status`).send({ status: 'waiting', note: 'rang from the clubhouse' }).expect(200);
  expect((await state()).parties.find((p) => p.id === h.id)!.guests.every((g) => g.whereabouts === 'waiting')).toBe(true);
  expect((await openItems()).items.some((i) => i.id === missing!.id)).toBe(false);
  const proposal = (await duty.post(`${base}/plans`).expect(201)).body as PlanView;
  expect(proposal.plan.stays.some((st) => st.partyId === h.id)).toBe(true);
  await duty.post(`${base}/plans/${proposal.id}/apply`).expect(200);
});

test('a guest typed twice, taken off the list, stops being named: an item about nobody else closes, one about the household names the rest', async () => {
  incidentId = (await duty.post('/api/incidents/import').send(smallScenario()).expect(201)).body.incidentId as string;
  base = `/api/incidents/${incidentId}`;
  const first = (await duty.post(`${base}/plans`).expect(201)).body as PlanView;
  await duty.post(`${base}/plans/${first.id}/apply`).expect(200);
  const { trip, h, other } = await tripWithTwo();
  const last = h.guests[h.guests.length - 1]!;
  const drive = await driver(trip.vehicleId);
  // The rest of the household gets on; "the last one" is not there, the roll call finds them
  // before the vehicle leaves, and it leaves without them: an item naming only them.
  await rollcall(h.siteId, (id) => id !== last.id);
  await drive('boardings', { tripId: trip.id, partyId: h.id, boarded: true });
  await rollcall(h.siteId, () => true);
  await drive('departures', { tripId: trip.id });
  const alone = (await openItems()).items.find((i) => i.kind === 'left_behind' && i.partyId === h.id && i.tripId === trip.id)!;
  expect(alone.guestIds).toEqual([last.id]);
  // The other household was not aboard at all: an item naming every one of them.
  const whole = (await openItems()).items.find((i) => i.kind === 'left_behind' && i.partyId === other.id)!;
  expect(whole.guestIds).toEqual(other.guests.map((g) => g.id));
  // Both were typed twice: a duty manager takes them off their household's list.
  const correct = async (p: typeof h, keep: (id: string) => boolean) => {
    const fields = { id: p.id, name: p.name, unit: p.unit, siteId: p.siteId, needs: p.needs, notes: p.notes, phone: p.phone, email: p.email };
    const guests = p.guests.filter((g) => keep(g.id)).map((g) => ({ id: g.id, name: g.name, age: g.age, needs: g.needs }));
    await duty
      .put(`${base}/parties/${p.id}`)
      .send({ ...fields, guests })
      .expect(200);
  };
  await correct(h, (id) => id !== last.id);
  const items = (await openItems()).items;
  expect(items.some((i) => i.id === alone.id)).toBe(false);
  expect(other.guests.length).toBeGreaterThan(1);
  const gone = other.guests[other.guests.length - 1]!.id;
  await correct(other, (id) => id !== gone);
  expect((await openItems()).items.find((i) => i.id === whole.id)?.guestIds).toEqual(other.guests.filter((g) => g.id !== gone).map((g) => g.id));
});

test('a household left behind that reaches its hotel by itself and is checked in whole needs no ride: its left_behind item closes', async () => {
  const { trip, h, other } = await tripWithTwo();
  const drive = await driver(trip.vehicleId);
  // The driver leaves without them (not ticked).
  await drive('boardings', { tripId: trip.id, partyId: other.id, boarded: true });
  await drive('departures', { tripId: trip.id });
  const item = (await openItems()).items.find((i) => i.kind === 'left_behind' && i.partyId === h.id);
  expect(item).toBeDefined();
  // A taxi of their own brings them to the hotel booked for them; reception checks them all in.
  await duty.post(`${base}/hotels/${h.hotelId}/arrivals/checkins`).send({ partyId: h.id }).expect(200);
  expect((await openItems()).items.some((i) => i.partyId === h.id && i.kind === 'left_behind')).toBe(false);
  const res = await server.database.db.execute(sql`select note from attention_items where id = ${item!.id}`);
  const rows = ((res as { rows?: { note: string }[] }).rows ?? (res as unknown as { note: string }[])) as { note: string }[];
  expect(rows[0]!.note).toBe('the whole household is checked in');
});
