/** The queries behind drivers' links and manifests: the only place in this feature that reads tables. */
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { events, guests, hotels, incidents, parties, sites, tripRiders, trips, vehicles } from '../db/schema.js';

export type TripRow = typeof trips.$inferSelect;

export async function findIncident(db: Db | Tx, incidentId: string) {
  const [row] = await db.select({ id: incidents.id, name: incidents.name, timezone: incidents.timezone, policy: incidents.policy }).from(incidents).where(eq(incidents.id, incidentId));
  return row;
}

export async function findVehicle(db: Db | Tx, incidentId: string, vehicleId: string) {
  const [row] = await db.select().from(vehicles).where(and(eq(vehicles.incidentId, incidentId), eq(vehicles.id, vehicleId)));
  return row;
}

/** A vehicle's trips that were not cancelled, in departure order. */
export function vehicleTrips(db: Db | Tx, incidentId: string, vehicleId: string): Promise<TripRow[]> {
  return db
    .select()
    .from(trips)
    .where(and(eq(trips.incidentId, incidentId), eq(trips.vehicleId, vehicleId), ne(trips.status, 'cancelled')))
    .orderBy(asc(trips.departAt));
}

export function incidentTrips(db: Db | Tx, incidentId: string): Promise<TripRow[]> {
  return db.select().from(trips).where(and(eq(trips.incidentId, incidentId), ne(trips.status, 'cancelled'))).orderBy(asc(trips.departAt));
}

export function incidentVehicles(db: Db | Tx, incidentId: string) {
  return db.select().from(vehicles).where(eq(vehicles.incidentId, incidentId)).orderBy(asc(vehicles.position));
}

/** Riders still on the manifest (not cancelled or left behind) with their household. */
export function ridersOf(db: Db | Tx, tripIds: string[]) {
  if (!tripIds.length) return Promise.resolve([]);
  return db
    .select({ rider: tripRiders, party: parties })
    .from(tripRiders)
    .innerJoin(parties, and(eq(parties.incidentId, tripRiders.incidentId), eq(parties.id, tripRiders.partyId)))
    .where(and(inArray(tripRiders.tripId, tripIds), inArray(tripRiders.status, ['planned', 'boarded', 'dropped'])))
    .orderBy(asc(parties.position));
}

export function guestsOf(db: Db | Tx, incidentId: string, partyIds: string[]) {
  if (!partyIds.length) return Promise.resolve([]);
  return db
    .select()
    .from(guests)
    .where(and(eq(guests.incidentId, incidentId), inArray(guests.partyId, partyIds)))
    .orderBy(asc(guests.position));
}

export function hotelsById(db: Db | Tx, incidentId: string, ids: string[]) {
  if (!ids.length) return Promise.resolve([]);
  return db.select().from(hotels).where(and(eq(hotels.incidentId, incidentId), inArray(hotels.id, ids)));
}

export async function findSite(db: Db | Tx, incidentId: string, siteId: string) {
  const [row] = await db.select().from(sites).where(and(eq(sites.incidentId, incidentId), eq(sites.id, siteId)));
  return row;
}

/** When each stop of a trip was reached (from the trip's own 'trip.arrived' events). */
export async function stopArrivals(db: Db | Tx, incidentId: string, tripIds: string[]): Promise<Map<string, Map<string, string>>> {
  const out = new Map<string, Map<string, string>>();
  if (!tripIds.length) return out;
  const rows = await db
    .select({ at: events.at, tripId: sql<string>`${events.payload}->>'tripId'`, hotelId: sql<string>`${events.payload}->>'hotelId'` })
    .from(events)
    .where(and(eq(events.incidentId, incidentId), eq(events.type, 'trip.arrived'), inArray(sql`${events.payload}->>'tripId'`, tripIds)));
  for (const r of rows) {
    const m = out.get(r.tripId) ?? new Map<string, string>();
    if (!m.has(r.hotelId)) m.set(r.hotelId, r.at.toISOString());
    out.set(r.tripId, m);
  }
  return out;
}

/** The trip under its row lock, only if it belongs to this vehicle of this incident. */
export async function lockTrip(tx: Tx, incidentId: string, vehicleId: string, tripId: string) {
  const [row] = await tx
    .select()
    .from(trips)
    .where(and(eq(trips.id, tripId), eq(trips.incidentId, incidentId), eq(trips.vehicleId, vehicleId)))
    .for('update');
  return row;
}

export async function lockRider(tx: Tx, tripId: string, partyId: string) {
  const [row] = await tx
    .select({ rider: tripRiders, party: parties })
    .from(tripRiders)
    .innerJoin(parties, and(eq(parties.incidentId, tripRiders.incidentId), eq(parties.id, tripRiders.partyId)))
    .where(and(eq(tripRiders.tripId, tripId), eq(tripRiders.partyId, partyId)))
    .for('update');
  return row;
}
