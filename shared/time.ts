import { dateFormat } from './intl.js';

/** ISO-8601 with an explicit +00:00 offset, as the contract's examples write it. */
export function isoUtc(d: Date): string {
  return d
    .toISOString()
    .replace(/\.000Z$/, '+00:00')
    .replace(/Z$/, '+00:00');
}

/**
 * The moment nearest `around` (epoch ms) when the clocks in `timeZone` read `hhmm` ("22:30"), as
 * ISO with offset: what a duty manager means by "the coach is free from 22:30" (later tonight) or
 * "free since 19:30" (earlier this evening), within 12 hours either way. Null when `hhmm` is not a
 * time of day. Across a clock change, a time that does not exist that night is read as after the
 * change, and one that happens twice as the later.
 */
export function wallClockNear(hhmm: string, timeZone: string, around: number): string | null {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(hhmm.trim());
  if (!m) return null;
  const day = wallParts(around, timeZone);
  let best = NaN;
  for (const add of [-1, 0, 1]) {
    const at = zonedToUtc(day.year, day.month, day.day + add, Number(m[1]), Number(m[2]), timeZone);
    if (Number.isNaN(best) || Math.abs(at - around) < Math.abs(best - around) || (Math.abs(at - around) === Math.abs(best - around) && at > best)) best = at;
  }
  return isoUtc(new Date(best));
}

/**
 * A `datetime-local` value ("2026-03-01T20:00") read on the clocks of `timeZone`, as ISO with an
 * offset: what a duty manager means by "the storm hit at 20:00" wherever the browser is. A time
 * that a clock change skips or repeats is read as after the change (the later reading). Null when
 * the value is not a date and time.
 */
export function wallClockToIso(local: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  // Date.UTC reads years 0-99 as 1900-1999 and rolls 31 April over to 1 May: neither is what was typed.
  const daysInMonth = new Date(Date.UTC(isLeap(year) ? 2000 : 2001, month, 0)).getUTCDate();
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) return null;
  return isoUtc(new Date(zonedToUtc(year, month, day, hour, minute, timeZone) + second * 1000));
}

/** The `datetime-local` value ("2026-03-01T20:00") the clocks in `timeZone` read at `t` (epoch ms). */
export function wallClockAt(t: number, timeZone: string): string {
  const w = wallParts(t, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${String(w.year).padStart(4, '0')}-${two(w.month)}-${two(w.day)}T${two(w.hour)}:${two(w.minute)}`;
}

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** The wall-clock date and time at `t` in `timeZone`. */
function wallParts(t: number, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number } {
  const f = dateFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
  const p = Object.fromEntries(f.formatToParts(new Date(t)).map((x) => [x.type, Number(x.value)]));
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour!, minute: p.minute! };
}

/** Epoch ms when the clocks in `timeZone` read this wall-clock time (the later reading where a change skips or repeats it). */
function zonedToUtc(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  const offsetAt = (t: number) => {
    const w = wallParts(t, timeZone);
    return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) - Math.floor(t / 60_000) * 60_000;
  };
  const first = asUtc - offsetAt(asUtc);
  const second = asUtc - offsetAt(first);
  return Math.max(first, second);
}
