/**
 * Run the planner off the main thread so a large solve (10,000+ guests, seconds) never stalls the
 * server's sockets. One short-lived worker per solve: the planner is pure and holds no state worth
 * keeping, and a fresh worker cannot leak memory between incidents.
 */
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Plan } from '../../shared/plan.js';
import type { Pin, PlanPair } from '../../shared/planner/index.js';
import type { PlanObjective, Scenario } from '../../shared/scenario.js';
import { FROM_SOURCES, ownModule } from '../paths.js';

export interface WorkerPlanInput {
  scenario: Scenario;
  previous?: Plan | null;
  locked?: Pick<Plan, 'stays' | 'trips'> | null;
  pins?: readonly Pin[];
  timeBudgetMs?: number;
  objective?: PlanObjective;
  costTolerancePct?: number;
  transportOnly?: boolean;
  /** Answer both alternatives of one run (`planBoth`) instead of one plan. */
  both?: boolean;
}

/** Plan in a worker thread; rejects if the worker fails or exits without answering. */
export function runPlannerInWorker(input: WorkerPlanInput): Promise<Plan> {
  return runInWorker<Plan>({ ...input, both: false });
}

/** Both alternatives (`planBoth`) in a worker thread. */
export function runPlanPairInWorker(input: WorkerPlanInput): Promise<PlanPair> {
  return runInWorker<PlanPair>({ ...input, both: true });
}

function runInWorker<T>(input: WorkerPlanInput): Promise<T> {
  const entry = pathToFileURL(ownModule(import.meta.url, './worker-entry.ts'));
  // Under tsx (dev, tests, CLI) Node 20 will not load a .ts worker even with `--import tsx` in
  // execArgv, so a two-line bootstrap registers tsx inside the worker before importing the entry.
  const worker = FROM_SOURCES
    ? new Worker(`import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(entry.href)}); });`, { eval: true, workerData: input })
    : new Worker(entry, { workerData: input });
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    worker.once('message', (msg: { plan?: T; error?: string }) => {
      settled = true;
      if (msg.plan) resolve(msg.plan);
      else reject(new Error(msg.error ?? 'planner worker failed'));
      void worker.terminate();
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`planner worker exited with code ${code} before answering`));
    });
  });
}
