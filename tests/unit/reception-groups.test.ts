/** Reception's list grouped by vehicle; households without one by what happened to their stay here. */
import type { ArrivalHousehold } from '../../shared/api.js';
import { groupByVehicle, type Household } from '../../client/src/reception/model.js';

const household = (partyId: string, status: ArrivalHousehold['status'], trip: ArrivalHousehold['trip'] = null): Household => ({
  partyId,
  name: partyId,
  unit: '',
  passCode: 'ABC123',
  status,
  notes: '',
  needs: [],
  language: null,
  rooms: [],
  roomNumbers: null,
  guests: [],
  trip,
  checkedInAt: null,
  pending: false,
});

test('a no-show is filed under what happened, not under "no vehicle (own way or not yet planned)"', () => {
  const trip = {
    id: 'T1',
    vehicleId: 'V05',
    vehicleKind: 'coach',
    provider: 'Coastal',
    departAt: '2026-10-31T20:00:00Z',
    eta: '2026-10-31T20:30:00Z',
    status: 'planned' as const,
  };
  const groups = groupByVehicle([household('A', 'assigned', trip), household('B', 'no_show'), household('C', 'self_evacuated'), household('D', 'waiting')], []);
  const title = (id: string) => groups.find((g) => g.households.some((h) => h.partyId === id))!.title;
  expect(title('A')).toBe('Coach V05 · Coastal');
  expect(title('B')).toBe('Did not arrive (no-show)');
  expect(title('C')).toBe('Went elsewhere / made own way');
  expect(title('D')).toBe('No vehicle (own way or not yet planned)');
});
