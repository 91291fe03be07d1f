/**
 * Ordered delivery across processes on PostgreSQL. Each change's transaction sends
 * `pg_notify('rc_events', 'incident:first:last')` (see events/log.ts); PostgreSQL delivers
 * notifications at commit, in commit order, to every listening process, and commit order is seq
 * order (events take their seq under the incident row's lock). Each process reads the events
 * from the log one notification at a time and emits them to its own sockets, so every client of
 * every process sees the same order with no extra hop through the socket adapter.
 *
 * Notifications are not queued for a listener that is away: when the LISTEN connection drops (the
 * database restarts, a network blip), commits made before it is back are never announced to this
 * process. So the listener remembers the last seq it delivered per incident and, after every
 * reconnect (and on a slow timer, as a safety net), delivers whatever the log holds beyond it.
 * A gap too long to push (more than MAX_REPLAY events) is announced by its last event alone: the
 * clients see the gap and re-subscribe, which answers with a snapshot.
 */
import pg from 'pg';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { incidents } from '../db/schema.js';
import { eventsSince } from '../events/repo.js';
import { MAX_REPLAY, type LiveEvent } from '../../shared/realtime.js';

export const EVENTS_CHANNEL = 'rc_events';

export interface EventListener {
  /** True while the LISTEN connection is up (reported by /api/health). */
  readonly listening: boolean;
  close(): Promise<void>;
}

export interface ListenOptions {
  /** How often to compare the log with what was delivered, whatever happened (ms). */
  sweepMs?: number;
}

export async function listenForEvents(
  url: string,
  db: Db,
  logger: Logger,
  deliver: (events: LiveEvent[]) => void,
  opts: ListenOptions = {},
): Promise<EventListener> {
  let client: pg.Client | null = null;
  let closed = false;
  let everConnected = false;
  let chain = Promise.resolve();
  let retryMs = 250;
  let retryTimer: NodeJS.Timeout | null = null;
  let sweepSoon: NodeJS.Timeout | null = null;
  /** Highest seq emitted to this process's sockets, per incident. */
  const delivered = new Map<string, number>();

  /** One job at a time, in arrival order: reads may take different times, emits must not overtake. */
  const enqueue = (job: () => Promise<void>) => {
    chain = chain.then(job).catch((err: unknown) => {
      logger.warn({ err }, 'could not deliver events; retrying shortly');
      scheduleSweep(1000);
    });
  };

  /** Emit the log's events after what was delivered, up to `to` (inclusive). */
  const deliverUpTo = async (incidentId: string, to: number, notified?: number) => {
    const from = delivered.get(incidentId) ?? (notified !== undefined ? notified - 1 : 0);
    if (to <= from) return;
    // Too far behind to push: send the notified range (or the last event), clients fill the rest by snapshot.
    const start = to - from > MAX_REPLAY ? (notified !== undefined && to - notified < MAX_REPLAY ? notified - 1 : to - 1) : from;
    const events = await eventsSince(db, incidentId, start, to - start);
    if (events.length) deliver(events);
    delivered.set(incidentId, Math.max(to, events.at(-1)?.seq ?? to));
  };

  /** Compare every incident's last seq with what was delivered; the first time, just take note. */
  const sweep = async (initial: boolean) => {
    const rows = await db.select({ id: incidents.id, lastSeq: incidents.lastSeq }).from(incidents);
    let failed = false;
    for (const r of rows) {
      if (initial && !delivered.has(r.id)) delivered.set(r.id, r.lastSeq);
      else {
        // One incident whose events cannot be delivered never holds up the others'.
        try {
          await deliverUpTo(r.id, r.lastSeq);
        } catch (err) {
          failed = true;
          logger.warn({ err, incidentId: r.id }, "could not deliver an incident's events; retrying shortly");
        }
      }
    }
    if (failed) scheduleSweep(1000);
  };

  function scheduleSweep(ms: number) {
    if (closed || sweepSoon) return;
    sweepSoon = setTimeout(() => {
      sweepSoon = null;
      enqueue(() => sweep(false));
    }, ms);
    sweepSoon.unref();
  }

  const onNotification = (msg: pg.Notification) => {
    const [incidentId, first, last] = (msg.payload ?? '').split(':');
    const from = Number(first);
    const to = Number(last);
    if (!incidentId || !Number.isInteger(from) || !Number.isInteger(to)) return;
    enqueue(() => deliverUpTo(incidentId, to, from));
  };

  const scheduleReconnect = () => {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, retryMs);
    retryMs = Math.min(retryMs * 2, 5000);
  };

  const connect = async (): Promise<void> => {
    if (closed) return;
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000, keepAlive: true });
    let dropped = false;
    const drop = (err?: unknown) => {
      if (dropped) return;
      dropped = true;
      if (client === c) {
        client = null;
        logger.warn({ err }, 'event listener lost its database connection; reconnecting');
      }
      c.removeListener('notification', onNotification);
      void c.end().catch(() => undefined);
      scheduleReconnect();
    };
    c.on('notification', onNotification);
    c.on('error', (err) => drop(err));
    c.on('end', () => drop());
    try {
      await c.connect();
      await c.query(`LISTEN ${EVENTS_CHANNEL}`);
    } catch (err) {
      if (!dropped) logger.warn({ err }, 'event listener could not connect; retrying');
      drop(err);
      return;
    }
    if (closed || dropped) {
      await c.end().catch(() => undefined);
      return;
    }
    client = c;
    retryMs = 250;
    const initial = !everConnected;
    everConnected = true;
    if (!initial) logger.info('event listener reconnected; delivering what was committed meanwhile');
    // Listening again: anything committed while we were away is in the log, not in a notification.
    enqueue(() => sweep(initial));
  };
  await connect();
  const sweepTimer = setInterval(() => enqueue(() => sweep(false)), opts.sweepMs ?? 10_000);
  sweepTimer.unref();

  return {
    get listening() {
      return client !== null;
    },
    async close() {
      closed = true;
      clearInterval(sweepTimer);
      if (retryTimer) clearTimeout(retryTimer);
      if (sweepSoon) clearTimeout(sweepSoon);
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
      await chain;
    },
  };
}
