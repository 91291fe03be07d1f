/**
 * Correcting a household during the night (`PUT /api/incidents/:id/parties/:partyId`): a misspelt
 * name, a new phone, a wheelchair user nobody mentioned, a child found later, a guest typed twice.
 * Every kind of change that unsuits the room or seat the plan gave gives them back (the household
 * waits for the next plan, which places it right, and every duty manager sees why); one that does
 * not keeps them. A household already on its way keeps its room; an unmet need becomes an item to
 * act on. Nobody leaves the list unless still waiting. Bad input is refused by field and changes
 * nothing.
 */
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import { type ClientSocket, collect, loginCookie, watching } from '../helpers/socket.js';
import { buildGuest, buildHotel, buildParty, buildRoomType, buildScenario, buildVehicle } from '../../seed/factories.js';
import type { IncidentState, PlanView } from '../../shared/api.js';
import type { AttentionItem } from '../../shared/attention.js';
import type { DriverLink } from '../../shared/drivers.js';
import { householdVersion, type Party } from '../../shared/scenario.js';
import { checkInvariants, invariantProblems, sqlOf } from '../helpers/invariants.js';

let server: TestServer;
let duty: Agent;
let base: string;
let incidentId: string;
let socket: ClientSocket;

// Ten households of two adults; one hotel of doubles only (no accessible room, no pets); a coach with no wheelchair space.
const households = Array.from({ length: 10 }, (_, i) =>
  buildParty({ id: `HC-${i}`, name: `Family ${i}`, guests: [buildGuest({ id: `HC-${i}-1` }), buildGuest({ id: `HC-${i}-2` })] }),
);

beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_PLANS_PER_MIN: '1000' } });
  duty = await signIn(server.url, DEMO.duty);
  const scenario = buildScenario({
    incident: { name: 'Households corrected' },
    parties: households,
    hotels: [buildHotel({ id: 'HC-PLAIN', name: 'Plain Hotel', roomTypes: [buildRoomType({ type: 'double', sleeps: 2, count: 12 })] })],
    vehicles: [buildVehicle({ id: 'HC-COACH', kind: 'coach', seats: 49, wheelchairSpaces: 0 })],
  });
  incidentId = (await duty.post('/api/incidents/import').send(scenario).expect(201)).body.incidentId as string;
  base = `/api/incidents/${incidentId}`;
  await applyPlan();
  socket = await watching(server.url, await loginCookie(server.url, DEMO.duty2), incidentId);
});
afterAll(async () => {
  socket?.close();
  await server?.close();
});

const state = async () => (await duty.get(`${base}/state`).expect(200)).body as IncidentState;
const eventCount = async () => ((await duty.get(`${base}/events`).expect(200)).body.events as unknown[]).length;
const openItems = async () => ((await duty.get(`${base}/attention`).expect(200)).body.items as AttentionItem[]).filter((i) => !i.resolvedAt);
const applyPlan = async () => {
  const plan = (await duty.post(`${base}/plans`).expect(201)).body as PlanView;
  await duty.post(`${base}/plans/${plan.id}/apply`).expect(200);
  return plan;
};
/** The household as the console holds it, in the scenario's party shape (what the form sends). */
const asParty = (p: IncidentState['parties'][number]): Party => ({
  id: p.id,
  name: p.name,
  unit: p.unit,
  siteId: p.siteId,
  needs: p.needs,
  notes: p.notes,
  phone: p.phone,
  email: p.email,
  ...(p.language ? { language: p.language } : {}),
  guests: p.guests.map((g) => ({ id: g.id, name: g.name, age: g.age as 'adult', needs: g.needs })),
});
// Room and seat counts equal the stays and riders behind them, and the log has no gap, after every test.
afterEach(async () => expect(invariantProblems(await checkInvariants(sqlOf(server.db), incidentId))).toEqual([]));
const household = async (id: string) => (await state()).parties.find((p) => p.id === id)!;
const used = (s: IncidentState) => s.hotels.find((h) => h.id === 'HC-PLAIN')!.roomTypes.find((r) => r.type === 'double')!.used;

