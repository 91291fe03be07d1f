/** Who of a household rides with the driver: the people at the door, never those already at the hotel or missing. */
import { notRiding, type DriverHousehold } from '../../shared/drivers.js';
import { WHEREABOUTS, type Whereabouts } from '../../shared/whereabouts.js';

const household = (status: DriverHousehold['status'], whereabouts: Whereabouts[]): Pick<DriverHousehold, 'guests' | 'status'> => ({
  status,
  guests: whereabouts.map((w, i) => ({ name: `G${i}`, age: 'adult', needs: [], whereabouts: w })),
});

test('every whereabouts, before and after this vehicle sets the household down', () => {
  const riding = (status: DriverHousehold['status'], w: Whereabouts) => notRiding(household(status, [w])).length === 0;
  // Collecting a household (planned or boarded): only those at the door, or already aboard, ride.
  for (const status of ['planned', 'boarded'] as const) expect(WHEREABOUTS.filter((w) => riding(status, w))).toEqual(['waiting', 'aboard', 'no_show']);
  // Set down by this vehicle: those it set down at the hotel rode with it.
  expect(WHEREABOUTS.filter((w) => riding('dropped', w))).toEqual(['waiting', 'aboard', 'arrived', 'no_show']);
});

test('a vehicle sent for the one member left behind counts one rider, not the household', () => {
  const h = household('planned', ['arrived', 'arrived', 'checked_in', 'waiting']);
  expect(h.guests.length - notRiding(h).length).toBe(1);
  expect(notRiding(h).map((g) => g.name)).toEqual(['G0', 'G1', 'G2']);
});
