/**
 * The one seam between the server and the pure planner. A fresh plan, and any plan of a large
 * incident, is computed in a worker thread: the search takes its whole budget (1 s up to 1,500
 * households), during which an in-process solve answered no check-in, status poll or socket, and
 * the garbage it leaves raised the embedded server's memory by ~100 MB until V8 gave it back
 * (decision 0017). Re-plans of small incidents (a move, a transport re-plan), which start from the
 * plan in force and answer in tens of milliseconds, stay in-process, where the JIT is warm.
 */
import type { Plan } from '../../shared/plan.js';
import type { PlanObjective, Scenario } from '../../shared/scenario.js';
import { planBoth, planRelocation, type Pin, type PlanPair } from '../../shared/planner/planner.js';

export interface PlanInput {
  scenario: Scenario;
  previous?: Plan;
  locked?: Plan;
  pins?: Pin[];
  /** Overrides the incident's policy.objective. */
  objective?: PlanObjective;
  /** Keep every stay, re-plan the vehicles (planner option `transportOnly`). */
  transportOnly?: boolean;
}

/** Above this many guests every plan, re-plans included, is computed off the main thread. */
export const WORKER_THRESHOLD = 3000;

/** A fresh plan, or any plan of a large incident. */
const offMainThread = (input: PlanInput) => !input.previous || input.scenario.parties.reduce((n, p) => n + p.guests.length, 0) > WORKER_THRESHOLD;

export async function computePlan(input: PlanInput): Promise<Plan> {
  if (offMainThread(input)) {
    const { runPlannerInWorker } = await import('../planner/worker.js');
    return withoutEmptyTrips(await runPlannerInWorker(input));
  }
  return withoutEmptyTrips(planRelocation(input.scenario, { ...options(input), ...(input.objective ? { objective: input.objective } : {}) }));
}

/** The two alternatives (cheapest, fastest within the tolerance) from one run of the planner. */
export async function computePlanPair(input: PlanInput): Promise<PlanPair> {
  const pair = offMainThread(input) ? await (await import('../planner/worker.js')).runPlanPairInWorker(input) : planBoth(input.scenario, options(input));
  return { shelter: withoutEmptyTrips(pair.shelter), cost: withoutEmptyTrips(pair.cost) };
}

/**
 * A locked trip whose households all need a new ride (current.ts, offTheirTrips) is given to the
 * planner empty, so that its vehicle is busy until it ends; it is no part of the answer.
 */
function withoutEmptyTrips(plan: Plan): Plan {
  return plan.trips.every((t) => t.partyIds.length) ? plan : { ...plan, trips: plan.trips.filter((t) => t.partyIds.length) };
}

const options = (input: PlanInput) => ({
  previous: input.previous ?? null,
  locked: input.locked ?? null,
  pins: input.pins ?? [],
  ...(input.transportOnly ? { transportOnly: true } : {}),
});
