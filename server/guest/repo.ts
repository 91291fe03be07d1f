/**
 * The status link's storage: the household behind a token, what its page shows (guests, replies,
 * page messages, feedback) and what it may send back, in the guest service's transaction; and
 * the households' stays and rides that journey.ts reads each one's current journey from.
 * Guests move only through server/whereabouts/repo.ts; rooms go back through server/stays/repo.ts.
 */
import { and, asc, desc, eq, inArray, isNull, sql, type AnyColumn, type Placeholder } from 'drizzle-orm';
import { batchedPerDb, preparedPerDb } from '../db/prepared.js';
import type { Db, Tx } from '../db/client.js';
import {
  feedback,
  guestReplies,
  guests,
  hotels,
  incidents,
  outbox,
  parties,
  sites,
  stays,
  tripRiders,
  trips,
  users,
  vehicles,
  type PartyStatus,
} from '../db/schema.js';

type Exec = Db | Tx;
export type PartyRow = typeof parties.$inferSelect;
export type ReplyRow = typeof guestReplies.$inferSelect;
export type OutboxRow = typeof outbox.$inferSelect;

export async function partyByToken(db: Exec, token: string, lock: boolean): Promise<PartyRow | undefined> {
  const q = db.select().from(parties).where(eq(parties.statusToken, token));
  const [party] = lock ? await q.for('update') : await q;
  return party;
}

/**
 * The household behind a token and a version of every row its status page is built from (the
 * household, its guests, replies, page messages, feedback, stays with their hotels, rides with their
 * trips, vehicles and muster points, the incident's name, zone and helpline, the message settings),
 * in one read. The version is a hash of the rows' `xmin` (the transaction that wrote each row
 * version: it changes with every insert and update) and of the incident fields the page shows, so
 * any change to what the page is built from, by any service in any process, changes it. It covers
 * more than the page shows (all stays and rides, all page messages): a change there costs a full
 * read, never a stale page. Keep it in step with `statusPage` and ./journey.ts.
 */
export async function partyAndPageVersion(db: Db, token: string): Promise<{ party: PartyRow; version: string } | undefined> {
  return versionReads(db)(token);
}

/**
 * Every status poll asks this, so the polls that arrive together share one read (`batchedPerDb`):
 * a hurricane's phones poll by the thousand a second. Prepared (unprepared, PostgreSQL spent 1.8
 * of its 2.8 ms per poll parsing and planning it).
 */
const pageVersions = preparedPerDb((db) =>
  db
    .select({ party: parties, version: PAGE_VERSION })
    .from(parties)
    .where(sql`${parties.statusToken} = any(${sql.placeholder('tokens')})`)
    .prepare('guest_page_versions'),
);
const versionReads = batchedPerDb<{ party: PartyRow; version: string }>(
  async (db, tokens) => new Map((await pageVersions(db).execute({ tokens })).map((r) => [r.party.statusToken ?? '', r])),
);

/** Written out in full (table-qualified; `p` is the household's row) because drizzle leaves a one-table select's columns bare. */
const rowVersions = (from: string, where: string, rowVersion = 'xmin::text') =>
  `coalesce((select string_agg(x, ',' order by x) from (select ${rowVersion} as x from ${from} where ${where}) v), '')`;
const PAGE_VERSION = sql<string>`md5(concat_ws('|', "parties".xmin::text, ${sql.raw(
  [
    `(select concat_ws(',', i.name, i.timezone, i.helpline::text) from incidents i where i.id = "parties".incident_id)`,
    rowVersions('guests g', 'g.incident_id = "parties".incident_id and g.party_id = "parties".id', 'g.xmin::text'),
    rowVersions('guest_replies r', 'r.incident_id = "parties".incident_id and r.party_id = "parties".id', 'r.xmin::text'),
    rowVersions('outbox o', `o.incident_id = "parties".incident_id and o.party_id = "parties".id and o.channel = 'page'`, 'o.xmin::text'),
    rowVersions('feedback f', 'f.incident_id = "parties".incident_id and f.party_id = "parties".id', 'f.xmin::text'),
    rowVersions('message_settings m', 'm.incident_id = "parties".incident_id', 'm.xmin::text'),
    rowVersions(
      'stays s join hotels h on h.incident_id = s.incident_id and h.id = s.hotel_id',
      's.incident_id = "parties".incident_id and s.party_id = "parties".id',
      `s.xmin::text || ':' || h.xmin::text`,
    ),
    rowVersions(
      `trip_riders tr join trips t on t.id = tr.trip_id
        join vehicles ve on ve.incident_id = t.incident_id and ve.id = t.vehicle_id
        join sites si on si.incident_id = t.incident_id and si.id = t.from_site_id`,
      'tr.incident_id = "parties".incident_id and tr.party_id = "parties".id',
      `tr.xmin::text || ':' || t.xmin::text || ':' || ve.xmin::text || ':' || si.xmin::text`,
    ),
  ].join(',\n'),
)}))`;

