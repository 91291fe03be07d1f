/** The queries behind drivers' links and manifests (the incident itself is read through incidents/repo.ts). */
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { driverLinks, events, guests, hotels, incidents, parties, sites, tripRiders, trips, vehicles } from '../db/schema.js';

export type TripRow = typeof trips.$inferSelect;

export async function findVehicle(db: Db | Tx, incidentId: string, vehicleId: string) {
  const [row] = await db
    .select()
    .from(vehicles)
    .where(and(eq(vehicles.incidentId, incidentId), eq(vehicles.id, vehicleId)));
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
  return db
    .select()
    .from(trips)
    .where(and(eq(trips.incidentId, incidentId), ne(trips.status, 'cancelled')))
    .orderBy(asc(trips.departAt));
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
  return db
    .select()
    .from(hotels)
    .where(and(eq(hotels.incidentId, incidentId), inArray(hotels.id, ids)));
}

export async function findSite(db: Db | Tx, incidentId: string, siteId: string) {
  const [row] = await db
    .select()
    .from(sites)
    .where(and(eq(sites.incidentId, incidentId), eq(sites.id, siteId)));
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

/** Whether a vehicle's link may still be used: its incident is active, and which generation is current. */
export async function linkState(db: Db | Tx, incidentId: string, vehicleId: string): Promise<{ incidentActive: boolean; generation: number }> {
  const [row] = await db
    .select({ status: incidents.status, generation: driverLinks.generation })
    .from(incidents)
    .leftJoin(driverLinks, and(eq(driverLinks.incidentId, incidents.id), eq(driverLinks.vehicleId, vehicleId)))
    .where(eq(incidents.id, incidentId));
  return { incidentActive: row?.status === 'active', generation: row?.generation ?? 1 };
}

/** Current link generation per vehicle that was ever revoked (others are at 1). */
export async function linkGenerations(db: Db | Tx, incidentId: string): Promise<Map<string, number>> {
  const rows = await db
    .select({ vehicleId: driverLinks.vehicleId, generation: driverLinks.generation })
    .from(driverLinks)
    .where(eq(driverLinks.incidentId, incidentId));
  return new Map(rows.map((r) => [r.vehicleId, r.generation]));
}

/** Move a vehicle's link to its next generation (one statement: concurrent revokes each count). */
export async function bumpLinkGeneration(
  tx: Tx,
  incidentId: string,
  vehicleId: string,
  userId: string,
): Promise<{ generation: number; revokedAt: Date | null }> {
  const [row] = await tx
    .insert(driverLinks)
    .values({ incidentId, vehicleId, generation: 2, revokedAt: sql`now()`, revokedBy: userId })
    .onConflictDoUpdate({
      target: [driverLinks.incidentId, driverLinks.vehicleId],
      set: { generation: sql`${driverLinks.generation} + 1`, revokedAt: sql`now()`, revokedBy: userId },
    })
    .returning({ generation: driverLinks.generation, revokedAt: driverLinks.revokedAt });
  return row!;
}

/** A household ticked on (boarded, stamped now) or off (back to planned) a trip. */
export async function setRiderBoarded(tx: Tx, tripId: string, partyId: string, status: 'boarded' | 'planned', boardedAt: Date | null): Promise<void> {
  await tx
    .update(tripRiders)
    .set({ status, boardedAt })
    .where(and(eq(tripRiders.tripId, tripId), eq(tripRiders.partyId, partyId)));
}

export async function updateTrip(
  tx: Tx,
  tripId: string,
  change: Partial<Pick<typeof trips.$inferInsert, 'status' | 'departedAt' | 'completedAt'>>,
): Promise<void> {
  await tx.update(trips).set(change).where(eq(trips.id, tripId));
}

/** The households aboard a trip for one hotel. */
export function boardedFor(tx: Tx, tripId: string, hotelId: string) {
  return tx
    .select()
    .from(tripRiders)
    .where(and(eq(tripRiders.tripId, tripId), eq(tripRiders.hotelId, hotelId), eq(tripRiders.status, 'boarded')));
}

export async function dropRiders(tx: Tx, tripId: string, partyIds: string[], droppedAt: Date): Promise<void> {
  await tx
    .update(tripRiders)
    .set({ status: 'dropped', droppedAt })
    .where(and(eq(tripRiders.tripId, tripId), inArray(tripRiders.partyId, partyIds)));
}

/** Store the vehicle's position; false when the vehicle is gone. */
export async function storePosition(db: Db, incidentId: string, vehicleId: string, lat: number, lng: number, at: Date): Promise<boolean> {
  const rows = await db
    .update(vehicles)
    .set({ lat, lng, positionAt: at })
    .where(and(eq(vehicles.incidentId, incidentId), eq(vehicles.id, vehicleId)))
    .returning({ id: vehicles.id });
  return rows.length > 0;
}
