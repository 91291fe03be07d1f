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

export function authenticateSockets(io: IO, auth: AuthService, bus: EventBus, logger: Logger, sessionCheckMs: number): Sessions {
  /** Each local socket's session token (kept here, not in socket.data, which the adapter shares between processes). */
  const tokens = new Map<string, string>();

  io.use(async (socket, next) => {
    try {
      const token = readCookie(socket.handshake.headers.cookie, SESSION_COOKIE);
      const user = await auth.authenticate(token);
      if (!user || !token) return next(new Error('unauthenticated: please sign in'));
      socket.data = { user, incidentId: null, viewing: null };
      tokens.set(socket.id, token);
      socket.on('disconnect', () => tokens.delete(socket.id));
      await socket.join([sessionRoom(hashToken(token)), userRoom(user.id)]);
      next();
    } catch (err) {
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
