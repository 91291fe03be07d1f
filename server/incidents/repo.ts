/** Queries behind the incident list, headline counts, the console's state snapshot and adding a guest list. */
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { rowsOf } from '../db/rows.js';
import type { FieldError } from '../../shared/errors.js';
import {
  attentionItems,
  events,
  guestStatuses,
  guests,
  hotels,
  incidents,
  parties,
  plans,
  roomTypes,
  sites,
  stays,
  tripRiders,
  trips,
  vehicles,
} from '../db/schema.js';

export type IncidentRow = typeof incidents.$inferSelect;

export async function findIncident(db: Db | Tx, id: string): Promise<IncidentRow | undefined> {
  const [row] = await db.select().from(incidents).where(eq(incidents.id, id));
  return row;
}

/** The incidents still active (those timed jobs look after). */
export async function activeIncidentIds(db: Db): Promise<string[]> {
  const rows = await db.select({ id: incidents.id }).from(incidents).where(eq(incidents.status, 'active'));
  return rows.map((r) => r.id);
}

/** Incidents with household and guest counts; `ids` limits the list (undefined = all). */
export async function listIncidents(db: Db, ids?: string[]) {
  if (ids && ids.length === 0) return [];
  return db
    .select({
      id: incidents.id,
      name: incidents.name,
      startedAt: incidents.startedAt,
      timezone: incidents.timezone,
      status: incidents.status,
      households: sql<number>`(select count(*)::int from ${parties} p where p.incident_id = incidents.id)`,
      guests: sql<number>`(select count(*)::int from ${guests} g where g.incident_id = incidents.id)`,
    })
    .from(incidents)
    .where(ids ? inArray(incidents.id, ids) : undefined)
    .orderBy(asc(incidents.createdAt));
}

export async function loadIncidentRows(db: Db, incidentId: string) {
  const [siteRows, partyRows, guestRows, hotelRows, roomRows, vehicleRows, stayRows, tripRows, riderRows, openItemRows] = await Promise.all([
    db.select().from(sites).where(eq(sites.incidentId, incidentId)).orderBy(asc(sites.position)),
    db.select().from(parties).where(eq(parties.incidentId, incidentId)).orderBy(asc(parties.position)),
    db.select().from(guests).where(eq(guests.incidentId, incidentId)).orderBy(asc(guests.partyId), asc(guests.position)),
    db.select().from(hotels).where(eq(hotels.incidentId, incidentId)).orderBy(asc(hotels.position)),
    db.select().from(roomTypes).where(eq(roomTypes.incidentId, incidentId)).orderBy(asc(roomTypes.position)),
    db.select().from(vehicles).where(eq(vehicles.incidentId, incidentId)).orderBy(asc(vehicles.position)),
    db
      .select()
      .from(stays)
      .where(and(eq(stays.incidentId, incidentId), inArray(stays.status, ['planned', 'checked_in']))),
    db
      .select()
      .from(trips)
      .where(and(eq(trips.incidentId, incidentId), inArray(trips.status, ['planned', 'boarding', 'departed'])))
      .orderBy(asc(trips.departAt)),
    db
      .select()
      .from(tripRiders)
      .where(and(eq(tripRiders.incidentId, incidentId), inArray(tripRiders.status, ['planned', 'boarded']))),
    db
      .select({ partyId: attentionItems.partyId, guestIds: attentionItems.guestIds })
      .from(attentionItems)
      .where(and(eq(attentionItems.incidentId, incidentId), isNull(attentionItems.resolvedAt))),
  ]);
  return { siteRows, partyRows, guestRows, hotelRows, roomRows, vehicleRows, stayRows, tripRows, riderRows, openItemRows };
}
export type IncidentRows = Awaited<ReturnType<typeof loadIncidentRows>>;

/** Only what the summary counts: the columns it reads, and none of stays, trips or riders. */
export async function loadSummaryRows(db: Db, incidentId: string) {
  const [siteRows, partyRows, guestRows, hotelRows, roomRows, vehicleRows] = await Promise.all([
    db.select({ kind: sites.kind }).from(sites).where(eq(sites.incidentId, incidentId)),
    db.select({ needs: parties.needs, status: parties.status }).from(parties).where(eq(parties.incidentId, incidentId)),
    db.select({ age: guests.age, needs: guests.needs }).from(guests).where(eq(guests.incidentId, incidentId)),
    db.select({ petsAllowed: hotels.petsAllowed }).from(hotels).where(eq(hotels.incidentId, incidentId)),
    db
      .select({ count: roomTypes.count, sleeps: roomTypes.sleeps, accessible: roomTypes.accessible })
      .from(roomTypes)
      .where(eq(roomTypes.incidentId, incidentId)),
    db.select({ seats: vehicles.seats, wheelchairSpaces: vehicles.wheelchairSpaces }).from(vehicles).where(eq(vehicles.incidentId, incidentId)),
  ]);
  return { siteRows, partyRows, guestRows, hotelRows, roomRows, vehicleRows };
}
export type SummaryRows = Awaited<ReturnType<typeof loadSummaryRows>>;

