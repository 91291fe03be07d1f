/**
 * Committed events to sockets, after commit and in seq order: duty managers following an incident
 * get the events themselves (one message per incident per commit), reception gets `hotel.changed`
 * notices for its own hotel only. A client that missed some asks `subscribe` with its last seq and
 * gets exactly the gap (catch-up), or "snapshot" when it is too far behind.
 */
import type { Logger } from 'pino';
import type { Database } from '../db/client.js';
import type { EventBus, StoredEvent } from '../events/log.js';
import { eventsSince, lastSeq } from '../events/repo.js';
import { setHealthProbe } from '../health/probes.js';
import { listenForEvents } from './notify.js';
import { hotelIdsOf } from '../../shared/events.js';
import { MAX_REPLAY, rooms, type LiveEvent, type SyncAck } from '../../shared/realtime.js';
import type { IO } from './types.js';

export function toLive(e: StoredEvent): LiveEvent {
  return { ...e, actor: { userId: e.actor.userId, name: e.actor.name } };
}

/** What a client that applied everything up to `sinceSeq` is missing (0: "from now"). */
export async function catchUp(database: Database, incidentId: string, sinceSeq: number): Promise<SyncAck> {
  const last = (await lastSeq(database.db, incidentId)) ?? 0;
  if (sinceSeq === 0 || sinceSeq >= last) return { ok: true, snapshot: false, events: [], lastSeq: last };
  if (last - sinceSeq > MAX_REPLAY) return { ok: true, snapshot: true, events: [], lastSeq: last };
  return { ok: true, snapshot: false, events: await eventsSince(database.db, incidentId, sinceSeq, MAX_REPLAY), lastSeq: last };
}

/**
 * Start delivering committed events to this process's own sockets (every process does the same).
 * PostgreSQL: every process hears every commit, in order, through LISTEN (realtime/notify.ts).
 * PGlite: one process, so its own bus is the whole story.
 */
export async function deliverCommitted(io: IO, bus: EventBus, database: Database, logger: Logger): Promise<{ close(): Promise<void> }> {
  const deliver = (list: LiveEvent[]) => {
    const byIncident = new Map<string, LiveEvent[]>();
    for (const e of list) {
      const l = byIncident.get(e.incidentId) ?? [];
      l.push(e);
      byIncident.set(e.incidentId, l);
      for (const hotelId of hotelIdsOf(e.payload))
        io.local.to(rooms.hotel(e.incidentId, hotelId)).emit('hotel.changed', { incidentId: e.incidentId, hotelId, seq: e.seq, type: e.type });
    }
    // One emit per incident per commit: bursts are batched.
    for (const [incidentId, l] of byIncident) io.local.to(rooms.incident(incidentId)).emit('events', l);
  };
  const onCommitted = (list: StoredEvent[]) => deliver(list.map(toLive));
  const listener =
    database.kind === 'postgres' && database.url ? await listenForEvents(database.url, database.db, logger, deliver, { ownEvents: { bus, toLive } }) : null;
  if (!listener) bus.on('committed', onCommitted);
  else setHealthProbe(database, 'eventListener', () => listener.listening);
  return {
    async close() {
      bus.off('committed', onCommitted);
      setHealthProbe(database, 'eventListener', null);
      await listener?.close();
    },
  };
}
