/**
 * The plan in force, read back from stays and trips in the `relocation-plan/1` shape, plus what
 * can no longer change: checked-in stays, trips that have left, and stays a manager pinned.
 */
import type { Db, Tx } from '../db/client.js';
import type { stays, trips } from '../db/schema.js';
import { PLAN_FORMAT, type Plan } from '../../shared/plan.js';
import { groupBy } from '../../shared/collections.js';
import { isoUtc } from '../../shared/time.js';
import { inForceRows } from './repo.js';

export interface InForce {
  plan: Plan;
  /** The trips' ids and statuses, in the order of `plan.trips`. */
  planTrips: { id: string; status: string }[];
  locked: Plan;
  /** Trips the re-plan keeps as they are: departed, completed, or boarding with someone aboard. */
  lockedTripIds: Set<string>;
  pins: { partyId: string; hotelId: string }[];
  stayRows: (typeof stays.$inferSelect)[];
  tripRows: (typeof trips.$inferSelect)[];
}

const emptyPlan = (): Plan => ({ format: PLAN_FORMAT, stays: [], trips: [], unassigned: [], metrics: {} });

export async function loadInForce(db: Db | Tx, incidentId: string): Promise<InForce> {
  const { stayRows, tripRows, riderRows } = await inForceRows(db, incidentId);
  const riders = groupBy(riderRows, (r) => r.tripId);
  const toTrip = (t: (typeof tripRows)[number]) => ({
    vehicleId: t.vehicleId,
    fromSiteId: t.fromSiteId,
    stops: t.stops,
    partyIds: (riders.get(t.id) ?? []).map((r) => r.partyId),
    departAt: isoUtc(t.departAt),
    arrivals: t.arrivals,
  });
  const toStay = (s: (typeof stayRows)[number]) => ({ partyId: s.partyId, hotelId: s.hotelId, rooms: s.rooms });
  const plan = emptyPlan();
  plan.stays = stayRows.map(toStay);
  const ridden = tripRows.filter((t) => (riders.get(t.id) ?? []).length > 0);
  plan.trips = ridden.map(toTrip);
  // A trip that has left, or on which someone has already been ticked aboard, is fixed: a re-plan
  // must not take people off a coach they are sitting in.
  const boardedOn = new Set(riderRows.filter((r) => r.status === 'boarded').map((r) => r.tripId));
  const lockedTrips = tripRows.filter((t) => t.status === 'departed' || t.status === 'completed' || (t.status === 'boarding' && boardedOn.has(t.id)));
  const ridingLocked = new Set(lockedTrips.flatMap((t) => (riders.get(t.id) ?? []).map((r) => r.partyId)));
  const locked = emptyPlan();
  locked.trips = lockedTrips.filter((t) => (riders.get(t.id) ?? []).length > 0).map(toTrip);
  locked.stays = stayRows.filter((s) => s.status === 'checked_in' || ridingLocked.has(s.partyId)).map(toStay);
  const pins = stayRows.filter((s) => s.pinned && s.status === 'planned').map((s) => ({ partyId: s.partyId, hotelId: s.hotelId }));
  return {
    plan,
    planTrips: ridden.map((t) => ({ id: t.id, status: t.status })),
    locked,
    lockedTripIds: new Set(lockedTrips.map((t) => t.id)),
    pins,
    stayRows,
    tripRows,
  };
}
