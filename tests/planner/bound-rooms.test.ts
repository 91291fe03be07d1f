/**
 * The last-arrival bound (shared/planner/bound.ts) for wheelchair households that only a few
 * vehicles can carry: each also needs an accessible room of its own, so when those rooms are one
 * per hotel, ever farther out, the bound is later than when they are all at the nearest hotel, and
 * never later than the plan.
 */
import type { Scenario } from '../../shared/scenario.js';
import { clubhouseScenario } from './fixture.js';
import { lastArrivalBound, planRelocation, validatePlan } from '../../shared/planner/index.js';

const family = (p: number) =>
  Array.from({ length: 5 }, (_, i) => ({ id: `G${p}${i}`, name: `Guest ${p}${i}`, age: 'adult' as const, needs: i === 0 ? ['wheelchair'] : [] }));

/** Three families of five with a wheelchair user; one coach with a wheelchair space can carry them. */
function scenario(accessibleAt: 'spread' | 'nearest'): Scenario {
  const room = (n: number) => ({ type: 'accessible family', sleeps: 5, count: n, rateMinor: 12000, accessible: true });
  const rooms = accessibleAt === 'spread' ? [1, 1, 1] : [3, 0, 0];
  const at = { muster: { lat: 53.0, lng: 0.0 }, depot: { lat: 53.0, lng: 0.01 } };
  return clubhouseScenario(
    'Rooms apart',
    {
      // About 10, 20 and 30 km south of the clubhouse.
      hotels: [0.09, 0.18, 0.27].map((dLat, i) => ({
        id: `H${i + 1}`,
        name: `Hotel ${i + 1}`,
        lat: 53.0 - dLat,
        lng: 0.0,
        roomTypes: [rooms[i] ? room(rooms[i]!) : { type: 'double', sleeps: 2, count: 1, rateMinor: 7000 }],
      })),
      parties: [1, 2, 3].map((p) => ({ id: `P${p}`, name: `Family ${p}`, siteId: 'M', guests: family(p) })),
      vehicles: [
        { id: 'C', kind: 'coach', seats: 40, wheelchairSpaces: 1, depotSiteId: 'D', availableFrom: '2026-03-01T20:10:00+00:00' },
        ...[1, 2, 3, 4].map((i) => ({
          id: `A${i}`,
          kind: 'accessible_taxi',
          seats: 3,
          wheelchairSpaces: 1,
          depotSiteId: 'D',
          availableFrom: '2026-03-01T20:05:00+00:00',
        })),
      ],
    },
    at,
  );
}

test('accessible rooms one per hotel, farther out, make the bound later than rooms all at the nearest hotel', () => {
  const bounds = (['spread', 'nearest'] as const).map((at) => {
    const s = scenario(at);
    const plan = planRelocation(s, { timeBudgetMs: 200 });
    const check = validatePlan(s, plan);
    expect(check.violations).toEqual([]);
    expect(plan.stays).toHaveLength(3);
    const bound = Date.parse(lastArrivalBound(s, plan)!);
    // Sound: no plan lands its last household before it.
    expect(Date.parse(check.metrics.lastArrivalAt!)).toBeGreaterThanOrEqual(bound);
    return bound;
  });
  const [spread, nearest] = bounds as [number, number];
  // The coach drives 10 and 20 km farther for the second and third families (46 min later here).
  expect(spread - nearest).toBeGreaterThanOrEqual(30 * 60_000);
});
