/** Public face of the planner: plan, validate, compare, explain, check a manual move. */
export { planRelocation, planBoth, type Pin, type PlanOptions, type PlanPair } from './planner.js';
export { validatePlan, type Violation, type ValidationResult, type ValidateOptions, type RuleId } from './validate.js';
export { comparePlans, compareMetrics, orderingOf, withinTolerance, losesOnHousing, type Ordering } from './compare.js';
export { computeMetrics, type FullMetrics } from './metrics.js';
export { explainStay, type StayExplanation, type StayOption } from './explain.js';
export { checkManualMove, type ManualMove, type ManualMoveResult } from './manual.js';
export { naivePlan } from './naive.js';
export { lastArrivalBound, lastArrivalBoundMs } from './bound.js';
