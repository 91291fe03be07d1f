/**
 * One incident, live: loads the summary, state and event log, then subscribes over Socket.IO with
 * the last seq applied. Every event batch is merged by seq (duplicates dropped, gaps refilled by
 * re-subscribing) and triggers a read of the summary and of what the batch changed in the state
 * (the households it names, or the whole state: console/state-part.ts), soon and never closer
 * together than the last read took (./reread-timer.ts), so every colleague's change shows within a
 * second, however fast they come. Reconnects re-subscribe from the last seq and read the
 * whole state again.
 *
 * Nothing waits for the user to reload: a subscribe the server cannot answer (its database is
 * restarting), a snapshot read or refetch that fails (the network is flaky just after coming
 * back), and a handshake the server refused are all tried again by themselves, with backoff.
 */
import { startTransition, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { IncidentState, IncidentSummary } from '../../../shared/api.js';
import type { ClientToServerEvents, LiveEvent, PresenceEntry, ServerToClientEvents, SyncAck } from '../../../shared/realtime.js';
import { api, ApiError } from '../api.js';
import { EMPTY_LOG, mergeEvents, type EventLog } from '../console/event-log.js';
import { addToAsk, askNothing, askWhole, layOver, mergeAsk, partQuery, type StateAsk } from '../console/state-part.js';
import { AtMostEvery, POSITIONS_REREAD_MS, RereadTimer, RETRY_MS } from './reread-timer.js';

export type Connection = 'connecting' | 'online' | 'lost' | 'caught-up';

export interface IncidentLive {
  status: 'loading' | 'error' | 'ready';
  error: unknown;
  summary: IncidentSummary | null;
  state: IncidentState | null;
  log: EventLog;
  presence: PresenceEntry[];
  connection: Connection;
  /** Spend so far from the ledger (minor units), or null while unknown. */
  spend: { totalMinor: number; pendingMinor: number; currency: string } | null;
  /** Events received live since the page opened (for "N new" hints). */
  received: number;
  reload(): Promise<void>;
  setViewing(viewing: string | null): void;
}

/** Signed out or not allowed: retrying will not help (the page asks to sign in again). */
const isAuthError = (err: unknown) => err instanceof ApiError && (err.status === 401 || err.status === 403);

async function loadEvents(incidentId: string, after: number): Promise<LiveEvent[]> {
  const out: LiveEvent[] = [];
  let from = after;
  for (;;) {
    const { events } = await api.events(incidentId, from, 5000);
    out.push(...events);
    if (events.length < 5000) return out;
    from = events[events.length - 1]!.seq;
  }
}

export function useIncidentLive(incidentId: string, onAuthError: (err: unknown) => void): IncidentLive {
  const [status, setStatus] = useState<IncidentLive['status']>('loading');
  const [error, setError] = useState<unknown>(null);
  const [summary, setSummary] = useState<IncidentSummary | null>(null);
  const [state, setState] = useState<IncidentState | null>(null);
  const [log, setLog] = useState<EventLog>(EMPTY_LOG);
  const [presence, setPresence] = useState<PresenceEntry[]>([]);
  const [connection, setConnection] = useState<Connection>('connecting');
  const [received, setReceived] = useState(0);
  const [spend, setSpend] = useState<IncidentLive['spend']>(null);
  const logRef = useRef<EventLog>(EMPTY_LOG);
  const socketRef = useRef<Socket<ServerToClientEvents, ClientToServerEvents> | null>(null);
  const viewingRef = useRef<string | null>(null);
  const onAuthErrorRef = useRef(onAuthError);
  onAuthErrorRef.current = onAuthError;

  /** The ledger is optional for the console: if it cannot be read, spend shows "—". */
  const rereadSpend = useCallback(async () => {
    try {
      const t = await api.ledgerSummary(incidentId);
      setSpend({ totalMinor: t.totalMinor, pendingMinor: t.pendingMinor, currency: t.currency });
    } catch {
      setSpend(null);
    }
  }, [incidentId]);

  /** What the next reread has to read, gathered from the event batches since the last one. */
  const asked = useRef<StateAsk>(askNothing());
  const stateRef = useRef<IncidentState | null>(null);
  stateRef.current = state;

  /**
   * Read again what the events since the last read changed: the summary, and the whole state or
   * only its changed part (console/state-part.ts). The timer runs one read at a time, so an older
   * answer never lands after a newer one; asks made meanwhile are read by the next. A read that
   * was not answered keeps its ask for the next, and is tried again unless the session has ended.
   */
  const rereadTimer = useMemo(
    () =>
      new RereadTimer(async (): Promise<boolean> => {
        const ask = asked.current;
        asked.current = askNothing();
        void rereadSpend();
        try {
          const [s, st] = await Promise.all([
            api.summary(incidentId),
            ask.whole ? api.state(incidentId) : ask.any ? api.statePart(incidentId, partQuery(ask)) : Promise.resolve(null),
          ]);
          setSummary(s);
          if (ask.whole) setState(st as IncidentState);
          else if (st) setState((held) => (held ? layOver(held, st) : held));
          return true;
        } catch (err) {
          onAuthError(err);
          mergeAsk(asked.current, ask);
          return isAuthError(err);
        }
      }),
    [incidentId, onAuthError, rereadSpend],
  );
  useEffect(() => () => rereadTimer.stop(), [rereadTimer]);

  /** Read again soon what `events` changed (the whole state when none are given: a reconnect). */
  const scheduleReread = useCallback(
    (events?: readonly LiveEvent[]) => {
      if (events) addToAsk(asked.current, events, stateRef.current);
      else mergeAsk(asked.current, askWhole());
      rereadTimer.soon();
    },
    [rereadTimer],
  );

  const apply = useCallback((batch: readonly LiveEvent[]): boolean => {
    const r = mergeEvents(logRef.current, batch);
    if (r.added.length === 0) return false;
    logRef.current = r.log;
    setLog(r.log);
    return r.gap;
  }, []);

  const load = useCallback(async () => {
    setStatus('loading');
    try {
      const [s, st, events] = await Promise.all([api.summary(incidentId), api.state(incidentId), loadEvents(incidentId, 0)]);
      // The first drawing of a large incident is rendered as a transition: React works on it in
      // slices and the page keeps painting (one task of 60+ ms at 10,000 guests otherwise).
      startTransition(() => {
        logRef.current = EMPTY_LOG;
        apply(events);
        setSummary(s);
        setState(st);
        setStatus('ready');
      });
      void rereadSpend();
    } catch (err) {
      onAuthError(err);
      setError(err);
      setStatus('error');
    }
  }, [incidentId, onAuthError, apply, rereadSpend]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    if (status !== 'ready') return;
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ withCredentials: true });
    socketRef.current = socket;
    let wasLost = false;
    let failures = 0;
    let retryTimer: ReturnType<typeof setTimeout> | null = null;
    /** Run `fn` after a backoff that grows with consecutive failures (reset by a good subscribe). */
    const later = (fn: () => void) => {
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = setTimeout(
        () => {
          retryTimer = null;
          fn();
        },
        RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)],
      );
    };
    /** Whether a subscribe was answered since the page's own read (later ones are reconnects). */
    let subscribed = false;
    const subscribe = () => {
      socket.emit('subscribe', { incidentId, sinceSeq: logRef.current.lastSeq }, (ack: SyncAck) => {
        // Refused or unanswerable (the server's database is away): ask again; live events that
        // arrive meanwhile are merged, and the retry fills whatever is missing before them.
        if (!ack.ok) return later(subscribe);
        if (ack.snapshot) {
          // Too far behind for a replay (a long absence): read the log over HTTP, then re-check.
          loadEvents(incidentId, logRef.current.lastSeq).then(
            (ev) => {
              failures = 0;
              if (apply(ev)) subscribe();
            },
            () => later(subscribe),
          );
        } else {
          failures = 0;
          if (apply(ack.events)) subscribe();
        }
        // The first answer after the page's own read: the state it read is current up to its seq,
        // so only what changed after that is read again (at 10,000 guests the whole state is
        // 2.9 MB and a 150 ms parse). A reconnect reads the whole state again.
        const held = stateRef.current;
        if (!subscribed && !ack.snapshot && held) scheduleReread(logRef.current.events.filter((e) => e.seq > held.seq));
        else scheduleReread();
        subscribed = true;
        if (wasLost) {
          wasLost = false;
          setConnection('caught-up');
          setTimeout(() => setConnection((c) => (c === 'caught-up' ? 'online' : c)), 5000);
        } else setConnection('online');
        socket.emit('presence.update', { viewing: viewingRef.current });
      });
    };
    socket.on('connect', subscribe);
    socket.on('disconnect', (reason) => {
      wasLost = true;
      setConnection('lost');
      // The client retries by itself except when the server closed the socket (restart, deploy): retry then too.
      if (reason === 'io server disconnect') later(() => socket.connect());
    });
    socket.on('connect_error', (err) => {
      if (socket.active) return; // a network failure: socket.io retries by itself
      // Refused by the server: signed out (sign in again), or it could not read the session while
      // its database restarted (socket.io does not retry that itself: retry here).
      if (err.message.startsWith('unauthenticated')) onAuthErrorRef.current(new ApiError(401, 'unauthenticated', 'Please sign in again.'));
      else later(() => socket.connect());
    });
    socket.on('events', (batch) => {
      setReceived((n) => n + batch.length);
      if (apply(batch)) subscribe();
      scheduleReread(batch);
    });
    // Positions are not events: the vehicles and the live projection they move, read at most twice a minute.
    const positions = new AtMostEvery(POSITIONS_REREAD_MS, () => {
      mergeAsk(asked.current, { ...askNothing(), any: true });
      rereadTimer.soon();
    });
    socket.on('vehicles.moved', (id) => {
      if (id === incidentId) positions.signal();
    });
    socket.on('presence.changed', (id, entries) => {
      if (id === incidentId) setPresence(entries);
    });
    return () => {
      if (retryTimer) clearTimeout(retryTimer);
      positions.stop();
      socket.removeAllListeners();
      socket.disconnect();
      socketRef.current = null;
    };
  }, [status, incidentId, apply, scheduleReread, rereadTimer]);

  const setViewing = useCallback((viewing: string | null) => {
    viewingRef.current = viewing;
    socketRef.current?.emit('presence.update', { viewing });
  }, []);

  return { status, error, summary, state, log, presence, connection, received, spend, reload: load, setViewing };
}