test('contact details are corrected in place: colleagues hear it, the room and seat stand, and nothing changed writes nothing', async () => {
  const before = await household('HC-0');
  expect(before.hotelId).toBe('HC-PLAIN');
  const heard = collect(socket);
  const res = await duty
    .put(`${base}/parties/HC-0`)
    .send({ ...asParty(before), name: 'Fernández', phone: '+447700900555', notes: 'mother is deaf: text, do not ring', language: 'es' })
    .expect(200);
  expect(res.body).toEqual({ partyId: 'HC-0', fields: ['name', 'phone', 'language', 'notes'], released: false, seq: expect.any(Number) });
  const [ev] = await heard.until(1);
  expect(ev).toMatchObject({ type: 'party.changed', seq: res.body.seq, payload: { partyId: 'HC-0', name: 'Fernández', released: false } });
  const after = await household('HC-0');
  expect(after).toMatchObject({
    name: 'Fernández',
    phone: '+447700900555',
    language: 'es',
    passCode: before.passCode,
    hotelId: 'HC-PLAIN',
    tripId: before.tripId,
  });
  expect(after.status).toBe(before.status);

  // A form opened before this correction (its version says so) cannot undo it.
  const stale = await duty
    .put(`${base}/parties/HC-0`)
    .set('If-Match', `"${householdVersion(asParty(before))}"`)
    .send({ ...asParty(before), notes: 'typed on a form opened earlier' })
    .expect(409);
  expect(stale.body.error.message).toMatch(/changed by a colleague after you opened them/);
  await duty
    .put(`${base}/parties/HC-0`)
    .set('If-Match', `"${householdVersion(asParty(after))}"`)
    .send({ ...asParty(after), unit: 'Lodge 14' })
    .expect(200);

  // The same body again changes nothing: no event, no write.
  const count = await eventCount();
  const same = await duty
    .put(`${base}/parties/HC-0`)
    .send({ ...asParty(after), unit: 'Lodge 14' })
    .expect(200);
  expect(same.body).toEqual({ partyId: 'HC-0', fields: [], released: false, seq: null });
  expect(await eventCount()).toBe(count);
});

test("a proposal computed before a correction stays good when only details changed, and goes stale when the household's size or needs did", async () => {
  const proposal = (await duty.post(`${base}/plans`).expect(201)).body as PlanView;
  const p9 = asParty(await household('HC-9'));
  await duty
    .put(`${base}/parties/HC-9`)
    .send({ ...p9, phone: '+447700900999', notes: 'arrived by car' })
    .expect(200);
  const again = (await duty.post(`${base}/plans`).expect(201)).body as PlanView;
  expect((await duty.get(`${base}/plans/${proposal.id}`).expect(200)).body.stale).toBe(false);
  await duty
    .put(`${base}/parties/HC-9`)
    .send({ ...p9, phone: '+447700900999', notes: 'arrived by car', guests: p9.guests.map((g) => ({ ...g, needs: ['medical'] })) })
    .expect(200);
  expect((await duty.get(`${base}/plans/${again.id}`).expect(200)).body.stale).toBe(true);
  const refused = await duty.post(`${base}/plans/${again.id}/apply`).expect(409);
  expect(refused.body.error.message).toMatch(/situation changed/);
  await applyPlan();
});

