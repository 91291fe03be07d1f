/**
 * Run the planner off the main thread so a solve (a fresh plan's search, or 10,000+ guests) never
 * stalls the server's sockets. Plans of up to 1,500 households go to one long-lived worker whose
 * compiled planner code is warm: a cold worker spends about as long compiling as planning (storm
 * seed: ~1.7 s for a first plan, ~0.7-1.1 s for the next in the same worker). It ends after
 * 15 idle minutes and gives its memory back. Larger plans, and a plan asked for while the warm
 * worker is busy, get a short-lived worker of their own, as every plan once did: a fresh worker
 * cannot hold a large incident's memory after it answers.
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

/** What the warm worker is started with: it answers jobs posted to it until it is ended. */
export interface WarmWorkerData {
  warm: true;
}

/** One job for the warm worker (a plan, or a warm-up: a small generated incident), and its answer. */
export type WarmJob = { id: number; input: WorkerPlanInput; warmUp?: undefined } | { id: number; warmUp: true; input?: undefined };
export interface WorkerAnswer<T> {
  id?: number;
  plan?: T;
  error?: string;
}

/** Plans of up to this many households run on the warm worker (the planner's work-clock range). */
export const WARM_MAX_HOUSEHOLDS = 1500;
/** The warm worker ends after this long without a job. */
const WARM_IDLE_MS = 15 * 60_000;

/** Plan in a worker thread; rejects if the worker fails or exits without answering. */
export function runPlannerInWorker(input: WorkerPlanInput): Promise<Plan> {
  return route<Plan>({ ...input, both: false });
}

/** Both alternatives (`planBoth`) in a worker thread. */
export function runPlanPairInWorker(input: WorkerPlanInput): Promise<PlanPair> {
  return route<PlanPair>({ ...input, both: true });
}

function route<T>(input: WorkerPlanInput): Promise<T> {
  if (input.scenario.parties.length <= WARM_MAX_HOUSEHOLDS && !warm?.busy) return warmWorker().run<T>(input);
  return runOnce<T>(input);
}

function startWorker(workerData: WorkerPlanInput | WarmWorkerData): Worker {
  const entry = pathToFileURL(ownModule(import.meta.url, './worker-entry.ts'));
  // Under tsx (dev, tests, CLI) Node 20 will not load a .ts worker even with `--import tsx` in
  // execArgv, so a two-line bootstrap registers tsx inside the worker before importing the entry.
  return FROM_SOURCES
    ? new Worker(`import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(entry.href)}); });`, { eval: true, workerData })
    : new Worker(entry, { workerData });
}

/** A worker of its own for one plan, ended once it answers. */
function runOnce<T>(input: WorkerPlanInput): Promise<T> {
  const worker = startWorker(input);
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    worker.once('message', (msg: WorkerAnswer<T>) => {
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

/** The long-lived worker: one job at a time, in turn; it keeps no state between jobs but its compiled code. */
class WarmWorker {
  private readonly worker = startWorker({ warm: true });
  readonly threadId = this.worker.threadId;
  private nextId = 1;
  private readonly queue: { job: WarmJob; resolve: (plan: unknown) => void; reject: (err: Error) => void }[] = [];
  private current: (typeof this.queue)[number] | null = null;
  private idle: NodeJS.Timeout | null = null;
  /** Asked to end while it had a job: it ends once the jobs are answered. */
  private ending = false;

  constructor() {
    // What keeps the process alive only while it has a job.
    this.worker.unref();
    this.worker.on('message', (msg: WorkerAnswer<unknown>) => {
      const job = this.current;
      if (!job || msg.id !== job.job.id) return;
      this.current = null;
      if (msg.plan !== undefined) job.resolve(msg.plan);
      else job.reject(new Error(msg.error ?? 'planner worker failed'));
      this.next();
    });
    const fail = (err: Error) => {
      if (warm === this) warm = null;
      if (this.idle) clearTimeout(this.idle);
      for (const job of [...(this.current ? [this.current] : []), ...this.queue.splice(0)]) job.reject(err);
      this.current = null;
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`planner worker exited with code ${code} before answering`)));
  }

  /** Planning now (not only warming up): another plan had better not wait for it. */
  get busy(): boolean {
    return [this.current, ...this.queue].some((j) => j && !j.job.warmUp);
  }

  run<T>(input: WorkerPlanInput): Promise<T> {
    return this.enqueue({ id: this.nextId++, input }) as Promise<T>;
  }

  /** Plan small generated incidents (worker-entry.ts), so that the planner's code is compiled before a real plan comes. */
  warmUp(): Promise<unknown> {
    return this.enqueue({ id: this.nextId++, warmUp: true });
  }

  endAfterJobs(): void {
    this.ending = true;
  }

  end(): Promise<number> {
    if (warm === this) warm = null;
    if (this.idle) clearTimeout(this.idle);
    return this.worker.terminate();
  }

  private enqueue(job: WarmJob): Promise<unknown> {
    if (this.idle) clearTimeout(this.idle);
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      if (!this.current) this.next();
    });
  }

  private next(): void {
    this.current = this.queue.shift() ?? null;
    if (this.current) {
      this.worker.ref();
      this.worker.postMessage(this.current.job);
      return;
    }
    this.worker.unref();
    if (this.ending) return void this.end();
    this.idle = setTimeout(() => void this.end(), WARM_IDLE_MS);
    this.idle.unref();
  }
}

let warm: WarmWorker | null = null;

function warmWorker(): WarmWorker {
  return (warm ??= new WarmWorker());
}

/** The warm worker's thread id, or null when there is none (tests: which worker answered). */
export function warmPlannerThread(): number | null {
  return warm?.threadId ?? null;
}

/**
 * End the warm worker (server shutdown): at once when idle, else once its job is answered (another
 * server in the same process may be waiting for it). The next plan starts a new one.
 */
export async function endWarmPlanner(): Promise<void> {
  const w = warm;
  if (!w) return;
  warm = null;
  if (w.busy) w.endAfterJobs();
  else await w.end();
}

/**
 * Start the warm worker, if there is none, and have it plan two small generated incidents: a duty
 * manager who opens a console is about to plan, and a worker that has planned before answers the
 * storm in about half the time (decision 0002). A plan asked for meanwhile waits its turn.
 */
export function prewarmPlanner(): void {
  if (warm) return;
  warmWorker()
    .warmUp()
    .catch(() => undefined);
}
