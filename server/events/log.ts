/**
 * The incident event log: every change appends its events inside the change's own transaction, with
 * gap-free sequence numbers taken under the incident row's lock. Listeners hear of them only after
 * commit (see `commitWithEvents`), so nobody ever sees a change that was rolled back.
 */
import { EventEmitter } from 'node:events';
import { eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { events, incidents } from '../db/schema.js';
import { AppError } from '../http/errors.js';

export interface Actor {
  userId: string | null;
  name: string;
}
export const SYSTEM_ACTOR: Actor = { userId: null, name: 'system' };

export interface NewEvent {
  type: string;
  payload: Record<string, unknown>;
}
export interface StoredEvent extends NewEvent {
  incidentId: string;
  seq: number;
  at: string;
  actor: Actor;
}

/** Append events to an incident's log; must run inside the change's transaction. */
export async function appendEvents(tx: Tx, incidentId: string, actor: Actor, list: NewEvent[]): Promise<StoredEvent[]> {
  if (list.length === 0) return [];
  const rows = await tx
    .update(incidents)
    .set({ lastSeq: sql`${incidents.lastSeq} + ${list.length}` })
    .where(eq(incidents.id, incidentId))
    .returning({ lastSeq: incidents.lastSeq });
  const last = rows[0]?.lastSeq;
  if (last === undefined) throw new AppError('not_found', 'No such incident.');
  const at = new Date();
  const stored = list.map((e, i) => ({ ...e, incidentId, seq: last - list.length + 1 + i, at: at.toISOString(), actor }));
  await tx.insert(events).values(stored.map((e) => ({ incidentId, seq: e.seq, at, actorUserId: actor.userId, actorName: actor.name, type: e.type, payload: e.payload })));
  // Delivered to every listening process at commit, in commit (= seq) order; dropped on rollback.
  await tx.execute(sql`select pg_notify('rc_events', ${`${incidentId}:${stored[0]!.seq}:${last}`})`);
  return stored;
}

/** In-process fan-out of committed events (the realtime layer subscribes). */
export class EventBus extends EventEmitter<{ committed: [StoredEvent[]] }> {
  publish(list: StoredEvent[]): void {
    if (list.length) this.emit('committed', list);
  }
}

/**
 * Run `fn` in one transaction; the events it appends are published only once the commit succeeded.
 */
export async function commitWithEvents<T>(db: Db, bus: EventBus, fn: (tx: Tx, emit: (incidentId: string, actor: Actor, list: NewEvent[]) => Promise<StoredEvent[]>) => Promise<T>): Promise<T> {
  const pending: StoredEvent[] = [];
  const result = await db.transaction(async (tx) => {
    return fn(tx, async (incidentId, actor, list) => {
      const stored = await appendEvents(tx, incidentId, actor, list);
      pending.push(...stored);
      return stored;
    });
  });
  bus.publish(pending);
  return result;
}
