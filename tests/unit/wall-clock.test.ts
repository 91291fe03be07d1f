/**
 * "Free from 22:30" typed in the console becomes the first such moment on the incident's clocks
 * from its start (shared/time.ts: wallClockAfter), across midnight, summer time and clock changes.
 */
import { wallClockAfter } from '../../shared/time.js';

const at = (iso: string) => Date.parse(iso);

test.each([
  // An October storm (GMT): later that evening, after midnight, and the start itself.
  ['22:30', 'Europe/London', '2026-10-31T19:40:00Z', '2026-10-31T22:30:00+00:00'],
  ['01:15', 'Europe/London', '2026-10-31T19:40:00Z', '2026-11-01T01:15:00+00:00'],
  ['19:40', 'Europe/London', '2026-10-31T19:40:00Z', '2026-10-31T19:40:00+00:00'],
  // Summer time: 22:30 on the clocks is 21:30 UTC; a time before the start is the next day's.
  ['22:30', 'Europe/London', '2026-07-01T19:00:00Z', '2026-07-01T21:30:00+00:00'],
  ['19:30', 'Europe/London', '2026-07-01T19:00:00Z', '2026-07-02T18:30:00+00:00'],
  [' 7:05 ', 'Europe/London', '2026-07-01T19:00:00Z', '2026-07-02T06:05:00+00:00'],
  // Clocks forward (01:00 -> 02:00): 01:30 does not exist that night and is read as after the change.
  ['01:30', 'Europe/London', '2026-03-28T22:00:00Z', '2026-03-29T01:30:00+00:00'],
  ['03:00', 'Europe/London', '2026-03-28T22:00:00Z', '2026-03-29T02:00:00+00:00'],
  // Clocks back (02:00 -> 01:00): 01:30 happens twice; the later one.
  ['01:30', 'Europe/London', '2026-10-24T22:00:00Z', '2026-10-25T01:30:00+00:00'],
  // Another zone, another day.
  ['23:00', 'America/New_York', '2026-10-24T22:00:00Z', '2026-10-25T03:00:00+00:00'],
])('%s in %s from %s is %s', (hhmm, zone, start, expected) => {
  expect(wallClockAfter(hhmm, zone, at(start))).toBe(expected);
});

test.each(['', '9.40pm', '24:00', '12:60', '1230', '12:3', 'noon'])('"%s" is no time of day', (hhmm) => {
  expect(wallClockAfter(hhmm, 'Europe/London', at('2026-10-31T19:40:00Z'))).toBeNull();
});
