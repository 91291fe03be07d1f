/** Time helpers for the planner: all arithmetic in epoch ms, output as ISO with offset (`Z`), to the second. */

export const MINUTE_MS = 60_000;

/** Parse an ISO time with offset into epoch ms (NaN if unparsable). */
export function parseIso(iso: string): number {
  return Date.parse(iso);
}

/** Epoch ms -> `2026-03-01T21:05:00Z`; rounds to the nearest second so arrivals stay within the one-minute rule. */
export function formatIso(ms: number): string {
  return new Date(Math.round(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

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
