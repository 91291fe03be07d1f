/** What a guest pass is built from, read for the pass service (reads only). */
import { and, asc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import type { StayStatus } from '../../shared/statuses.js';
import { guests, hotels, incidents, parties, sites, stays, tripRiders, trips, vehicles, type PartyStatus } from '../db/schema.js';

type Exec = Db | Tx;
export type PartyRow = typeof parties.$inferSelect;

/** The household a status token or a pass code names. */
export async function partyByTokenOrCode(
  db: Exec,
  incidentId: string,
  by: { token: string } | { code: string },
): Promise<{ id: string; passCode: string } | undefined> {
  const match = 'token' in by ? eq(parties.statusToken, by.token) : eq(parties.passCode, by.code);
  const [party] = await db
    .select({ id: parties.id, passCode: parties.passCode })
    .from(parties)
    .where(and(eq(parties.incidentId, incidentId), match));
  return party;
}

export async function hasStayAt(db: Exec, incidentId: string, partyId: string, hotelId: string, statuses: StayStatus[]): Promise<boolean> {
  const [stay] = await db
    .select({ id: stays.id })
    .from(stays)
    .where(and(eq(stays.incidentId, incidentId), eq(stays.partyId, partyId), eq(stays.hotelId, hotelId), inArray(stays.status, statuses)))
    .limit(1);
  return Boolean(stay);
}

export async function sitesInOrder(db: Exec, incidentId: string) {
  return db.select().from(sites).where(eq(sites.incidentId, incidentId)).orderBy(asc(sites.position));
}

/** Households per muster point, leaving out those in these statuses. */
export async function householdsPerSite(db: Exec, incidentId: string, except: PartyStatus[]): Promise<{ siteId: string; n: number }[]> {
  return db
    .select({ siteId: parties.siteId, n: sql<number>`count(*)::int` })
    .from(parties)
    .where(and(eq(parties.incidentId, incidentId), notInArray(parties.status, except)))
    .groupBy(parties.siteId);
}

export async function site(db: Exec, incidentId: string, siteId: string) {
  const [row] = await db
    .select()
    .from(sites)
    .where(and(eq(sites.incidentId, incidentId), eq(sites.id, siteId)));
  return row;
}

/** A muster point's households by name, either only those in `only` or all but those in `except`. */
export async function partiesAtSite(
  db: Exec,
  incidentId: string,
  siteId: string,
  statuses: { only: PartyStatus[] } | { except: PartyStatus[] },
): Promise<PartyRow[]> {
  return db
    .select()
    .from(parties)
    .where(
      and(
        eq(parties.incidentId, incidentId),
        eq(parties.siteId, siteId),
        'only' in statuses ? inArray(parties.status, statuses.only) : notInArray(parties.status, statuses.except),
      ),
    )
    .orderBy(asc(parties.name), asc(parties.position));
}

export async function partyRow(db: Exec, incidentId: string, partyId: string): Promise<PartyRow[]> {
  return db
    .select()
    .from(parties)
    .where(and(eq(parties.incidentId, incidentId), eq(parties.id, partyId)));
}

export async function hotel(db: Exec, incidentId: string, hotelId: string) {
  const [h] = await db
    .select()
    .from(hotels)
    .where(and(eq(hotels.incidentId, incidentId), eq(hotels.id, hotelId)));
  return h;
}

/** Households with a stay at this hotel in one of these statuses, by name. */
export async function partiesStayingAt(db: Exec, incidentId: string, hotelId: string, statuses: StayStatus[]): Promise<PartyRow[]> {
  const placed = await db
    .select({ partyId: stays.partyId })
    .from(stays)
    .where(and(eq(stays.incidentId, incidentId), eq(stays.hotelId, hotelId), inArray(stays.status, statuses)));
  const ids = placed.map((x) => x.partyId);
  return ids.length
    ? db
        .select()
        .from(parties)
        .where(and(eq(parties.incidentId, incidentId), inArray(parties.id, ids)))
        .orderBy(asc(parties.name), asc(parties.position))
    : [];
}

export async function incident(db: Exec, incidentId: string) {
  const [row] = await db.select().from(incidents).where(eq(incidents.id, incidentId));
  return row;
}

/** The households' guests, current stays and current rides (with trip and vehicle). */
export async function passParts(db: Exec, incidentId: string, partyIds: string[]) {
  return Promise.all([
    db
      .select()
      .from(guests)
      .where(and(eq(guests.incidentId, incidentId), inArray(guests.partyId, partyIds)))
      .orderBy(asc(guests.position)),
    db
      .select()
      .from(stays)
      .where(and(eq(stays.incidentId, incidentId), inArray(stays.partyId, partyIds), inArray(stays.status, ['planned', 'checked_in']))),
    db
      .select({ partyId: tripRiders.partyId, hotelId: tripRiders.hotelId, status: tripRiders.status, trip: trips, vehicle: vehicles })
      .from(tripRiders)
      .innerJoin(trips, eq(trips.id, tripRiders.tripId))
      .innerJoin(vehicles, and(eq(vehicles.incidentId, trips.incidentId), eq(vehicles.id, trips.vehicleId)))
      .where(and(eq(tripRiders.incidentId, incidentId), inArray(tripRiders.partyId, partyIds), inArray(tripRiders.status, ['planned', 'boarded', 'dropped']))),
  ] as const);
}

export async function hotelsById(db: Exec, incidentId: string, hotelIds: string[]) {
  return hotelIds.length
    ? db
        .select()
        .from(hotels)
        .where(and(eq(hotels.incidentId, incidentId), inArray(hotels.id, hotelIds)))
    : [];
}
