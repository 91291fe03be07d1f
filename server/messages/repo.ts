/**
 * Messaging's storage as the projector reads and writes it: the per-incident cursor over the event
 * log, what each event's messages are drafted from, and the outbox rows (one per dedupe key).
 * Transactions are opened by the projector; every function here runs inside the one it is given.
 * Also the outbox as the sender claims and marks it (one statement each, no transaction of its
 * own), the delivery timeline, feedback, status links, and an incident's wording and settings.
 */
import { and, asc, desc, eq, gt, gte, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import type { StayStatus } from '../../shared/statuses.js';
import {
  events,
  feedback,
  hotels,
  incidents,
  messageCursors,
  messageSettings,
  messageTemplates,
  outbox,
  parties,
  sites,
  stays,
  tripRiders,
  trips,
} from '../db/schema.js';

/** Incidents whose event log is ahead of their message cursor. */
export async function incidentsBehind(db: Db): Promise<string[]> {
  const rows = await db
    .select({ id: incidents.id })
    .from(incidents)
    .leftJoin(messageCursors, eq(messageCursors.incidentId, incidents.id))
    .where(sql`${incidents.lastSeq} > coalesce(${messageCursors.lastSeq}, 0)`);
  return rows.map((r) => r.id);
}

/** The incident's cursor, made if missing and locked; undefined while another process holds it. */
export async function lockCursor(tx: Tx, incidentId: string) {
  await tx.insert(messageCursors).values({ incidentId, lastSeq: 0 }).onConflictDoNothing();
  const [cursor] = await tx.select().from(messageCursors).where(eq(messageCursors.incidentId, incidentId)).for('update', { skipLocked: true });
  return cursor;
}

export async function eventsAfter(tx: Tx, incidentId: string, seq: number, limit: number) {
  return tx
    .select()
    .from(events)
    .where(and(eq(events.incidentId, incidentId), gt(events.seq, seq)))
    .orderBy(asc(events.seq))
    .limit(limit);
}

export async function moveCursor(tx: Tx, incidentId: string, lastSeq: number): Promise<void> {
  await tx.update(messageCursors).set({ lastSeq, updatedAt: new Date() }).where(eq(messageCursors.incidentId, incidentId));
}

/** Hotel of each household's stay in this status; with `newestEnded` the most recently ended first. */
export async function stayHotels(
  tx: Tx,
  incidentId: string,
  partyIds: string[],
  status: StayStatus,
  newestEnded = false,
): Promise<{ partyId: string; hotelId: string }[]> {
  const q = tx
    .select({ partyId: stays.partyId, hotelId: stays.hotelId })
    .from(stays)
    .where(and(eq(stays.incidentId, incidentId), inArray(stays.partyId, partyIds), eq(stays.status, status)));
  return newestEnded ? q.orderBy(desc(stays.endedAt)) : q;
}

/** Stays written by this plan and still live. */
export async function liveStaysOfPlan(tx: Tx, incidentId: string, planId: string) {
  return tx
    .select()
    .from(stays)
    .where(and(eq(stays.incidentId, incidentId), eq(stays.planId, planId), inArray(stays.status, ['planned', 'checked_in'])));
}

/** Planned rides on trips of this plan. */
export async function plannedRidesOfPlan(tx: Tx, incidentId: string, planId: string) {
  return tx
    .select({ partyId: tripRiders.partyId, tripId: trips.id, departAt: trips.departAt })
    .from(tripRiders)
    .innerJoin(trips, eq(trips.id, tripRiders.tripId))
    .where(and(eq(tripRiders.incidentId, incidentId), eq(trips.planId, planId), eq(tripRiders.status, 'planned')));
}

/** The households' cancelled rides, newest trip first. */
export async function cancelledRides(tx: Tx, incidentId: string, partyIds: string[]) {
  return tx
    .select({ partyId: tripRiders.partyId, departAt: trips.departAt, createdAt: trips.createdAt })
    .from(tripRiders)
    .innerJoin(trips, eq(trips.id, tripRiders.tripId))
    .where(and(eq(tripRiders.incidentId, incidentId), inArray(tripRiders.partyId, partyIds), eq(tripRiders.status, 'cancelled')))
    .orderBy(desc(trips.createdAt));
}

/** Planned riders on trips not yet gone leaving between `from` and `to`, with their incident's notice window. */
export async function ridersLeavingBetween(db: Db, from: Date, to: Date) {
  return db
    .select({
      incidentId: trips.incidentId,
      tripId: trips.id,
      departAt: trips.departAt,
      partyId: tripRiders.partyId,
      hotelId: tripRiders.hotelId,
      minutes: messageSettings.departureNoticeMinutes,
    })
    .from(trips)
    .innerJoin(tripRiders, eq(tripRiders.tripId, trips.id))
    .leftJoin(messageSettings, eq(messageSettings.incidentId, trips.incidentId))
    .where(and(inArray(trips.status, ['planned', 'boarding']), gte(trips.departAt, from), lte(trips.departAt, to), eq(tripRiders.status, 'planned')));
}

/** What a message is rendered from besides the journey: incident zone and helpline, households, hotels, site names. One after another: a transaction is one connection, and node-postgres does not pipeline. */
export async function renderParts(tx: Tx, incidentId: string, partyIds: string[]) {
  const [inc] = await tx.select({ timezone: incidents.timezone, helpline: incidents.helpline }).from(incidents).where(eq(incidents.id, incidentId));
  const partyRows = await tx
    .select()
    .from(parties)
    .where(and(eq(parties.incidentId, incidentId), inArray(parties.id, partyIds)));
  const hotelRows = await tx.select().from(hotels).where(eq(hotels.incidentId, incidentId));
  const siteRows = await tx.select({ id: sites.id, name: sites.name }).from(sites).where(eq(sites.incidentId, incidentId));
  return { inc, partyRows, hotelRows, siteRows };
}

export type NewOutboxRow = typeof outbox.$inferInsert;

/** Outbox rows, 200 per statement; a dedupe key already there inserts nothing. Returns how many were new. */
export async function insertOutbox(tx: Tx, rows: NewOutboxRow[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < rows.length; i += 200) {
    const res = await tx
      .insert(outbox)
      .values(rows.slice(i, i + 200))
      .onConflictDoNothing({ target: [outbox.incidentId, outbox.dedupeKey] })
      .returning({ id: outbox.id });
    inserted += res.length;
  }
  return inserted;
}

export type OutboxRow = typeof outbox.$inferSelect;

/** A household's messages (or the incident's latest to households), newest first. */
export async function outboxRows(db: Db | Tx, incidentId: string, partyId: string | undefined, limit: number): Promise<OutboxRow[]> {
  return db
    .select()
    .from(outbox)
    .where(partyId ? and(eq(outbox.incidentId, incidentId), eq(outbox.partyId, partyId)) : and(eq(outbox.incidentId, incidentId), isNull(outbox.hotelId)))
    .orderBy(desc(outbox.createdAt))
    .limit(limit);
}

/** Guests' feedback with their household's name, newest first. */
export async function feedbackRows(db: Db | Tx, incidentId: string) {
  return db
    .select({ f: feedback, name: parties.name })
    .from(feedback)
    .innerJoin(parties, and(eq(parties.incidentId, feedback.incidentId), eq(parties.id, feedback.partyId)))
    .where(eq(feedback.incidentId, incidentId))
    .orderBy(desc(feedback.updatedAt));
}

export async function statusTokens(db: Db | Tx, incidentId: string, partyIds: string[]): Promise<{ id: string; token: string | null }[]> {
  return db
    .select({ id: parties.id, token: parties.statusToken })
    .from(parties)
    .where(and(eq(parties.incidentId, incidentId), inArray(parties.id, partyIds)));
}

export async function statusToken(db: Db | Tx, incidentId: string, partyId: string): Promise<{ token: string | null } | undefined> {
  const [p] = await db
    .select({ token: parties.statusToken })
    .from(parties)
    .where(and(eq(parties.incidentId, incidentId), eq(parties.id, partyId)));
  return p;
}

export async function lockPartyName(tx: Tx, incidentId: string, partyId: string): Promise<{ id: string; name: string } | undefined> {
  const [p] = await tx
    .select({ id: parties.id, name: parties.name })
    .from(parties)
    .where(and(eq(parties.incidentId, incidentId), eq(parties.id, partyId)))
    .for('update');
  return p;
}

export async function setStatusToken(tx: Tx, incidentId: string, partyId: string, token: string | null): Promise<void> {
  await tx
    .update(parties)
    .set({ statusToken: token })
    .where(and(eq(parties.incidentId, incidentId), eq(parties.id, partyId)));
}

/**
 * Claim up to `limit` due rows on these channels in one statement: the due rows are locked
 * (skipping those another sender holds), leased until `leaseEnd` and their attempt counted.
 */
export async function claimOutbox(db: Db | Tx, channels: string[], limit: number, now: Date, leaseEnd: Date): Promise<OutboxRow[]> {
  const due = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(inArray(outbox.status, ['pending', 'sending']), lte(outbox.nextAttemptAt, now), inArray(outbox.channel, channels)))
    .orderBy(asc(outbox.nextAttemptAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  return db
    .update(outbox)
    .set({ status: 'sending', attempts: sql`${outbox.attempts} + 1`, nextAttemptAt: leaseEnd })
    .where(and(inArray(outbox.id, due), inArray(outbox.status, ['pending', 'sending']), lte(outbox.nextAttemptAt, now)))
    .returning();
}

/** The row as this sender claimed it: still sending, with the attempt count it was claimed at. */
function stillMine(row: Pick<OutboxRow, 'id' | 'attempts'>) {
  return and(eq(outbox.id, row.id), eq(outbox.status, 'sending'), eq(outbox.attempts, row.attempts));
}

/** Give a claimed row back untried: due at once, the attempt not counted. */
export async function releaseOutbox(db: Db | Tx, row: Pick<OutboxRow, 'id' | 'attempts'>): Promise<void> {
  await db
    .update(outbox)
    .set({ status: 'pending', attempts: sql`${outbox.attempts} - 1`, nextAttemptAt: new Date(0) })
    .where(stillMine(row));
}

/** Mark a claimed row sent; false when it was no longer this sender's. */
export async function markOutboxSent(db: Db | Tx, row: Pick<OutboxRow, 'id' | 'attempts'>): Promise<boolean> {
  const marked = await db.update(outbox).set({ status: 'sent', sentAt: new Date(), lastError: null }).where(stillMine(row)).returning({ id: outbox.id });
  return marked.length > 0;
}

export async function retryOutboxLater(db: Db | Tx, row: Pick<OutboxRow, 'id' | 'attempts'>, lastError: string, nextAttemptAt: Date): Promise<void> {
  await db.update(outbox).set({ status: 'pending', lastError, nextAttemptAt }).where(stillMine(row));
}

/** Mark a claimed row failed for good; false when it was no longer this sender's. */
export async function markOutboxFailed(tx: Tx, row: Pick<OutboxRow, 'id' | 'attempts'>, lastError: string): Promise<boolean> {
  const done = await tx.update(outbox).set({ status: 'failed', lastError }).where(stillMine(row)).returning({ id: outbox.id });
  return done.length > 0;
}

export async function templateRows(db: Db | Tx, incidentId: string) {
  return db.select().from(messageTemplates).where(eq(messageTemplates.incidentId, incidentId));
}

export async function upsertTemplate(db: Db | Tx, values: typeof messageTemplates.$inferInsert): Promise<void> {
  await db
    .insert(messageTemplates)
    .values(values)
    .onConflictDoUpdate({
      target: [messageTemplates.incidentId, messageTemplates.key, messageTemplates.language],
      set: { subject: values.subject, body: values.body, updatedAt: values.updatedAt, updatedBy: values.updatedBy },
    });
}

export async function deleteTemplate(db: Db | Tx, incidentId: string, key: string, language: string): Promise<void> {
  await db
    .delete(messageTemplates)
    .where(and(eq(messageTemplates.incidentId, incidentId), eq(messageTemplates.key, key), eq(messageTemplates.language, language)));
}

export async function settingsRow(db: Db | Tx, incidentId: string) {
  const [row] = await db.select().from(messageSettings).where(eq(messageSettings.incidentId, incidentId));
  return row;
}

export async function upsertSettings(db: Db | Tx, incidentId: string, next: { helplinePhone: string; departureNoticeMinutes: number }): Promise<void> {
  await db
    .insert(messageSettings)
    .values({ incidentId, ...next, updatedAt: new Date() })
    .onConflictDoUpdate({ target: messageSettings.incidentId, set: { ...next, updatedAt: new Date() } });
}
