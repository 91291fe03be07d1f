/**
 * Every person accounted for, through the API on the storm night: each deviation becomes an open
 * exception naming exactly the people concerned (partial check-in, left behind, transport lost,
 * unplaced after a withdrawal, overdue, not checked in, a guest's call for help, missing at a roll
 * call); resolving takes a note and is refused to the slower of two managers; and the state's
 * guest counters sum to the number of guests after every step.
 */
import request from 'supertest';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import { guests, tripRiders, trips } from '../../server/db/schema.js';
import type { IncidentState, PlanView } from '../../shared/api.js';
import type { AttentionItem, AttentionList } from '../../shared/attention.js';
import type { DriverLink, DriverView } from '../../shared/drivers.js';
import { WHEREABOUTS } from '../../shared/whereabouts.js';

let server: TestServer;
let duty: Agent;
let duty2: Agent;
let incidentId: string;
let links: DriverLink[];
const inc = (p: string) => `/api/incidents/${incidentId}${p}`;

beforeAll(async () => {
  server = await startTestServer();
  duty = await signIn(server.url, DEMO.duty);
  duty2 = await signIn(server.url, DEMO.duty2);
  incidentId = (await duty.get('/api/incidents').expect(200)).body.incidents[0].id;
  const proposal = (await duty.post(inc('/plans')).expect(201)).body;
  await duty.post(inc(`/plans/${proposal.id}/apply`)).expect(200);
  links = (await duty.get(inc('/drivers')).expect(200)).body.links;
}, 180_000);
afterAll(async () => server?.close());

const state = async (): Promise<IncidentState> => (await duty.get(inc('/state')).expect(200)).body;
const attention = async (): Promise<AttentionList> => (await duty.get(inc('/attention')).expect(200)).body;
const openOf = async (kind: AttentionItem['kind'], partyId?: string) =>
  (await attention()).items.filter((i) => i.kind === kind && (!partyId || i.partyId === partyId));

/** The counters add up, and agree with the guests' own whereabouts in the state. */
async function expectCountsAddUp(): Promise<IncidentState> {
  const s = await state();
  const c = s.guestCounts;
  expect(Object.keys(c.byWhereabouts).sort()).toEqual([...WHEREABOUTS].sort());
  expect(Object.values(c.byWhereabouts).reduce((a, b) => a + b, 0)).toBe(c.total);
  expect(c.total).toBe(s.parties.reduce((n, p) => n + p.guests.length, 0));
  for (const w of WHEREABOUTS) expect(c.byWhereabouts[w]).toBe(s.parties.flatMap((p) => p.guests).filter((g) => g.whereabouts === w).length);
  return s;
}

const taken = new Set<string>();
/** A vehicle with a planned trip of at least `min` households, not used by another test. */
async function vehicleWithTrip(min = 2): Promise<{ link: DriverLink; view: DriverView }> {
  for (const l of links) {
    if (!l.currentTrip || taken.has(l.vehicleId)) continue;
    const v: DriverView = (await request(server.url).get(`/api/drive/${l.token}`).expect(200)).body;
    if (v.trip && v.trip.status === 'planned' && v.trip.households.length >= min) {
      taken.add(l.vehicleId);
      return { link: l, view: v };
    }
  }
  throw new Error('no vehicle with a planned trip left');
}
const drive = (l: DriverLink, what: string, body: object) => request(server.url).post(`/api/drive/${l.token}/${what}`).send(body);

test('counters: every guest counted once by whereabouts, summing to the guest total', async () => {
  const s = await expectCountsAddUp();
  const summary = (await duty.get(inc('/summary')).expect(200)).body;
  expect(s.guestCounts.total).toBe(summary.counts.guests);
  expect(s.guestCounts.byWhereabouts.waiting).toBe(s.guestCounts.total);
  expect(s.needs.wheelchair.total).toBe(summary.counts.needs.wheelchair);
  expect(s.needs.infant.total).toBe(summary.counts.infants);
});