/** The incident's muster points and other sites (a guest list names its muster point by id or name). */
export async function siteList(db: Db, incidentId: string): Promise<{ id: string; name: string; kind: string }[]> {
  return db.select({ id: sites.id, name: sites.name, kind: sites.kind }).from(sites).where(eq(sites.incidentId, incidentId));
}

/**
 * Add a place after the others; false when its id is already used (a colleague's add of the same
 * place committed first: it is never overwritten).
 */
export async function insertSite(tx: Tx, incidentId: string, site: { id: string; name: string; kind: string; lat: number; lng: number }): Promise<boolean> {
  const position = sql<number>`(select coalesce(max(${sites.position}), -1) + 1 from ${sites} where ${sites.incidentId} = ${incidentId})`;
  const added = await tx
    .insert(sites)
    .values({ incidentId, ...site, position })
    .onConflictDoNothing()
    .returning({ id: sites.id });
  return added.length > 0;
}

/** Whether a plan is in force: households added then wait for the next one, and a duty manager is told. */
export async function hasAppliedPlan(tx: Tx, incidentId: string): Promise<boolean> {
  const rows = await tx
    .select({ id: plans.id })
    .from(plans)
    .where(and(eq(plans.incidentId, incidentId), eq(plans.status, 'applied')))
    .limit(1);
  return rows.length > 0;
}

/** Households already in the incident: their ids, pass codes and list positions. */
export async function partyKeys(tx: Tx, incidentId: string): Promise<{ id: string; passCode: string; position: number }[]> {
  return tx.select({ id: parties.id, passCode: parties.passCode, position: parties.position }).from(parties).where(eq(parties.incidentId, incidentId));
}

/** What a person is told when a guest id they typed is one of those `guestIdsUsed` found. */
export type GuestIdUse = 'listed' | 'removed';

export function guestIdUsedMessage(id: string, use: GuestIdUse): string {
  return use === 'listed'
    ? `guest id "${id}" is already used in this incident`
    : `guest id "${id}" belonged to someone taken off the list; give the newcomer another`;
}

/**
 * Which of these guest ids the incident has ever used: `listed` for someone on a household's list
 * now, `removed` for someone since taken off one. A removed person's id is never given to anyone
 * else: their timeline, money, replies and attention items name it. Taken off the list is read from
 * the log (`party.changed` events' removedGuestIds) and from the timelines of guests no longer listed.
 */
export async function guestIdsUsed(tx: Tx, incidentId: string, ids: readonly string[]): Promise<Map<string, GuestIdUse>> {
  const out = new Map<string, GuestIdUse>();
  if (!ids.length) return out;
  const listed = await tx
    .select({ id: guests.id })
    .from(guests)
    .where(and(eq(guests.incidentId, incidentId), inArray(guests.id, [...ids])));
  for (const r of listed) out.set(r.id, 'listed');
  const rest = ids.filter((id) => !out.has(id));
  if (!rest.length) return out;
  const removed = rowsOf<{ id: string }>(
    await tx.execute(sql`
    select r.id from ${events} e cross join lateral jsonb_array_elements_text(coalesce(e.payload->'removedGuestIds', '[]'::jsonb)) as r(id)
    where e.incident_id = ${incidentId} and e.type = 'party.changed' and r.id = any(${sql.param([...rest])}::text[])
    union
    select guest_id as id from ${guestStatuses} where incident_id = ${incidentId} and guest_id = any(${sql.param([...rest])}::text[])`),
  );
  for (const r of removed) out.set(r.id, 'removed');
  return out;
}

/** The field errors for the guests whose ids `guestIdsUsed` found, each at the path `pathOf` gives it. */
export function guestIdErrors<G extends { id: string }>(
  used: ReadonlyMap<string, GuestIdUse>,
  list: readonly G[],
  pathOf: (g: G, i: number) => string,
): FieldError[] {
  return list.flatMap((g, i) => {
    const use = used.get(g.id);
    return use ? [{ path: pathOf(g, i), message: guestIdUsedMessage(g.id, use) }] : [];
  });
}
