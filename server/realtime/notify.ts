/**
 * Ordered delivery across processes on PostgreSQL. Each change's transaction sends
 * `pg_notify('rc_events', 'incident:first:last')` (see events/log.ts); PostgreSQL delivers
 * notifications at commit, in commit order, to every listening process, and commit order is seq
 * order (events take their seq under the incident row's lock). Each process reads the events
 * from the log one notification at a time and emits them to its own sockets, so every client of
 * every process sees the same order with no extra hop through the socket adapter.
 */
import pg from 'pg';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { eventsSince } from '../events/repo.js';
import type { LiveEvent } from '../../shared/realtime.js';

export const EVENTS_CHANNEL = 'rc_events';

export interface EventListener {
  close(): Promise<void>;
}

export async function listenForEvents(url: string, db: Db, logger: Logger, deliver: (events: LiveEvent[]) => void): Promise<EventListener> {
  let client: pg.Client | null = null;
  let closed = false;
  let chain = Promise.resolve();
  let retryMs = 250;

  const onNotification = (msg: pg.Notification) => {
    const [incidentId, first, last] = (msg.payload ?? '').split(':');
    const from = Number(first);
    const to = Number(last);
    if (!incidentId || !Number.isInteger(from) || !Number.isInteger(to)) return;
    // One at a time, in arrival order: reads may take different times, emits must not overtake.
    chain = chain
      .then(async () => {
        const events = await eventsSince(db, incidentId, from - 1, to - from + 1);
        if (events.length) deliver(events);
      })
      .catch((err: unknown) => logger.warn({ err }, 'could not deliver events; clients will catch up on their next event or reconnect'));
  };

  const connect = async (): Promise<void> => {
    if (closed) return;
    const c = new pg.Client({ connectionString: url });
    c.on('notification', onNotification);
    c.on('error', (err) => logger.warn({ err }, 'event listener connection error'));
    c.on('end', () => {
      if (closed) return;
      client = null;
      setTimeout(() => void connect().catch(() => undefined), retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${EVENTS_CHANNEL}`);
      client = c;
      retryMs = 250;
    } catch (err) {
      logger.warn({ err }, 'event listener could not connect; retrying');
      await c.end().catch(() => undefined);
    }
  };
  await connect();

  return {
    async close() {
      closed = true;
      await client?.end().catch(() => undefined);
      await chain;
    },
  };
}
