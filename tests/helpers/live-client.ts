/**
 * A duty manager's live connection as the console keeps it (client/src/live/useIncidentLive.ts),
 * without a browser: subscribes with the last seq applied, merges pushed batches by seq (counting
 * duplicates instead of applying them), re-subscribes on a gap or reconnect, asks again when the
 * server cannot answer (database away), and falls back to reading the log over HTTP when the
 * server answers "snapshot". For fault tests and the soak benchmark.
 */
import type { LiveEvent, SyncAck } from '../../shared/realtime.js';
import { connect, type ClientSocket } from './socket.js';

export interface LiveClient {
  socket: ClientSocket;
  /** Highest seq applied with nothing missing before it (from the seq the client started at). */
  readonly lastSeq: number;
  /** Every event applied, in seq order, each once. */
  readonly events: readonly LiveEvent[];
  /** Events pushed again after they had been applied (dropped, as the console drops them). */
  readonly duplicates: number;
  /** Events received by push (not by catch-up). */
  readonly pushed: number;
  /** The distinct seqs that arrived by push: the log's range minus these were filled by catch-up. */
  readonly pushedSeqs: ReadonlySet<number>;
  readonly stats: { reconnects: number; resubscribes: number; refusedSubscribes: number; snapshots: number; connectErrors: number };
  /** Resolves once every seq up to `seq` has been applied. */
  waitFor(seq: number, timeoutMs?: number): Promise<void>;
  close(): void;
}

export interface LiveClientOptions {
  url: string;
  cookie: string;
  incidentId: string;
  /** Start from this seq (0: "from now", as the console does after loading the log). */
  sinceSeq?: number;
}

export async function openLiveClient(opts: LiveClientOptions): Promise<LiveClient> {
  const socket = connect(opts.url, { cookie: opts.cookie, reconnection: true });
  const applied = new Map<number, LiveEvent>();
  const ordered: LiveEvent[] = [];
  let lastSeq = opts.sinceSeq ?? 0;
  let started = lastSeq > 0;
  let duplicates = 0;
  let pushed = 0;
  const pushedSeqs = new Set<number>();
  let closed = false;
  const stats = { reconnects: 0, resubscribes: 0, refusedSubscribes: 0, snapshots: 0, connectErrors: 0 };
  const waiters = new Set<() => void>();
  let subscribing = false;
  let again = false;
  let onFirstAck: () => void = () => undefined;
  const firstAck = new Promise<void>((resolve) => (onFirstAck = resolve));

  const advance = () => {
    while (applied.has(lastSeq + 1)) {
      lastSeq++;
      ordered.push(applied.get(lastSeq)!);
    }
    for (const w of [...waiters]) w();
  };
  /** Apply a batch; true when it left a gap (something before it is missing). */
  const apply = (list: readonly LiveEvent[]): boolean => {
    let gap = false;
    for (const e of list) {
      if (e.incidentId !== opts.incidentId) continue;
      if (e.seq <= lastSeq || applied.has(e.seq)) {
        duplicates++;
        continue;
      }
      applied.set(e.seq, e);
    }
    advance();
    for (const seq of applied.keys()) if (seq > lastSeq) gap = true;
    return gap;
  };

  const fetchLog = async (after: number): Promise<LiveEvent[]> => {
    const out: LiveEvent[] = [];
    for (let from = after; ;) {
      const res = await fetch(`${opts.url}/api/incidents/${opts.incidentId}/events?after=${from}&limit=5000`, { headers: { cookie: opts.cookie } });
      if (!res.ok) throw new Error(`events ${res.status}`);
      const { events } = (await res.json()) as { events: LiveEvent[] };
      out.push(...events);
      if (events.length < 5000) return out;
      from = events.at(-1)!.seq;
    }
  };

  const subscribe = () => {
    if (closed) return;
    if (subscribing) {
      again = true;
      return;
    }
    subscribing = true;
    socket.emit('subscribe', { incidentId: opts.incidentId, sinceSeq: lastSeq }, (ack: SyncAck) => {
      void (async () => {
        try {
          if (!ack.ok) {
            stats.refusedSubscribes++;
            setTimeout(subscribe, 300);
            return;
          }
          if (!started) {
            started = true;
            lastSeq = ack.lastSeq;
            for (const seq of [...applied.keys()]) if (seq <= lastSeq) applied.delete(seq);
            advance();
          } else if (ack.snapshot) {
            stats.snapshots++;
            for (;;) {
              try {
                apply(await fetchLog(lastSeq));
                break;
              } catch {
                await new Promise((r) => setTimeout(r, 300));
              }
            }
          } else if (apply(ack.events)) again = true;
          onFirstAck();
        } finally {
          subscribing = false;
          if (again) {
            again = false;
            stats.resubscribes++;
            subscribe();
          }
        }
      })();
    });
  };

  socket.on('events', (list) => {
    pushed += list.length;
    for (const e of list) if (e.incidentId === opts.incidentId) pushedSeqs.add(e.seq);
    if (apply(list)) {
      stats.resubscribes++;
      subscribe();
    }
  });
  socket.on('connect', () => subscribe());
  socket.io.on('reconnect', () => stats.reconnects++);
  // A handshake refused by the server (its database was away) is not retried by socket.io itself.
  socket.on('connect_error', () => {
    stats.connectErrors++;
    if (!socket.active && !closed) setTimeout(() => socket.connect(), 500);
  });

  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    firstAck,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('live client did not subscribe within 15 s')), 15_000))),
  ]).finally(() => clearTimeout(timer));

  return {
    socket,
    get lastSeq() {
      return lastSeq;
    },
    get events() {
      return ordered;
    },
    get duplicates() {
      return duplicates;
    },
    get pushed() {
      return pushed;
    },
    pushedSeqs,
    stats,
    waitFor(seq, timeoutMs = 20_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`live client reached seq ${lastSeq}, not ${seq}, within ${timeoutMs} ms (connected: ${socket.connected})`));
        }, timeoutMs);
        const check = () => {
          if (lastSeq >= seq) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
          }
        };
        waiters.add(check);
        check();
      });
    },
    close() {
      closed = true;
      socket.removeAllListeners();
      socket.disconnect();
    },
  };
}
