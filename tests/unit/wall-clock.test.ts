/**
 * "Free from 22:30" typed in the console becomes the moment nearest the night's "now" when the
 * incident's clocks read 22:30 (shared/time.ts: wallClockNear): later tonight, after midnight, or
 * earlier this evening, across summer time and clock changes.
 */
import { wallClockNear } from '../../shared/time.js';

const at = (iso: string) => Date.parse(iso);

test.each([
  // An October night (GMT), read around 19:40: later, after midnight, already free, the morning.
  ['22:30', 'Europe/London', '2026-10-31T19:40:00Z', '2026-10-31T22:30:00+00:00'],
  ['01:15', 'Europe/London', '2026-10-31T19:40:00Z', '2026-11-01T01:15:00+00:00'],
  ['19:30', 'Europe/London', '2026-10-31T19:40:00Z', '2026-10-31T19:30:00+00:00'],
  ['08:00', 'Europe/London', '2026-10-31T19:40:00Z', '2026-10-31T08:00:00+00:00'],
  // Twelve hours either way: the later.
  ['00:00', 'Europe/London', '2026-10-31T12:00:00Z', '2026-11-01T00:00:00+00:00'],
  // Summer time (20:00 on the clocks): 22:30 is 21:30 UTC, 19:30 half an hour ago, 7:05 tomorrow morning.
  ['22:30', 'Europe/London', '2026-07-01T19:00:00Z', '2026-07-01T21:30:00+00:00'],
  ['19:30', 'Europe/London', '2026-07-01T19:00:00Z', '2026-07-01T18:30:00+00:00'],
  [' 7:05 ', 'Europe/London', '2026-07-01T19:00:00Z', '2026-07-02T06:05:00+00:00'],
  // Clocks forward (01:00 -> 02:00): 01:30 does not exist that night and is read as after the change.
  ['01:30', 'Europe/London', '2026-03-28T22:00:00Z', '2026-03-29T01:30:00+00:00'],
  ['03:00', 'Europe/London', '2026-03-28T22:00:00Z', '2026-03-29T02:00:00+00:00'],
  // Clocks back (02:00 -> 01:00): 01:30 happens twice; the later one.
  ['01:30', 'Europe/London', '2026-10-24T22:00:00Z', '2026-10-25T01:30:00+00:00'],
  // Another zone, across a date.
  ['23:00', 'America/New_York', '2026-10-24T22:00:00Z', '2026-10-25T03:00:00+00:00'],
])('%s in %s around %s is %s', (hhmm, zone, around, expected) => {
  expect(wallClockNear(hhmm, zone, at(around))).toBe(expected);
});

test.each(['', '9.40pm', '24:00', '12:60', '1230', '12:3', 'noon'])('"%s" is no time of day', (hhmm) => {
  expect(wallClockNear(hhmm, 'Europe/London', at('2026-10-31T19:40:00Z'))).toBeNull();
});
