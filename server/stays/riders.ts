/** Taking households off trips that have not left (their stay was cancelled or moved). */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { guests, tripRiders, trips } from '../db/schema.js';

/**
 * The households' rides (riders in `riderStatuses`) on trips not yet left, those trips locked in one
 * order: seat counts move only under these locks, so whoever moves them counts the members as they are.
 */
export async function lockRides(tx: Tx, incidentId: string, partyIds: readonly string[], riderStatuses: readonly string[]) {
  return tx
    .select({ tripId: tripRiders.tripId, partyId: tripRiders.partyId })
    .from(tripRiders)
    .innerJoin(trips, eq(trips.id, tripRiders.tripId))
    .where(
      and(
        eq(tripRiders.incidentId, incidentId),
        inArray(tripRiders.partyId, [...partyIds]),
        inArray(tripRiders.status, [...riderStatuses]),
        inArray(trips.status, ['planned', 'boarding']),
      ),
    )
    .orderBy(trips.id)
    .for('update', { of: trips });
}

/**
 * A household that keeps its seats but changed size or wheelchairs: the seat counts of the trips it
 * rides (as `lockRides` found and locked them) move by the difference (a full vehicle refuses it by its CHECK).
 */
export async function moveSeats(tx: Tx, tripIds: readonly string[], seated: number, wheel: number): Promise<void> {
  if ((!seated && !wheel) || !tripIds.length) return;
  await tx
    .update(trips)
    .set({ seatsUsed: sql`${trips.seatsUsed} + ${seated}`, wheelchairUsed: sql`${trips.wheelchairUsed} + ${wheel}` })
    .where(inArray(trips.id, [...tripIds]));
}

export async function releaseSeatsOfParties(tx: Tx, incidentId: string, partyIds: string[]): Promise<void> {
  if (!partyIds.length) return;
  // The trips are locked before the households' members are counted: a correction of a household
  // (which moves these counts under the same locks) commits first, and its members are counted as
  // they now are.
  const riders = await lockRides(tx, incidentId, partyIds, ['planned']);
  for (const r of riders) {
    // The rider's row decides who lets the seat go: a racing release that did it first leaves no row here.
    const gone = await tx
      .update(tripRiders)
      .set({ status: 'cancelled' })
      .where(and(eq(tripRiders.tripId, r.tripId), eq(tripRiders.partyId, r.partyId), eq(tripRiders.status, 'planned')))
      .returning({ partyId: tripRiders.partyId });
    if (!gone.length) continue;
    const [need] = await tx
      .select({ n: sql<number>`count(*)::int`, wheel: sql<number>`(count(*) filter (where 'wheelchair' = any(${guests.needs})))::int` })
      .from(guests)
      .where(and(eq(guests.incidentId, incidentId), eq(guests.partyId, r.partyId)));
    const wheel = need?.wheel ?? 0;
    const seated = (need?.n ?? 0) - wheel;
    await tx
      .update(trips)
      .set({ seatsUsed: sql`${trips.seatsUsed} - ${seated}`, wheelchairUsed: sql`${trips.wheelchairUsed} - ${wheel}` })
      .where(eq(trips.id, r.tripId));
  }
}

/** Trips that have not left are taken apart: riders and trips cancelled, seats back to zero. */
export async function cancelTrips(tx: Tx, tripIds: string[]): Promise<void> {
  await tx
    .update(tripRiders)
    .set({ status: 'cancelled' })
    .where(and(inArray(tripRiders.tripId, tripIds), inArray(tripRiders.status, ['planned', 'boarded'])));
  await tx.update(trips).set({ status: 'cancelled', seatsUsed: 0, wheelchairUsed: 0 }).where(inArray(trips.id, tripIds));
}