/** What the page shows of a reply and of a page message (the rest of their rows is for staff). */
export type PageReply = Pick<ReplyRow, 'id' | 'kind' | 'text' | 'guestId' | 'createdAt'>;
export type PageMessage = Pick<OutboxRow, 'template' | 'subject' | 'body' | 'createdAt'>;

/**
 * What the household's page shows: incident (with the messages' helpline), guests, replies, page
 * messages, feedback, and its stays and rides for `journeysOf` (./journey.ts). Three reads at
 * once, each prepared (`preparedPerDb`): the flat parts in one statement (each part a JSON
 * column), the stays and the rides in theirs. A page read in full is a phone's first poll, and
 * every phone's poll after a change to its page (a plan applied changes them all).
 */
export async function statusPage(db: Db, incidentId: string, partyId: string) {
  const at = { incidentId, partyId, partyIds: [partyId] };
  const [[flat], stayRows, rideRows] = await Promise.all([
    pageQueries(db).flat.execute(at),
    pageQueries(db).stays.execute(at),
    pageQueries(db).rides.execute(at),
  ]);
  const when = (x: { createdAt: Date | string }) => ({ ...x, createdAt: new Date(x.createdAt) });
  return {
    inc: flat ? { name: flat.name, timezone: flat.timezone, helpline: flat.helpline, settingsHelpline: flat.settingsHelpline } : undefined,
    guestRows: flat?.guests ?? [],
    replyRows: (flat?.replies ?? []).map(when) as PageReply[],
    pageRows: (flat?.messages ?? []).map(when) as PageMessage[],
    fb: flat?.feedback ?? undefined,
    stayRows,
    rideRows,
  };
}

const incidentP = sql.placeholder('incidentId');
const partyP = sql.placeholder('partyId');
const pageQueries = preparedPerDb((db) => ({
  flat: db
    .select({
      name: incidents.name,
      timezone: incidents.timezone,
      helpline: incidents.helpline,
      settingsHelpline: sql<string | null>`(select m.helpline_phone from message_settings m where m.incident_id = ${incidents.id})`,
      guests: sql<{ id: string; name: string; age: string; position: number; whereabouts: string }[]>`coalesce((select json_agg(json_build_object(
            'id', g.id, 'name', g.name, 'age', g.age, 'position', g.position, 'whereabouts', g.whereabouts) order by g.position)
          from guests g where g.incident_id = ${incidentP} and g.party_id = ${partyP}), '[]'::json)`,
      replies: sql<(Omit<PageReply, 'createdAt'> & { createdAt: string })[]>`coalesce((select json_agg(x.j order by x.ord) from (
          select json_build_object('id', r.id, 'kind', r.kind, 'text', r.text, 'guestId', r.guest_id, 'createdAt', r.created_at) as j,
                 row_number() over (order by r.created_at desc) as ord
          from guest_replies r where r.incident_id = ${incidentP} and r.party_id = ${partyP}
          order by r.created_at desc limit 20) x), '[]'::json)`,
      messages: sql<(Omit<PageMessage, 'createdAt'> & { createdAt: string })[]>`coalesce((select json_agg(x.j order by x.ord) from (
          select json_build_object('template', o.template, 'subject', o.subject, 'body', o.body, 'createdAt', o.created_at) as j,
                 row_number() over (order by o.created_at desc, o.id desc) as ord
          from outbox o where o.incident_id = ${incidentP} and o.party_id = ${partyP} and o.channel = 'page'
          order by o.created_at desc, o.id desc limit 20) x), '[]'::json)`,
      feedback: sql<{ rating: number; comment: string } | null>`(select json_build_object('rating', f.rating, 'comment', f.comment)
          from feedback f where f.incident_id = ${incidentP} and f.party_id = ${partyP} limit 1)`,
    })
    .from(incidents)
    .where(eq(incidents.id, incidentP))
    .prepare('guest_page_flat'),
  stays: journeyStays(db, incidentP, sql.placeholder('partyIds')).prepare('guest_page_stays'),
  rides: journeyRides(db, incidentP, sql.placeholder('partyIds')).prepare('guest_page_rides'),
}));

