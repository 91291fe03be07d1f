/** Reading the event log back: catch-up after a dropped connection, activity feed, replay. */
import { and, asc, eq, gt } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { events, incidents } from '../db/schema.js';
import type { LiveEvent } from '../../shared/realtime.js';

export async function eventsSince(db: Db, incidentId: string, sinceSeq: number, limit: number): Promise<LiveEvent[]> {
  const rows = await db
    .select()
    .from(events)
    .where(and(eq(events.incidentId, incidentId), gt(events.seq, sinceSeq)))
    .orderBy(asc(events.seq))
    .limit(limit);
  return rows.map((r) => ({ incidentId, seq: r.seq, at: r.at.toISOString(), type: r.type, actor: { userId: r.actorUserId, name: r.actorName }, payload: r.payload }));
}

export async function lastSeq(db: Db, incidentId: string): Promise<number | undefined> {
  const [row] = await db.select({ lastSeq: incidents.lastSeq }).from(incidents).where(eq(incidents.id, incidentId));
  return row?.lastSeq;
}
