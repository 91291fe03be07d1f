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
 *
 * A process's own changes need no read: their events were published on its bus after commit
 * (`ownEvents`), so a notification whose whole range is among them is delivered from memory, in
 * the notification's turn as ever (order and gaps are decided by seq, not by where the events came
 * from). Any seq missing there (another process's change, or the notification came before the
 * bus had them) is read from the log as before.
 */
import pg from 'pg';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { incidents } from '../db/schema.js';
import { eventsSince } from '../events/repo.js';
import type { EventBus, StoredEvent } from '../events/log.js';
import { MAX_REPLAY, type LiveEvent } from '../../shared/realtime.js';

export const EVENTS_CHANNEL = 'rc_events';

export interface EventListener {
  /** True while the LISTEN connection is up (reported by /api/health). */
  readonly listening: boolean;
  /** Deliveries so far: from this process's own published events, and read from the log. */
  readonly deliveries: { fromMemory: number; fromLog: number };
  close(): Promise<void>;
}

export interface ListenOptions {
  /** How often to compare the log with what was delivered, whatever happened (ms). */
  sweepMs?: number;
  /** This process's bus: events it published after commit are delivered without reading them back. */
  ownEvents?: { bus: EventBus; toLive: (e: StoredEvent) => LiveEvent };
}

/** Own events kept for their notification at most (a notification lost with the connection leaves them to the sweep). */
const MAX_OWN = 10_000;

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
  /** This process's committed events not delivered yet, per incident by seq. */
  const own = new Map<string, Map<number, LiveEvent>>();
  let ownCount = 0;
  const deliveries = { fromMemory: 0, fromLog: 0 };
  const onOwn = (list: StoredEvent[]) => {
    for (const e of list) {
      if (e.seq <= (delivered.get(e.incidentId) ?? 0)) continue;
      if (ownCount >= MAX_OWN) {
        own.clear();
        ownCount = 0;
      }
      let m = own.get(e.incidentId);
      if (!m) own.set(e.incidentId, (m = new Map()));
      if (!m.has(e.seq)) ownCount++;
      m.set(e.seq, opts.ownEvents!.toLive(e));
    }
  };
  opts.ownEvents?.bus.on('committed', onOwn);
  /** Events (from, to] if this process holds every one of them, else null. */
  const ownRange = (incidentId: string, from: number, to: number): LiveEvent[] | null => {
    const m = own.get(incidentId);
    if (!m) return null;
    const out: LiveEvent[] = [];
    for (let seq = from + 1; seq <= to; seq++) {
      const e = m.get(seq);
      if (!e) return null;
      out.push(e);
    }
    return out;
  };
  const forgetOwn = (incidentId: string, upTo: number) => {
    const m = own.get(incidentId);
    if (!m) return;
    for (const seq of m.keys()) {
      if (seq > upTo) continue;
      m.delete(seq);
      ownCount--;
    }
    if (!m.size) own.delete(incidentId);
  };

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
    const mine = ownRange(incidentId, start, to);
    const events = mine ?? (await eventsSince(db, incidentId, start, to - start));
    deliveries[mine ? 'fromMemory' : 'fromLog']++;
    if (events.length) deliver(events);
    delivered.set(incidentId, Math.max(to, events.at(-1)?.seq ?? to));
    forgetOwn(incidentId, delivered.get(incidentId)!);
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
    deliveries,
    async close() {
      closed = true;
      opts.ownEvents?.bus.off('committed', onOwn);
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
