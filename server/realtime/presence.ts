/**
 * Who follows an incident and what they look at, for the managers following it. A join, a leave or
 * a `presence.update` is published on the bus's volatile channel; the recount is coalesced (one
 * trailing broadcast per incident per 250 ms, however many joins) and sent as a volatile message.
 */
import type { Logger } from 'pino';
import type { EventBus, VolatileMessage } from '../events/log.js';
import { presenceUpdateSchema, rooms, type PresenceEntry } from '../../shared/realtime.js';
import { fieldErrors, isManager, type AppSocket, type IO, type Reject } from './types.js';

const COALESCE_MS = 250;

export function startPresence(io: IO, bus: EventBus, logger: Logger) {
  const timers = new Map<string, NodeJS.Timeout>();

  async function send(incidentId: string) {
    try {
      const sockets = await io.in(rooms.incident(incidentId)).fetchSockets();
      const seen = new Map<string, PresenceEntry>();
      for (const s of sockets)
        seen.set(`${s.data.user.id}:${s.data.viewing ?? ''}`, {
          userId: s.data.user.id,
          name: s.data.user.name,
          role: s.data.user.role,
          viewing: s.data.viewing,
        });
      io.to(rooms.incident(incidentId)).volatile.emit('presence.changed', incidentId, [...seen.values()]);
    } catch (err) {
      logger.warn({ err }, 'presence broadcast failed');
    }
  }

  const onVolatile = (m: VolatileMessage) => {
    if (m.kind !== 'presence' || timers.has(m.incidentId)) return;
    timers.set(
      m.incidentId,
      setTimeout(() => {
        timers.delete(m.incidentId);
        void send(m.incidentId);
      }, COALESCE_MS),
    );
  };
  bus.on('volatile', onVolatile);

  return {
    /** A socket's presence requests; its leaving is a change too. */
    handle(socket: AppSocket, reject: Reject) {
      socket.on('presence.update', (raw) => {
        if (!isManager(socket.data.user)) return reject('presence.update', 'not allowed');
        const parsed = presenceUpdateSchema.safeParse(raw);
        if (!parsed.success) return reject('presence.update', fieldErrors(parsed.error));
        socket.data.viewing = parsed.data.viewing;
        if (socket.data.incidentId) bus.publishVolatile({ kind: 'presence', incidentId: socket.data.incidentId });
      });
      socket.on('disconnect', () => {
        if (socket.data.incidentId) bus.publishVolatile({ kind: 'presence', incidentId: socket.data.incidentId });
      });
    },
    /** Send every coalesced recount now instead of when its timer fires. */
    async flush() {
      const due = [...timers.keys()];
      for (const id of due) clearTimeout(timers.get(id));
      timers.clear();
      await Promise.all(due.map(send));
    },
    close() {
      bus.off('volatile', onVolatile);
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}
