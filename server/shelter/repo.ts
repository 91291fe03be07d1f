/**
 * What the live shelter projection (shared/live-shelter.ts) needs beyond the console's state rows:
 * trips already completed (where their vehicles are), when each stop of a trip on the road was
 * reached, when households got off, and the figures of the plan as applied.
 */
import { and, desc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { plans, tripRiders, trips } from '../db/schema.js';
import { stopArrivals } from '../drivers/repo.js';
import type { ShelterTimes } from '../../shared/live-shelter.js';

export async function loadShelterExtras(db: Db | Tx, incidentId: string, departedTripIds: string[]) {
  // One after another: inside a transaction they share one connection.
  const completed = await db
    .select({
      id: trips.id,
      vehicleId: trips.vehicleId,
      fromSiteId: trips.fromSiteId,
      stops: trips.stops,
      departAt: trips.departAt,
      arrivals: trips.arrivals,
      departedAt: trips.departedAt,
      completedAt: trips.completedAt,
    })
    .from(trips)
    .where(and(eq(trips.incidentId, incidentId), eq(trips.status, 'completed')));
  const dropped = await db
    .select({ partyId: tripRiders.partyId, at: sql<Date>`max(${tripRiders.droppedAt})` })
    .from(tripRiders)
    .where(and(eq(tripRiders.incidentId, incidentId), eq(tripRiders.status, 'dropped'), isNotNull(tripRiders.droppedAt)))
    .groupBy(tripRiders.partyId);
  const reached = await stopArrivals(db, incidentId, departedTripIds);
  const planned = await appliedTimes(db, incidentId);
  return { completed, droppedAt: new Map(dropped.map((d) => [d.partyId, new Date(d.at)])), reached, planned };
}
/** Applied plans never change: their figures are read once per process (a plan's JSON can run to megabytes). */
const timesOfPlan = new Map<string, ShelterTimes>();

/** The last arrivals of the plan as applied; null before any plan was applied. */
async function appliedTimes(db: Db | Tx, incidentId: string): Promise<ShelterTimes | null> {
  const [applied] = await db
    .select({ id: plans.id })
    .from(plans)
    .where(and(eq(plans.incidentId, incidentId), eq(plans.status, 'applied')))
    .orderBy(desc(plans.appliedAt))
    .limit(1);
  if (!applied) return null;
  const known = timesOfPlan.get(applied.id);
  if (known) return known;
  const [row] = await db
    .select({
      lastArrivalAt: sql<string | null>`${plans.plan}->'metrics'->>'lastArrivalAt'`,
      vulnerableLastArrivalAt: sql<string | null>`${plans.plan}->'metrics'->>'vulnerableLastArrivalAt'`,
    })
    .from(plans)
    .where(eq(plans.id, applied.id));
  const times = { lastArrivalAt: row?.lastArrivalAt ?? null, vulnerableLastArrivalAt: row?.vulnerableLastArrivalAt ?? null };
  if (timesOfPlan.size >= 500) timesOfPlan.delete(timesOfPlan.keys().next().value!);
  timesOfPlan.set(applied.id, times);
  return times;
}

export type ShelterExtras = Awaited<ReturnType<typeof loadShelterExtras>>;
