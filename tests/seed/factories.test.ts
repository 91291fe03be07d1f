import { scenarioSchema } from '../../shared/scenario.js';
import {
  buildGuest,
  buildHotel,
  buildParty,
  buildRoomType,
  buildScenario,
  buildSite,
  buildVehicle,
  TEST_DEPOT_ID,
  TEST_MUSTER_ID,
} from '../../seed/factories.js';

test('buildScenario gives a valid scenario with one of everything', () => {
  const s = scenarioSchema.parse(buildScenario());
  expect(s.sites.map((x) => x.id)).toEqual([TEST_MUSTER_ID, TEST_DEPOT_ID]);
  expect(s.parties).toHaveLength(1);
  expect(s.hotels).toHaveLength(1);
  expect(s.vehicles).toHaveLength(1);
});

test('parts compose without wiring ids', () => {
  const s = buildScenario({
    parties: [
      buildParty({ needs: ['pets'] }),
      buildParty({ guests: [buildGuest({ needs: ['wheelchair'] }), buildGuest({ age: 'infant' })] }),
      buildParty({ size: 5 }),
    ],
    hotels: [buildHotel({ petsAllowed: true, roomTypes: [buildRoomType({ count: 1 })] }), buildHotel()],
    vehicles: [buildVehicle({ kind: 'accessible_taxi', seats: 3 }), buildVehicle()],
    incident: { policy: { maxDistanceKm: 30 } },
  });
  const parsed = scenarioSchema.parse(s);
  expect(parsed.parties.map((p) => p.guests.length)).toEqual([2, 2, 5]);
  expect(parsed.incident.policy.maxDistanceKm).toBe(30);
  expect(parsed.incident.policy.roadFactor).toBe(1.3);
  expect(parsed.hotels[0]!.petsAllowed).toBe(true);
});

test('every builder gives a fresh id', () => {
  const ids = [
    ...Array.from({ length: 50 }, () => buildSite().id),
    ...Array.from({ length: 50 }, () => buildGuest().id),
    ...Array.from({ length: 50 }, () => buildParty().id),
    ...Array.from({ length: 50 }, () => buildHotel().id),
    ...Array.from({ length: 50 }, () => buildVehicle().id),
  ];
  expect(new Set(ids).size).toBe(ids.length);
  const guestIds = Array.from({ length: 20 }, () => buildParty({ size: 3 })).flatMap((p) => p.guests.map((g) => g.id));
  expect(new Set(guestIds).size).toBe(60);
});

test('overrides win over defaults', () => {
  expect(buildParty({ id: 'P1', siteId: 'elsewhere' })).toMatchObject({ id: 'P1', siteId: 'elsewhere' });
  expect(buildVehicle({ seats: 53, kind: 'coach' })).toMatchObject({ seats: 53, kind: 'coach', depotSiteId: TEST_DEPOT_ID });
  expect(buildSite({ kind: 'depot' }).kind).toBe('depot');
});
