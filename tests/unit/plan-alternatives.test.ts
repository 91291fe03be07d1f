/** "cheapest" is the cheapest in rooms; when the other plan costs less in all, it says by how much. */
import { savingInAll } from '../../client/src/console/alternatives.js';
import type { PlanAlternative } from '../../shared/api.js';

const alt = (objective: PlanAlternative['objective'], rooms: number, transport: number): PlanAlternative => ({
  id: objective,
  objective,
  label: objective === 'cost' ? 'cheapest' : 'fastest within 5%',
  roomCostMinorPerNight: rooms,
  transportCostMinor: transport,
  totalMinor: rooms + transport,
  peopleHoused: 10,
  lastArrivalAt: null,
  vulnerableLastArrivalAt: null,
});

test('the fastest plan whose trips cost less says how much less it costs in all', () => {
  const both = [alt('cost', 2_547_800, 784_466), alt('shelter', 2_648_300, 645_176)];
  expect(savingInAll(both[1]!, both)).toBe(38_790);
  expect(savingInAll(both[0]!, both)).toBe(0);
});

test('nothing is said when the cheapest rooms are also the cheapest in all, or there is no other plan', () => {
  const both = [alt('cost', 2_547_800, 645_176), alt('shelter', 2_648_300, 645_176)];
  expect(savingInAll(both[1]!, both)).toBe(0);
  expect(savingInAll(both[1]!, [both[1]!])).toBe(0);
});
