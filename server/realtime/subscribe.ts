/**
 * The server chooses every room. Reception joins its own hotel's room at connect; admins and duty
 * managers join an incident they may see by `subscribe` (leaving the one they followed before) and
 * get the catch-up in the acknowledgement. Anyone else asking is told "No such incident."
 */
import type { Logger } from 'pino';
import type { Database } from '../db/client.js';
import { lastSeq } from '../events/repo.js';
import { canSeeIncident } from '../incidents/scope.js';
import { rooms, subscribeSchema } from '../../shared/realtime.js';
import { catchUp } from './delivery.js';
import type { Sessions } from './handshake.js';
import { fieldErrors, isManager, type AppSocket, type Reject } from './types.js';

/** Rooms a socket is in from the start, by its user alone. */
export function joinOwnRooms(socket: AppSocket): void {
  const { user } = socket.data;
  if (user.role === 'reception' && user.incidentId && user.hotelId) void socket.join(rooms.hotel(user.incidentId, user.hotelId));
}

export interface SubscribeDeps {
  database: Database;
  logger: Logger;
  sessions: Sessions;
  /** Who follows the incident changed (joined or left). */
  followersChanged(incidentId: string): void;
}

export function handleSubscribe(socket: AppSocket, reject: Reject, deps: SubscribeDeps): void {
  const { database, logger, sessions } = deps;
  const { user } = socket.data;

  async function leaveIncident() {
    const old = socket.data.incidentId!;
    await socket.leave(rooms.incident(old));
    socket.data.incidentId = null;
    deps.followersChanged(old);
  }

  socket.on('subscribe', async (raw, ack) => {
    if (typeof ack !== 'function') return reject('subscribe', 'subscribe needs an acknowledgement callback');
    const parsed = subscribeSchema.safeParse(raw);
    if (!parsed.success) return ack({ ok: false, error: fieldErrors(parsed.error) });
    const { incidentId, sinceSeq } = parsed.data;
    if (!isManager(user) || !canSeeIncident(user, incidentId)) return ack({ ok: false, error: 'No such incident.' });
    try {
      // A signed-out session may not start following an incident; an unknown incident is "not found" for admins too.
      if (!(await sessions.stillSignedIn(socket))) return ack({ ok: false, error: 'unauthenticated: please sign in' });
      if ((await lastSeq(database.db, incidentId)) === undefined) return ack({ ok: false, error: 'No such incident.' });
    } catch (err) {
      logger.warn({ err }, 'subscribe checks failed; the catch-up below answers "unavailable"');
    }
    if (socket.data.incidentId && socket.data.incidentId !== incidentId) await leaveIncident();
    await socket.join(rooms.incident(incidentId));
    socket.data.incidentId = incidentId;
    try {
      ack(await catchUp(database, incidentId, sinceSeq));
    } catch (err) {
      // The database is away (restart, failover): say so; the client asks again shortly. Live
      // events keep arriving in the room meanwhile, and the retry fills whatever it missed.
      logger.warn({ err }, 'catch-up failed');
      ack({ ok: false, error: 'unavailable: the database is not answering; try again shortly' });
    }
    deps.followersChanged(incidentId);
  });
}