test('every change that unsuits the planned room or seat gives them back and says why; the next plan places the household right', async () => {
  await duty.post(`${base}/sites`).send({ id: 'hc-hall', name: 'Church hall', kind: 'muster', lat: 53.1, lng: 0.3 }).expect(201);
  const s = await state();
  const p = (id: string) => asParty(s.parties.find((x) => x.id === id)!);
  const cases: { id: string; change: Party; field: string; why: RegExp }[] = [
    {
      id: 'HC-1',
      change: { ...p('HC-1'), guests: p('HC-1').guests.map((g, i) => (i ? g : { ...g, needs: ['wheelchair'] })) },
      field: 'guests',
      why: /no accessible room/,
    },
    { id: 'HC-2', change: { ...p('HC-2'), needs: ['pets'] }, field: 'pets', why: /does not take pets/ },
    {
      id: 'HC-3',
      change: { ...p('HC-3'), guests: [...p('HC-3').guests, { id: 'HC-3-3', name: 'Found Child', age: 'child', needs: [] }] },
      field: 'guests',
      why: /no longer sleep them all/,
    },
    { id: 'HC-4', change: { ...p('HC-4'), siteId: 'hc-hall' }, field: 'muster point', why: /does not leave from their muster point/ },
  ];
  for (const c of cases) {
    const usedBefore = used(await state());
    const res = await duty.put(`${base}/parties/${c.id}`).send(c.change).expect(200);
    expect(res.body).toMatchObject({ partyId: c.id, released: true });
    expect(res.body.fields).toContain(c.field);
    const after = await state();
    // The room went back to the hotel, the seat to the vehicle, the household to waiting.
    expect(used(after)).toBe(usedBefore - 1);
    expect(after.parties.find((x) => x.id === c.id)).toMatchObject({ status: 'waiting', hotelId: null, tripId: null });
    expect(after.trips.some((t) => t.partyIds.includes(c.id))).toBe(false);
    const item = (await openItems()).find((i) => i.partyId === c.id);
    expect(item).toMatchObject({ kind: 'unplaced', place: { kind: 'hotel', id: 'HC-PLAIN' } });
    expect(item!.summary).toMatch(c.why);
  }

  // A need the plan's rules do not read (medical), and a guest's name: the room and seat stand.
  const calm = p('HC-5');
  const kept = await duty
    .put(`${base}/parties/HC-5`)
    .send({ ...calm, guests: calm.guests.map((g, i) => (i ? { ...g, name: 'Olu Adeyemi' } : { ...g, needs: ['medical'] })) })
    .expect(200);
  expect(kept.body).toMatchObject({ fields: ['guests'], released: false });
  expect(await household('HC-5')).toMatchObject({ hotelId: 'HC-PLAIN', status: s.parties.find((x) => x.id === 'HC-5')!.status });

  // A hotel that suits them is offered; the next plan places every released household right.
  await duty
    .post(`${base}/hotels`)
    .send(
      buildHotel({
        id: 'HC-KIND',
        name: 'Kind Hotel',
        petsAllowed: true,
        roomTypes: [
          buildRoomType({ type: 'accessible-double', sleeps: 2, count: 2, accessible: true }),
          buildRoomType({ type: 'family', sleeps: 4, count: 2 }),
        ],
      }),
    )
    .expect(201);
  await duty
    .post(`${base}/vehicles`)
    .send(buildVehicle({ id: 'HC-ACCESS', kind: 'accessible_taxi', seats: 3, wheelchairSpaces: 1 }))
    .expect(201);
  const plan = await applyPlan();
  const stayOf = (id: string) => plan.plan.stays.find((x) => x.partyId === id);
  expect(stayOf('HC-1')).toMatchObject({ hotelId: 'HC-KIND', rooms: [{ type: 'accessible-double', count: 1 }] });
  expect(stayOf('HC-2')?.hotelId).toBe('HC-KIND');
  expect(stayOf('HC-3')).toBeDefined();
  expect(plan.plan.trips.find((t) => t.partyIds.includes('HC-4'))?.fromSiteId).toBe('hc-hall');
  expect(plan.plan.unassigned).toEqual([]);
});

test('the id of someone taken off the list before they ever moved is given to nobody: not by a correction, an added household or a guest list', async () => {
  // ZZ-1 and ZZ-2 were typed in during the night and never moved (no timeline), then ZZ-1 was taken off the list.
  await duty
    .post(`${base}/parties`)
    .send(buildParty({ id: 'ZZ', name: 'Late Family', guests: [buildGuest({ id: 'ZZ-1', name: 'Typed Twice' }), buildGuest({ id: 'ZZ-2' })] }))
    .expect(201);
  const late = asParty(await household('ZZ'));
  await duty
    .put(`${base}/parties/ZZ`)
    .send({ ...late, guests: late.guests.slice(1) })
    .expect(200);
  const count = await eventCount();
  const newcomer = { id: 'ZZ-1', name: 'Mallory Impostor', age: 'adult' as const, needs: [] };
  const belonged = expect.stringMatching(/guest id "ZZ-1" belonged to someone taken off the list/);
  // Back into the same household, into another one, in a new household, in a guest list.
  const same = await duty
    .put(`${base}/parties/ZZ`)
    .send({ ...asParty(await household('ZZ')), guests: [...asParty(await household('ZZ')).guests, newcomer] })
    .expect(400);
  expect(same.body.error.details.fields).toEqual([{ path: 'body.guests[1].id', message: belonged }]);
  const other = asParty(await household('HC-8'));
  const into = await duty
    .put(`${base}/parties/HC-8`)
    .send({ ...other, guests: [...other.guests, newcomer] })
    .expect(400);
  expect(into.body.error.details.fields).toEqual([{ path: 'body.guests[2].id', message: belonged }]);
  const added = await duty
    .post(`${base}/parties`)
    .send(buildParty({ id: 'ZZ-NEW', guests: [buildGuest({ id: 'ZZ-NEW-1' }), newcomer] }))
    .expect(400);
  expect(added.body.error.details.fields).toEqual([{ path: 'body.guests[1].id', message: belonged }]);
  expect(await eventCount()).toBe(count);
  // A guest list numbers a booking's guests <booking>-1, -2...: booking "ZZ" would be refused as a booking already
  // listed, so the household is listed under another booking whose numbering meets a removed id.
  await duty
    .post(`${base}/parties`)
    .send(buildParty({ id: 'YY-GONE', guests: [buildGuest({ id: 'YY-1' }), buildGuest({ id: 'YY-GONE-2' })] }))
    .expect(201);
  const gone = asParty(await household('YY-GONE'));
  await duty
    .put(`${base}/parties/YY-GONE`)
    .send({ ...gone, guests: gone.guests.slice(1) })
    .expect(200);
  const afterRemovals = await eventCount();
  const csv = await duty
    .post(`${base}/guests/csv`)
    .set('Content-Type', 'text/csv')
    .send(['booking_ref,unit,guest_name,age_group', 'YY,Lodge 9,Ann Lee,adult'].join('\n'))
    .expect(400);
  expect(csv.body.error.details.fields).toEqual([
    { path: 'booking_ref YY', message: expect.stringMatching(/guest id "YY-1" belonged to someone taken off the list/) },
  ]);
  expect(await eventCount()).toBe(afterRemovals);
  expect((await state()).parties.flatMap((p) => p.guests.map((g) => g.name))).not.toContain('Mallory Impostor');
});

