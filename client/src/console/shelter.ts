/**
 * The header's "Everyone in bed by" line and the transport re-plan offer, in words (pure: the
 * console shows them, tests read them).
 */
import type { PlanView } from '../../../shared/api.js';
import type { ShelterProjection, ShelterTimes } from '../../../shared/live-shelter.js';
import { formatTime } from '../format.js';

export interface ShelterLine {
  /** "Everyone in bed by 23:55 · vulnerable by 23:10" (null before there is anything to project). */
  headline: string | null;
  /** "slipped 40 min" / "vulnerable slipped 25 min" against the plan as applied (empty when on time). */
  slips: string[];
  /** "12 guests without a vehicle", "3 no vehicle can carry", "5 without a bed". */
  notes: string[];
}

const guests = (n: number) => `${n} ${n === 1 ? 'guest' : 'guests'}`;

export function shelterLine(s: ShelterProjection, timeZone: string): ShelterLine {
  const t = (iso: string | null) => (iso ? formatTime(iso, timeZone) : null);
  const all = t(s.lastArrivalAt);
  const vul = t(s.vulnerableLastArrivalAt);
  // "Everyone" only when nobody is left without a bed or a ride, and nobody is missing or a no-show; else the time is the placed guests'.
  const everyone = !s.noBedGuests && !s.strandedGuests && !s.noRideGuests && !s.missingGuests && !s.noShowGuests;
  const headline = all ? `${everyone ? 'Everyone' : 'All placed guests'} in bed by ${all}${vul ? ` · vulnerable by ${vul}` : ''}` : null;
  const slips: string[] = [];
  if (s.slipMinutes !== null && s.slipMinutes > 0) slips.push(`slipped ${s.slipMinutes} min`);
  if (s.vulnerableSlipMinutes !== null && s.vulnerableSlipMinutes > 0 && s.vulnerableSlipMinutes !== s.slipMinutes)
    slips.push(`vulnerable slipped ${s.vulnerableSlipMinutes} min`);
  const notes: string[] = [];
  // Each said on its own: a vehicle out of service is not why every guest without one has none.
  if (s.strandedGuests) {
    notes.push(`${guests(s.strandedGuests)} without a vehicle`);
    if (s.vehiclesOut.length) notes.push(`${s.vehiclesOut.join(', ')} out of service`);
  }
  if (s.missingGuests) notes.push(`${guests(s.missingGuests)} missing`);
  if (s.noShowGuests) notes.push(`${guests(s.noShowGuests)} no-show`);
  if (s.noRideGuests) notes.push(`${guests(s.noRideGuests)} no vehicle in service can carry`);
  if (headline && s.noBedGuests) notes.push(`${guests(s.noBedGuests)} without a bed`);
  return { headline, slips, notes };
}

/** "re-plan: last arrival 23:10 instead of 23:55 (vulnerable 22:40 instead of 23:20)"; the vulnerable part only when it differs. */
export function replanGain(gain: { now: ShelterTimes; ifApplied: ShelterTimes }, timeZone: string): string {
  const t = (iso: string | null) => (iso ? formatTime(iso, timeZone) : '—');
  const part = (a: string | null, b: string | null) => (a === b ? `${t(a)}, unchanged` : `${t(a)} instead of ${t(b)}`);
  const same = gain.ifApplied.vulnerableLastArrivalAt === gain.ifApplied.lastArrivalAt && gain.now.vulnerableLastArrivalAt === gain.now.lastArrivalAt;
  const vul =
    !same && (gain.ifApplied.vulnerableLastArrivalAt || gain.now.vulnerableLastArrivalAt)
      ? ` (vulnerable ${part(gain.ifApplied.vulnerableLastArrivalAt, gain.now.vulnerableLastArrivalAt)})`
      : '';
  return `re-plan: last arrival ${part(gain.ifApplied.lastArrivalAt, gain.now.lastArrivalAt)}${vul}`;
}

/**
 * Whether a transport re-plan is worth a duty manager's click: it brings the last arrival or the
 * last vulnerable arrival sooner, or it changes someone's ride (a household without a vehicle gets
 * one). One that changes nobody and gains nothing is not offered: the slip it was worked out for
 * cannot be cured by vehicles alone (say, guests aboard a vehicle broken down on the road, who need
 * one sent to them).
 */
export function replanWorthApplying(view: Pick<PlanView, 'diff' | 'shelter'>): boolean {
  const d = view.diff;
  if (d.newlyAssigned.length + d.moved.length + d.retimed.length + d.unassigned.length > 0) return true;
  const sooner = (a: string | null | undefined, b: string | null | undefined) => Boolean(a && b && Date.parse(a) < Date.parse(b));
  const g = view.shelter;
  return Boolean(g && (sooner(g.ifApplied.lastArrivalAt, g.now.lastArrivalAt) || sooner(g.ifApplied.vulnerableLastArrivalAt, g.now.vulnerableLastArrivalAt)));
}