test('a household not aboard when its vehicle leaves: back to waiting, a left_behind item naming them; arrival then not checked in after 20 min', async () => {
  const { link, view } = await vehicleWithTrip(2);
  const trip = view.trip!;
  const [first, ...rest] = trip.households;
  await drive(link, 'boardings', { tripId: trip.id, partyId: first!.partyId, boarded: true }).expect(200);
  let s = await expectCountsAddUp();
  expect(s.parties.find((p) => p.id === first!.partyId)!.guests.every((g) => g.whereabouts === 'aboard')).toBe(true);
  await drive(link, 'departures', { tripId: trip.id }).expect(200);
  s = await expectCountsAddUp();
  for (const h of rest) {
    const p = s.parties.find((x) => x.id === h.partyId)!;
    expect(p.whereabouts.state).toBe('waiting');
    expect(p.tripId).toBeNull();
    const [item] = await openOf('left_behind', h.partyId);
    expect(item).toBeDefined();
    expect(item!.guestIds.sort()).toEqual(p.guests.map((g) => g.id).sort());
    expect(item!.people.map((x) => x.name).sort()).toEqual(p.guests.map((g) => g.name).sort());
    expect(item!.place?.kind).toBe('site');
    expect(item!.suggestion.length).toBeGreaterThan(10);
  }
  await drive(link, 'arrivals', { tripId: trip.id, hotelId: first!.hotelId }).expect(200);
  s = await expectCountsAddUp();
  const arrived = s.parties.find((p) => p.id === first!.partyId)!;
  expect(arrived.guests.every((g) => g.whereabouts === 'arrived')).toBe(true);
  expect(await openOf('not_checked_in', first!.partyId)).toEqual([]);
  // 21 minutes at the door without a check-in (the default threshold is 20).
  await server.database.db
    .update(guests)
    .set({ whereaboutsAt: sql`now() - interval '21 minutes'` })
    .where(and(eq(guests.incidentId, incidentId), eq(guests.partyId, first!.partyId)));
  const [late] = await openOf('not_checked_in', first!.partyId);
  expect(late!.guestIds.sort()).toEqual(arrived.guests.map((g) => g.id).sort());
  expect(late!.place).toMatchObject({ kind: 'hotel', id: first!.hotelId });
  // Checking the whole household in cures it.
  await duty
    .post(inc(`/hotels/${first!.hotelId}/arrivals/checkins`))
    .send({ partyId: first!.partyId })
    .expect(200);
  expect(await openOf('not_checked_in', first!.partyId)).toEqual([]);
  await expectCountsAddUp();
});

test('a trip marked complete by a duty manager leaves nobody aboard: those aboard are at their hotel, those never ticked aboard are left behind', async () => {
  // The driver's phone had no signal: one household ticked aboard, then nothing; the duty manager marks the trip complete.
  const a = await vehicleWithTrip(2);
  const [first, ...rest] = a.view.trip!.households;
  await drive(a.link, 'boardings', { tripId: a.view.trip!.id, partyId: first!.partyId, boarded: true }).expect(200);
  await duty.post(inc(`/ledger/trips/${a.view.trip!.id}/complete`)).expect(200);
  // A trip that departed, whose arrivals were never sent.
  const b = await vehicleWithTrip(1);
  const [only] = b.view.trip!.households;
  await drive(b.link, 'boardings', { tripId: b.view.trip!.id, partyId: only!.partyId, boarded: true }).expect(200);
  await drive(b.link, 'departures', { tripId: b.view.trip!.id }).expect(200);
  await duty.post(inc(`/ledger/trips/${b.view.trip!.id}/complete`)).expect(200);

  const s = await expectCountsAddUp();
  for (const id of [first!.partyId, only!.partyId]) expect(s.parties.find((p) => p.id === id)!.guests.every((g) => g.whereabouts === 'arrived')).toBe(true);
  for (const h of rest) {
    const p = s.parties.find((x) => x.id === h.partyId)!;
    expect(p.whereabouts.state).toBe('waiting');
    expect(p.tripId).toBeNull();
    const [item] = await openOf('left_behind', h.partyId);
    expect(item!.guestIds.sort()).toEqual(p.guests.map((g) => g.id).sort());
  }
  // Nobody anywhere is aboard a trip that has ended.
  const ended = await server.database.db
    .select({ id: trips.id })
    .from(trips)
    .where(and(eq(trips.incidentId, incidentId), eq(trips.status, 'completed')));
  expect(ended.map((t) => t.id)).toEqual(expect.arrayContaining([a.view.trip!.id, b.view.trip!.id]));
  const stranded = await server.database.db
    .select({ partyId: tripRiders.partyId })
    .from(tripRiders)
    .innerJoin(trips, eq(trips.id, tripRiders.tripId))
    .where(and(eq(trips.incidentId, incidentId), eq(trips.status, 'completed'), inArray(tripRiders.status, ['planned', 'boarded'])));
  expect(stranded).toEqual([]);
});

