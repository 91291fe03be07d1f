/**
 * Planner statistics kept up with bulk changes (decision 0017). An import fills an incident's
 * households, guests, hotels and vehicles; applying a plan fills its stays, trips and riders. Until
 * PostgreSQL analyses those tables it plans every query on them from stale counts: autovacuum does
 * so within a minute or so on a server, and PGlite, which runs no autovacuum, never does. Measured
 * on the check-in benchmark (10,000 guests, check-ins starting right after the plan is applied):
 * 441-451 check-ins/s before the tables were analysed, 557-629 after.
 *
 * So a bulk change, once committed, is followed by `ANALYZE` of the tables such changes fill, in
 * the background: one at a time, and one more if another bulk change lands meanwhile. It reads a
 * sample of each table (tens of milliseconds at 10,000 guests) and blocks no reads or writes.
 */
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from './client.js';
import type { EventBus, StoredEvent } from '../events/log.js';

/** Events that add or replace many rows at once. */
export const BULK_CHANGES: ReadonlySet<string> = new Set(['incident.imported', 'parties.added', 'plan.applied']);
const TABLES = ['parties', 'guests', 'hotels', 'room_types', 'vehicles', 'stays', 'trips', 'trip_riders', 'outbox'];

export function startStatisticsKeeper(opts: { db: Db; bus: EventBus; logger: Logger }): { stop(): void; idle(): Promise<void> } {
  const { db, bus, logger } = opts;
  let running: Promise<void> | null = null;
  let again = false;
  const analyse = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = db
      .execute(sql.raw(`analyze ${TABLES.join(', ')}`))
      .then(
        () => undefined,
        (err: unknown) => logger.warn({ err }, 'could not analyse the tables after a bulk change'),
      )
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          analyse();
        }
      });
  };
  const onCommitted = (list: StoredEvent[]) => {
    if (list.some((e) => BULK_CHANGES.has(e.type))) analyse();
  };
  bus.on('committed', onCommitted);
  return {
    stop: () => bus.off('committed', onCommitted),
    /** Resolves once no analysis is running or due (tests). */
    async idle() {
      while (running) await running;
    },
  };
}
