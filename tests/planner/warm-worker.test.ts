/**
 * The server's planner worker: plans of up to 1,500 households go to one long-lived worker (its
 * compiled code stays warm between plans), one job at a time; a plan asked for while it is busy,
 * or a larger one, gets a worker of its own. A failing plan fails alone; a dead worker is replaced.
 * A duty manager opening a console with no plan applied warms it (PLANNER_PREWARM).
 */
import { generateScenario } from '../../seed/generate.js';
import type { Plan } from '../../shared/plan.js';
import { planRelocation } from '../../shared/planner/index.js';
import { scenarioSchema, type Scenario } from '../../shared/scenario.js';
import { endWarmPlanner, runPlannerInWorker, runPlanPairInWorker, warmPlannerThread } from '../../server/planner/worker.js';
import { startTestServer } from '../helpers/server.js';
import { DEMO, signIn } from '../helpers/api.js';

const scenarioOf = (guests: number, seed: number): Scenario => scenarioSchema.parse(generateScenario({ guests, seed }));
const withoutSolveMs = (p: Plan) => ({ ...p, metrics: { ...p.metrics, solveMs: 0 } });

afterAll(() => endWarmPlanner());

test('one warm worker answers plan after plan, each the plan this thread computes', async () => {
  const a = scenarioOf(60, 1);
  const b = scenarioOf(90, 2);
  const first = await runPlannerInWorker({ scenario: a, timeBudgetMs: 100 });
  const thread = warmPlannerThread();
  expect(thread).not.toBeNull();
  const second = await runPlannerInWorker({ scenario: b, timeBudgetMs: 100 });
  const pair = await runPlanPairInWorker({ scenario: a, timeBudgetMs: 100 });
  expect(warmPlannerThread()).toBe(thread);
  expect(withoutSolveMs(first)).toEqual(withoutSolveMs(planRelocation(a, { timeBudgetMs: 100 })));
  expect(withoutSolveMs(second)).toEqual(withoutSolveMs(planRelocation(b, { timeBudgetMs: 100 })));
  expect(withoutSolveMs(pair.shelter)).toEqual(withoutSolveMs(first));
}, 60_000);

test('plans asked for at once are all answered, each its own', async () => {
  const scenarios = [scenarioOf(50, 3), scenarioOf(70, 4), scenarioOf(40, 5)];
  const plans = await Promise.all(scenarios.map((scenario) => runPlannerInWorker({ scenario, timeBudgetMs: 100 })));
  plans.forEach((p, i) => {
    const ids = new Set(scenarios[i]!.parties.map((x) => x.id));
    expect(p.stays.length).toBeGreaterThan(0);
    expect(p.stays.every((s) => ids.has(s.partyId))).toBe(true);
  });
}, 60_000);

test('a plan that fails fails alone: the warm worker answers the next one', async () => {
  const good = scenarioOf(40, 6);
  await runPlannerInWorker({ scenario: good, timeBudgetMs: 100 });
  const thread = warmPlannerThread();
  const broken = { ...good, incident: null } as unknown as Scenario;
  await expect(runPlannerInWorker({ scenario: broken })).rejects.toThrow(/TypeError/);
  const after = await runPlannerInWorker({ scenario: good, timeBudgetMs: 100 });
  expect(after.stays.length).toBeGreaterThan(0);
  expect(warmPlannerThread()).toBe(thread);
}, 60_000);

test('ending the warm worker mid-plan still answers that plan; the next plan starts a new worker', async () => {
  const s = scenarioOf(80, 7);
  await runPlannerInWorker({ scenario: s, timeBudgetMs: 100 });
  const thread = warmPlannerThread();
  const pending = runPlannerInWorker({ scenario: s, timeBudgetMs: 100 });
  await endWarmPlanner();
  expect(warmPlannerThread()).toBeNull();
  expect((await pending).stays.length).toBeGreaterThan(0);
  await runPlannerInWorker({ scenario: s, timeBudgetMs: 100 });
  expect(warmPlannerThread()).not.toBe(thread);
  expect(warmPlannerThread()).not.toBeNull();
}, 60_000);

test('opening a console with no plan applied warms the worker that then computes the plan; once applied, it does not', async () => {
  await endWarmPlanner();
  const server = await startTestServer({ env: { PLANNER_PREWARM: 'true' } });
  try {
    const duty = await signIn(server.url, DEMO.duty);
    const incidentId = (await duty.get('/api/incidents').expect(200)).body.incidents[0].id as string;
    expect(warmPlannerThread()).toBeNull();
    await duty.get(`/api/incidents/${incidentId}/state`).expect(200);
    const thread = warmPlannerThread();
    expect(thread).not.toBeNull();
    // Asked for while the warm-up may still run: it waits its turn on the same worker.
    const proposal = (await duty.post(`/api/incidents/${incidentId}/plans`).expect(201)).body;
    expect(proposal.plan.stays.length).toBeGreaterThan(100);
    expect(warmPlannerThread()).toBe(thread);
    await duty.post(`/api/incidents/${incidentId}/plans/${proposal.id}/apply`).expect(200);
    await endWarmPlanner();
    await duty.get(`/api/incidents/${incidentId}/state`).expect(200);
    expect(warmPlannerThread()).toBeNull();
  } finally {
    await server.close();
  }
}, 120_000);