test('part of a household checked in: a partial_checkin item with exactly the others, the household shown split', async () => {
  const s0 = await state();
  const p = s0.parties.find((x) => x.hotelId && x.guests.length >= 3 && x.whereabouts.state === 'waiting')!;
  const [a, b] = p.guests;
  const res = await duty
    .post(inc(`/hotels/${p.hotelId}/arrivals/checkins`))
    .send({ partyId: p.id, guestIds: [a!.id, b!.id] })
    .expect(200);
  expect(res.body.wholeHousehold).toBe(false);
  const s = await expectCountsAddUp();
  expect(s.guestCounts.byWhereabouts.checked_in - s0.guestCounts.byWhereabouts.checked_in).toBe(2);
  const now = s.parties.find((x) => x.id === p.id)!;
  expect(now.whereabouts).toEqual({ state: 'split', label: `split: 2 checked in, ${p.guests.length - 2} not arrived` });
  const [item] = await openOf('partial_checkin', p.id);
  const others = p.guests.slice(2);
  expect(item!.guestIds.sort()).toEqual(others.map((g) => g.id).sort());
  expect(item!.summary).toContain(others[0]!.name);
  expect(item!.place).toMatchObject({ kind: 'hotel', id: p.hotelId });
  // Reception's view names each guest's place too.
  const arrivals = (await duty.get(inc(`/hotels/${p.hotelId}/arrivals`)).expect(200)).body;
  const row = arrivals.households.find((h: { partyId: string }) => h.partyId === p.id);
  expect(row.whereabouts).toMatch(/^split: 2 checked in/);
  expect(row.guests.filter((g: { checkedIn: boolean }) => g.checkedIn).length).toBe(2);
});

test('a vehicle out of service: every household it was about to carry gets a transport_lost item', async () => {
  const { link, view } = await vehicleWithTrip(1);
  const trip = view.trip!;
  const boarded = trip.households[0]!;
  await drive(link, 'boardings', { tripId: trip.id, partyId: boarded.partyId, boarded: true }).expect(200);
  await duty
    .patch(inc(`/vehicles/${link.vehicleId}`))
    .send({ status: 'out_of_service', reason: 'flat tyre' })
    .expect(200);
  const s = await expectCountsAddUp();
  const items = await openOf('transport_lost');
  for (const h of trip.households) {
    const item = items.find((i) => i.partyId === h.partyId);
    expect(item).toBeDefined();
    const p = s.parties.find((x) => x.id === h.partyId)!;
    expect(item!.guestIds.sort()).toEqual(p.guests.map((g) => g.id).sort());
    // Whoever had boarded got off: waiting again, hotel kept.
    expect(p.guests.every((g) => g.whereabouts === 'waiting')).toBe(true);
    expect(p.hotelId).not.toBeNull();
  }
  // A transport re-plan seats them on other vehicles: their items are closed as cured, with a note.
  const replan = (await duty.post(inc('/plans')).send({ mode: 'transport' }).expect(201)).body as PlanView;
  const seated = new Set(replan.plan.trips.flatMap((t) => t.partyIds));
  const lost = trip.households.map((h) => h.partyId);
  expect(lost.filter((id) => seated.has(id)).length).toBeGreaterThan(0);
  await duty.post(inc(`/plans/${replan.id}/apply`)).expect(200);
  const still = await openOf('transport_lost');
  for (const id of lost) expect(still.some((i) => i.partyId === id)).toBe(!seated.has(id));
  const events = (await duty.get(inc('/events?after=0&limit=5000')).expect(200)).body.events as { type: string; payload: Record<string, unknown> }[];
  const cured = events.filter((e) => e.type === 'attention.resolved' && e.payload.kind === 'transport_lost');
  // (Households stranded earlier in this file are cured too, when the re-plan seats them.)
  for (const e of cured) expect(seated.has(e.payload.partyId as string)).toBe(true);
  for (const id of lost) expect(cured.some((e) => e.payload.partyId === id)).toBe(seated.has(id));
  for (const e of cured) expect(e.payload).toMatchObject({ cured: true, note: 'seated on another vehicle by the plan' });
});

