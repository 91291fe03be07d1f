/** Plans through the API: propose, diff, apply, refuse a stale proposal, re-plan after a withdrawal. */
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import { validatePlan } from '../../shared/planner/validate.js';
import { scenarioSchema } from '../../shared/scenario.js';
import { buildHotel, buildParty, buildRoomType, buildScenario, buildSite, buildVehicle } from '../../seed/factories.js';
import { and, eq } from 'drizzle-orm';
import { tripRiders, trips, vehicles } from '../../server/db/schema.js';
import type { IncidentState } from '../../shared/api.js';

let server: TestServer;
let duty: Agent;
let duty2: Agent;
let incidentId: string;

beforeAll(async () => {
  server = await startTestServer();
  duty = await signIn(server.url, DEMO.duty);
  duty2 = await signIn(server.url, DEMO.duty2);
  incidentId = (await duty.get('/api/incidents').expect(200)).body.incidents[0].id;
});
afterAll(async () => server?.close());

const state = async (): Promise<IncidentState> => (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;

test('propose, look at the diff, apply: hotels fill and households are assigned', async () => {
  const proposal = (await duty.post(`/api/incidents/${incidentId}/plans`).expect(201)).body;
  expect(proposal.stale).toBe(false);
  // Computing again with nothing changed proposes the same plan, whoever asks and however busy the server is.
  const twice = (await duty2.post(`/api/incidents/${incidentId}/plans`).expect(201)).body;
  const content = (p: { stays: unknown; trips: unknown; unassigned: unknown }) => ({ stays: p.stays, trips: p.trips, unassigned: p.unassigned });
  expect(content(twice.plan)).toEqual(content(proposal.plan));
  const scenario = scenarioSchema.parse((await duty.get(`/api/incidents/${incidentId}/scenario`).expect(200)).body);
  const check = validatePlan(scenario, proposal.plan);
  expect(check.violations).toEqual([]);
  expect(proposal.plan.stays.length + proposal.plan.unassigned.length).toBe(scenario.parties.length);
  expect(proposal.diff.newlyAssigned).toHaveLength(proposal.plan.stays.length);
  expect(proposal.diff.moved).toEqual([]);

  const fetched = (await duty.get(`/api/incidents/${incidentId}/plans/${proposal.id}`).expect(200)).body;
  expect(fetched.plan).toEqual(proposal.plan);

  const applied = (await duty.post(`/api/incidents/${incidentId}/plans/${proposal.id}/apply`).expect(200)).body;
  expect(applied.applied).toBe(true);
  const s = await state();
  const taken = s.hotels.reduce((n, h) => n + h.roomTypes.reduce((m, r) => m + r.used, 0), 0);
  const planned = proposal.plan.stays.reduce((n: number, st: { rooms: { count: number }[] }) => n + st.rooms.reduce((m, r) => m + r.count, 0), 0);
  expect(taken).toBe(planned);
  const assigned = s.parties.filter((p) => p.status === 'assigned');
  expect(assigned).toHaveLength(proposal.plan.stays.length);
  expect(assigned.every((p) => p.hotelId && p.tripId)).toBe(true);
  expect(s.trips.length).toBe(proposal.plan.trips.length);

  // Applying the same proposal again is refused.
  const again = await duty.post(`/api/incidents/${incidentId}/plans/${proposal.id}/apply`).expect(409);
  expect(again.body.error.message).toMatch(/already applied/);
});

test('computing again with nothing changed lists nothing', async () => {
  const again = (await duty.post(`/api/incidents/${incidentId}/plans`).expect(201)).body;
  expect(again.diff).toEqual(expect.objectContaining({ newlyAssigned: [], moved: [], unassigned: [], retimed: [] }));
});

test('a proposal made stale by a colleague is refused with 409 saying who changed what', async () => {
  const proposal = (await duty.post(`/api/incidents/${incidentId}/plans`).expect(201)).body;
  const s = await state();
  await duty2.patch(`/api/incidents/${incidentId}/hotels/${s.hotels[3]!.id}`).send({ petsAllowed: !s.hotels[3]!.petsAllowed }).expect(200);
  const res = await duty.post(`/api/incidents/${incidentId}/plans/${proposal.id}/apply`).expect(409);
  expect(res.body.error.code).toBe('conflict');
  expect(res.body.error.message).toMatch(/Sam Second: hotel rooms changed/);
  expect(res.body.error.details.changes).toEqual([expect.objectContaining({ type: 'hotel.rooms_changed', actor: 'Sam Second' })]);
  expect((await duty.get(`/api/incidents/${incidentId}/plans/${proposal.id}`).expect(200)).body.stale).toBe(true);
});

test('when a hotel withdraws rooms, the re-plan re-houses the displaced and moves few others', async () => {
  const before = await state();
  const hotel = [...before.hotels].sort((a, b) => b.bedsTaken - a.bedsTaken)[0]!;
  const withdrawn = hotel.roomTypes.map((r) => ({ ...r, count: Math.floor(r.count * 0.7) }));
  const res = (
    await duty
      .patch(`/api/incidents/${incidentId}/hotels/${hotel.id}`)
      .send({ roomTypes: withdrawn.map(({ used: _u, ...r }) => r) })
      .expect(200)
  ).body;
  const displaced: string[] = res.displacedPartyIds;
  expect(displaced.length).toBeGreaterThan(0);
  const mid = await state();
  for (const id of displaced) expect(mid.parties.find((p) => p.id === id)!.status).toBe('waiting');

  const proposal = (await duty.post(`/api/incidents/${incidentId}/plans`).expect(201)).body;
  const rehoused = proposal.diff.newlyAssigned.map((a: { partyId: string }) => a.partyId);
  expect(rehoused.filter((id: string) => displaced.includes(id)).length).toBe(displaced.length);
  expect(proposal.diff.moved.length).toBeLessThanOrEqual(Math.ceil(displaced.length * 0.5));
  await duty.post(`/api/incidents/${incidentId}/plans/${proposal.id}/apply`).expect(200);
  const after = await state();
  const h = after.hotels.find((x) => x.id === hotel.id)!;
  for (const r of h.roomTypes) expect(r.used).toBeLessThanOrEqual(r.count);
});

test('only duty managers and admins may plan', async () => {
  for (const who of [DEMO.reception, DEMO.insurer]) {
    const agent = await signIn(server.url, who);
    await agent.post(`/api/incidents/${incidentId}/plans`).expect(403);
  }
  const admin = await signIn(server.url, DEMO.admin);
  await admin.get(`/api/incidents/${incidentId}/plans/latest`).expect(200);
  await duty.get(`/api/incidents/${incidentId}/plans/not-a-uuid`).expect(400);
});

test('a duty manager moves a household by hand; a move that breaks a rule is refused in plain words', async () => {
  const proposal = (await duty.post(`/api/incidents/${incidentId}/plans`).expect(201)).body;
  const scenario = scenarioSchema.parse((await duty.get(`/api/incidents/${incidentId}/scenario`).expect(200)).body);
  const stay = proposal.plan.stays.find((s: { partyId: string }) => {
    const p = scenario.parties.find((x) => x.id === s.partyId)!;
    return !p.needs.includes('pets') && !p.guests.some((g) => g.needs.includes('wheelchair')) && p.guests.length <= 2;
  });
  const target = scenario.hotels.find((h) => h.id !== stay.hotelId && h.roomTypes.some((r) => r.sleeps >= 2 && r.count > 0))!;
  const moved = (await duty.post(`/api/incidents/${incidentId}/plans/${proposal.id}/moves`).send({ partyId: stay.partyId, hotelId: target.id }).expect(201))
    .body;
  expect(moved.id).not.toBe(proposal.id);
  expect(moved.plan.stays.find((s: { partyId: string }) => s.partyId === stay.partyId).hotelId).toBe(target.id);
  expect(validatePlan(scenario, moved.plan).violations).toEqual([]);
  // The old proposal is superseded by the adjusted one.
  await duty.post(`/api/incidents/${incidentId}/plans/${proposal.id}/apply`).expect(409);

  const petParty = scenario.parties.find((p) => p.needs.includes('pets'))!;
  const noPets = scenario.hotels.find((h) => !h.petsAllowed)!;
  const refused = await duty.post(`/api/incidents/${incidentId}/plans/${moved.id}/moves`).send({ partyId: petParty.id, hotelId: noPets.id }).expect(400);
  expect(refused.body.error.message).toMatch(new RegExp(`${petParty.name} cannot go to ${noPets.name}`));
  // ... and says why, in the planner's words, not "under the rules".
  expect(refused.body.error.message).toContain('does not take pets');
  const bad = await duty.post(`/api/incidents/${incidentId}/plans/${moved.id}/moves`).send({ partyId: petParty.id }).expect(400);
  expect(bad.body.error.details.fields[0].path).toBe('body.hotelId');

  await duty.post(`/api/incidents/${incidentId}/plans/${moved.id}/apply`).expect(200);
  const s = await state();
  expect(s.parties.find((p) => p.id === stay.partyId)!.hotelId).toBe(target.id);
});

test('a re-plan keeps a trip on which someone is already aboard, and the people on it', async () => {
  const links: { vehicleId: string; token: string; currentTrip: unknown }[] = (await duty.get(`/api/incidents/${incidentId}/drivers`).expect(200)).body.links;
  let boarded: { tripId: string; partyId: string } | undefined;
  for (const l of links) {
    if (!l.currentTrip) continue;
    const view = (await duty.get(`/api/drive/${l.token}`).expect(200)).body;
    if (view.trip?.status !== 'planned' || !view.trip.households.length) continue;
    boarded = { tripId: view.trip.id, partyId: view.trip.households[0].partyId };
    await duty.post(`/api/drive/${l.token}/boardings`).send(boarded).expect(200);
    break;
  }
  expect(boarded).toBeDefined();
  const before = (await state()).trips.find((t) => t.id === boarded!.tripId)!;
  expect(before.status).toBe('boarding');

  const proposal = (await duty.post(`/api/incidents/${incidentId}/plans`).expect(201)).body;
  const scenario = scenarioSchema.parse((await duty.get(`/api/incidents/${incidentId}/scenario`).expect(200)).body);
  expect(validatePlan(scenario, proposal.plan).violations).toEqual([]);
  await duty.post(`/api/incidents/${incidentId}/plans/${proposal.id}/apply`).expect(200);

  const after = await state();
  const trip = after.trips.find((t) => t.id === boarded!.tripId);
  expect(trip?.status).toBe('boarding');
  expect(after.parties.find((p) => p.id === boarded!.partyId)).toMatchObject({ tripId: boarded!.tripId, status: 'on_vehicle' });
  // No second trip was planned for that vehicle at the same time.
  const sameSlot = after.trips.filter((t) => t.vehicleId === before.vehicleId && t.departAt === before.departAt);
  expect(sameSlot).toHaveLength(1);
});

test('costs booked in the meantime do not make a proposal stale; a change to rooms does', async () => {
  const proposal = (await duty.post(`/api/incidents/${incidentId}/plans`).expect(201)).body;
  const s = await state();
  const placed = s.parties.find((p) => p.hotelId)!;
  await duty2
    .post(`/api/incidents/${incidentId}/ledger/perks`)
    .send({ partyId: placed.id, hotelId: placed.hotelId, category: 'meals', amountMinor: 1250, note: 'sandwiches on arrival' })
    .expect(201);
  expect((await duty.get(`/api/incidents/${incidentId}/plans/${proposal.id}`).expect(200)).body.stale).toBe(false);
  await duty.post(`/api/incidents/${incidentId}/plans/${proposal.id}/apply`).expect(200);

  const next = (await duty.post(`/api/incidents/${incidentId}/plans`).expect(201)).body;
  await duty2.patch(`/api/incidents/${incidentId}/hotels/${s.hotels[5]!.id}`).send({ petsAllowed: !s.hotels[5]!.petsAllowed }).expect(200);
  expect((await duty.get(`/api/incidents/${incidentId}/plans/${next.id}`).expect(200)).body.stale).toBe(true);
  await duty.post(`/api/incidents/${incidentId}/plans/${next.id}/apply`).expect(409);
});

test('a proposal carries the cheapest and the fastest-within-tolerance plans; either applies by its id', async () => {
  const proposal = (await duty.post(`/api/incidents/${incidentId}/plans`).send({}).expect(201)).body;
  const alts = proposal.alternatives as {
    id: string;
    objective: string;
    label: string;
    totalMinor: number;
    roomCostMinorPerNight: number;
    transportCostMinor: number;
    lastArrivalAt: string | null;
  }[];
  expect(alts.map((a) => a.objective)).toEqual(['cost', 'shelter']);
  expect(alts.map((a) => a.label)).toEqual(['cheapest', 'fastest within 5%']);
  // The answer's own id is the incident's objective (shelter by default).
  expect(alts.find((a) => a.objective === 'shelter')!.id).toBe(proposal.id);
  const cheapest = alts.find((a) => a.objective === 'cost')!;
  expect(cheapest.id).not.toBe(proposal.id);
  for (const a of alts) expect(a.totalMinor).toBe(Math.round(a.roomCostMinorPerNight + a.transportCostMinor));
  const other = (await duty.get(`/api/incidents/${incidentId}/plans/${cheapest.id}`).expect(200)).body;
  expect(other.plan.metrics.transportCostMinor).toBe(cheapest.transportCostMinor);
  const scenario = scenarioSchema.parse((await duty.get(`/api/incidents/${incidentId}/scenario`).expect(200)).body);
  expect(validatePlan(scenario, other.plan).violations).toEqual([]);
  expect((await duty.post(`/api/incidents/${incidentId}/plans/${cheapest.id}/apply`).expect(200)).body.applied).toBe(true);
  // Once one is applied the other is out of date.
  await duty.post(`/api/incidents/${incidentId}/plans/${proposal.id}/apply`).expect(409);
});

test('during a live night no proposal, fresh or re-plan, has a vehicle leave before now; an old night keeps its own clock', async () => {
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
  const live = buildScenario({
    incident: { name: 'Live night', startedAt: hoursAgo(2) },
    parties: Array.from({ length: 8 }, (_, i) => buildParty({ id: `L${i}`, size: 2 })),
    hotels: [buildHotel({ id: 'LH1', roomTypes: [buildRoomType({ type: 'double', sleeps: 2, count: 10 })] })],
    vehicles: [buildVehicle({ id: 'LV1', availableFrom: hoursAgo(1.8) }), buildVehicle({ id: 'LV2', availableFrom: hoursAgo(1.5) })],
  });
  const id = (await duty.post('/api/incidents/import').send(live).expect(201)).body.incidentId;
  const asked = Date.now();
  const first = (await duty.post(`/api/incidents/${id}/plans`).expect(201)).body;
  expect(first.plan.trips.length).toBeGreaterThan(0);
  for (const alt of first.alternatives as { id: string }[]) {
    const { plan } = (await duty.get(`/api/incidents/${id}/plans/${alt.id}`).expect(200)).body;
    for (const t of plan.trips) expect(Date.parse(t.departAt)).toBeGreaterThanOrEqual(asked - 1000);
  }
  await duty.post(`/api/incidents/${id}/plans/${first.id}/apply`).expect(200);
  await duty
    .patch(`/api/incidents/${id}/hotels/LH1`)
    .send({ roomTypes: [{ type: 'double', sleeps: 2, count: 6, rateMinor: 9000 }] })
    .expect(200);
  const again = Date.now();
  const replan = (await duty.post(`/api/incidents/${id}/plans`).expect(201)).body;
  expect(replan.plan.trips.length).toBeGreaterThan(0);
  for (const t of replan.plan.trips) expect(Date.parse(t.departAt)).toBeGreaterThanOrEqual(again - 1000);
  // The storm seed started weeks ago: its plans keep the night's own times.
  const old = (await duty.post(`/api/incidents/${incidentId}/plans`).expect(201)).body;
  expect(Math.min(...old.plan.trips.map((t: { departAt: string }) => Date.parse(t.departAt)))).toBeLessThan(asked - 24 * 3_600_000);
});

test('during a live night, computing again a while after applying moves no pick-up and does not make the night later; an overdue first trip leaves as soon as it can', async () => {
  // A depot 30 road km from the pick-up and four-seat vehicles: each runs several trips from it.
  const minutesAgo = (min: number) => new Date(Date.now() - min * 60_000).toISOString();
  const live = buildScenario({
    incident: { name: 'Live night, applied a while ago', startedAt: minutesAgo(60) },
    sites: [buildSite({ id: 'LM', name: 'Muster', kind: 'muster' }), buildSite({ id: 'LD', name: 'Far depot', kind: 'depot', lat: 53.4, lng: 0.3405 })],
    parties: Array.from({ length: 8 }, (_, i) => buildParty({ id: `R${i}`, size: 2, siteId: 'LM' })),
    hotels: [buildHotel({ id: 'RH1', roomTypes: [buildRoomType({ type: 'double', sleeps: 2, count: 10 })] })],
    vehicles: ['RV1', 'RV2'].map((id) => buildVehicle({ id, kind: 'taxi', seats: 4, depotSiteId: 'LD', availableFrom: minutesAgo(10) })),
  });
  const id = (await duty.post('/api/incidents/import').send(live).expect(201)).body.incidentId;
  const first = (await duty.post(`/api/incidents/${id}/plans`).expect(201)).body;
  await duty.post(`/api/incidents/${id}/plans/${first.id}/apply`).expect(200);
  const db = server.database.db;
  /** The night as if it had been applied `min` minutes earlier: every time of the incident moved back. */
  const appliedEarlier = async (min: number) => {
    const back = (iso: string) => new Date(Date.parse(iso) - min * 60_000).toISOString();
    for (const t of await db.select().from(trips).where(eq(trips.incidentId, id)))
      await db
        .update(trips)
        .set({ departAt: new Date(t.departAt.getTime() - min * 60_000), arrivals: t.arrivals.map(back) })
        .where(eq(trips.id, t.id));
    for (const v of await db.select().from(vehicles).where(eq(vehicles.incidentId, id)))
      await db
        .update(vehicles)
        .set({ availableFrom: new Date(v.availableFrom.getTime() - min * 60_000) })
        .where(and(eq(vehicles.incidentId, id), eq(vehicles.id, v.id)));
  };
  const inForce = async () => (await db.select().from(trips).where(eq(trips.incidentId, id))).map((t) => t.departAt.getTime()).sort((a, b) => a - b);

  // Twenty minutes on: each vehicle left its depot for its first pick-up (36 min away) before now.
  await appliedEarlier(20);
  const planned = await inForce();
  expect(planned[0]).toBeGreaterThan(Date.now());
  const asked = Date.now();
  const again = (await duty.post(`/api/incidents/${id}/plans`).expect(201)).body;
  expect(again.diff.retimed).toEqual([]);
  expect(again.diff.moved).toEqual([]);
  expect(again.diff.unchanged).toBe(8);
  const departures = (again.plan.trips as { departAt: string }[]).map((t) => Date.parse(t.departAt)).sort((a, b) => a - b);
  expect(departures).toEqual(planned);
  expect(Date.parse(again.plan.metrics.lastArrivalAt)).toBeLessThanOrEqual(Date.parse(first.plan.metrics.lastArrivalAt) - 20 * 60_000 + 1000);
  for (const d of departures) expect(d).toBeGreaterThanOrEqual(asked - 1000);
  // A household moved by hand to the other vehicle: that plan has no trip leaving before now either.
  const trip = (again.plan.trips as { vehicleId: string; partyIds: string[] }[]).find((t) => t.partyIds.includes('R0'))!;
  const moved = (
    await duty
      .post(`/api/incidents/${id}/plans/${again.id}/moves`)
      .send({ partyId: 'R0', vehicleId: trip.vehicleId === 'RV1' ? 'RV2' : 'RV1' })
      .expect(201)
  ).body;
  for (const t of moved.plan.trips as { departAt: string }[]) expect(Date.parse(t.departAt)).toBeGreaterThanOrEqual(asked - 1000);

  // A vehicle whose first trip is done, long ago: its next trip leaves no earlier than now.
  const done = (await db.select().from(trips).where(eq(trips.incidentId, id))).sort((a, b) => a.departAt.getTime() - b.departAt.getTime())[0]!;
  await db.update(trips).set({ status: 'completed' }).where(eq(trips.id, done.id));
  await db.update(tripRiders).set({ status: 'dropped' }).where(eq(tripRiders.tripId, done.id));
  await appliedEarlier(150);
  const later = Date.now();
  const afterRun = (await duty.post(`/api/incidents/${id}/plans`).expect(201)).body;
  const next = (afterRun.plan.trips as { vehicleId: string; departAt: string }[]).filter(
    (t) => Date.parse(t.departAt) > done.departAt.getTime() - 150 * 60_000,
  );
  expect(next.some((t) => t.vehicleId === done.vehicleId)).toBe(true);
  for (const t of next) expect(Date.parse(t.departAt)).toBeGreaterThanOrEqual(later - 1000);
  await db.update(trips).set({ status: 'planned' }).where(eq(trips.id, done.id));
  await db.update(tripRiders).set({ status: 'planned' }).where(eq(tripRiders.tripId, done.id));
  await appliedEarlier(-150);

  // An hour on and nobody pressed "depart": the first trips are overdue. They leave as soon as the
  // vehicles could be at the pick-up, never before now, not after a new drive from the depot.
  await appliedEarlier(40);
  const late = Date.now();
  const overdue = (await duty.post(`/api/incidents/${id}/plans`).expect(201)).body;
  const leaves = (overdue.plan.trips as { departAt: string }[]).map((t) => Date.parse(t.departAt));
  for (const d of leaves) expect(d).toBeGreaterThanOrEqual(late - 1000);
  expect(Math.min(...leaves)).toBeLessThan(late + 5 * 60_000);
});
