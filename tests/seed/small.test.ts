import { scenarioSchema, wheelchairCount } from '../../shared/scenario.js';
import { smallScenario } from '../../seed/small.js';
import { accessibleRoomsOf, guestsOf, musters, nearestMusterKm } from './helpers.js';

const s = scenarioSchema.parse(smallScenario());

test('is small and has one of each awkward case', () => {
  expect(s.parties).toHaveLength(12);
  expect(guestsOf(s)).toHaveLength(30);
  expect(musters(s)).toHaveLength(2);
  expect(guestsOf(s).filter((g) => g.needs.includes('wheelchair'))).toHaveLength(1);
  expect(s.parties.filter((p) => p.needs.includes('pets'))).toHaveLength(1);
  expect(guestsOf(s).filter((g) => g.age === 'infant')).toHaveLength(1);
  expect(s.parties.filter((p) => wheelchairCount(p) > 0)).toHaveLength(1);
});

test('has four hotels: one pet-friendly and one accessible within reach, one beyond 60 km', () => {
  expect(s.hotels).toHaveLength(4);
  const near = s.hotels.filter((h) => nearestMusterKm(s, h) <= 60);
  const far = s.hotels.filter((h) => nearestMusterKm(s, h) > 60);
  expect(near).toHaveLength(3);
  expect(far).toHaveLength(1);
  expect(near.filter((h) => h.petsAllowed)).toHaveLength(1);
  expect(near.filter((h) => accessibleRoomsOf(h) > 0)).toHaveLength(1);
});

test('has five vehicles including an accessible taxi', () => {
  expect(s.vehicles).toHaveLength(5);
  expect(s.vehicles.filter((v) => v.kind === 'accessible_taxi' && v.wheelchairSpaces >= 1)).toHaveLength(1);
});

test('is the same on every call', () => {
  expect(JSON.stringify(smallScenario())).toBe(JSON.stringify(smallScenario()));
});
