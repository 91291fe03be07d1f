/** Real socket.io-client connections as a given user, plus small waiting helpers (no sleeps). */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, LiveEvent, ServerToClientEvents, SyncAck } from '../../shared/realtime.js';
import { DEMO_PASSWORD } from './server.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export async function loginCookie(url: string, email: string, password = DEMO_PASSWORD): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (!res.ok) throw new Error(`login ${email}: ${res.status}`);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
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

export function subscribe(s: ClientSocket, incidentId: string, sinceSeq = 0): Promise<SyncAck> {
  return new Promise((resolve) => s.emit('subscribe', { incidentId, sinceSeq }, resolve));
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
