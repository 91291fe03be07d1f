/**
 * A hotel's change that unsuits the rooms a plan gave (`PATCH .../hotels/:hotelId`): rooms that now
 * sleep fewer, a room no longer accessible, no more pets. Like a household's correction (decision
 * 0021), a merely planned stay gives its rooms and seat back and waits for the next plan, with an
 * "unplaced" item saying why; a household checked in or on its way keeps its rooms and gets a
 * "Needs not met" item. Before, only a lower count let anyone go: everyone else stayed in rooms
 * that no longer suited them, and the rooming list still named them.
 */
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import { type ClientSocket, collect, loginCookie, watching } from '../helpers/socket.js';
import { buildGuest, buildHotel, buildParty, buildScenario, buildVehicle } from '../../seed/factories.js';
import type { IncidentState, PlanView } from '../../shared/api.js';
import type { AttentionItem } from '../../shared/attention.js';
import type { DriverLink } from '../../shared/drivers.js';
import { checkInvariants, invariantProblems, sqlOf } from '../helpers/invariants.js';

let server: TestServer;
let duty: Agent;
let base: string;
let incidentId: string;
let socket: ClientSocket;

const HOTEL = 'HF';
const FAMILY = { type: 'family', sleeps: 4, count: 1, accessible: false, rateMinor: 11900 };
const ACCESSIBLE = { type: 'accessible-double', sleeps: 2, count: 2, accessible: true, rateMinor: 7900 };
const DOUBLE = { type: 'double', sleeps: 2, count: 2, accessible: false, rateMinor: 7900 };

// Exactly the rooms five households need, so every plan gives each the same rooms: the family of
// four the family room, the two wheelchair users the accessible doubles, the two couples (one with
// a dog) the doubles.
const chair = (id: string) => [buildGuest({ id: `${id}-1`, needs: ['wheelchair'] }), buildGuest({ id: `${id}-2` })];
const parties = [
  buildParty({ id: 'F-BIG', name: 'Big Family', guests: [1, 2, 3, 4].map((i) => buildGuest({ id: `F-BIG-${i}` })) }),
  buildParty({ id: 'F-CHAIR', name: 'Chair Family', guests: chair('F-CHAIR') }),
  buildParty({ id: 'F-IN', name: 'Early Family', guests: chair('F-IN') }),
  buildParty({ id: 'F-PETS', name: 'Dog Family', needs: ['pets'], guests: [buildGuest({ id: 'F-PETS-1' }), buildGuest({ id: 'F-PETS-2' })] }),
  buildParty({ id: 'F-PAIR', name: 'Plain Family', guests: [buildGuest({ id: 'F-PAIR-1' }), buildGuest({ id: 'F-PAIR-2' })] }),
];

beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_PLANS_PER_MIN: '1000' } });
  duty = await signIn(server.url, DEMO.duty);
  const scenario = buildScenario({
    incident: { name: 'Hotel changes' },
    parties,
    hotels: [buildHotel({ id: HOTEL, name: 'Fit Hotel', phone: '+441632960123', petsAllowed: true, roomTypes: [FAMILY, ACCESSIBLE, DOUBLE] })],
    vehicles: [buildVehicle({ id: 'HF-COACH', kind: 'coach', seats: 49, wheelchairSpaces: 2 })],
  });
  incidentId = (await duty.post('/api/incidents/import').send(scenario).expect(201)).body.incidentId as string;
  base = `/api/incidents/${incidentId}`;
  socket = await watching(server.url, await loginCookie(server.url, DEMO.duty2), incidentId);
});
afterAll(async () => {
  socket?.close();
  await server?.close();
});
// Room and seat counts equal the stays and riders behind them, and the log has no gap, after every test.
afterEach(async () => expect(invariantProblems(await checkInvariants(sqlOf(server.db), incidentId))).toEqual([]));

const state = async (b = base) => (await duty.get(`${b}/state`).expect(200)).body as IncidentState;
const openItems = async (b = base) => ((await duty.get(`${b}/attention`).expect(200)).body.items as AttentionItem[]).filter((i) => !i.resolvedAt);
const eventCount = async () => ((await duty.get(`${base}/events`).expect(200)).body.events as unknown[]).length;
const used = (s: IncidentState, type: string, hotelId = HOTEL) => s.hotels.find((h) => h.id === hotelId)!.roomTypes.find((r) => r.type === type)!.used;
const rooming = async (hotelId = HOTEL, b = base) => (await duty.get(`${b}/hotels/${hotelId}/rooming-list?format=csv`).expect(200)).text;
const applyPlan = async (b = base) => {
  const plan = (await duty.post(`${b}/plans`).expect(201)).body as PlanView;
  await duty.post(`${b}/plans/${plan.id}/apply`).expect(200);
  return plan;
};
/** Everyone in their rooms again: the hotel as it was offered, a fresh plan applied. */
const restore = async () => {
  await duty
    .patch(`${base}/hotels/${HOTEL}`)
    .send({ petsAllowed: true, roomTypes: [FAMILY, ACCESSIBLE, DOUBLE] })
    .expect(200);
  const plan = await applyPlan();
  expect(plan.plan.unassigned).toEqual([]);
  expect(new Set(plan.plan.stays.map((x) => x.hotelId))).toEqual(new Set([HOTEL]));
};