test('a vehicle out of service after it left: a re-plan leaves those aboard or set down where they are, and applies', async () => {
  const { link, view } = await vehicleWithTrip(2);
  const trip = view.trip!;
  for (const h of trip.households) await drive(link, 'boardings', { tripId: trip.id, partyId: h.partyId, boarded: true }).expect(200);
  await drive(link, 'departures', { tripId: trip.id }).expect(200);
  await drive(link, 'arrivals', { tripId: trip.id, hotelId: trip.stops[0]!.hotelId }).expect(200);
  await duty
    .patch(inc(`/vehicles/${link.vehicleId}`))
    .send({ status: 'out_of_service', reason: 'engine fire' })
    .expect(200);
  const aboard = new Set(trip.households.map((h) => h.partyId));
  const before = await state();
  const proposal = (await duty.post(inc('/plans')).expect(201)).body as PlanView;
  // Not collected again from the muster point they left, nor given other rooms.
  expect(proposal.plan.trips.filter((t) => t.partyIds.some((id) => aboard.has(id)))).toEqual([]);
  await duty.post(inc(`/plans/${proposal.id}/apply`)).expect(200);
  const after = await expectCountsAddUp();
  for (const id of aboard) {
    const [was, now] = [before.parties.find((p) => p.id === id)!, after.parties.find((p) => p.id === id)!];
    expect({ id, hotelId: now.hotelId, where: now.guests.map((g) => g.whereabouts) }).toEqual({
      id,
      hotelId: was.hotelId,
      where: was.guests.map((g) => g.whereabouts),
    });
  }
});

test('a vehicle out of service on the road that gets its passengers to the hotel after all: their transport_lost items close', async () => {
  const { link, view } = await vehicleWithTrip(1);
  const trip = view.trip!;
  for (const h of trip.households) await drive(link, 'boardings', { tripId: trip.id, partyId: h.partyId, boarded: true }).expect(200);
  await drive(link, 'departures', { tripId: trip.id }).expect(200);
  await duty
    .patch(inc(`/vehicles/${link.vehicleId}`))
    .send({ status: 'out_of_service', reason: 'warning light' })
    .expect(200);
  const aboard = new Set(trip.households.map((h) => h.partyId));
  expect((await openOf('transport_lost')).filter((i) => aboard.has(i.partyId!)).length).toBe(aboard.size);
  for (const stop of trip.stops) await drive(link, 'arrivals', { tripId: trip.id, hotelId: stop.hotelId }).expect(200);
  expect((await openOf('transport_lost')).filter((i) => aboard.has(i.partyId!))).toEqual([]);
  const s = await expectCountsAddUp();
  for (const id of aboard) expect(s.parties.find((p) => p.id === id)!.guests.every((g) => g.whereabouts === 'arrived')).toBe(true);
});

test('rooms withdrawn: displaced households become unplaced items with their names', async () => {
  const s0 = await state();
  const hotel = s0.hotels.find((h) =>
    h.roomTypes.some((r) => r.used > 0 && s0.parties.some((p) => p.hotelId === h.id && p.whereabouts.state === 'waiting' && p.tripId)),
  )!;
  const rt = hotel.roomTypes.find((r) => r.used > 0)!;
  const res = await duty.patch(inc(`/hotels/${hotel.id}`)).send({ roomTypes: [{ ...rt, count: rt.used - 1, used: undefined }] });
  expect(res.status).toBe(200);
  const displaced: string[] = res.body.displacedPartyIds;
  expect(displaced.length).toBeGreaterThan(0);
  const items = await openOf('unplaced');
  const s = await expectCountsAddUp();
  for (const id of displaced) {
    const item = items.find((i) => i.partyId === id)!;
    expect(item.summary).toContain(hotel.name);
    expect(item.people.length).toBe(s.parties.find((p) => p.id === id)!.guests.length);
  }
  expect(s.guestCounts.unplaced).toBeGreaterThan(0);
});

test("a guest's call for help is a need_help item; resolving needs a note and the slower manager gets 409", async () => {
  const s = await state();
  const p = s.parties.find((x) => x.whereabouts.state === 'waiting' && !taken.has(x.id))!;
  const token = (await duty.get(inc(`/status-links/${p.id}`)).expect(200)).body.token as string;
  await request(server.url)
    .post('/api/guest/replies')
    .set('x-status-token', token)
    .send({ kind: 'need_help', key: 'k-help-1', text: 'Grandad has fallen, we are by the main door' })
    .expect(201);
  const [item] = await openOf('need_help', p.id);
  expect(item!.summary).toContain('Grandad has fallen');
  expect(item!.guestIds.sort()).toEqual(p.guests.map((g) => g.id).sort());
  const noNote = await duty.post(inc(`/attention/${item!.id}/resolve`)).send({});
  expect(noNote.status).toBe(400);
  expect(noNote.body.error.details.fields[0].path).toBe('body.note');
  const [r1, r2] = await Promise.all([
    duty.post(inc(`/attention/${item!.id}/resolve`)).send({ note: 'ambulance called' }),
    duty2.post(inc(`/attention/${item!.id}/resolve`)).send({ note: 'on my way' }),
  ]);
  expect([r1.status, r2.status].sort()).toEqual([200, 409]);
  const loser = r1.status === 409 ? r1 : r2;
  expect(loser.body.error.message).toMatch(/already resolved by/);
  expect(await openOf('need_help', p.id)).toEqual([]);
  await duty.post(inc('/attention/00000000-0000-4000-8000-000000000000/resolve')).send({ note: 'x' }).expect(404);
});

