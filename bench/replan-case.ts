/** The benchmark's re-plan case: a hotel withdraws 30% of its rooms after the plan is made. */
import type { Plan } from '../shared/plan.js';
import { computeMetrics, validatePlan, type PlanOptions } from '../shared/planner/index.js';
import type { Scenario } from '../shared/scenario.js';

export interface ReplanFigures {
  hotelId: string;
  replanMs: number;
  /** A second identical re-plan (warm JIT). */
  replanWarmMs: number;
  displaced: number;
  moved: number;
  costReplan: number;
  costScratch: number;
  housedReplan: number;
  housedScratch: number;
  /** Trips locked (the earliest tenth, as if they had left) and how many the re-plan kept exactly. */
  locked: number;
  lockedKept: number;
  valid: boolean;
}

/**
 * Households that cannot keep their exact rooms once the rooms are withdrawn, keeping as many as
 * possible (fewest rooms first): the least any re-plan must move, unless it finds other rooms in
 * the same hotel for them.
 */
export function displacedCount(s: Scenario, plan: Plan, hotelId: string): number {
  const h = s.hotels.find((x) => x.id === hotelId)!;
  const left = new Map(h.roomTypes.map((r) => [r.type, r.count]));
  const here = plan.stays
    .filter((x) => x.hotelId === hotelId)
    .sort((a, b) => a.rooms.reduce((n, r) => n + r.count, 0) - b.rooms.reduce((n, r) => n + r.count, 0));
  let displaced = 0;
  for (const st of here) {
    if (st.rooms.every((r) => (left.get(r.type) ?? 0) >= r.count)) for (const r of st.rooms) left.set(r.type, left.get(r.type)! - r.count);
    else displaced++;
  }
  return displaced;
}

/** Withdraw 30% of every room type at the busiest hotel, re-plan, and compare with planning from scratch. */
export function replanCase(s: Scenario, first: Plan, planRelocation: (s: Scenario, o?: PlanOptions) => Plan): ReplanFigures {
  const count = new Map<string, number>();
  for (const st of first.stays) count.set(st.hotelId, (count.get(st.hotelId) ?? 0) + 1);
  const hotelId = [...count].sort((a, b) => b[1] - a[1])[0]![0];
  const s2 = structuredClone(s);
  for (const rt of s2.hotels.find((h) => h.id === hotelId)!.roomTypes) rt.count -= Math.ceil(rt.count * 0.3);
  // The earliest tenth of the trips have left: their stays and trips are locked.
  const byDeparture = [...first.trips].sort((x, y) => Date.parse(x.departAt) - Date.parse(y.departAt));
  const lockedTrips = byDeparture.slice(0, Math.ceil(byDeparture.length / 10)).filter((t) => !t.stops.includes(hotelId));
  const onLocked = new Set(lockedTrips.flatMap((t) => t.partyIds));
  const locked = { stays: first.stays.filter((st) => onLocked.has(st.partyId)), trips: lockedTrips };
  const again = planRelocation(s2, { previous: first, locked });
  const warm = planRelocation(s2, { previous: first, locked });
  const key = (t: Plan['trips'][number]) => JSON.stringify(t);
  const kept = new Set(again.trips.map(key));
  const scratch = planRelocation(s2);
  const a = computeMetrics(s2, again, first);
  const b = computeMetrics(s2, scratch);
  return {
    hotelId,
    replanMs: again.metrics.solveMs ?? 0,
    replanWarmMs: warm.metrics.solveMs ?? 0,
    displaced: displacedCount(s2, first, hotelId),
    moved: a.partiesMoved,
    costReplan: a.stayCostMinor,
    costScratch: b.stayCostMinor,
    housedReplan: a.peopleHoused,
    housedScratch: b.peopleHoused,
    locked: lockedTrips.length,
    lockedKept: lockedTrips.filter((t) => kept.has(key(t))).length,
    valid: validatePlan(s2, again, { previous: first, locked }).ok,
  };
}