/** Each change lets go exactly the households it unsuits, gives their rooms and seats back, and says why. */
async function expectReleased(change: object, ids: string[], why: RegExp) {
  const before = await state();
  const heard = collect(socket);
  const res = await duty.patch(`${base}/hotels/${HOTEL}`).send(change).expect(200);
  expect([...res.body.displacedPartyIds].sort()).toEqual([...ids].sort());
  expect(res.body.needsUnmetPartyIds).toEqual([]);
  // Colleagues' consoles hear the change with the households it displaced, as for fewer rooms.
  while (!heard.events.some((e) => e.seq === res.body.seq)) await heard.until(heard.events.length + 1);
  const ev = heard.events.find((e) => e.seq === res.body.seq)!;
  expect(ev).toMatchObject({ type: 'hotel.rooms_changed', payload: { hotelId: HOTEL } });
  expect([...(ev.payload as { displacedPartyIds: string[] }).displacedPartyIds].sort()).toEqual([...ids].sort());
  const after = await state();
  const list = await rooming();
  for (const id of ids) {
    expect(after.parties.find((p) => p.id === id)).toMatchObject({ status: 'waiting', hotelId: null, tripId: null });
    expect(after.trips.some((t) => t.partyIds.includes(id))).toBe(false);
    expect(list).not.toContain(before.parties.find((p) => p.id === id)!.passCode);
    const item = (await openItems()).find((i) => i.partyId === id && i.kind === 'unplaced');
    expect(item).toMatchObject({ place: { kind: 'hotel', id: HOTEL } });
    expect(item!.summary).toMatch(why);
  }
  // Everyone else keeps their room.
  for (const p of before.parties.filter((x) => !ids.includes(x.id))) expect(after.parties.find((x) => x.id === p.id)!.hotelId).toBe(HOTEL);
  const rooms = before.hotels.find((h) => h.id === HOTEL)!.roomTypes;
  const given = rooms.reduce((n, r) => n + r.used, 0) - after.hotels.find((h) => h.id === HOTEL)!.roomTypes.reduce((n, r) => n + r.used, 0);
  expect(given).toBe(ids.length);
}

test('rooms that now sleep fewer let the household they no longer sleep go', async () => {
  await restore();
  await expectReleased({ roomTypes: [{ ...FAMILY, sleeps: 2 }] }, ['F-BIG'], /lost their room: their rooms at Fit Hotel no longer sleep them all/);
  expect(used(await state(), 'family')).toBe(0);
});

test('rooms no longer accessible let the wheelchair users in them go', async () => {
  await restore();
  await expectReleased({ roomTypes: [{ ...ACCESSIBLE, accessible: false }] }, ['F-CHAIR', 'F-IN'], /Fit Hotel has given them no accessible room/);
  expect(used(await state(), 'accessible-double')).toBe(0);
});

test('a hotel that stops taking pets lets the household with pets go', async () => {
  await restore();
  await expectReleased({ petsAllowed: false }, ['F-PETS'], /Fit Hotel does not take pets/);
  // The next plan has nowhere for them: they stay unplaced, with a reason, and nobody else moves.
  const plan = await applyPlan();
  expect(plan.plan.unassigned.map((u) => u.partyId)).toEqual(['F-PETS']);
});

test('a room type given up entirely lets every household in it go; a type left out of the change stays as it is', async () => {
  await restore();
  await expectReleased({ roomTypes: [{ ...DOUBLE, count: 0 }] }, ['F-PETS', 'F-PAIR'], /Fit Hotel withdrew 2 double rooms/);
  const s = await state();
  expect(s.hotels.find((h) => h.id === HOTEL)!.roomTypes.map((r) => [r.type, r.count, r.used])).toEqual([
    ['family', 1, 1],
    ['accessible-double', 2, 2],
    ['double', 0, 0],
  ]);
});

