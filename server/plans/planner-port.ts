/**
 * The one seam between the server and the pure planner. Small incidents are planned in-process;
 * large ones go to a worker thread so the server keeps answering while it solves.
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

/** Above this many guests the plan is computed off the main thread. */
export const WORKER_THRESHOLD = 3000;

export async function computePlan(input: PlanInput): Promise<Plan> {
  const guests = input.scenario.parties.reduce((n, p) => n + p.guests.length, 0);
  if (guests > WORKER_THRESHOLD) {
    const { runPlannerInWorker } = await import('../planner/worker.js');
    return runPlannerInWorker(input);
  }
  return planRelocation(input.scenario, { ...options(input), ...(input.objective ? { objective: input.objective } : {}) });
}

/** The two alternatives (cheapest, fastest within the tolerance) from one run of the planner. */
export async function computePlanPair(input: PlanInput): Promise<PlanPair> {
  const guests = input.scenario.parties.reduce((n, p) => n + p.guests.length, 0);
  if (guests > WORKER_THRESHOLD) {
    const { runPlanPairInWorker } = await import('../planner/worker.js');
    return runPlanPairInWorker(input);
  }
  return planBoth(input.scenario, options(input));
}

const options = (input: PlanInput) => ({
  previous: input.previous ?? null,
  locked: input.locked ?? null,
  pins: input.pins ?? [],
  ...(input.transportOnly ? { transportOnly: true } : {}),
});