/** The reply a phone already sent under this key, if any. */
export async function replyByKey(tx: Tx, incidentId: string, partyId: string, clientKey: string): Promise<ReplyRow | undefined> {
  const [existing] = await tx
    .select()
    .from(guestReplies)
    .where(and(eq(guestReplies.incidentId, incidentId), eq(guestReplies.partyId, partyId), eq(guestReplies.clientKey, clientKey)));
  return existing;
}

export async function memberName(tx: Tx, incidentId: string, partyId: string, guestId: string): Promise<string | undefined> {
  const [g] = await tx
    .select({ name: guests.name })
    .from(guests)
    .where(and(eq(guests.incidentId, incidentId), eq(guests.partyId, partyId), eq(guests.id, guestId)));
  return g?.name;
}

export async function setPartyStatus(tx: Tx, incidentId: string, partyId: string, status: PartyStatus): Promise<void> {
  await tx
    .update(parties)
    .set({ status })
    .where(and(eq(parties.incidentId, incidentId), eq(parties.id, partyId)));
}

export async function insertReply(tx: Tx, row: typeof guestReplies.$inferInsert): Promise<ReplyRow | undefined> {
  const [inserted] = await tx.insert(guestReplies).values(row).returning();
  return inserted;
}

/** The hotel of the household's latest stay it checked in to (feedback is about that stay). */
export async function latestCheckedInHotel(tx: Tx, incidentId: string, partyId: string): Promise<string | undefined> {
  const [stay] = await tx
    .select({ hotelId: stays.hotelId })
    .from(stays)
    .where(and(eq(stays.incidentId, incidentId), eq(stays.partyId, partyId), inArray(stays.status, ['checked_in', 'checked_out'])))
    .orderBy(desc(stays.createdAt))
    .limit(1);
  return stay?.hotelId;
}

/** One feedback row per household: a second answer replaces the first. */
export async function upsertFeedback(
  tx: Tx,
  incidentId: string,
  partyId: string,
  f: { rating: number; comment: string; hotelId: string },
  at: Date,
): Promise<void> {
  await tx
    .insert(feedback)
    .values({ incidentId, partyId, ...f, createdAt: at, updatedAt: at })
    .onConflictDoUpdate({ target: [feedback.incidentId, feedback.partyId], set: { ...f, updatedAt: at } });
}

/** Replies with the household's name and the handler's: oldest first when only open ones, else newest first. */
export async function replies(db: Exec, incidentId: string, opts: { partyId?: string; open?: boolean; limit: number }) {
  const where = [eq(guestReplies.incidentId, incidentId)];
  if (opts.partyId) where.push(eq(guestReplies.partyId, opts.partyId));
  if (opts.open) where.push(isNull(guestReplies.handledAt));
  return db
    .select({ r: guestReplies, name: parties.name, handler: users.name })
    .from(guestReplies)
    .innerJoin(parties, and(eq(parties.incidentId, guestReplies.incidentId), eq(parties.id, guestReplies.partyId)))
    .leftJoin(users, eq(users.id, guestReplies.handledBy))
    .where(and(...where))
    .orderBy(opts.open ? asc(guestReplies.createdAt) : desc(guestReplies.createdAt))
    .limit(opts.limit);
}

