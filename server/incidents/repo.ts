/** Queries behind the incident list, headline counts and the console's state snapshot. */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { guests, hotels, incidents, parties, roomTypes, sites, stays, tripRiders, trips, vehicles } from '../db/schema.js';

export type IncidentRow = typeof incidents.$inferSelect;

export async function findIncident(db: Db, id: string): Promise<IncidentRow | undefined> {
  const [row] = await db.select().from(incidents).where(eq(incidents.id, id));
  return row;
}

/** Incidents with household and guest counts; `ids` limits the list (undefined = all). */
export async function listIncidents(db: Db, ids?: string[]) {
  if (ids && ids.length === 0) return [];
  return db
    .select({
      id: incidents.id,
      name: incidents.name,
      startedAt: incidents.startedAt,
      status: incidents.status,
      households: sql<number>`(select count(*)::int from ${parties} p where p.incident_id = incidents.id)`,
      guests: sql<number>`(select count(*)::int from ${guests} g where g.incident_id = incidents.id)`,
    })
    .from(incidents)
    .where(ids ? inArray(incidents.id, ids) : undefined)
    .orderBy(asc(incidents.createdAt));
}

export async function loadIncidentRows(db: Db, incidentId: string) {
  const [siteRows, partyRows, guestRows, hotelRows, roomRows, vehicleRows, stayRows, tripRows, riderRows] = await Promise.all([
    db.select().from(sites).where(eq(sites.incidentId, incidentId)).orderBy(asc(sites.position)),
    db.select().from(parties).where(eq(parties.incidentId, incidentId)).orderBy(asc(parties.position)),
    db.select().from(guests).where(eq(guests.incidentId, incidentId)).orderBy(asc(guests.partyId), asc(guests.position)),
    db.select().from(hotels).where(eq(hotels.incidentId, incidentId)).orderBy(asc(hotels.position)),
    db.select().from(roomTypes).where(eq(roomTypes.incidentId, incidentId)).orderBy(asc(roomTypes.position)),
    db.select().from(vehicles).where(eq(vehicles.incidentId, incidentId)).orderBy(asc(vehicles.position)),
    db.select().from(stays).where(and(eq(stays.incidentId, incidentId), inArray(stays.status, ['planned', 'checked_in']))),
    db.select().from(trips).where(and(eq(trips.incidentId, incidentId), inArray(trips.status, ['planned', 'boarding', 'departed']))).orderBy(asc(trips.departAt)),
    db.select().from(tripRiders).where(and(eq(tripRiders.incidentId, incidentId), inArray(tripRiders.status, ['planned', 'boarded']))),
  ]);
  return { siteRows, partyRows, guestRows, hotelRows, roomRows, vehicleRows, stayRows, tripRows, riderRows };
}
export type IncidentRows = Awaited<ReturnType<typeof loadIncidentRows>>;
