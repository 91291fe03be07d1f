/**
 * The plans a duty manager chooses between: "cheapest" is the cheapest in rooms (the planner's
 * cost objective, what the tolerance is measured against), and its transport can make it the
 * dearer one in all. Then the other says by how much less it costs in all.
 */
import type { PlanAlternative } from '../../../shared/api.js';

/** How much less `alt` costs in all than the cheapest-rooms plan (rooms a night + transport), or 0. */
export function savingInAll(alt: PlanAlternative, alternatives: readonly PlanAlternative[]): number {
  const cheapestRooms = alternatives.find((a) => a.objective === 'cost');
  if (!cheapestRooms || alt.objective === 'cost') return 0;
  return Math.max(0, cheapestRooms.totalMinor - alt.totalMinor);
}

/**
 * Whether another alternative is at least as good on both counts a duty manager weighs (money in
 * all, and the last arrival) and better on one: then `alt` has nothing to offer ("cheapest" rooms
 * can cost more in all once their trips are counted, and land no sooner).
 */
export function outdone(alt: PlanAlternative, alternatives: readonly PlanAlternative[]): boolean {
  const last = (a: PlanAlternative) => (a.lastArrivalAt ? Date.parse(a.lastArrivalAt) : Infinity);
  return alternatives.some(
    (o) =>
      o.id !== alt.id &&
      o.peopleHoused >= alt.peopleHoused &&
      o.totalMinor <= alt.totalMinor &&
      last(o) <= last(alt) &&
      (o.totalMinor < alt.totalMinor || last(o) < last(alt) || o.peopleHoused > alt.peopleHoused),
  );
}
