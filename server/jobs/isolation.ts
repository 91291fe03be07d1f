/**
 * Background work done per incident (message projection, departure notices, lodging accrual)
 * runs through one guard, so that one incident that cannot be processed never stops the others:
 *
 * - each incident's run is its own try: a failure is logged with the incident and the job, and
 *   the loop moves on to the next incident;
 * - the failing incident is retried with exponential backoff (base, 2x, 4x ... up to a cap), not
 *   on every tick, so a poisoned incident costs little;
 * - its duty managers are told once, by an event in the incident's own log (`job.failed`, shown
 *   in the console's activity list), and again when it works (`job.recovered`).
 *
 * The state is per process and in memory: after a restart a still-failing incident is reported
 * once more, which is the point.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { commitWithEvents, SYSTEM_ACTOR, type EventBus } from '../events/log.js';
import type { NewEvent } from '../../shared/events.js';

type JobEvent = Extract<NewEvent, { type: 'job.failed' | 'job.recovered' }>;

export interface IsolationOptions {
  /** First retry after this long, doubling per failure up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  now?: () => number;
}

interface Failing {
  failures: number;
  retryAt: number;
  error: string;
}

export type GuardedResult<T> = { status: 'ok'; value: T } | { status: 'failed'; error: string } | { status: 'waiting'; retryAt: number };

export class IncidentJobGuard {
  private readonly failing = new Map<string, Failing>();
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly now: () => number;

  constructor(
    private readonly job: string,
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    opts: IsolationOptions = {},
  ) {
    this.baseDelayMs = opts.baseDelayMs ?? 5_000;
    this.maxDelayMs = opts.maxDelayMs ?? 10 * 60_000;
    this.now = opts.now ?? Date.now;
  }

  /** False while the incident waits out its backoff after a failure. */
  due(incidentId: string): boolean {
    const f = this.failing.get(incidentId);
    return !f || f.retryAt <= this.now();
  }

  /** Incidents currently failing this job, with their last error (for health and tests). */
  failures(): Map<string, Readonly<Failing>> {
    return new Map(this.failing);
  }

  /** Run `fn` for one incident, never throwing: a failure is recorded, backed off and reported. */
  async run<T>(incidentId: string, fn: () => Promise<T>): Promise<GuardedResult<T>> {
    const before = this.failing.get(incidentId);
    if (before && before.retryAt > this.now()) return { status: 'waiting', retryAt: before.retryAt };
    let value: T;
    try {
      value = await fn();
    } catch (err) {
      const error = (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 300);
      const failures = (before?.failures ?? 0) + 1;
      const delay = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (failures - 1));
      const retryAt = this.now() + delay;
      this.failing.set(incidentId, { failures, retryAt, error });
      this.logger.error(
        { err, incidentId, job: this.job, failures, retryInMs: delay },
        `${this.job} failed for an incident; retrying it with backoff, other incidents go on`,
      );
      // Tell the incident's duty managers the first time, and whenever the reason changes.
      if (!before || before.error !== error)
        await this.report(incidentId, { type: 'job.failed', payload: { job: this.job, error, failures, retryAt: new Date(retryAt).toISOString() } });
      return { status: 'failed', error };
    }
    if (before) {
      this.failing.delete(incidentId);
      this.logger.info({ incidentId, job: this.job, failures: before.failures }, `${this.job} works again for an incident`);
      await this.report(incidentId, { type: 'job.recovered', payload: { job: this.job, failures: before.failures } });
    }
    return { status: 'ok', value };
  }

  private async report(incidentId: string, event: JobEvent): Promise<void> {
    try {
      await commitWithEvents(this.db, this.bus, (_tx, emit) => emit(incidentId, SYSTEM_ACTOR, [event]));
    } catch (err) {
      this.logger.warn({ err, incidentId, job: this.job }, 'could not record the job notice in the incident log');
    }
  }
}
