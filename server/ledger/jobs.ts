/**
 * The lodging accrual runs by itself: for an incident right after a check-out commits, and for
 * every active incident on a timer (nights owed by guests still in are posted as each night
 * begins). Errors are logged, never thrown: the job is idempotent and simply runs again.
 */
import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { incidents } from '../db/schema.js';
import { SYSTEM_ACTOR, type EventBus } from '../events/log.js';
import type { AccrualService } from './accrual.js';

export const ACCRUAL_TRIGGERS = new Set(['guest.checked_out']);

export function startLedgerJobs(opts: { db: Db; bus: EventBus; accrual: AccrualService; logger: Logger; intervalMs?: number }): { stop(): void } {
  const { db, bus, accrual, logger } = opts;
  const run = (incidentId: string) =>
    accrual.accrueLodging(incidentId, new Date(), SYSTEM_ACTOR).catch((err: unknown) => logger.warn({ err, incidentId }, 'lodging accrual failed; it will run again'));
  const onCommitted = (list: { incidentId: string; type: string }[]) => {
    const ids = new Set(list.filter((e) => ACCRUAL_TRIGGERS.has(e.type)).map((e) => e.incidentId));
    for (const id of ids) void run(id);
  };
  bus.on('committed', onCommitted);
  const intervalMs = opts.intervalMs ?? Number(process.env.LEDGER_ACCRUAL_INTERVAL_MS ?? 15 * 60_000);
  const timer = intervalMs > 0
    ? setInterval(() => {
        db.select({ id: incidents.id })
          .from(incidents)
          .where(eq(incidents.status, 'active'))
          .then(async (rows) => {
            for (const r of rows) await run(r.id);
          })
          .catch((err: unknown) => logger.warn({ err }, 'lodging accrual sweep failed'));
      }, intervalMs)
    : null;
  timer?.unref();
  return {
    stop() {
      bus.off('committed', onCommitted);
      if (timer) clearInterval(timer);
    },
  };
}