test('roll call: everyone expected and not ticked becomes missing, with an item naming them', async () => {
  const list = (await duty.get(inc('/sites/muster-sports-hall/rollcall')).expect(200)).body;
  const everyone: { id: string; name: string }[] = list.households.flatMap((h: { guests: { id: string; name: string }[] }) => h.guests);
  expect(everyone.length).toBeGreaterThan(2);
  const absent = everyone[everyone.length - 1]!;
  const before = (await state()).guestCounts.byWhereabouts.missing;
  const res = await duty
    .post(inc('/sites/muster-sports-hall/rollcall'))
    .send({ presentGuestIds: everyone.slice(0, -1).map((g) => g.id) })
    .expect(200);
  expect(res.body.missing).toEqual([absent.id]);
  const s = await expectCountsAddUp();
  expect(s.guestCounts.byWhereabouts.missing).toBe(before + 1);
  const item = (await openOf('missing')).find((i) => i.guestIds.includes(absent.id))!;
  expect(item.guestIds).toEqual([absent.id]);
  expect(item.summary).toContain(absent.name);
  expect(item.place).toMatchObject({ kind: 'site', id: 'muster-sports-hall' });
  // Found at the next count: back to waiting.
  await duty
    .post(inc('/sites/muster-sports-hall/rollcall'))
    .send({ presentGuestIds: [absent.id, ...everyone.slice(0, -1).map((g) => g.id)] })
    .expect(200);
  expect((await state()).guestCounts.byWhereabouts.missing).toBe(before);
  // ... and the item that asked where they were is closed with them: nothing left to act on.
  expect((await openOf('missing')).filter((i) => i.guestIds.includes(absent.id))).toEqual([]);
  const bad = await duty.post(inc('/sites/muster-sports-hall/rollcall')).send({ presentGuestIds: ['nobody'] });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details.fields[0].path).toBe('body.presentGuestIds');
});

test('thresholds are editable per incident; a vehicle late leaving is overdue', async () => {
  const bad = await duty.patch(inc('/attention/settings')).send({ overdueMinutes: 0 });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details.fields[0].path).toBe('body.overdueMinutes');
  await duty.patch(inc('/attention/settings')).send({ overdueMinutes: 5 }).expect(200);
  expect((await attention()).settings).toEqual({ overdueMinutes: 5, notCheckedInMinutes: 20, shelterSlipMinutes: 15, costTolerancePct: 5 });
  const { view } = await vehicleWithTrip(1);
  await server.database.db
    .update(trips)
    .set({ departAt: sql`now() - interval '6 minutes'` })
    .where(eq(trips.id, view.trip!.id));
  const item = (await openOf('overdue')).find((i) => i.tripId === view.trip!.id)!;
  expect(item.place?.kind).toBe('site');
  expect(item.guestIds.length).toBe(view.trip!.households.reduce((n, h) => n + h.size, 0));
  // Swept again: still one item.
  expect((await openOf('overdue')).filter((i) => i.tripId === view.trip!.id)).toHaveLength(1);
});

test('a household a duty manager marks "needs help" is an item for every manager until it is back to waiting', async () => {
  const p = (await state()).parties.find((x) => x.status === 'waiting' || x.status === 'assigned')!;
  await duty
    .post(inc(`/parties/${p.id}/status`))
    .send({ status: 'needs_help', note: 'asthma, inhaler left in the lodge' })
    .expect(200);
  const [item] = await openOf('need_help', p.id);
  expect(item).toBeDefined();
  expect(item!.summary).toContain('asthma, inhaler left in the lodge');
  expect(item!.guestIds.sort()).toEqual(p.guests.map((g) => g.id).sort());
  await duty
    .post(inc(`/parties/${p.id}/status`))
    .send({ status: 'waiting', note: 'paramedic saw them' })
    .expect(200);
  expect(await openOf('need_help', p.id)).toEqual([]);
});
