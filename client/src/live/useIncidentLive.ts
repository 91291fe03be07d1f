/**
 * One incident, live: loads the summary, state and event log, then subscribes over Socket.IO with
 * the last seq applied. Every event batch is merged by seq (duplicates dropped, gaps refilled by
 * re-subscribing) and triggers one debounced refetch of the state and summary, so every
 * colleague's change shows within a second. Reconnects re-subscribe from the last seq.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { IncidentState, IncidentSummary } from '../../../shared/api.js';
import type { ClientToServerEvents, LiveEvent, PresenceEntry, ServerToClientEvents, SyncAck } from '../../../shared/realtime.js';
import { api } from '../api.js';
import { EMPTY_LOG, mergeEvents, type EventLog } from '../console/event-log.js';

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

const REFETCH_MS = 150;

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
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  /** The ledger is optional for the console: if it cannot be read, spend shows "—". */
  const refetchSpend = useCallback(async () => {
    try {
      const t = await api.ledgerSummary(incidentId);
      setSpend({ totalMinor: t.totalMinor, pendingMinor: t.pendingMinor, currency: t.currency });
    } catch {
      setSpend(null);
    }
  }, [incidentId]);

  const refetch = useCallback(async () => {
    void refetchSpend();
    try {
      const [s, st] = await Promise.all([api.summary(incidentId), api.state(incidentId)]);
      setSummary(s);
      setState(st);
    } catch (err) {
      onAuthError(err);
    }
  }, [incidentId, onAuthError, refetchSpend]);

  const scheduleRefetch = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void refetch(), REFETCH_MS);
  }, [refetch]);

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
      logRef.current = EMPTY_LOG;
      apply(events);
      setSummary(s);
      setState(st);
      setStatus('ready');
      void refetchSpend();
    } catch (err) {
      onAuthError(err);
      setError(err);
      setStatus('error');
    }
  }, [incidentId, onAuthError, apply, refetchSpend]);

  useEffect(() => {
    void load();
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [load]);

  useEffect(() => {
    if (status !== 'ready') return;
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ withCredentials: true });
    socketRef.current = socket;
    let wasLost = false;
    const subscribe = () => {
      socket.emit('subscribe', { incidentId, sinceSeq: logRef.current.lastSeq }, (ack: SyncAck) => {
        if (!ack.ok) return;
        if (ack.snapshot) {
          void loadEvents(incidentId, logRef.current.lastSeq).then((ev) => apply(ev));
        } else if (apply(ack.events)) subscribe();
        scheduleRefetch();
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
      if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 1000);
    });
    socket.on('events', (batch) => {
      setReceived((n) => n + batch.length);
      if (apply(batch)) subscribe();
      scheduleRefetch();
    });
    socket.on('presence.changed', (id, entries) => {
      if (id === incidentId) setPresence(entries);
    });
    return () => {
      socket.removeAllListeners();
      socket.disconnect();
      socketRef.current = null;
    };
  }, [status, incidentId, apply, scheduleRefetch]);

  const setViewing = useCallback((viewing: string | null) => {
    viewingRef.current = viewing;
    socketRef.current?.emit('presence.update', { viewing });
  }, []);

  return { status, error, summary, state, log, presence, connection, received, spend, reload: load, setViewing };
}
