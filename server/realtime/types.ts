/** What the realtime layer's parts share: the typed server and socket, and how requests are refused. */
import type { z } from 'zod';
import type { Server, Socket } from 'socket.io';
import type { SessionUser } from '../auth/types.js';
import { describeFieldErrors, zodFieldErrors } from '../../shared/errors.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/realtime.js';

export interface SocketData {
  user: SessionUser;
  incidentId: string | null;
  viewing: string | null;
}
export type IO = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** `incidentId: expected an incident id; sinceSeq: ...`: what is wrong, field by field (capped). */
export const fieldErrors = (error: z.ZodError) => describeFieldErrors(zodFieldErrors(error).slice(0, 5)).slice(0, 500) || 'malformed request';

/** Only admins and duty managers follow an incident live (subscribe, presence, positions). */
export const isManager = (user: SessionUser) => user.role === 'admin' || user.role === 'duty_manager';

/** Answer a bad or refused request on the socket that sent it (and only there). */
export const rejectOn = (socket: AppSocket) => (event: string, message: string) => void socket.emit('request.rejected', { event, message });
export type Reject = ReturnType<typeof rejectOn>;