/** A reply with its household's name and status, both rows locked. */
export async function lockReply(tx: Tx, incidentId: string, replyId: string) {
  const [found] = await tx
    .select({ r: guestReplies, name: parties.name, status: parties.status })
    .from(guestReplies)
    .innerJoin(parties, and(eq(parties.incidentId, guestReplies.incidentId), eq(parties.id, guestReplies.partyId)))
    .where(and(eq(guestReplies.incidentId, incidentId), eq(guestReplies.id, replyId)))
    .for('update', { of: [guestReplies, parties] });
  return found;
}

export async function userName(tx: Tx, userId: string): Promise<string | undefined> {
  const [by] = await tx.select({ name: users.name }).from(users).where(eq(users.id, userId));
  return by?.name;
}

export async function markReplyHandled(
  tx: Tx,
  incidentId: string,
  replyId: string,
  handled: { at: Date; by: string | null; note: string },
): Promise<ReplyRow | undefined> {
  const [row] = await tx
    .update(guestReplies)
    .set({ handledAt: handled.at, handledBy: handled.by, handledNote: handled.note })
    .where(and(eq(guestReplies.incidentId, incidentId), eq(guestReplies.id, replyId)))
    .returning();
  return row;
}

export async function isAboard(tx: Tx, incidentId: string, partyId: string): Promise<boolean> {
  const [ride] = await tx
    .select({ status: tripRiders.status })
    .from(tripRiders)
    .where(and(eq(tripRiders.incidentId, incidentId), eq(tripRiders.partyId, partyId), eq(tripRiders.status, 'boarded')))
    .limit(1);
  return Boolean(ride);
}

export async function hasPlannedStay(tx: Tx, incidentId: string, partyId: string): Promise<boolean> {
  const [stay] = await tx
    .select({ id: stays.id })
    .from(stays)
    .where(and(eq(stays.incidentId, incidentId), eq(stays.partyId, partyId), eq(stays.status, 'planned')))
    .limit(1);
  return Boolean(stay);
}

/** The households' planned, current and past stays with their hotel, newest first. */
export function journeyStays(db: Exec, incidentId: string | Placeholder, partyIds: string[] | Placeholder) {
  return db
    .select({ stay: stays, hotel: hotels })
    .from(stays)
    .innerJoin(hotels, and(eq(hotels.incidentId, stays.incidentId), eq(hotels.id, stays.hotelId)))
    .where(and(eq(stays.incidentId, incidentId), anyOf(stays.partyId, partyIds), inArray(stays.status, ['planned', 'checked_in', 'checked_out'])))
    .orderBy(desc(stays.createdAt));
}

/** The households' rides (planned, boarded or done) with trip, vehicle and muster point name, newest trip first. */
export function journeyRides(db: Exec, incidentId: string | Placeholder, partyIds: string[] | Placeholder) {
  return db
    .select({ rider: tripRiders, trip: trips, vehicle: vehicles, from: sites.name })
    .from(tripRiders)
    .innerJoin(trips, eq(trips.id, tripRiders.tripId))
    .innerJoin(vehicles, and(eq(vehicles.incidentId, trips.incidentId), eq(vehicles.id, trips.vehicleId)))
    .innerJoin(sites, and(eq(sites.incidentId, trips.incidentId), eq(sites.id, trips.fromSiteId)))
    .where(and(eq(tripRiders.incidentId, incidentId), anyOf(tripRiders.partyId, partyIds), inArray(tripRiders.status, ['planned', 'boarded', 'dropped'])))
    .orderBy(desc(trips.createdAt));
}

/** `column = any(ids)` with the ids as one array parameter, so a prepared query can take them as a placeholder. */
const anyOf = (column: AnyColumn, ids: string[] | Placeholder) => sql`${column} = any(${Array.isArray(ids) ? sql.param(ids) : ids}::text[])`;

/** The hotel booked for the household (its planned stay), if any. */
export async function bookedHotel(tx: Tx, incidentId: string, partyId: string): Promise<{ id: string; name: string } | undefined> {
  const [row] = await tx
    .select({ id: hotels.id, name: hotels.name })
    .from(stays)
    .innerJoin(hotels, and(eq(hotels.incidentId, stays.incidentId), eq(hotels.id, stays.hotelId)))
    .where(and(eq(stays.incidentId, incidentId), eq(stays.partyId, partyId), eq(stays.status, 'planned')))
    .limit(1);
  return row;
}
