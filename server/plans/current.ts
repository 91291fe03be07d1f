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
  /** Households set down at their hotel by a trip that has left (their ride there is over). */
  setDown: Set<string>;
}

/**
 * Households a plan has nothing more to do for: no room to choose, no seat to give.
 * - In their hotel's rooms, or on their own way to the hotel booked for them, with nobody left to
 *   collect: checked in (stay checked in), or someone checked in or making their own way there
 *   (`onTheirWay`; stay still planned), on no trip a re-plan keeps, and nobody `waiting` at the
 *   muster point. (A household that said it made its own way to its booked hotel was otherwise
 *   given a vehicle of its own by the next plan.)
 * - Aboard (or set down by) a vehicle that left and then went out of service (`down`): no plan
 *   can collect them from their muster point, where they are not. Their stays stand; the duty
 *   manager acts on the attention item raised for the people aboard.
 */
export function settledParties(
  inForce: InForce,
  who: { waiting: ReadonlySet<string>; onTheirWay?: ReadonlySet<string>; down?: ReadonlySet<string> },
): Set<string> {
  const riding = new Set(inForce.locked.trips.flatMap((t) => t.partyIds));
  const settled = new Set(
    inForce.stayRows
      .filter(
        (s) =>
          (s.status === 'checked_in' || (s.status === 'planned' && who.onTheirWay?.has(s.partyId))) && !riding.has(s.partyId) && !who.waiting.has(s.partyId),
      )
      .map((s) => s.partyId),
  );
  for (const t of inForce.locked.trips) if (who.down?.has(t.vehicleId)) for (const id of t.partyIds) settled.add(id);
  return settled;
}

/**
 * Households set down at their hotel whose members are not all there: someone still `waiting` at
 * the muster point (found at a roll call, left behind by the driver). Their ride is over, so a plan
 * must give them another one, to the rooms the household already holds.
 */
export function strayParties(inForce: InForce, waiting: ReadonlySet<string>): Set<string> {
  return new Set([...inForce.setDown].filter((id) => waiting.has(id)));
}

/**
 * The plan in force with these households off the trips they rode (their stays kept): free for a
 * new ride. A locked trip left with nobody stays locked, empty: its vehicle still drove it, and is
 * free only after it (the planner's answer drops empty trips, planner-port.ts).
 */
export function offTheirTrips(inForce: InForce, riders: ReadonlySet<string>): InForce {
  if (!riders.size) return inForce;
  const freed = withoutParties(inForce, riders, true);
  const off = (t: Plan['trips'][number]) => ({ ...t, partyIds: t.partyIds.filter((id) => !riders.has(id)) });
  return { ...freed, locked: { ...freed.locked, trips: inForce.locked.trips.map(off) } };
}

/** The plan in force as the planner sees it: settled households (`settledParties`) left out. */
export function withoutParties(inForce: InForce, out: ReadonlySet<string>, keepStays = false): InForce {
  if (!out.size) return inForce;
  const keep = (p: Plan): Plan => ({
    ...p,
    stays: keepStays ? p.stays : p.stays.filter((s) => !out.has(s.partyId)),
    trips: p.trips.map((t) => ({ ...t, partyIds: t.partyIds.filter((id) => !out.has(id)) })).filter((t) => t.partyIds.length > 0),
  });
  // plan.trips and planTrips are index-aligned: a trip left with nobody goes from both.
  const riding = inForce.plan.trips.map((t) => t.partyIds.some((id) => !out.has(id)));
  return {
    ...inForce,
    plan: keep(inForce.plan),
    planTrips: inForce.planTrips.filter((_, i) => riding[i]),
    locked: keep(inForce.locked),
    pins: keepStays ? inForce.pins : inForce.pins.filter((p) => !out.has(p.partyId)),
  };
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
    setDown: new Set(riderRows.filter((r) => r.status === 'dropped').map((r) => r.partyId)),
  };
}
