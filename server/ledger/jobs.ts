/**
 * The accruals run by themselves: lodging for an incident right after a check-out commits, trip
 * costs right after a trip completes (a driver's last drop-off), and both for every active
 * incident on a timer (nights owed by guests still in are posted as each night begins). Each
 * incident runs on its own (server/jobs/isolation.ts): one that fails is logged, reported to its
 * duty managers, retried with backoff, and never holds up another's accrual.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { activeIncidentIds } from '../incidents/repo.js';
import { SYSTEM_ACTOR, type EventBus } from '../events/log.js';
import type { AccrualService } from './accrual.js';
import { IncidentJobGuard, type IsolationOptions } from '../jobs/isolation.js';

export const ACCRUAL_TRIGGERS = new Set(['guest.checked_out']);
export const TRIP_COST_TRIGGERS = new Set(['trip.arrived', 'trip.completed']);

export function startLedgerJobs(opts: { db: Db; bus: EventBus; accrual: AccrualService; logger: Logger; intervalMs?: number; isolation?: IsolationOptions }): {
  stop(): void;
  guard: IncidentJobGuard;
} {
  const { db, bus, accrual, logger } = opts;
  const guard = new IncidentJobGuard('lodging accrual', db, bus, logger, opts.isolation);
  const run = (incidentId: string) => guard.run(incidentId, () => accrual.accrueLodging(incidentId, new Date(), SYSTEM_ACTOR));
  const tripGuard = new IncidentJobGuard('trip costing', db, bus, logger, opts.isolation);
  const costTrips = (incidentId: string) => tripGuard.run(incidentId, () => accrual.costCompletedTrips(incidentId, SYSTEM_ACTOR));
  const onCommitted = (list: { incidentId: string; type: string }[]) => {
    const ids = new Set(list.filter((e) => ACCRUAL_TRIGGERS.has(e.type)).map((e) => e.incidentId));
    for (const id of ids) void run(id);
    const tripIds = new Set(list.filter((e) => TRIP_COST_TRIGGERS.has(e.type)).map((e) => e.incidentId));
    for (const id of tripIds) void costTrips(id);
  };
  bus.on('committed', onCommitted);
  const intervalMs = opts.intervalMs ?? Number(process.env.LEDGER_ACCRUAL_INTERVAL_MS ?? 15 * 60_000);
  const timer =
    intervalMs > 0
      ? setInterval(() => {
          activeIncidentIds(db)
            .then(async (ids) => {
              for (const id of ids) {
                await run(id);
                await costTrips(id);
              }
            })
            .catch((err: unknown) => logger.warn({ err }, 'lodging accrual sweep failed'));
        }, intervalMs)
      : null;
  timer?.unref();
  return {
    guard,
    stop() {
      bus.off('committed', onCommitted);
      if (timer) clearInterval(timer);
    },
  };
}
