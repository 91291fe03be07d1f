/** The human summary both planner CLIs print on stderr. */
import type { Plan } from '../../shared/plan.js';
import type { ValidationResult } from '../../shared/planner/index.js';
import type { Scenario } from '../../shared/scenario.js';
import { countOf } from '../../shared/plural.js';

const money = (minor: number, currency: string) =>
  `${(minor / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;

export function printSummary(scenario: Scenario, plan: Plan, check: ValidationResult): void {
  const m = check.metrics;
  const cur = scenario.incident.currency;
  const guests = m.peopleHoused + m.peopleUnassigned;
  const lines = [
    `housed ${m.peopleHoused} of ${countOf(guests, 'guest')} (${countOf(plan.stays.length, 'household')}; ${countOf(m.vulnerableHoused, 'guest')} from vulnerable households), ${countOf(plan.unassigned.length, 'household')} unassigned`,
    `stay cost ${money(m.stayCostMinor, cur)} = rooms ${money(m.roomCostMinorPerNight, cur)}/night + travel ${money(m.travelCostMinor, cur)}`,
    `transport ${countOf(plan.trips.length, 'trip')} on ${countOf(new Set(plan.trips.map((t) => t.vehicleId)).size, 'vehicle')}, ${money(m.transportCostMinor, cur)}, last arrival ${m.lastArrivalAt ?? '-'}`,
    `solved in ${plan.metrics.solveMs ?? '?'} ms`,
  ];
  if (plan.changes)
    lines.push(`changes against the previous plan: ${countOf(plan.changes.length, 'household')} (${m.partiesMoved} moved away from their previous hotel)`);
  for (const u of plan.unassigned.slice(0, 10)) lines.push(`  unassigned ${u.partyId}: ${u.reason}`);
  if (plan.unassigned.length > 10) lines.push(`  ... and ${plan.unassigned.length - 10} more unassigned`);
  lines.push(check.ok ? 'valid: every rule holds' : `INVALID: ${countOf(check.violations.length, 'violation')}`);
  for (const v of check.violations.slice(0, 20)) lines.push(`  rule ${v.rule}: ${v.message}`);
  if (check.violations.length > 20) lines.push(`  ... and ${check.violations.length - 20} more`);
  console.error(lines.join('\n'));
}
