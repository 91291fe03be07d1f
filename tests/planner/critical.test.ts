/**
 * Shortening a schedule's critical path (shared/planner/critical.ts): a late second run's household
 * rides an earlier run instead; when no run has the seats, households trade places so the far hotel
 * goes early; the plan stays valid under every rule, no vehicle over its seats, and a household
 * whose vehicle is pinned stays where it is.
 */
import type { Scenario } from '../../shared/scenario.js';
import { clubhouseScenario, guest } from './fixture.js';
import type { Plan, Trip } from '../../shared/plan.js';
import { PLAN_FORMAT } from '../../shared/plan.js';
import { buildModel, type Model } from '../../shared/planner/model.js';
import { buildTrip, initialVehicles } from '../../shared/planner/route.js';
import { repairCritical } from '../../shared/planner/critical.js';
import { computeMetrics, validatePlan } from '../../shared/planner/index.js';

function scenario(): Scenario {
  return clubhouseScenario('Critical path', {
    hotels: [
      { id: 'H1', name: 'Sands', lat: 53.1, lng: 0.34, roomTypes: [{ type: 'family', sleeps: 4, count: 2, rateMinor: 9000 }] },
      { id: 'H2', name: 'Dunes', lat: 53.1, lng: 0.35, roomTypes: [{ type: 'double', sleeps: 2, count: 2, rateMinor: 7000 }] },
    ],
    parties: [
      { id: 'P1', name: 'Ash', siteId: 'M', guests: [guest('G1'), guest('G2')] },
      { id: 'P2', name: 'Birch', siteId: 'M', guests: [guest('G3'), guest('G4')] },
      { id: 'P3', name: 'Cedar', siteId: 'M', guests: [guest('G5'), guest('G6'), guest('G7'), guest('G8')] },
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

test('the household on the run that lands last rides an earlier run instead, and everyone is in sooner', () => {
  const s = scenario();
  const m = buildModel(s);
  const before = lateSchedule(m);
  expect(validatePlan(s, plan(before)).violations).toEqual([]);
  const r = repairCritical(m, hotelOf(m), before, [], new Set(), Infinity);
  expect(r).not.toBeNull();
  const after = plan(r!.trips);
  expect(validatePlan(s, after).violations).toEqual([]);
  // The taxi's late second run is gone: each vehicle makes one run.
  expect(r!.trips.map((t) => t.vehicleId).sort()).toEqual(['C', 'T']);
  const lastBefore = Date.parse(computeMetrics(s, plan(before)).lastArrivalAt!);
  const lastAfter = Date.parse(computeMetrics(s, after).lastArrivalAt!);
  expect(lastAfter).toBeLessThan(lastBefore);
  expect(Math.abs(r!.lastArrivalMs - lastAfter)).toBeLessThan(1000);
});

test('a household pinned to its vehicle is not moved', () => {
  const m = buildModel(scenario());
  expect(repairCritical(m, hotelOf(m), lateSchedule(m), [], new Set([m.partyIndex.get('P2')!]), Infinity)).toBeNull();
});

test('no vehicle is given more than its seats', () => {
  const s = scenario();
  s.vehicles[0]!.seats = 3; // the coach has a seat to spare after Ash, not two
  const m = buildModel(s);
  const r = repairCritical(m, hotelOf(m), lateSchedule(m), [], new Set(), Infinity);
  expect(r).not.toBeNull();
  expect(validatePlan(s, plan(r!.trips)).violations).toEqual([]);
  for (const t of r!.trips) {
    const seated = t.partyIds.map((id) => s.parties.find((p) => p.id === id)!.guests.length).reduce((x, y) => x + y, 0);
    expect(seated).toBeLessThanOrEqual(t.vehicleId === 'C' ? 3 : 4);
  }
});

/** Three hotels out from the clubhouse: Lane 2 km, Near 5 km, Far 30 km; both vehicles seat four. */
function swapScenario(): Scenario {
  const family = (p: string) => [1, 2, 3, 4].map((i) => guest(`${p}${i}`));
  const room = [{ type: 'family', sleeps: 4, count: 1, rateMinor: 9000 }];
  return clubhouseScenario('Critical path', {
    hotels: [
      { id: 'HL', name: 'Lane', lat: 53.172, lng: 0.34, roomTypes: room },
      { id: 'HN', name: 'Near', lat: 53.145, lng: 0.34, roomTypes: room },
      { id: 'HF', name: 'Far', lat: 52.92, lng: 0.34, roomTypes: room },
    ],
    parties: [
      { id: 'PL', name: 'Lane family', siteId: 'M', guests: family('L') },
      { id: 'PN', name: 'Near family', siteId: 'M', guests: family('N') },
      { id: 'PF', name: 'Far family', siteId: 'M', guests: family('F') },
    ],
    vehicles: scenario().vehicles.map((v, i) => (i === 0 ? { ...v, seats: 4 } : v)),
  });
}

test('when no vehicle has seats for the late run, it trades households with an earlier run: the far hotel goes early', () => {
  const s = swapScenario();
  const m = buildModel(s);
  const h = (id: string) => m.hotelIndex.get(id)!;
  const hotelOf = new Int32Array(m.parties.length).fill(-1);
  for (const [p, hid] of [
    ['PL', 'HL'],
    ['PN', 'HN'],
    ['PF', 'HF'],
  ] as const)
    hotelOf[m.partyIndex.get(p)!] = h(hid);
  const [c, t] = initialVehicles(m, []);
  const before = [buildTrip(m, t!, 0, [h('HL')], ['PL']).trip, buildTrip(m, c!, 0, [h('HN')], ['PN']).trip, buildTrip(m, t!, 0, [h('HF')], ['PF']).trip];
  const stays: Plan['stays'] = ['PL', 'PN', 'PF'].map((p, i) => ({ partyId: p, hotelId: ['HL', 'HN', 'HF'][i]!, rooms: [{ type: 'family', count: 1 }] }));
  const asPlan = (trips: Trip[]): Plan => ({ format: PLAN_FORMAT, stays, trips, unassigned: [], metrics: {} });
  expect(validatePlan(s, asPlan(before)).violations).toEqual([]);
  const r = repairCritical(m, hotelOf, before, [], new Set(), Infinity);
  expect(r).not.toBeNull();
  expect(validatePlan(s, asPlan(r!.trips)).violations).toEqual([]);
  expect(r!.trips.find((x) => x.partyIds.includes('PF'))!.vehicleId).toBe('C');
  expect(r!.trips.find((x) => x.partyIds.includes('PN'))!.vehicleId).toBe('T');
  expect(Date.parse(computeMetrics(s, asPlan(r!.trips)).lastArrivalAt!)).toBeLessThan(Date.parse(computeMetrics(s, asPlan(before)).lastArrivalAt!));
});
