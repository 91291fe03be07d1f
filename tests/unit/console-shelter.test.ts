/** The console header's "Everyone in bed by" line and the re-plan offer, in words. */
import { describe, expect, it } from '@jest/globals';
import { replanGain, replanWorthApplying, shelterLine } from '../../client/src/console/shelter.js';
import type { ShelterProjection } from '../../shared/live-shelter.js';

const base: ShelterProjection = {
  lastArrivalAt: '2026-10-31T23:55:00Z',
  vulnerableLastArrivalAt: '2026-10-31T23:10:00Z',
  planned: { lastArrivalAt: '2026-10-31T23:15:00Z', vulnerableLastArrivalAt: '2026-10-31T23:10:00Z' },
  slipMinutes: 40,
  vulnerableSlipMinutes: 0,
  thresholdMinutes: 15,
  strandedGuests: 12,
  noRideGuests: 0,
  noBedGuests: 1,
  missingGuests: 0,
  noShowGuests: 0,
  vehiclesOut: ['V03'],
  replan: { advised: true, reasons: [] },
};

describe('shelterLine', () => {
  it('says when everyone and the vulnerable are in bed, the slip, and who is stranded', () => {
    expect(shelterLine(base, 'UTC')).toEqual({
      headline: 'All placed guests in bed by 23:55 · vulnerable by 23:10',
      slips: ['slipped 40 min'],
      // The vehicle out of service is said on its own: it is not why every guest without a vehicle has none.
      notes: ['12 guests without a vehicle', 'V03 out of service', '1 guest without a bed'],
    });
    // "Everyone" only when nobody is left without a bed or a ride, and nobody is missing.
    expect(shelterLine({ ...base, strandedGuests: 0, noBedGuests: 0 }, 'UTC').headline).toBe('Everyone in bed by 23:55 · vulnerable by 23:10');
    expect(shelterLine({ ...base, strandedGuests: 0, noBedGuests: 0, noRideGuests: 2 }, 'UTC').headline).toMatch(/^All placed guests in bed by/);
    // A vehicle out of service with nobody stranded is nothing to act on here.
    expect(shelterLine({ ...base, strandedGuests: 0 }, 'UTC').notes).toEqual(['1 guest without a bed']);
    const missing = shelterLine({ ...base, strandedGuests: 0, noBedGuests: 0, vehiclesOut: [], missingGuests: 1 }, 'UTC');
    expect(missing.headline).toMatch(/^All placed guests in bed by 23:55/);
    expect(missing.notes).toEqual(['1 guest missing']);
    // Nor while anyone is a no-show: they are in no bed of the plan, wherever they are.
    const noShow = shelterLine({ ...base, strandedGuests: 0, noBedGuests: 0, vehiclesOut: [], noShowGuests: 3 }, 'UTC');
    expect(noShow.headline).toMatch(/^All placed guests in bed by 23:55/);
    expect(noShow.notes).toEqual(['3 guests no-show']);
  });
  it('shows the incident’s clock and both slips when they differ; nothing early counts as a slip', () => {
    expect(shelterLine({ ...base, vulnerableSlipMinutes: 25, strandedGuests: 0, noBedGuests: 0 }, 'Europe/London').slips).toEqual([
      'slipped 40 min',
      'vulnerable slipped 25 min',
    ]);
    expect(shelterLine({ ...base, slipMinutes: -4, vulnerableSlipMinutes: -4 }, 'UTC').slips).toEqual([]);
    expect(shelterLine({ ...base, lastArrivalAt: null, vulnerableLastArrivalAt: null }, 'UTC').headline).toBeNull();
  });
});

describe('replanGain', () => {
  it('says what a transport re-plan would bring forward', () => {
    const now = { lastArrivalAt: '2026-10-31T23:55:00Z', vulnerableLastArrivalAt: '2026-10-31T23:20:00Z' };
    expect(replanGain({ now, ifApplied: { lastArrivalAt: '2026-10-31T23:10:00Z', vulnerableLastArrivalAt: '2026-10-31T22:40:00Z' } }, 'UTC')).toBe(
      're-plan: last arrival 23:10 instead of 23:55 (vulnerable 22:40 instead of 23:20)',
    );
    expect(
      replanGain(
        {
          now: { lastArrivalAt: now.lastArrivalAt, vulnerableLastArrivalAt: now.lastArrivalAt },
          ifApplied: { lastArrivalAt: '2026-10-31T23:10:00Z', vulnerableLastArrivalAt: '2026-10-31T23:10:00Z' },
        },
        'UTC',
      ),
    ).toBe('re-plan: last arrival 23:10 instead of 23:55');
    expect(replanGain({ now, ifApplied: now }, 'UTC')).toBe('re-plan: last arrival 23:55, unchanged (vulnerable 23:20, unchanged)');
  });
});

describe('replanWorthApplying', () => {
  const times = (last: string, vul: string) => ({ lastArrivalAt: `2026-10-31T${last}:00Z`, vulnerableLastArrivalAt: `2026-10-31T${vul}:00Z` });
  const nothing = { newlyAssigned: [], moved: [], unassigned: [], retimed: [] };
  const view = (diff: Partial<typeof nothing>, now: ReturnType<typeof times>, ifApplied: ReturnType<typeof times>) =>
    ({ diff: { ...nothing, ...diff }, shelter: { now, ifApplied } }) as unknown as Parameters<typeof replanWorthApplying>[0];
  it('offers a re-plan that brings anyone in sooner, or changes anyone’s ride', () => {
    expect(replanWorthApplying(view({}, times('23:55', '23:20'), times('23:10', '23:20')))).toBe(true);
    expect(replanWorthApplying(view({}, times('23:55', '23:20'), times('23:55', '22:50')))).toBe(true);
    expect(replanWorthApplying(view({ retimed: [{ partyId: 'P1' }] } as never, times('23:55', '23:20'), times('23:55', '23:20')))).toBe(true);
    expect(replanWorthApplying(view({ newlyAssigned: [{ partyId: 'P1' }] } as never, times('23:55', '23:20'), times('23:55', '23:20')))).toBe(true);
  });
  it('does not offer one that changes nobody and gains nothing, however often the slip asks', () => {
    expect(replanWorthApplying(view({}, times('23:55', '23:20'), times('23:55', '23:20')))).toBe(false);
    expect(replanWorthApplying(view({}, times('23:55', '23:20'), times('23:58', '23:25')))).toBe(false);
  });
});
