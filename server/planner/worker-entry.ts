/**
 * Worker thread body. A one-off worker plans the scenario it was started with and posts the plan
 * back; the warm worker (worker.ts) answers each job posted to it, with the job's id.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { planBoth, planRelocation } from '../../shared/planner/index.js';
import type { WarmJob, WarmWorkerData, WorkerAnswer, WorkerPlanInput } from './worker.js';

function plan(input: WorkerPlanInput): WorkerAnswer<unknown> {
  try {
    const opts = {
      previous: input.previous ?? null,
      locked: input.locked ?? null,
      pins: input.pins ?? [],
      ...(input.timeBudgetMs !== undefined ? { timeBudgetMs: input.timeBudgetMs } : {}),
      ...(input.costTolerancePct !== undefined ? { costTolerancePct: input.costTolerancePct } : {}),
      ...(input.transportOnly ? { transportOnly: true } : {}),
    };
    return {
      plan: input.both
        ? planBoth(input.scenario, opts)
        : planRelocation(input.scenario, { ...opts, ...(input.objective ? { objective: input.objective } : {}) }),
    };
  } catch (err) {
    return { error: (err as Error).stack ?? String(err) };
  }
}

/**
 * Two small generated incidents planned, for the compiled code they leave (see prewarmPlanner):
 * the storm's plan after them took 0.75-0.80 s, after one 1.2 s, after none 1.45 s (~1 s of work).
 */
async function warmUp(): Promise<WorkerAnswer<unknown>> {
  const [{ generateScenario }, { scenarioSchema }] = await Promise.all([import('../../seed/generate.js'), import('../../shared/scenario.js')]);
  for (const seed of [1, 2]) {
    const answer = plan({ scenario: scenarioSchema.parse(generateScenario({ guests: 150, seed })) });
    if (!answer.plan) return answer;
  }
  return { plan: true };
}

if ((workerData as WarmWorkerData | null)?.warm)
  parentPort?.on('message', (job: WarmJob) => {
    if (job.warmUp) void warmUp().then((a) => parentPort?.postMessage({ id: job.id, ...a }));
    else parentPort?.postMessage({ id: job.id, ...plan(job.input) });
  });
else parentPort?.postMessage(plan(workerData as WorkerPlanInput));
