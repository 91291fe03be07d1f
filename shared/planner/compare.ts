/** The contract's ordering of plans ("What a better plan is"), as a comparator. */
import type { Plan } from '../plan.js';
import type { PlanObjective, Scenario } from '../scenario.js';
import { computeMetrics, type FullMetrics } from './metrics.js';
import { parseIso } from './time.js';

export interface Ordering {
  objective: PlanObjective;
  /** Shelter: stay cost may exceed the cheapest by this many percent (tier 4). */
  costTolerancePct: number;
  /**
   * Shelter: the lowest stay cost the planner found for the same tiers 1-3. Without it the cheaper
   * of the two plans compared stands in for it.
   */
  cheapestStayCostMinor?: number;
}

const time = (iso: string | null | undefined) => (iso ? parseIso(iso) : -Infinity);
const cmpTime = (a: string | null | undefined, b: string | null | undefined) => {
  const x = time(a);
  const y = time(b);
  return x === y ? 0 : x < y ? -1 : 1;
};

/** Whether a stay cost is within the shelter objective's tolerance of the cheapest. */
export function withinTolerance(costMinor: number, cheapestMinor: number, tolerancePct: number): boolean {
  return costMinor <= cheapestMinor * (1 + tolerancePct / 100) + 0.5;
}

/** Compare already computed metrics: negative when `a` is better. */
export function compareMetrics(a: FullMetrics, b: FullMetrics, replan = false, order: Ordering = { objective: 'shelter', costTolerancePct: 5 }): number {
  if (a.vulnerableHoused !== b.vulnerableHoused) return b.vulnerableHoused - a.vulnerableHoused;
  if (a.peopleHoused !== b.peopleHoused) return b.peopleHoused - a.peopleHoused;
  if (replan && a.partiesMoved !== b.partiesMoved) return a.partiesMoved - b.partiesMoved;
  const cost = Math.abs(a.stayCostMinor - b.stayCostMinor) > 0.5 ? a.stayCostMinor - b.stayCostMinor : 0;
  if (order.objective === 'cost') {
    if (cost) return cost;
    const t = cmpTime(a.lastArrivalAt, b.lastArrivalAt);
    if (t) return t;
    return a.transportCostMinor - b.transportCostMinor;
  }
  const ref = order.cheapestStayCostMinor ?? Math.min(a.stayCostMinor, b.stayCostMinor);
  const ia = withinTolerance(a.stayCostMinor, ref, order.costTolerancePct);
  const ib = withinTolerance(b.stayCostMinor, ref, order.costTolerancePct);
  if (ia !== ib) return ia ? -1 : 1;
  const t = cmpTime(a.lastArrivalAt, b.lastArrivalAt) || cmpTime(a.vulnerableLastArrivalAt, b.vulnerableLastArrivalAt);
  if (t) return t;
  const mean = (a.meanArrivalMinutes ?? 0) - (b.meanArrivalMinutes ?? 0);
  if (Math.abs(mean) > 1e-9) return mean;
  if (cost) return cost;
  return a.transportCostMinor - b.transportCostMinor;
}

/** The ordering a scenario asks for (its policy), optionally overridden. */
export function orderingOf(scenario: Scenario, override: Partial<Ordering> = {}): Ordering {
  const pol = scenario.incident.policy;
  return { objective: pol.objective ?? 'shelter', costTolerancePct: pol.costTolerancePct ?? 5, ...override };
}

/**
 * Negative when plan `a` is better than `b` under the contract's ordering, positive when worse,
 * 0 when equal; with `previous`, stability (fewer parties moved) counts as on a re-plan.
 */
export function comparePlans(scenario: Scenario, a: Plan, b: Plan, opts: { previous?: Plan | null; ordering?: Partial<Ordering> } = {}): number {
  return compareMetrics(
    computeMetrics(scenario, a, opts.previous),
    computeMetrics(scenario, b, opts.previous),
    !!opts.previous,
    orderingOf(scenario, opts.ordering),
  );
}

/** Whether `a` loses to `b` on tiers 1-2 alone (vulnerable guests housed, then guests housed). */
export function losesOnHousing(a: Pick<FullMetrics, 'vulnerableHoused' | 'peopleHoused'>, b: Pick<FullMetrics, 'vulnerableHoused' | 'peopleHoused'>): boolean {
  return a.vulnerableHoused < b.vulnerableHoused || (a.vulnerableHoused === b.vulnerableHoused && a.peopleHoused < b.peopleHoused);
}
