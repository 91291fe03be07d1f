/**
 * What the outbox does with an answer: done, try again later (and when), or keep it as a refusal
 * to show the user. Pure, so the server's tests can drive the same rule as the phone.
 */
import { apiErrorOf } from '../api.js';

/** Statuses that mean "try again later" rather than "the server said no". */
const RETRYABLE = new Set([0, 408, 425, 429, 500, 502, 503, 504]);

export type Verdict =
  { kind: 'done' } | { kind: 'signed-out' } | { kind: 'retry'; afterMs: number | null } | { kind: 'refused'; code: string; message: string };

/**
 * A 409 is a refusal (the household was re-routed or already handled) unless the server marks it
 * retryable: `in_progress` (the same Idempotency-Key is still being applied, e.g. by a server that
 * then crashed: its lease runs out and the retry applies it once). Retry-After, when given, is
 * how long to wait.
 */
export function verdict(status: number, body: unknown, retryAfter: string | null = null): Verdict {
  if (status >= 200 && status < 300) return { kind: 'done' };
  if (status === 401) return { kind: 'signed-out' };
  const err = apiErrorOf(status, body);
  const seconds = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : NaN;
  const afterMs = Number.isFinite(seconds) ? Math.min(seconds, 300) * 1000 : null;
  if (RETRYABLE.has(status) || err.code === 'in_progress' || err.details.retryable === true) return { kind: 'retry', afterMs };
  return { kind: 'refused', code: err.code, message: err.message };
}
