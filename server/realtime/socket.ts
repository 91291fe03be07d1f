/**
 * Socket.IO, put together from small parts: the handshake (origin, session cookie, sessions
 * re-checked: handshake.ts), rooms chosen by the server with catch-up at subscribe (subscribe.ts),
 * committed events pushed after commit (delivery.ts), presence (presence.ts) and vehicle positions
 * (positions.ts) sent as volatile messages from the event bus's volatile channel. Services never
 * import this layer: they publish on the bus (events/bus.ts).
 */
import type http from 'node:http';
import { Server } from 'socket.io';
import type { Logger } from 'pino';
import type { AuthService } from '../auth/service.js';
import type { Database } from '../db/client.js';
import type { EventBus } from '../events/log.js';
import type { ClientToServerEvents, SyncAck } from '../../shared/realtime.js';
import { RateLimiter } from '../http/rate-limit.js';
import { authenticateSockets, originCheck, type SocketCaps } from './handshake.js';
import { deliverCommitted } from './delivery.js';
import { handleSubscribe, joinOwnRooms } from './subscribe.js';
import { startPresence } from './presence.js';
import { startPositions } from './positions.js';
import { rejectOn, type AppSocket, type IO } from './types.js';

export { toLive } from './delivery.js';

export interface RealtimeOptions {
  httpServer: http.Server;
  auth: AuthService;
  bus: EventBus;
  database: Database;
  logger: Logger;
  allowedOrigins: string[];
  /** Whether a Host header names this server (server/http/host-check.ts); any when absent. */
  hostAllowed?: (host: string | undefined) => boolean;
  /** How often open sockets' sessions are re-checked (a signed-out, expired or changed user is disconnected). */
  sessionCheckMs?: number;
  /** Open sockets one session and one user may hold on this process (handshake.ts). */
  socketsPer?: SocketCaps;
  /** Requests that read the database, per user per minute on this process (SOCKET_SUBSCRIBES_PER_MIN, SOCKET_POSITIONS_PER_MIN). */
  requestsPerMin?: RequestBudgets;
}

/** The socket requests that read the database, each with its own count per user. */
export type RequestBudgets = Record<'subscribe' | 'vehicle.position', number>;
export const DEFAULT_REQUEST_BUDGETS: RequestBudgets = { subscribe: 60, 'vehicle.position': 600 };

export interface Realtime {
  io: IO;
  /**
   * Send now what is batched or coalesced (positions, presence), once the checks in flight have
   * answered and the broadcasts have reached this process's sockets. Anything the server was going
   * to send a socket before this call is then ahead, on that connection, of whatever is sent after
   * it (tests use it to prove that something forbidden did not arrive).
   */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** The client->server events this layer handles; anything else is answered `request.rejected`. */
const HANDLED = new Set<string>(['subscribe', 'presence.update', 'vehicle.position'] satisfies (keyof ClientToServerEvents)[]);

export async function attachRealtime(opts: RealtimeOptions): Promise<Realtime> {
  const { auth, bus, database, logger } = opts;
  const io: IO = new Server(opts.httpServer, {
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    allowRequest: originCheck(opts.allowedOrigins, opts.hostAllowed),
  });
  const adapter = await attachAdapter(io, database, logger);
  const sessions = authenticateSockets(io, auth, bus, logger, opts.sessionCheckMs ?? 30_000, opts.socketsPer);
  const presence = startPresence(io, bus, logger);
  const positions = startPositions(io, bus, database, logger);
  // Counted per user (not per socket: a user may hold dozens), before the work, like the HTTP limits.
  const budgets = new Map(
    Object.entries(opts.requestsPerMin ?? DEFAULT_REQUEST_BUDGETS).map(([event, perMin]) => [event, new RateLimiter(perMin, 60_000)] as const),
  );

  io.on('connection', (socket: AppSocket) => {
    const reject = rejectOn(socket);
    // A subscribe is answered with up to MAX_REPLAY events; unbounded, a client sending them and
    // not reading the answers made the server buffer hundreds of KB per message of a few dozen bytes.
    socket.use(([event, ...args], next) => {
      const wait = budgets.get(event)?.take(socket.data.user.id) ?? 0;
      if (wait === 0) return next();
      const message = `too many ${event} requests: try again in ${Math.ceil(wait / 1000)} s`;
      const ack = args.at(-1);
      if (event === 'subscribe' && typeof ack === 'function') (ack as (res: SyncAck) => void)({ ok: false, error: message });
      else reject(event, message);
    });
    joinOwnRooms(socket);
    // The handshake read the session before this socket could be reached: a sign-out landing in
    // between disconnected nothing (Socket.IO ignores a disconnect of a socket still being let in),
    // and reception's socket is in its hotel's room from here on. Read the session once more now
    // that the socket is connected: a sign-out committed before this read is seen by it, one after
    // it reaches the connected socket through its rooms (handshake.ts).
    sessions.stillSignedIn(socket).catch((err: unknown) => logger.warn({ err }, 'socket session check after connect failed; the periodic check follows'));
    handleSubscribe(socket, reject, { database, logger, sessions, followersChanged: (incidentId) => bus.publishVolatile({ kind: 'presence', incidentId }) });
    presence.handle(socket, reject);
    positions.handle(socket, reject);
    socket.onAny((event: unknown) => {
      if (typeof event !== 'string' || !HANDLED.has(event)) reject(String(event), 'unknown event');
    });
  });

  const delivery = await deliverCommitted(io, bus, database, logger);

  return {
    io,
    async flush() {
      await positions.flush();
      await presence.flush();
      await adapter.sent();
    },
    async close() {
      await delivery.close();
      sessions.close();
      positions.close();
      presence.close();
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await adapter.close();
    },
  };
}

/**
 * PostgreSQL: the socket adapter carries room broadcasts (presence, positions) to the other
 * processes. A broadcast reaches this process's own sockets only once it has been published, so
 * the broadcasts still being published are kept (for `flush`).
 */
async function attachAdapter(io: IO, database: Database, logger: Logger): Promise<{ sent(): Promise<void>; close(): Promise<void> }> {
  if (database.kind !== 'postgres' || !database.url) return { sent: async () => {}, close: async () => {} };
  const [{ default: pg }, { createAdapter }] = await Promise.all([import('pg'), import('@socket.io/postgres-adapter')]);
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  pool.on('error', (err) => logger.warn({ err }, 'socket adapter pool error'));
  // The adapter keeps one client checked out for LISTEN and attaches no 'error' listener to it; a
  // database restart would then throw from that client and take the whole process down.
  pool.on('connect', (client) => client.on('error', (err) => logger.warn({ err }, 'socket adapter connection lost; it reconnects by itself')));
  const make = createAdapter(pool, { heartbeatInterval: 2000, heartbeatTimeout: 6000 });
  const publishing = new Set<Promise<unknown>>();
  io.adapter(function trackedAdapter(this: unknown, nsp: Parameters<typeof make>[0]) {
    const a = make(nsp);
    const broadcast = a.broadcast.bind(a);
    a.broadcast = (packet, broadcastOpts) => {
      const done = broadcast(packet, broadcastOpts);
      publishing.add(done);
      const forget = () => void publishing.delete(done);
      done.then(forget, forget);
      return done;
    };
    return a;
  } as unknown as Parameters<IO['adapter']>[0]);
  return {
    sent: async () => {
      await Promise.allSettled([...publishing]);
    },
    close: () => Promise.race([pool.end(), new Promise<void>((resolve) => setTimeout(resolve, 1000).unref())]),
  };
}
