/** Time helpers for the planner: all arithmetic in epoch ms, output as ISO with offset (`Z`), to the second. */

export const MINUTE_MS = 60_000;

/** Parse an ISO time with offset into epoch ms (NaN if unparsable). */
export function parseIso(iso: string): number {
  return Date.parse(iso);
}

/** Epoch ms -> `2026-03-01T21:05:00Z`; rounds to the nearest second so arrivals stay within the one-minute rule. */
export function formatIso(ms: number): string {
  // The schedule stages time thousands of trips per plan: the date part is looked up by day and
  // the time of day is built from numbers (Date.toISOString gives the same string, more slowly).
  const sec = Math.round(ms / 1000);
  const day = Math.floor(sec / 86_400);
  let date = DATE_OF_DAY.get(day);
  if (date === undefined) {
    const iso = new Date(day * 86_400_000).toISOString();
    date = iso.slice(0, iso.indexOf('T') + 1);
    if (DATE_OF_DAY.size > 1000) DATE_OF_DAY.clear();
    DATE_OF_DAY.set(day, date);
  }
  const r = sec - day * 86_400;
  const [h, m, s] = [Math.floor(r / 3600), Math.floor(r / 60) % 60, r % 60];
  return `${date}${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}:${s < 10 ? '0' : ''}${s}Z`;
}

/** `YYYY-MM-DDT` of a day since the epoch. */
const DATE_OF_DAY = new Map<number, string>();

/** Round up to a whole second: a departure must never be earlier than the vehicle can make it. */
export function ceilSecond(ms: number): number {
  return Math.ceil(ms / 1000 - 1e-9) * 1000;
}

let clock: () => number = () => performance.now();
/** Overrides `clock` for deadlines only (see withWorkClock). */
let deadlineClock: (() => number) | null = null;
/** Planner work done in this thread so far, in units (see tick()). */
let units = 0;

/**
 * Work units per nominal millisecond of the work clock: about what this project's 2-core build
 * machine does in a millisecond, so that budgets written in ms mean roughly that much time there.
 */
export const WORK_UNITS_PER_MS = 16_000;

/** The planner's clock for deadlines (the work clock inside withWorkClock, else `clock`). */
export function now(): number {
  return deadlineClock ? deadlineClock() : clock();
}

/** The measuring clock (solveMs): wall time unless a caller supplies another; never the work clock. */
export function elapsedNow(): number {
  return clock();
}

/**
 * Count planner work: the inner loops of every stage that a deadline can cut short call this with
 * the number of elementary steps they took (columns scanned, vehicles compared, stops timed...).
 */
export function tick(n: number): void {
  units += n;
}

/** Units of work counted in this thread so far (differences only: to count a step again without redoing it). */
export function workDone(): number {
  return units;
}

/**
 * Run `f` with another clock, e.g. process CPU time in the benchmark so that a busy shared machine
 * does not cut the search short. Synchronous, so no other solve can observe the swap.
 */
export function withClock<T>(c: (() => number) | undefined, f: () => T): T {
  if (!c) return f();
  const prev = clock;
  clock = c;
  try {
    return f();
  } finally {
    clock = prev;
  }
}

/**
 * Run `f` with deadlines on the work clock: counted work, not time, so the same input gives the
 * same plan however busy the machine is (decision 0002). Nested calls keep the outer clock.
 */
export function withWorkClock<T>(f: () => T): T {
  if (deadlineClock) return f();
  // From zero at every solve, so the arithmetic on deadlines is the same whatever ran before.
  const base = units;
  deadlineClock = () => (units - base) / WORK_UNITS_PER_MS;
  try {
    return f();
  } finally {
    deadlineClock = null;
  }
}
