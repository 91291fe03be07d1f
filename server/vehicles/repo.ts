/** A vehicle and the trips and riders it carries, as the vehicle service reads and writes them. */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { parties, sites, tripRiders, trips, vehicles } from '../db/schema.js';
import type { Vehicle } from '../../shared/scenario.js';
import type { VehicleStatus } from '../../shared/statuses.js';

export async function lockVehicle(tx: Tx, incidentId: string, vehicleId: string) {
  const [v] = await tx
    .select()
    .from(vehicles)
    .where(and(eq(vehicles.incidentId, incidentId), eq(vehicles.id, vehicleId)))
    .for('update');
  return v;
}

/** A vehicle offered during the night, listed after the others. */
export async function insertVehicle(tx: Tx, incidentId: string, v: Vehicle): Promise<void> {
  const [pos] = await tx
    .select({ n: sql<number>`coalesce(max(${vehicles.position}) + 1, 0)::int` })
    .from(vehicles)
    .where(eq(vehicles.incidentId, incidentId));
  await tx.insert(vehicles).values({ ...v, incidentId, availableFrom: new Date(v.availableFrom), position: pos?.n ?? 0 });
}

/**
 * Whether the incident has a vehicle with this id. Not locked: a change that holds a vehicle's row
 * waits for the incident's (its event) and must not wait for an offer in turn; two offers of one
 * id at once are settled by the primary key (409).
 */
export async function vehicleExists(tx: Tx, incidentId: string, vehicleId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: vehicles.id })
    .from(vehicles)
    .where(and(eq(vehicles.incidentId, incidentId), eq(vehicles.id, vehicleId)));
  return Boolean(row);
}

export async function setVehicleStatus(tx: Tx, incidentId: string, vehicleId: string, status: VehicleStatus): Promise<void> {
  await tx
    .update(vehicles)
    .set({ status })
    .where(and(eq(vehicles.incidentId, incidentId), eq(vehicles.id, vehicleId)));
}

/** The vehicle's trips that are planned, boarding or on the road. */
export async function openTrips(tx: Tx, incidentId: string, vehicleId: string) {
  return tx
    .select()
    .from(trips)
    .where(and(eq(trips.incidentId, incidentId), eq(trips.vehicleId, vehicleId), inArray(trips.status, ['planned', 'boarding', 'departed'])));
}

/** Riders planned or aboard on these trips. */
export async function currentRiders(tx: Db | Tx, tripIds: string[]) {
  return tripIds.length
    ? tx
        .select()
        .from(tripRiders)
        .where(and(inArray(tripRiders.tripId, tripIds), inArray(tripRiders.status, ['planned', 'boarded'])))
    : [];
}

export async function partyContacts(tx: Tx, incidentId: string, partyIds: string[]): Promise<{ id: string; name: string; phone: string }[]> {
  return partyIds.length
    ? tx
        .select({ id: parties.id, name: parties.name, phone: parties.phone })
        .from(parties)
        .where(and(eq(parties.incidentId, incidentId), inArray(parties.id, partyIds)))
    : [];
}

export async function siteNames(tx: Db | Tx, incidentId: string): Promise<{ id: string; name: string }[]> {
  return tx.select({ id: sites.id, name: sites.name }).from(sites).where(eq(sites.incidentId, incidentId));
}
