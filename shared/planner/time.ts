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

/** The planner's clock for deadlines and solveMs (wall time unless a caller supplies another). */
export function now(): number {
  return clock();
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