test('households checked in or on their way keep their rooms, with an item to ring the hotel; planned ones in the same change go', async () => {
  await restore();
  let s = await state();
  // F-IN arrived on its own and is checked in; F-CHAIR is ticked aboard the coach.
  await duty.post(`${base}/hotels/${HOTEL}/arrivals/checkins`).send({ partyId: 'F-IN' }).expect(200);
  const rider = s.parties.find((p) => p.id === 'F-CHAIR')!;
  const trip = s.trips.find((t) => t.id === rider.tripId)!;
  const link = ((await duty.get(`${base}/drivers`).expect(200)).body.links as DriverLink[]).find((l) => l.vehicleId === trip.vehicleId)!;
  await duty.post(`/api/drive/${link.token}/boardings`).send({ tripId: trip.id, partyId: 'F-CHAIR' }).expect(200);

  // Withdrawing rooms the checked-in household holds is still refused, and changes nothing.
  const count = await eventCount();
  const refused = await duty
    .patch(`${base}/hotels/${HOTEL}`)
    .send({ roomTypes: [{ ...ACCESSIBLE, count: 0, accessible: false }] })
    .expect(409);
  expect(refused.body.error.message).toMatch(/checked in or already on their way/);
  expect(await eventCount()).toBe(count);
  expect(used(await state(), 'accessible-double')).toBe(2);

  const res = await duty
    .patch(`${base}/hotels/${HOTEL}`)
    .send({
      roomTypes: [
        { ...ACCESSIBLE, accessible: false },
        { ...FAMILY, sleeps: 3 },
      ],
    })
    .expect(200);
  expect(res.body.displacedPartyIds).toEqual(['F-BIG']);
  expect([...res.body.needsUnmetPartyIds].sort()).toEqual(['F-CHAIR', 'F-IN']);
  s = await state();
  expect(s.parties.find((p) => p.id === 'F-IN')).toMatchObject({ hotelId: HOTEL, status: 'checked_in' });
  expect(s.parties.find((p) => p.id === 'F-CHAIR')).toMatchObject({ hotelId: HOTEL, status: 'on_vehicle', tripId: trip.id });
  expect(s.parties.find((p) => p.id === 'F-BIG')).toMatchObject({ hotelId: null, status: 'waiting' });
  expect(used(s, 'accessible-double')).toBe(2);
  expect(used(s, 'family')).toBe(0);
  const items = await openItems();
  for (const id of ['F-CHAIR', 'F-IN']) {
    const item = items.find((i) => i.partyId === id && i.kind === 'needs_unmet');
    expect(item).toMatchObject({ place: { kind: 'hotel', id: HOTEL } });
    expect(item!.summary).toMatch(/^Fit Hotel changed what it offers after .* left for it: Fit Hotel has given them no accessible room\.$/);
    expect(item!.suggestion).toMatch(/^Ring Fit Hotel on \+441632960123/);
    expect(items.some((i) => i.partyId === id && i.kind === 'unplaced')).toBe(false);
  }
  expect(items.find((i) => i.partyId === 'F-BIG' && i.kind === 'unplaced')!.summary).toMatch(/no longer sleep them all/);
  // The next plan keeps the kept households where they are and has no room left that sleeps four.
  const plan = await applyPlan();
  expect(plan.plan.unassigned.map((u) => u.partyId)).toEqual(['F-BIG']);
  expect(plan.plan.stays.find((x) => x.partyId === 'F-CHAIR')).toMatchObject({ hotelId: HOTEL, rooms: [{ type: 'accessible-double', count: 1 }] });
});

test('the storm night: Grand Hotel Skegness makes its family rooms sleep one and its accessible doubles not accessible', async () => {
  const storm = (await duty.get('/api/incidents').expect(200)).body.incidents.find((i: { name: string }) => /Storm/.test(i.name)).id as string;
  const sb = `/api/incidents/${storm}`;
  const plan = await applyPlan(sb);
  const s = await state(sb);
  const party = new Map(s.parties.map((p) => [p.id, p]));
  // Worked out by hand from the change: rooms that sleep fewer than the household, or a wheelchair user with no accessible room left.
  const sleeps: Record<string, number> = { single: 1, double: 2, twin: 2, family: 1, 'accessible-double': 2 };
  const expected = plan.plan.stays
    .filter((st) => st.hotelId === 'H01')
    .filter((st) => {
      const p = party.get(st.partyId)!;
      const beds = st.rooms.reduce((n, r) => n + sleeps[r.type]! * r.count, 0);
      return beds < p.size || p.guests.some((g) => g.needs.includes('wheelchair'));
    })
    .map((st) => st.partyId)
    .sort();
  expect(expected.length).toBeGreaterThan(0);
  const res = await duty
    .patch(`${sb}/hotels/H01`)
    .send({
      roomTypes: [
        { type: 'family', sleeps: 1, count: 5, accessible: false, rateMinor: 11900 },
        { type: 'accessible-double', sleeps: 2, count: 2, accessible: false, rateMinor: 7900 },
      ],
    })
    .expect(200);
  expect([...res.body.displacedPartyIds].sort()).toEqual(expected);
  const after = await state(sb);
  const list = await rooming('H01', sb);
  const items = await openItems(sb);
  for (const id of expected) {
    expect(after.parties.find((p) => p.id === id)).toMatchObject({ status: 'waiting', hotelId: null });
    expect(list).not.toContain(party.get(id)!.passCode);
    expect(items.some((i) => i.partyId === id && i.kind === 'unplaced')).toBe(true);
  }
  // Rooms held now are those of the households that still fit.
  const held = plan.plan.stays.filter((st) => st.hotelId === 'H01' && !expected.includes(st.partyId)).flatMap((st) => st.rooms);
  for (const type of ['family', 'accessible-double'])
    expect(used(after, type, 'H01')).toBe(held.filter((r) => r.type === type).reduce((n, r) => n + r.count, 0));
  expect(invariantProblems(await checkInvariants(sqlOf(server.db), storm))).toEqual([]);
});
