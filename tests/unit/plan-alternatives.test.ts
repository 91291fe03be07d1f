/** "cheapest" is the cheapest in rooms; when the other plan costs less in all, it says by how much. */
import { outdone, savingInAll } from '../../client/src/console/alternatives.js';
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

test('a plan that costs more in all and lands no sooner than the other is said to have nothing to offer; a real trade-off is not', () => {
  const at = (a: PlanAlternative, hhmm: string): PlanAlternative => ({ ...a, lastArrivalAt: `2026-10-31T${hhmm}:00Z` });
  // Cheapest rooms, dearer in all, and later: outdone.
  const worse = [at(alt('cost', 2_547_800, 784_466), '14:09'), at(alt('shelter', 2_648_300, 645_176), '14:05')];
  expect(worse.map((a) => outdone(a, worse))).toEqual([true, false]);
  // Cheaper in all but later: a real choice, neither outdone.
  const trade = [at(alt('cost', 2_547_800, 600_000), '14:09'), at(alt('shelter', 2_648_300, 645_176), '13:40')];
  expect(trade.map((a) => outdone(a, trade))).toEqual([false, false]);
  // The same on both counts: neither is outdone.
  const same = [at(alt('cost', 100, 0), '14:00'), at(alt('shelter', 100, 0), '14:00')];
  expect(same.map((a) => outdone(a, same))).toEqual([false, false]);
  // One that houses more people is never outdone by one that houses fewer.
  const more = [{ ...at(alt('cost', 200, 0), '14:30'), peopleHoused: 11 }, at(alt('shelter', 100, 0), '14:00')];
  expect(more.map((a) => outdone(a, more))).toEqual([false, false]);
});
