/** Worker thread body: plan the scenario it was started with and post the plan back. */
import { parentPort, workerData } from 'node:worker_threads';
import { planBoth, planRelocation } from '../../shared/planner/index.js';
import type { WorkerPlanInput } from './worker.js';

const input = workerData as WorkerPlanInput;
try {
  const opts = {
    previous: input.previous ?? null,
    locked: input.locked ?? null,
    pins: input.pins ?? [],
    ...(input.timeBudgetMs !== undefined ? { timeBudgetMs: input.timeBudgetMs } : {}),
    ...(input.costTolerancePct !== undefined ? { costTolerancePct: input.costTolerancePct } : {}),
    ...(input.transportOnly ? { transportOnly: true } : {}),
  };
  const plan = input.both
    ? planBoth(input.scenario, opts)
    : planRelocation(input.scenario, { ...opts, ...(input.objective ? { objective: input.objective } : {}) });
  parentPort?.postMessage({ plan });
} catch (err) {
  parentPort?.postMessage({ error: (err as Error).stack ?? String(err) });
}
