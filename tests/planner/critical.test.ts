/**
 * Shortening a schedule's critical path (shared/planner/critical.ts): a late second run whose
 * household fits on an earlier run (its hotel a short detour away) is moved there, the plan stays
 * valid under every rule, and a household whose vehicle is pinned stays where it is.
 */
import { scenarioSchema, type Scenario } from '../../shared/scenario.js';
import type { Plan, Trip } from '../../shared/plan.js';
import { PLAN_FORMAT } from '../../shared/plan.js';
import { buildModel, type Model } from '../../shared/planner/model.js';
import { buildTrip, initialVehicles } from '../../shared/planner/route.js';
import { repairCritical } from '../../shared/planner/critical.js';
import { computeMetrics, validatePlan } from '../../shared/planner/index.js';

const g = (id: string) => ({ id, name: `Guest ${id}`, age: 'adult' as const, needs: [] });

function scenario(): Scenario {
  return scenarioSchema.parse({
    format: 'relocation-scenario/1',
    incident: { name: 'Critical path', startedAt: '2026-03-01T20:00:00+00:00', currency: 'GBP' },
    sites: [
      { id: 'M', name: 'Clubhouse', kind: 'muster', lat: 53.19, lng: 0.34 },
      { id: 'D', name: 'Depot', kind: 'depot', lat: 53.18, lng: 0.34 },
    ],
    hotels: [
      { id: 'H1', name: 'Sands', lat: 53.1, lng: 0.34, roomTypes: [{ type: 'family', sleeps: 4, count: 2, rateMinor: 9000 }] },
      { id: 'H2', name: 'Dunes', lat: 53.1, lng: 0.35, roomTypes: [{ type: 'double', sleeps: 2, count: 2, rateMinor: 7000 }] },
    ],
    parties: [
      { id: 'P1', name: 'Ash', siteId: 'M', guests: [g('G1'), g('G2')] },
      { id: 'P2', name: 'Birch', siteId: 'M', guests: [g('G3'), g('G4')] },
      { id: 'P3', name: 'Cedar', siteId: 'M', guests: [g('G5'), g('G6'), g('G7'), g('G8')] },
    ],
    vehicles: [
      { id: 'C', kind: 'coach', seats: 40, depotSiteId: 'D', availableFrom: '2026-03-01T20:30:00+00:00', costPerTripMinor: 15000, costPerKmMinor: 120 },
      { id: 'T', kind: 'taxi', seats: 4, depotSiteId: 'D', availableFrom: '2026-03-01T20:20:00+00:00', costPerTripMinor: 1500, costPerKmMinor: 180 },
    ],
  });
}

const hotelOf = (m: Model) => {
  const out = new Int32Array(m.parties.length).fill(-1);
  out[m.partyIndex.get('P1')!] = m.hotelIndex.get('H1')!;
  out[m.partyIndex.get('P3')!] = m.hotelIndex.get('H1')!;
  out[m.partyIndex.get('P2')!] = m.hotelIndex.get('H2')!;
  return out;
};

/** What a one-vehicle-at-a-time loading can leave: the taxi fetches Birch on a second, late run. */
function lateSchedule(m: Model): Trip[] {
  const [c, t] = initialVehicles(m, []);
  const H1 = m.hotelIndex.get('H1')!;
  const H2 = m.hotelIndex.get('H2')!;
  return [buildTrip(m, t!, 0, [H1], ['P3']).trip, buildTrip(m, c!, 0, [H1], ['P1']).trip, buildTrip(m, t!, 0, [H2], ['P2']).trip];
}

const plan = (trips: Trip[]): Plan => ({
  format: PLAN_FORMAT,
  stays: [
    { partyId: 'P1', hotelId: 'H1', rooms: [{ type: 'family', count: 1 }] },
    { partyId: 'P3', hotelId: 'H1', rooms: [{ type: 'family', count: 1 }] },
    { partyId: 'P2', hotelId: 'H2', rooms: [{ type: 'double', count: 1 }] },
  ],
  trips,
  unassigned: [],
  metrics: {},
});

test('the household on the run that lands last moves onto an earlier run with seats, and everyone is in sooner', () => {
  const s = scenario();
  const m = buildModel(s);
  const before = lateSchedule(m);
  expect(validatePlan(s, plan(before)).violations).toEqual([]);
  const r = repairCritical(m, hotelOf(m), before, [], new Set(), Infinity);
  expect(r).not.toBeNull();
  const after = plan(r!.trips);
  expect(validatePlan(s, after).violations).toEqual([]);
  const birch = r!.trips.find((t) => t.partyIds.includes('P2'))!;
  expect(birch.vehicleId).toBe('C');
  expect(birch.stops).toEqual(['H1', 'H2']);
  expect(r!.trips.filter((t) => t.vehicleId === 'T')).toHaveLength(1);
  const lastBefore = Date.parse(computeMetrics(s, plan(before)).lastArrivalAt!);
  const lastAfter = Date.parse(computeMetrics(s, after).lastArrivalAt!);
  expect(lastAfter).toBeLessThan(lastBefore);
  expect(Math.abs(r!.lastArrivalMs - lastAfter)).toBeLessThan(1000);
});

test('a household pinned to its vehicle is not moved', () => {
  const m = buildModel(scenario());
  expect(repairCritical(m, hotelOf(m), lateSchedule(m), [], new Set([m.partyIndex.get('P2')!]), Infinity)).toBeNull();
});

test('a vehicle without the seats for the household is not given it', () => {
  const s = scenario();
  s.vehicles[0]!.seats = 3; // the coach now has a seat to spare after Ash, not two
  const m = buildModel(s);
  const r = repairCritical(m, hotelOf(m), lateSchedule(m), [], new Set(), Infinity);
  if (r)
    for (const t of r.trips)
      expect(t.partyIds.map((id) => s.parties.find((p) => p.id === id)!.guests.length).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(
        t.vehicleId === 'C' ? 3 : 4,
      );
  expect(r?.trips.find((t) => t.partyIds.includes('P2'))?.vehicleId ?? 'T').not.toBe('C');
});
