/** Counting helpers shared by the seed tests. */
import { roadKm } from '../../shared/geo.js';
import type { Hotel, Scenario } from '../../shared/scenario.js';

export const guestsOf = (s: Scenario) => s.parties.flatMap((p) => p.guests);
export const bedsOf = (h: Hotel) => h.roomTypes.reduce((n, r) => n + r.sleeps * r.count, 0);
export const accessibleRoomsOf = (h: Hotel) => h.roomTypes.filter((r) => r.accessible).reduce((n, r) => n + r.count, 0);
export const musters = (s: Scenario) => s.sites.filter((x) => x.kind === 'muster');

/** Road km from a hotel to the nearest muster point, by the scenario's own policy. */
export function nearestMusterKm(s: Scenario, h: Hotel): number {
  return Math.min(...musters(s).map((m) => roadKm(m, h, s.incident.policy)));
}
