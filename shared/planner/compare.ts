/** The contract's ordering of plans ("What a better plan is"), as a comparator. */
import type { Plan } from '../plan.js';
import type { Scenario } from '../scenario.js';
import { computeMetrics, type FullMetrics } from './metrics.js';
import { parseIso } from './time.js';

/** Compare already computed metrics: negative when `a` is better. */
export function compareMetrics(a: FullMetrics, b: FullMetrics, replan = false): number {
  if (a.vulnerableHoused !== b.vulnerableHoused) return b.vulnerableHoused - a.vulnerableHoused;
  if (a.peopleHoused !== b.peopleHoused) return b.peopleHoused - a.peopleHoused;
  if (replan && a.partiesMoved !== b.partiesMoved) return a.partiesMoved - b.partiesMoved;
  if (Math.abs(a.stayCostMinor - b.stayCostMinor) > 0.5) return a.stayCostMinor - b.stayCostMinor;
  const la = a.lastArrivalAt ? parseIso(a.lastArrivalAt) : -Infinity;
  const lb = b.lastArrivalAt ? parseIso(b.lastArrivalAt) : -Infinity;
  if (la !== lb) return la < lb ? -1 : 1;
  return a.transportCostMinor - b.transportCostMinor;
}

/**
 * Negative when plan `a` is better than `b` under the contract's ordering, positive when worse,
 * 0 when equal; with `previous`, stability (fewer parties moved) counts as on a re-plan.
 */
export function comparePlans(scenario: Scenario, a: Plan, b: Plan, opts: { previous?: Plan | null } = {}): number {
  return compareMetrics(computeMetrics(scenario, a, opts.previous), computeMetrics(scenario, b, opts.previous), !!opts.previous);
}
