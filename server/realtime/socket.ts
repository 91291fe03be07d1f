/**
 * Socket.IO, authenticated at the handshake with the session cookie and refusing foreign origins.
 * The server chooses every room: duty managers and admins join an incident they may see, reception
 * joins its own hotel's room, insurers get nothing live. Committed events are pushed after commit;
 * a client that missed some asks `subscribe` with its last seq and gets exactly the gap, in order.
 */
import type http from 'node:http';
import type { z } from 'zod';
import { Server, type Socket } from 'socket.io';
import type { Logger } from 'pino';
import type { AuthService } from '../auth/service.js';
import { readCookie, SESSION_COOKIE } from '../auth/service.js';
import type { SessionUser } from '../auth/types.js';
import type { Database } from '../db/client.js';
import type { EventBus, StoredEvent } from '../events/log.js';
import { eventsSince, lastSeq } from '../events/repo.js';
import { findVehicle } from '../drivers/repo.js';
import { listenForEvents } from './notify.js';
import { setHealthProbe } from '../health/probes.js';
import { canSeeIncident } from '../incidents/scope.js';
import { describeFieldErrors, zodFieldErrors } from '../../shared/errors.js';
import {
  MAX_REPLAY,
  presenceUpdateSchema,
  rooms,
  subscribeSchema,
  vehiclePositionSchema,
  type ClientToServerEvents,
  type LiveEvent,
  type PresenceEntry,
  type ServerToClientEvents,
  type SyncAck,
  type VehiclePosition,
} from '../../shared/realtime.js';

interface SocketData {
  user: SessionUser;
  incidentId: string | null;
  viewing: string | null;
}
type IO = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface RealtimeOptions {
  httpServer: http.Server;
  auth: AuthService;
  bus: EventBus;
  database: Database;
  logger: Logger;
  allowedOrigins: string[];
  /** How often open sockets' sessions are re-checked (a signed-out, expired or changed user is disconnected). */
  sessionCheckMs?: number;
}

/** `incidentId: expected an incident id; sinceSeq: ...`: what is wrong, field by field (capped). */
const fieldErrors = (error: z.ZodError) => describeFieldErrors(zodFieldErrors(error).slice(0, 5)).slice(0, 500) || 'malformed request';

/** Only admins and duty managers follow an incident live (subscribe, presence, positions). */
const isManager = (user: SessionUser) => user.role === 'admin' || user.role === 'duty_manager';

/** The client->server events this layer handles; anything else is answered `request.rejected`. */
const HANDLED = new Set<string>(['subscribe', 'presence.update', 'vehicle.position'] satisfies (keyof ClientToServerEvents)[]);

/** Each running realtime layer's position batcher, found by the app's event bus (HTTP routes hold the bus). */
const positionSinks = new WeakMap<EventBus, (incidentId: string, p: VehiclePosition) => void>();

/**
 * Push a vehicle position from outside a socket (a driver's phone over HTTP): it joins the same
 * batched, volatile 'vehicles.moved' stream. A no-op when no realtime layer is attached to `bus`.
 */
export function pushVehiclePosition(bus: EventBus, incidentId: string, p: VehiclePosition): void {
  positionSinks.get(bus)?.(incidentId, p);
}

export function toLive(e: StoredEvent): LiveEvent {
  return { incidentId: e.incidentId, seq: e.seq, at: e.at, type: e.type, actor: e.actor, payload: e.payload };
}