test('a guest typed twice is taken off the list while waiting, their id never given to a newcomer; nobody on the road or at a hotel is', async () => {
  // A roll call missed HC-6-2, the next found them: they have a timeline, and wait again.
  const roll = (await duty.get(`${base}/sites/muster-test/rollcall`).expect(200)).body as { households: { guests: { id: string }[] }[] };
  const everyone = roll.households.flatMap((h) => h.guests.map((g) => g.id));
  expect(everyone).toContain('HC-6-2');
  await duty
    .post(`${base}/sites/muster-test/rollcall`)
    .send({ presentGuestIds: everyone.filter((id) => id !== 'HC-6-2') })
    .expect(200);
  await duty.post(`${base}/sites/muster-test/rollcall`).send({ presentGuestIds: everyone }).expect(200);
  const s = await state();
  const twice = asParty(s.parties.find((x) => x.id === 'HC-6')!);
  expect(s.parties.find((x) => x.id === 'HC-6')!.guests.map((g) => g.whereabouts)).toEqual(['waiting', 'waiting']);
  const res = await duty
    .put(`${base}/parties/HC-6`)
    .send({ ...twice, guests: twice.guests.slice(0, 1) })
    .expect(200);
  expect(res.body).toMatchObject({ fields: ['guests'] });
  const after = await household('HC-6');
  expect(after.guests.map((g) => g.id)).toEqual(['HC-6-1']);
  expect(after.size).toBe(1);
  const reused = await duty
    .put(`${base}/parties/HC-6`)
    .send({ ...asParty(after), guests: [...asParty(after).guests, { id: 'HC-6-2', name: 'Someone Else', age: 'child', needs: [] }] })
    .expect(400);
  expect(reused.body.error.details.fields).toEqual([{ path: 'body.guests[1].id', message: expect.stringMatching(/belonged to someone taken off the list/) }]);

  // HC-7 is ticked aboard its vehicle: its people stay listed, it takes no newcomer, keeps its muster point.
  const rider = s.parties.find((x) => x.id === 'HC-7')!;
  const trip = s.trips.find((t) => t.id === rider.tripId)!;
  const link = ((await duty.get(`${base}/drivers`).expect(200)).body.links as DriverLink[]).find((l) => l.vehicleId === trip.vehicleId)!;
  await duty.post(`/api/drive/${link.token}/boardings`).send({ tripId: trip.id, partyId: 'HC-7' }).expect(200);
  const aboard = asParty(await household('HC-7'));
  const count = await eventCount();
  const off = await duty
    .put(`${base}/parties/HC-7`)
    .send({ ...aboard, guests: aboard.guests.slice(1) })
    .expect(409);
  expect(off.body.error.message).toMatch(/on the road: only someone still waiting can be taken off the list/);
  const grow = await duty
    .put(`${base}/parties/HC-7`)
    .send({ ...aboard, guests: [...aboard.guests, { id: 'HC-7-3', name: 'Late Cousin', age: 'adult', needs: [] }] })
    .expect(409);
  expect(grow.body.error.message).toMatch(/add Late Cousin as a household of their own/);
  const moved = await duty
    .put(`${base}/parties/HC-7`)
    .send({ ...aboard, siteId: 'hc-hall' })
    .expect(400);
  expect(moved.body.error.details.fields).toEqual([{ path: 'body.siteId', message: expect.stringMatching(/left their muster point/) }]);
  expect(await eventCount()).toBe(count);

  // A wheelchair user found aboard a vehicle with no wheelchair space left: take them off first.
  const inChair = { ...aboard, guests: aboard.guests.map((g, i) => (i ? g : { ...g, needs: ['wheelchair'] })) };
  const full = await duty.put(`${base}/parties/HC-7`).send(inChair).expect(409);
  expect(full.body.error.message).toMatch(/no seat or wheelchair space left for this change: take them off it/);

  // Once the vehicle has left, they are where they are: the change is recorded, the room kept (they
  // are on their way to it), and an item says to ring the hotel, which has no accessible room.
  expect(rider.hotelId).toBe('HC-PLAIN');
  await duty.post(`/api/drive/${link.token}/departures`).send({ tripId: trip.id }).expect(200);
  const res2 = await duty.put(`${base}/parties/HC-7`).send(inChair).expect(200);
  expect(res2.body).toMatchObject({ fields: ['guests'], released: false });
  const now = await household('HC-7');
  expect(now).toMatchObject({ status: 'on_vehicle', hotelId: 'HC-PLAIN' });
  expect(now.guests[0]!.needs).toEqual(['wheelchair']);
  const item = (await openItems()).find((i) => i.partyId === 'HC-7' && i.kind === 'needs_unmet');
  expect(item?.summary).toMatch(/after leaving for Plain Hotel: Plain Hotel has given them no accessible room/);
  expect(item?.suggestion).toMatch(/^Ring Plain Hotel on \+44/);
});

