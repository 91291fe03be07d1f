/**
 * Stays that a change of facts unsuits, judged by the contract's own validator (rules 2, 4, 5 and
 * 6 read a stay: beds and room types, an accessible room for a wheelchair user, pets, distance).
 * A hotel's change (fewer beds per room, a room no longer accessible, no more pets, a room type
 * gone) and a household's correction (decision 0021) are both "the facts as they were, the facts
 * as they will be": a rule a stay breaks only afterwards is the change's doing, and the stay must
 * be let go or someone must act on it. Counts (rule 3) are not judged here: whoever lowers a count
 * gives rooms back by count.
 */
import { PLAN_FORMAT, type Plan, type Stay } from '../plan.js';
import type { Scenario } from '../scenario.js';
import { validatePlan, type RuleId, type Violation } from './validate.js';

/** The rules about one stay on its own. */
export const STAY_RULES: readonly RuleId[] = [2, 4, 5, 6];

/**
 * Per household, the stay rules its stay breaks with the facts `after` and did not break with the
 * facts `before`. Only the households of `stays` are judged (the rest of the incident is not read).
 */
export function staysUnsuited(before: Scenario, after: Scenario, stays: readonly Stay[]): Map<string, Violation[]> {
  const ids = new Set(stays.map((s) => s.partyId));
  const plan: Plan = { format: PLAN_FORMAT, stays: [...stays], trips: [], unassigned: [], metrics: {} };
  const broken = (s: Scenario) =>
    validatePlan({ ...s, parties: s.parties.filter((p) => ids.has(p.id)) }, plan).violations.filter(
      (v) => v.partyId !== undefined && ids.has(v.partyId) && STAY_RULES.includes(v.rule),
    );
  const was = new Set(broken(before).map((v) => `${v.rule}|${v.partyId}`));
  const out = new Map<string, Violation[]>();
  for (const v of broken(after)) {
    if (was.has(`${v.rule}|${v.partyId}`)) continue;
    out.set(v.partyId!, [...(out.get(v.partyId!) ?? []), v]);
  }
  return out;
}

/** A broken rule in a duty manager's words. */
export function ruleInWords(v: Violation, hotel: string): string {
  switch (v.rule) {
    case 2:
      return /is not a room type/.test(v.message) ? `${hotel} no longer has the rooms they were given` : `their rooms at ${hotel} no longer sleep them all`;
    case 4:
      return `${hotel} has given them no accessible room`;
    case 5:
      return `${hotel} does not take pets`;
    case 6:
      return `${hotel} is too far from their muster point`;
    case 7:
      return 'their vehicle does not leave from their muster point';
    case 8:
      return 'their vehicle has no seat or wheelchair space left for them';
    default:
      return 'their plan no longer suits them';
  }
}

/** Distinct reasons, in words, joined for one summary line. */
export function reasonsInWords(violations: readonly Violation[], hotel: string): string {
  return [...new Set(violations.map((v) => ruleInWords(v, hotel)))].join('; ');
}
