/** The driver's "N min late": against the departure listed, and never on a night replayed long after. */
import { expect, test } from '@jest/globals';
import { lateMinutes, lateText } from '../../client/src/driver/late.js';

test('minutes late are counted from the departure, and a departure more than 12 hours gone is not late', () => {
  const at = Date.parse('2026-10-31T22:41:00Z');
  expect(lateMinutes('2026-10-31T22:41:00Z', at - 5 * 60_000)).toBe(0);
  expect(lateMinutes('2026-10-31T22:41:00Z', at + 59_000)).toBe(0);
  expect(lateMinutes('2026-10-31T22:41:00Z', at + 24 * 60_000)).toBe(24);
  expect(lateText(lateMinutes('2026-10-31T22:41:00Z', at + 125 * 60_000))).toBe('2 h 5 min late');
  expect(lateMinutes('2026-10-31T22:41:00Z', at + 12 * 60 * 60_000)).toBe(720);
  // The demo's storm, opened weeks later: "886 h late" on every driver's phone said nothing true.
  expect(lateMinutes('2026-10-31T22:41:00Z', at + 12 * 60 * 60_000 + 60_000)).toBe(0);
  expect(lateMinutes('2026-10-31T22:41:00Z', Date.parse('2026-12-07T23:00:00Z'))).toBe(0);
});