export async function attachRealtime(opts: RealtimeOptions): Promise<{ io: IO; close(): Promise<void> }> {
  const { auth, bus, database, logger } = opts;
  const io: IO = new Server(opts.httpServer, {
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    allowRequest: (req, cb) => {
      const origin = req.headers.origin;
      const own = req.headers.host ? [`http://${req.headers.host}`, `https://${req.headers.host}`] : [];
      cb(null, !origin || own.includes(origin) || opts.allowedOrigins.includes(origin));
    },
  });
  let closeAdapter = async () => {};
  if (database.kind === 'postgres' && database.url) {
    const [{ default: pg }, { createAdapter }] = await Promise.all([import('pg'), import('@socket.io/postgres-adapter')]);
    const pool = new pg.Pool({ connectionString: database.url, max: 4 });
    pool.on('error', (err) => logger.warn({ err }, 'socket adapter pool error'));
    // The adapter keeps one client checked out for LISTEN and attaches no 'error' listener to it; a
    // database restart would then throw from that client and take the whole process down.
    pool.on('connect', (client) => client.on('error', (err) => logger.warn({ err }, 'socket adapter connection lost; it reconnects by itself')));
    io.adapter(createAdapter(pool, { heartbeatInterval: 2000, heartbeatTimeout: 6000 }));
    closeAdapter = () => Promise.race([pool.end(), new Promise<void>((resolve) => setTimeout(resolve, 1000).unref())]);
  }

  /** Each local socket's session token (kept here, not in socket.data, which the adapter shares between processes). */
  const tokens = new Map<string, string>();

  io.use(async (socket, next) => {
    try {
      const token = readCookie(socket.handshake.headers.cookie, SESSION_COOKIE);
      const user = await auth.authenticate(token);
      if (!user || !token) return next(new Error('unauthenticated: please sign in'));
      socket.data = { user, incidentId: null, viewing: null };
      tokens.set(socket.id, token);
      next();
    } catch (err) {
      logger.error({ err }, 'socket auth failed');
      next(new Error('unavailable'));
    }
  });

  /**
   * Is the socket's session still live, for the same user with the same scope? If not, the socket
   * is disconnected (the client signs in again and reconnects with its new scope). Throws when the
   * database does not answer: that says nothing about the session.
   */
  async function stillSignedIn(socket: AppSocket): Promise<boolean> {
    const now = await auth.authenticate(tokens.get(socket.id));
    const was = socket.data.user;
    const same = now && now.id === was.id && now.role === was.role && now.incidentId === was.incidentId && now.hotelId === was.hotelId && [...now.incidentIds].sort().join() === [...was.incidentIds].sort().join();
    if (!same) socket.disconnect(true);
    return Boolean(same);
  }

  io.on('connection', (socket: AppSocket) => {
    const { user } = socket.data;
    if (user.role === 'reception' && user.incidentId && user.hotelId) void socket.join(rooms.hotel(user.incidentId, user.hotelId));
    const reject = (event: string, message: string) => socket.emit('request.rejected', { event, message });

    socket.on('subscribe', async (raw, ack) => {
      if (typeof ack !== 'function') return reject('subscribe', 'subscribe needs an acknowledgement callback');
      const parsed = subscribeSchema.safeParse(raw);
      if (!parsed.success) return ack({ ok: false, error: fieldErrors(parsed.error) });
      const { incidentId, sinceSeq } = parsed.data;
      if (!isManager(user) || !canSeeIncident(user, incidentId)) return ack({ ok: false, error: 'No such incident.' });
      try {
        // A signed-out session may not start following an incident; an unknown incident is "not found" for admins too.
        if (!(await stillSignedIn(socket))) return ack({ ok: false, error: 'unauthenticated: please sign in' });
        if ((await lastSeq(database.db, incidentId)) === undefined) return ack({ ok: false, error: 'No such incident.' });
      } catch (err) {
        logger.warn({ err }, 'subscribe checks failed; the catch-up below answers "unavailable"');
      }
      if (socket.data.incidentId && socket.data.incidentId !== incidentId) await leaveIncident(socket);
      await socket.join(rooms.incident(incidentId));
      socket.data.incidentId = incidentId;
      try {
        ack(await catchUp(incidentId, sinceSeq));
      } catch (err) {
        // The database is away (restart, failover): say so; the client asks again shortly. Live
        // events keep arriving in the room meanwhile, and the retry fills whatever it missed.
        logger.warn({ err }, 'catch-up failed');
        ack({ ok: false, error: 'unavailable: the database is not answering; try again shortly' });
      }
      void broadcastPresence(incidentId);
    });

    socket.on('presence.update', (raw) => {
      if (!isManager(user)) return reject('presence.update', 'not allowed');
      const parsed = presenceUpdateSchema.safeParse(raw);
      if (!parsed.success) return reject('presence.update', fieldErrors(parsed.error));
      socket.data.viewing = parsed.data.viewing;
      if (socket.data.incidentId) void broadcastPresence(socket.data.incidentId);
    });

    socket.on('vehicle.position', (raw) => {
      const parsed = vehiclePositionSchema.safeParse(raw);
      if (!isManager(user)) return reject('vehicle.position', 'not allowed');
      if (!parsed.success) return reject('vehicle.position', fieldErrors(parsed.error));
      if (!canSeeIncident(user, parsed.data.incidentId)) return reject('vehicle.position', 'no such incident');
      const { incidentId, vehicleId, lat, lng } = parsed.data;
      findVehicle(database.db, incidentId, vehicleId).then(
        (vehicle) => {
          if (!vehicle) return reject('vehicle.position', 'no such vehicle in this incident');
          positions.push(incidentId, { vehicleId, lat, lng, at: new Date().toISOString() });
        },
        (err: unknown) => {
          logger.warn({ err }, 'vehicle position check failed');
          reject('vehicle.position', 'temporarily unavailable; try again');
        },
      );
    });

    socket.onAny((event: unknown) => {
      if (typeof event !== 'string' || !HANDLED.has(event)) reject(String(event), 'unknown event');
    });

    socket.on('disconnect', () => {
      tokens.delete(socket.id);
      if (socket.data.incidentId) void broadcastPresence(socket.data.incidentId);
    });
  });

  /** Sessions end (sign-out, expiry, a disabled user): sockets opened with them are closed within one period. */
  let sweeping = false;
  const sessionSweep = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    void (async () => {
      for (const socket of io.of('/').sockets.values()) await stillSignedIn(socket).catch((err: unknown) => logger.warn({ err }, 'socket session check failed'));
    })().finally(() => (sweeping = false));
  }, opts.sessionCheckMs ?? 30_000);
  sessionSweep.unref();

  async function leaveIncident(socket: AppSocket) {
    const old = socket.data.incidentId!;
    await socket.leave(rooms.incident(old));
    socket.data.incidentId = null;
    void broadcastPresence(old);
  }

  async function catchUp(incidentId: string, sinceSeq: number): Promise<SyncAck> {
    const last = (await lastSeq(database.db, incidentId)) ?? 0;
    if (sinceSeq === 0 || sinceSeq >= last) return { ok: true, snapshot: false, events: [], lastSeq: last };
    if (last - sinceSeq > MAX_REPLAY) return { ok: true, snapshot: true, events: [], lastSeq: last };
    return { ok: true, snapshot: false, events: await eventsSince(database.db, incidentId, sinceSeq, MAX_REPLAY), lastSeq: last };
  }

  /** Presence is coalesced: one trailing broadcast per incident per 250 ms, however many joins. */
  const presenceTimers = new Map<string, NodeJS.Timeout>();
  function broadcastPresence(incidentId: string): Promise<void> {
    if (!presenceTimers.has(incidentId)) {
      presenceTimers.set(
        incidentId,
        setTimeout(() => {
          presenceTimers.delete(incidentId);
          void sendPresence(incidentId);
        }, 250),
      );
    }
    return Promise.resolve();
  }

  async function sendPresence(incidentId: string) {
    try {
      const sockets = await io.in(rooms.incident(incidentId)).fetchSockets();
      const seen = new Map<string, PresenceEntry>();
      for (const s of sockets) seen.set(`${s.data.user.id}:${s.data.viewing ?? ''}`, { userId: s.data.user.id, name: s.data.user.name, role: s.data.user.role, viewing: s.data.viewing });
      io.to(rooms.incident(incidentId)).volatile.emit('presence.changed', incidentId, [...seen.values()]);
    } catch (err) {
      logger.warn({ err }, 'presence broadcast failed');
    }
  }

  /** Positions are batched per incident and flushed at most every 500 ms as one volatile message. */
  const positions = new (class {
    private pending = new Map<string, Map<string, VehiclePosition>>();
    private timer: NodeJS.Timeout | null = null;
    push(incidentId: string, p: VehiclePosition) {
      const m = this.pending.get(incidentId) ?? new Map<string, VehiclePosition>();
      m.set(p.vehicleId, p);
      this.pending.set(incidentId, m);
      this.timer ??= setTimeout(() => this.flush(), 500);
    }
    flush() {
      this.timer = null;
      for (const [incidentId, m] of this.pending) io.to(rooms.incident(incidentId)).volatile.emit('vehicles.moved', incidentId, [...m.values()]);
      this.pending.clear();
    }
    stop() {
      if (this.timer) clearTimeout(this.timer);
    }
  })();

  /** Emit committed events to this process's own sockets (every process does the same). */
  const deliver = (list: LiveEvent[]) => {
    const byIncident = new Map<string, LiveEvent[]>();
    for (const e of list) {
      const l = byIncident.get(e.incidentId) ?? [];
      l.push(e);
      byIncident.set(e.incidentId, l);
      const hotelIds = (e.payload.hotelIds as string[] | undefined) ?? [];
      for (const hotelId of hotelIds) io.local.to(rooms.hotel(e.incidentId, hotelId)).emit('hotel.changed', { incidentId: e.incidentId, hotelId, seq: e.seq, type: e.type });
    }
    // One emit per incident per commit: bursts are batched.
    for (const [incidentId, l] of byIncident) io.local.to(rooms.incident(incidentId)).emit('events', l);
  };
  // PostgreSQL: every process hears every commit, in order, through LISTEN (realtime/notify.ts).
  // PGlite: one process, so its own bus is the whole story.
  const onCommitted = (list: StoredEvent[]) => deliver(list.map(toLive));
  const listener = database.kind === 'postgres' && database.url ? await listenForEvents(database.url, database.db, logger, deliver) : null;
  if (!listener) bus.on('committed', onCommitted);
  else setHealthProbe(database, 'eventListener', () => listener.listening);
  positionSinks.set(bus, (incidentId, p) => positions.push(incidentId, p));

  return {
    io,
    async close() {
      bus.off('committed', onCommitted);
      clearInterval(sessionSweep);
      setHealthProbe(database, 'eventListener', null);
      positionSinks.delete(bus);
      positions.stop();
      for (const t of presenceTimers.values()) clearTimeout(t);
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await listener?.close();
      await closeAdapter();
    },
  };
}
