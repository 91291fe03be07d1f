/** The driver's "N min late" mark (pure: the page shows it, tests read it). */
import { STALE_MS } from '../../../shared/live-shelter.js';

/**
 * Whole minutes past the departure time (0 within the first minute, or before it). A departure
 * more than 12 hours gone is a night replayed or an exercise (as the live projection has it): not late.
 */
export function lateMinutes(departAt: string, now: number): number {
  const past = now - Date.parse(departAt);
  return past > STALE_MS ? 0 : Math.max(0, Math.floor(past / 60_000));
}

/** "12 min late", "2 h 5 min late": a driver sees at a glance that the duty managers are waiting on this vehicle. */
export function lateText(minutes: number): string {
  return minutes < 60 ? `${minutes} min late` : `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''} late`;
}
