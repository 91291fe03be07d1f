/** Reading the event log back: catch-up after a dropped connection, activity feed, replay. */
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { events, incidents } from '../db/schema.js';
import type { LiveEvent } from '../../shared/realtime.js';
import { storedAs } from '../../shared/events.js';

export async function eventsSince(db: Db, incidentId: string, sinceSeq: number, limit: number): Promise<LiveEvent[]> {
  const rows = await db
    .select()
    .from(events)
    .where(and(eq(events.incidentId, incidentId), gt(events.seq, sinceSeq)))
    .orderBy(asc(events.seq))
    .limit(limit);
  return rows.map((r) => ({
    incidentId,
    seq: r.seq,
    at: r.at.toISOString(),
    actor: { userId: r.actorUserId, name: r.actorName },
    ...storedAs(r.type, r.payload),
  }));
}

/** The payloads of events of one type naming the given ids in `payload.<key>`, by that id. */
export async function payloadsNaming(db: Db, incidentId: string, type: string, key: string, ids: string[]): Promise<Map<string, Record<string, unknown>>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ payload: events.payload })
    .from(events)
    .where(and(eq(events.incidentId, incidentId), eq(events.type, type), inArray(sql<string>`${events.payload}->>${key}`, ids)));
  return new Map(rows.map((r) => [String((r.payload as Record<string, unknown>)[key]), r.payload as Record<string, unknown>]));
}

export async function lastSeq(db: Db, incidentId: string): Promise<number | undefined> {
  const [row] = await db.select({ lastSeq: incidents.lastSeq }).from(incidents).where(eq(incidents.id, incidentId));
  return row?.lastSeq;
}
