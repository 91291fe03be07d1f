/** Worker thread body: plan the scenario it was started with and post the plan back. */
import { parentPort, workerData } from 'node:worker_threads';
import { planRelocation } from '../../shared/planner/index.js';
import type { WorkerPlanInput } from './worker.js';

const input = workerData as WorkerPlanInput;
try {
  const plan = planRelocation(input.scenario, {
    previous: input.previous ?? null,
    locked: input.locked ?? null,
    pins: input.pins ?? [],
    ...(input.timeBudgetMs !== undefined ? { timeBudgetMs: input.timeBudgetMs } : {}),
  });
  parentPort?.postMessage({ plan });
} catch (err) {
  parentPort?.postMessage({ error: (err as Error).stack ?? String(err) });
}
