/**
 * Plans' storage: proposals, what the plan in force is read back from, and the writes of applying
 * one (stays, trips, riders, household statuses) inside the plan service's transaction. Rooms are
 * taken through server/stays/repo.ts (adjustRoomsBulk) under the database's CHECK constraints.
 */
import { and, desc, eq, gt, inArray, notLike, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { rowsOf } from '../db/rows.js';
import { events, guests, incidents, parties, plans, roomTypes, sites, stays, tripRiders, trips, vehicles, type PartyStatus } from '../db/schema.js';
import { insertBatched } from '../db/batch.js';
import { PLANNING_FIELDS } from '../../shared/events.js';
import type { Whereabouts } from '../../shared/whereabouts.js';

type Exec = Db | Tx;
export type PlanRow = typeof plans.$inferSelect;
export type EventRow = typeof events.$inferSelect;

/** The incident's last event seq; undefined if no such incident. */
export async function lastSeq(db: Exec, incidentId: string): Promise<number | undefined> {
  const [inc] = await db.select({ lastSeq: incidents.lastSeq }).from(incidents).where(eq(incidents.id, incidentId));
  return inc?.lastSeq;
}

export async function partyIdsWithStatus(db: Exec, incidentId: string, statuses: PartyStatus[]): Promise<string[]> {
  const rows = await db
    .select({ id: parties.id })
    .from(parties)
    .where(and(eq(parties.incidentId, incidentId), inArray(parties.status, statuses)));
  return rows.map((p) => p.id);
}

/** Households with at least one member in one of these whereabouts. */
export async function partyIdsWith(db: Exec, incidentId: string, where: readonly Whereabouts[]): Promise<string[]> {
  const rows = await db
    .selectDistinct({ id: guests.partyId })
    .from(guests)
    .where(and(eq(guests.incidentId, incidentId), inArray(guests.whereabouts, [...where])));
  return rows.map((p) => p.id);
}

export async function vehicleIdsOutOfService(db: Exec, incidentId: string): Promise<string[]> {
  const rows = await db
    .select({ id: vehicles.id })
    .from(vehicles)
    .where(and(eq(vehicles.incidentId, incidentId), eq(vehicles.status, 'out_of_service')));
  return rows.map((v) => v.id);
}

export async function insertPlan(db: Exec, row: typeof plans.$inferInsert): Promise<PlanRow> {
  const [created] = await db.insert(plans).values(row).returning();
  return created!;
}

/** A proposal steps down (a move made a new one from it); a plan applied meanwhile is left as it is. */
export async function markSuperseded(db: Exec, planId: string): Promise<void> {
  await db
    .update(plans)
    .set({ status: 'superseded' })
    .where(and(eq(plans.id, planId), eq(plans.status, 'proposed')));
}

/** The plan in force steps down (a new one is being applied). */
export async function supersedeApplied(tx: Tx, incidentId: string): Promise<void> {
  await tx
    .update(plans)
    .set({ status: 'superseded' })
    .where(and(eq(plans.incidentId, incidentId), eq(plans.status, 'applied')));
}

export async function markApplied(tx: Tx, planId: string, at: Date): Promise<void> {
  await tx.update(plans).set({ status: 'applied', appliedAt: at }).where(eq(plans.id, planId));
}

export async function latestPlanId(db: Exec, incidentId: string): Promise<string | undefined> {
  const [row] = await db.select({ id: plans.id }).from(plans).where(eq(plans.incidentId, incidentId)).orderBy(desc(plans.createdAt)).limit(1);
  return row?.id;
}

export async function plan(db: Exec, incidentId: string, planId: string): Promise<PlanRow | undefined> {
  const [row] = await db
    .select()
    .from(plans)
    .where(and(eq(plans.id, planId), eq(plans.incidentId, incidentId)));
  return row;
}

/** What the plan in force is read from: live stays, trips and riders. One after another: inside a transaction they share one connection. */
export async function inForceRows(db: Exec, incidentId: string) {
  const stayRows = await db
    .select()
    .from(stays)
    .where(and(eq(stays.incidentId, incidentId), inArray(stays.status, ['planned', 'checked_in'])));
  const tripRows = await db
    .select()
    .from(trips)
    .where(and(eq(trips.incidentId, incidentId), inArray(trips.status, ['planned', 'boarding', 'departed', 'completed'])));
  const riderRows = await db
    .select()
    .from(tripRiders)
    .where(and(eq(tripRiders.incidentId, incidentId), inArray(tripRiders.status, ['planned', 'boarded', 'dropped'])));
  return { stayRows, tripRows, riderRows };
}

/** Stays a manager pinned stay pinned through the next re-plan. */
export async function pinPlannedStays(tx: Tx, incidentId: string, partyIds: string[]): Promise<void> {
  await tx
    .update(stays)
    .set({ pinned: true })
    .where(and(eq(stays.incidentId, incidentId), inArray(stays.partyId, partyIds), eq(stays.status, 'planned')));
}

export async function cancelStays(tx: Tx, stayIds: string[], at: () => Date): Promise<void> {
  for (let i = 0; i < stayIds.length; i += 1000)
    await tx
      .update(stays)
      .set({ status: 'cancelled', endedAt: at() })
      .where(inArray(stays.id, stayIds.slice(i, i + 1000)));
}

export async function insertStays(tx: Tx, rows: (typeof stays.$inferInsert)[]): Promise<void> {
  await insertBatched(rows, (c) => tx.insert(stays).values(c));
}

export async function vehiclesOf(tx: Tx, incidentId: string) {
  return tx.select().from(vehicles).where(eq(vehicles.incidentId, incidentId));
}

/** New trips; returns the id of each by `vehicleId@departAt(ms)`. */
export async function insertTrips(tx: Tx, rows: (typeof trips.$inferInsert)[]): Promise<Map<string, string>> {
  const idByKey = new Map<string, string>();
  await insertBatched(rows, async (c) => {
    const inserted = await tx.insert(trips).values(c).returning({ id: trips.id, vehicleId: trips.vehicleId, departAt: trips.departAt });
    for (const r of inserted) idByKey.set(`${r.vehicleId}@${r.departAt.getTime()}`, r.id);
  });
  return idByKey;
}

export async function insertRiders(tx: Tx, rows: (typeof tripRiders.$inferInsert)[]): Promise<void> {
  await insertBatched(rows, (c) => tx.insert(tripRiders).values(c));
}

/** Households now `to` where their status is one of `from`. */
export async function setStatusWhere(tx: Tx, incidentId: string, partyIds: string[], from: PartyStatus[], to: PartyStatus): Promise<void> {
  await tx
    .update(parties)
    .set({ status: to })
    .where(
      and(eq(parties.incidentId, incidentId), inArray(parties.id, partyIds), from.length === 1 ? eq(parties.status, from[0]!) : inArray(parties.status, from)),
    );
}

export async function partiesById(tx: Tx, incidentId: string, partyIds: string[]) {
  return tx
    .select({ id: parties.id, name: parties.name, siteId: parties.siteId })
    .from(parties)
    .where(and(eq(parties.incidentId, incidentId), inArray(parties.id, partyIds)));
}

export async function siteNames(tx: Tx, incidentId: string) {
  return tx.select({ id: sites.id, name: sites.name }).from(sites).where(eq(sites.incidentId, incidentId));
}

/** Beds taken per hotel after a change (lets the console replay hotel fill from the log). */
export async function hotelFill(tx: Tx, incidentId: string): Promise<Record<string, number>> {
  const rows = await tx
    .select({ hotelId: roomTypes.hotelId, beds: sql<number>`sum(${roomTypes.used} * ${roomTypes.sleeps})::int` })
    .from(roomTypes)
    .where(eq(roomTypes.incidentId, incidentId))
    .groupBy(roomTypes.hotelId);
  return Object.fromEntries(rows.map((r) => [r.hotelId, r.beds]));
}

/** Seats and wheelchair spaces each household needs. */
export async function partySeats(tx: Tx, incidentId: string): Promise<Map<string, { seated: number; wheel: number }>> {
  const rows = await tx.execute<{ party_id: string; n: number; wheel: number }>(
    sql`select party_id, count(*)::int as n, count(*) filter (where 'wheelchair' = any(needs))::int as wheel from guests where incident_id = ${incidentId} group by party_id`,
  );
  const list = rowsOf<{ party_id: string; n: number; wheel: number }>(rows);
  return new Map(list.map((r) => [r.party_id, { seated: r.n - r.wheel, wheel: r.wheel }]));
}

/** A household corrected in none of its PLANNING_FIELDS: not a change of the planning situation. */
const notDetailsOnly = sql`not (${events.type} = 'party.changed' and not (${events.payload} -> 'fields' ?| array[${sql.join(
  PLANNING_FIELDS.map((f) => sql`${f}`),
  sql`, `,
)}]::text[]))`;

/** A JSON list in the payload that is empty or absent (a JSON null or anything else counts as not empty). */
const none = (key: 'guestIds' | 'hotelIds' | 'strandedPartyIds') => sql`coalesce(${events.payload} -> ${sql.raw(`'${key}'`)}, '[]'::jsonb) = '[]'::jsonb`;
const sameStatus = sql`${events.payload} ->> 'from' = ${events.payload} ->> 'to'`;

/**
 * Events written for a change that left every planning input as it was: a household's status
 * "changed" to what it was, nobody moved and no room or seat given back (a guest repeating "we need
 * help" through the status link, which anyone holding the link can send; a duty manager setting a
 * status twice); a vehicle set to the status it had, nobody stranded; a roll call that moved
 * nobody; a hotel update that changed only its perks or email (the writer says so in
 * `planningChanged`; events older than that field count). Counting them let one status link keep
 * any plan from ever being applied.
 */
const changedNothingPlanned = sql`(
  (${events.type} in ('guest.replied', 'party.status_changed') and ${sameStatus} and ${none('guestIds')} and ${none('hotelIds')})
  or (${events.type} = 'vehicle.status_changed' and ${sameStatus} and ${none('guestIds')} and ${none('strandedPartyIds')})
  or (${events.type} = 'rollcall.taken' and ${none('guestIds')})
  or (${events.type} = 'hotel.rooms_changed' and ${events.payload} ->> 'planningChanged' = 'false')
)`;

/**
 * Events since `baseSeq`, oldest first, leaving out types matching any of the `notLike` patterns,
 * corrections of details only, and events that changed nothing the planner reads.
 */
export async function eventsSince(db: Exec, incidentId: string, baseSeq: number, notLikeTypes: readonly string[], limit: number): Promise<EventRow[]> {
  return db
    .select()
    .from(events)
    .where(
      and(
        eq(events.incidentId, incidentId),
        gt(events.seq, baseSeq),
        ...notLikeTypes.map((p) => notLike(events.type, p)),
        notDetailsOnly,
        sql`not ${changedNothingPlanned}`,
      ),
    )
    .orderBy(events.seq)
    .limit(limit);
}
