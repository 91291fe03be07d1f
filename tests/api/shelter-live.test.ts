/**
 * "Everyone sheltered by", live: the incident's state carries the projected last arrivals against
 * the plan as applied; a breakdown strands households and advises a transport re-plan, which
 * keeps every stay, says what it gains, and applies through the ordinary endpoint. The slip
 * threshold and the cost tolerance are per-incident settings.
 */
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import { validatePlan } from '../../shared/planner/validate.js';
import { scenarioSchema } from '../../shared/scenario.js';
import type { IncidentState, PlanView } from '../../shared/api.js';

let server: TestServer;
let duty: Agent;
let incidentId: string;

beforeAll(async () => {
  server = await startTestServer();
  duty = await signIn(server.url, DEMO.duty);
  incidentId = (await duty.get('/api/incidents').expect(200)).body.incidents[0].id;
});
afterAll(async () => server?.close());

const inc = (p: string) => `/api/incidents/${incidentId}${p}`;
const state = async (): Promise<IncidentState> => (await duty.get(inc('/state')).expect(200)).body;

test('before any plan: nothing is projected against, nothing advised', async () => {
  const s = (await state()).shelter!;
  expect(s.planned).toBeNull();
  expect(s.lastArrivalAt).toBeNull();
  expect(s.noBedGuests).toBe((await state()).guestCounts.total);
  expect(s.replan).toEqual({ advised: false, reasons: [] });
  expect(s.thresholdMinutes).toBe(15);
  // A transport re-plan needs a plan in force.
  const r = await duty.post(inc('/plans')).send({ mode: 'transport' }).expect(409);
  expect(r.body.error.message).toMatch(/No plan is in force/);
});

test('settings: slip threshold and cost tolerance, validated; the tolerance is used by the next compute', async () => {
  for (const [body, path] of [
    [{ shelterSlipMinutes: 0 }, 'body.shelterSlipMinutes'],
    [{ shelterSlipMinutes: 2.5 }, 'body.shelterSlipMinutes'],
    [{ costTolerancePct: 101 }, 'body.costTolerancePct'],
    [{ costTolerancePct: -1 }, 'body.costTolerancePct'],
    [{ costTolerancePct: 'ten' }, 'body.costTolerancePct'],
  ] as const) {
    const bad = await duty.patch(inc('/attention/settings')).send(body);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields[0].path).toBe(path);
  }
  const saved = (await duty.patch(inc('/attention/settings')).send({ shelterSlipMinutes: 30, costTolerancePct: 12.5 }).expect(200)).body;
  expect(saved).toEqual({ overdueMinutes: 15, notCheckedInMinutes: 20, shelterSlipMinutes: 30, costTolerancePct: 12.5 });
  expect((await state()).shelter!.thresholdMinutes).toBe(30);
  expect((await duty.get(inc('/scenario')).expect(200)).body.incident.policy.costTolerancePct).toBe(12.5);
  const proposal: PlanView = (await duty.post(inc('/plans')).send({}).expect(201)).body;
  expect(proposal.alternatives!.map((a) => a.label)).toEqual(['cheapest', 'fastest within 12.5%']);
  await duty.patch(inc('/attention/settings')).send({ shelterSlipMinutes: 15, costTolerancePct: 5 }).expect(200);
  const bad = await duty.post(inc('/plans')).send({ mode: 'rooms' });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details.fields[0].path).toBe('body.mode');
});

test('applied: the projection is the plan; a breakdown strands households and advises a transport re-plan that keeps every stay', async () => {
  const proposal: PlanView = (await duty.post(inc('/plans')).send({}).expect(201)).body;
  await duty.post(inc(`/plans/${proposal.id}/apply`)).expect(200);
  const m = proposal.plan.metrics;
  let s = (await state()).shelter!;
  // The seeded night is weeks old: the clock does not push it, so nothing has slipped yet.
  expect(s.planned).toEqual({ lastArrivalAt: m.lastArrivalAt, vulnerableLastArrivalAt: m.vulnerableLastArrivalAt });
  expect(s.lastArrivalAt).toBe(m.lastArrivalAt);
  expect(s.vulnerableLastArrivalAt).toBe(m.vulnerableLastArrivalAt);
  expect([s.slipMinutes, s.vulnerableSlipMinutes, s.strandedGuests]).toEqual([0, 0, 0]);
  expect(s.replan.advised).toBe(false);

  // The vehicle carrying most guests breaks down before leaving.
  const st = await state();
  const size = new Map(st.parties.map((p) => [p.id, p.size]));
  const load = new Map<string, number>();
  for (const t of st.trips) load.set(t.vehicleId, (load.get(t.vehicleId) ?? 0) + t.partyIds.reduce((n, id) => n + size.get(id)!, 0));
  const [vehicleId, carried] = [...load].sort((a, b) => b[1] - a[1])[0]!;
  await duty
    .patch(inc(`/vehicles/${vehicleId}`))
    .send({ status: 'out_of_service', reason: 'gearbox' })
    .expect(200);
  s = (await state()).shelter!;
  expect(s.vehiclesOut).toEqual([vehicleId]);
  expect(s.strandedGuests).toBe(carried);
  expect(s.replan.advised).toBe(true);
  expect(s.replan.reasons).toContain(`${carried} guests have a bed but no vehicle`);
  expect(s.replan.reasons).toContain(`out of service: ${vehicleId}`);
  expect(s.slipMinutes!).toBeGreaterThanOrEqual(0);

  const before = await state();
  const replan: PlanView = (await duty.post(inc('/plans')).send({ mode: 'transport' }).expect(201)).body;
  expect(replan.mode).toBe('transport');
  expect(replan.alternatives).toBeUndefined();
  // Every stay kept as it is; nobody on the broken vehicle.
  const stayOf = new Map(before.parties.filter((p) => p.hotelId).map((p) => [p.id, p.hotelId]));
  expect(new Map(replan.plan.stays.map((x) => [x.partyId, x.hotelId]))).toEqual(stayOf);
  expect(replan.diff.moved).toEqual([]);
  expect(replan.plan.trips.some((t) => t.vehicleId === vehicleId)).toBe(false);
  const scenario = scenarioSchema.parse((await duty.get(inc('/scenario')).expect(200)).body);
  expect(validatePlan({ ...scenario, vehicles: scenario.vehicles.filter((v) => v.id !== vehicleId) }, replan.plan).violations).toEqual([]);
  expect(replan.shelter!.now).toEqual({ lastArrivalAt: s.lastArrivalAt, vulnerableLastArrivalAt: s.vulnerableLastArrivalAt });
  expect(replan.shelter!.ifApplied.lastArrivalAt).toBe(replan.plan.metrics.lastArrivalAt);

  await duty.post(inc(`/plans/${replan.id}/apply`)).expect(200);
  s = (await state()).shelter!;
  expect(s.strandedGuests).toBe(0);
  expect(s.planned!.lastArrivalAt).toBe(replan.plan.metrics.lastArrivalAt);
  expect(s.lastArrivalAt).toBe(replan.shelter!.ifApplied.lastArrivalAt);
  expect(s.vulnerableLastArrivalAt).toBe(replan.shelter!.ifApplied.vulnerableLastArrivalAt);
  expect(s.replan.advised).toBe(false);
});