test('bad corrections are refused by field, an unknown household is a 404, and none of them changes anything', async () => {
  const s = await state();
  const target = asParty(s.parties.find((x) => x.id === 'HC-8')!);
  const other = s.parties.find((x) => x.id === 'HC-9')!;
  // A household out of the plan takes no newcomer: the next plan would never bring them.
  await duty.post(`${base}/parties/HC-9/status`).send({ status: 'no_show' }).expect(200);
  const gone = asParty(other);
  const late = await duty
    .put(`${base}/parties/HC-9`)
    .send({ ...gone, guests: [...gone.guests, { id: 'HC-9-3', name: 'Late Aunt', age: 'adult', needs: [] }] })
    .expect(409);
  expect(late.body.error.message).toMatch(/marked no show: add Late Aunt as a household of their own/);
  const count = await eventCount();
  const cases: [string, unknown, number, string | null, RegExp][] = [
    ['HC-8', { ...target, id: 'HC-9' }, 400, 'body.id', /cannot be changed/],
    ['HC-8', { ...target, name: '' }, 400, 'body.name', /./],
    ['HC-8', { ...target, guests: [] }, 400, 'body.guests', /at least one guest/],
    ['HC-8', { ...target, guests: [target.guests[0], target.guests[0]] }, 400, 'body.guests[1].id', /given twice/],
    [
      'HC-8',
      { ...target, guests: [...target.guests, { id: other.guests[0]!.id, name: 'Thief', age: 'adult', needs: [] }] },
      400,
      'body.guests[2].id',
      /already used/,
    ],
    ['HC-8', { ...target, siteId: 'nowhere' }, 400, 'body.siteId', /unknown site/],
    ['HC-8', { ...target, guests: [{ ...target.guests[0], age: 'elder' }] }, 400, 'body.guests[0].age', /adult, child or infant/],
    ['HC-8', { ...target, phone: 'ring me' }, 400, 'body.phone', /./],
    ['HC-NONE', { ...target, id: 'HC-NONE' }, 404, null, /No household HC-NONE/],
  ];
  for (const [id, body, status, path, message] of cases) {
    const res = await duty
      .put(`${base}/parties/${id}`)
      .send(body as object)
      .expect(status);
    if (path) expect(res.body.error.details.fields).toEqual(expect.arrayContaining([{ path, message: expect.stringMatching(message) }]));
    else expect(res.body.error.message).toMatch(message);
  }
  expect(await eventCount()).toBe(count);
  expect((await state()).parties.find((x) => x.id === 'HC-8')).toEqual(s.parties.find((x) => x.id === 'HC-8'));
});
