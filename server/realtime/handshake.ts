/**
 * Who may hold a socket: the origin is checked before the handshake, the session cookie at it
 * (no session, no connection), and the session again at every subscribe and on a timer: a socket
 * whose session ended (sign-out, expiry, a changed role or scope) is disconnected.
 */
import type { ServerOptions } from 'socket.io';
import type { Logger } from 'pino';
import type { AuthService } from '../auth/service.js';
import { hashToken, readCookie, SESSION_COOKIE } from '../auth/service.js';
import type { EventBus, VolatileMessage } from '../events/bus.js';
import type { AppSocket, IO } from './types.js';

/**
 * Same-site sockets only: the server's own host, or an origin configured in ALLOWED_ORIGINS; and
 * only by a host name this server answers to (`hostAllowed`: no DNS rebinding).
 */
export function originCheck(
  allowedOrigins: string[],
  hostAllowed: (host: string | undefined) => boolean = () => true,
): NonNullable<ServerOptions['allowRequest']> {
  return (req, cb) => {
    if (!hostAllowed(req.headers.host)) return cb('host', false);
    const origin = req.headers.origin;
    const own = req.headers.host ? [`http://${req.headers.host}`, `https://${req.headers.host}`] : [];
    cb(null, !origin || own.includes(origin) || allowedOrigins.includes(origin));
  };
}

export interface Sessions {
  /**
   * Is the socket's session still live, for the same user with the same scope? If not, the socket
   * is disconnected (the client signs in again and reconnects with its new scope). Throws when the
   * database does not answer: that says nothing about the session.
   */
  stillSignedIn(socket: AppSocket): Promise<boolean>;
  close(): void;
}

/** Rooms that name a socket's session and user, so that ending them closes its sockets on every process. */
const sessionRoom = (tokenHash: string) => `session:${tokenHash}`;
const userRoom = (userId: string) => `user:${userId}`;

/**
 * Open sockets one session, and one user, may hold on this process (SOCKETS_PER_SESSION,
 * SOCKETS_PER_USER). A console or a reception tablet holds one per tab; without a cap one cookie
 * could open sockets until the process's memory ran out (each is also re-checked against the
 * database every period).
 */
export interface SocketCaps {
  session: number;
  user: number;
}
export const DEFAULT_SOCKET_CAPS: SocketCaps = { session: 20, user: 60 };

/** Counts that go up at connect and down at disconnect (an entry goes at zero). */
class Counter {
  private readonly n = new Map<string, number>();
  get(key: string): number {
    return this.n.get(key) ?? 0;
  }
  add(key: string, by: 1 | -1): void {
    const next = this.get(key) + by;
    if (next > 0) this.n.set(key, next);
    else this.n.delete(key);
  }
}

export function authenticateSockets(
  io: IO,
  auth: AuthService,
  bus: EventBus,
  logger: Logger,
  sessionCheckMs: number,
  caps: SocketCaps = DEFAULT_SOCKET_CAPS,
): Sessions {
  /** Each local socket's session token (kept here, not in socket.data, which the adapter shares between processes). */
  const tokens = new Map<string, string>();
  const perSession = new Counter();
  const perUser = new Counter();

  io.use(async (socket, next) => {
    let counted: { session: string; userId: string } | null = null;
    try {
      const token = readCookie(socket.handshake.headers.cookie, SESSION_COOKIE);
      const user = await auth.authenticate(token);
      if (!user || !token) return next(new Error('unauthenticated: please sign in'));
      const session = hashToken(token);
      // Refused, the client tries again a little later (when another tab has closed).
      if (perSession.get(session) >= caps.session || perUser.get(user.id) >= caps.user)
        return next(new Error('too many connections: close other tabs of this console and try again'));
      perSession.add(session, 1);
      perUser.add(user.id, 1);
      counted = { session, userId: user.id };
      socket.data = { user, incidentId: null, viewing: null };
      tokens.set(socket.id, token);
      socket.on('disconnect', () => {
        tokens.delete(socket.id);
        perSession.add(session, -1);
        perUser.add(user.id, -1);
      });
      await socket.join([sessionRoom(session), userRoom(user.id)]);
      next();
    } catch (err) {
      // Never connected: no disconnect will give its place back.
      tokens.delete(socket.id);
      if (counted) {
        perSession.add(counted.session, -1);
        perUser.add(counted.userId, -1);
      }
      logger.error({ err }, 'socket auth failed');
      next(new Error('unavailable'));
    }
  });

  async function stillSignedIn(socket: AppSocket): Promise<boolean> {
    const now = await auth.authenticate(tokens.get(socket.id));
    const was = socket.data.user;
    const same =
      now &&
      now.id === was.id &&
      now.role === was.role &&
      now.incidentId === was.incidentId &&
      now.hotelId === was.hotelId &&
      [...now.incidentIds].sort().join() === [...was.incidentIds].sort().join();
    if (!same) socket.disconnect(true);
    return Boolean(same);
  }

  /** Sessions end (sign-out, expiry, a disabled user): sockets opened with them are closed within one period. */
  let sweeping = false;
  const sweep = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    void (async () => {
      for (const socket of io.of('/').sockets.values())
        await stillSignedIn(socket).catch((err: unknown) => logger.warn({ err }, 'socket session check failed'));
    })().finally(() => (sweeping = false));
  }, sessionCheckMs);
  sweep.unref();

  // A sign-out closes the session's sockets now, wherever they are (the adapter reaches the other processes).
  const onVolatile = (m: VolatileMessage) => {
    if (m.kind !== 'sessions.ended') return;
    io.in('tokenHash' in m ? sessionRoom(m.tokenHash) : userRoom(m.userId)).disconnectSockets(true);
  };
  bus.on('volatile', onVolatile);

  return {
    stillSignedIn,
    close: () => {
      clearInterval(sweep);
      bus.off('volatile', onVolatile);
    },
  };
}
