/** Real socket.io-client connections as a given user, plus small waiting helpers (no sleeps). */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, LiveEvent, ServerToClientEvents, SyncAck } from '../../shared/realtime.js';
import { DEMO_PASSWORD } from './server.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export async function loginCookie(url: string, email: string, password = DEMO_PASSWORD): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`login ${email}: ${res.status}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

export function connect(url: string, opts: { cookie?: string; origin?: string; reconnection?: boolean } = {}): ClientSocket {
  const headers: Record<string, string> = {};
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.origin) headers.origin = opts.origin;
  return io(url, { transports: ['websocket'], extraHeaders: headers, reconnection: opts.reconnection ?? false, forceNew: true });
}

export function connected(s: ClientSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (s.connected) return resolve();
    s.once('connect', () => resolve());
    s.once('connect_error', (e) => reject(e));
  });
}

/**
 * An acknowledged round trip: resolves once the server has handled everything this socket sent
 * before, and, as the server sends on a connection in order, once everything it had already sent
 * this socket has arrived. (A subscribe it refuses at once: the acknowledgement is the marker.)
 */
export function roundTrip(s: ClientSocket, timeoutMs = 5000): Promise<SyncAck> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer to a round trip: the server stopped answering this socket')), timeoutMs);
    (s as unknown as { emit(e: string, p: unknown, ack: (r: SyncAck) => void): void }).emit('subscribe', { incidentId: 'round-trip', sinceSeq: 0 }, (ack) => {
      clearTimeout(timer);
      resolve(ack);
    });
  });
}

/**
 * The flush hook for proving that something did NOT arrive, without waiting for a while: the
 * server sends now whatever it had batched, coalesced or was still checking (`realtime.flush`),
 * then every socket completes a round trip, whose acknowledgement the server sends after all that
 * on the same connection. Once this resolves, a message the server ever meant to send these sockets
 * for what happened before the call has arrived: one that is not there was never sent.
 */
export async function drained(server: { realtime: { flush(): Promise<void> } }, ...sockets: ClientSocket[]): Promise<void> {
  await server.realtime.flush();
  await Promise.all(sockets.map((s) => roundTrip(s)));
}

export function subscribe(s: ClientSocket, incidentId: string, sinceSeq = 0): Promise<SyncAck> {
  return new Promise((resolve) => s.emit('subscribe', { incidentId, sinceSeq }, resolve));
}

/** A socket signed in with `cookie`, connected and subscribed to the incident: a colleague's console. */
export async function watching(url: string, cookie: string, incidentId: string): Promise<ClientSocket> {
  const s = connect(url, { cookie });
  await connected(s);
  await subscribe(s, incidentId);
  return s;
}

/** Collects every live event a socket receives, in arrival order. */
export function collect(s: ClientSocket): { events: LiveEvent[]; until(n: number, timeoutMs?: number): Promise<LiveEvent[]> } {
  const events: LiveEvent[] = [];
  const waiters: (() => void)[] = [];
  s.on('events', (list) => {
    events.push(...list);
    waiters.splice(0).forEach((w) => w());
  });
  return {
    events,
    until(n, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${events.length} of ${n} events arrived`)), timeoutMs);
        const check = () => {
          if (events.length >= n) {
            clearTimeout(timer);
            resolve(events);
          } else waiters.push(check);
        };
        check();
      });
    },
  };
}
