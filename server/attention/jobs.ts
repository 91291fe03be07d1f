/**
 * Time alone opens some exceptions (a vehicle overdue, an arrival not checked in): every active
 * incident is swept on a timer so those items reach the consoles even when nobody asks for the
 * list. Each incident is swept on its own (server/jobs/isolation.ts): one that fails is logged,
 * reported to its duty managers, retried with backoff, and never stops the sweep of another.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { activeIncidentIds } from '../incidents/repo.js';
import type { EventBus } from '../events/log.js';
import { IncidentJobGuard, type IsolationOptions } from '../jobs/isolation.js';
import type { AttentionService } from './service.js';

export function startAttentionSweep(opts: {
  db: Db;
  bus: EventBus;
  service: AttentionService;
  logger: Logger;
  intervalMs?: number;
  isolation?: IsolationOptions;
}): {
  stop(): void;
  guard: IncidentJobGuard;
} {
  const guard = new IncidentJobGuard('exceptions sweep', opts.db, opts.bus, opts.logger, opts.isolation);
  const intervalMs = opts.intervalMs ?? Number(process.env.ATTENTION_SWEEP_MS ?? 30_000);
  if (!(intervalMs > 0)) return { guard, stop() {} };
  const timer = setInterval(() => {
    activeIncidentIds(opts.db)
      .then(async (ids) => {
        for (const id of ids) await guard.run(id, () => opts.service.sweep(id));
      })
      .catch((err: unknown) => opts.logger.warn({ err }, 'listing incidents for the exceptions sweep failed; it will run again'));
  }, intervalMs);
  timer.unref();
  return { guard, stop: () => clearInterval(timer) };
}
