/**
 * The one seam between the server and the pure planner. Small incidents are planned in-process;
 * large ones go to a worker thread so the server keeps answering while it solves.
 */
import type { Plan } from '../../shared/plan.js';
import type { Scenario } from '../../shared/scenario.js';
import { planRelocation, type Pin } from '../../shared/planner/planner.js';

export interface PlanInput {
  scenario: Scenario;
  previous?: Plan;
  locked?: Plan;
  pins?: Pin[];
}

/** Above this many guests the plan is computed off the main thread. */
export const WORKER_THRESHOLD = 3000;

export async function computePlan(input: PlanInput): Promise<Plan> {
  const guests = input.scenario.parties.reduce((n, p) => n + p.guests.length, 0);
  if (guests > WORKER_THRESHOLD) {
    const { runPlannerInWorker } = await import('../planner/worker.js');
    return runPlannerInWorker(input);
  }
  return planRelocation(input.scenario, { previous: input.previous ?? null, locked: input.locked ?? null, pins: input.pins ?? [] });
}
