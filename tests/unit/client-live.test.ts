/** The console's live logic: merging event batches by seq, timelines, replay folding, trip interpolation. */
import type { LiveEvent } from '../../shared/realtime.js';
import { ledgerBase, liveEvent as ev } from '../helpers/events.js';
import { EMPTY_LOG, describeEvent, mergeEvents, partyIdsOf, timelineFor } from '../../client/src/console/event-log.js';
import { foldEvents } from '../../client/src/console/replay.js';
import { tripLine, tripWindow, vehicleAt, type TripLike } from '../../client/src/console/trips.js';

/** Any event: merging looks at seq only. */
const tick = (seq: number) => ev(seq, 'trip.completed', { tripId: 'T1', vehicleId: 'C1' });
const plan = { planId: 'PL1', partyIds: [], hotelFill: {}, newlyAssigned: 0, metrics: {} };

describe('mergeEvents', () => {
  test('drops duplicates, keeps order, advances lastSeq only over a gap-free run', () => {
    let r = mergeEvents(EMPTY_LOG, [tick(2), tick(1)]);
    expect(r.log.lastSeq).toBe(2);
    expect(r.gap).toBe(false);
    r = mergeEvents(r.log, [tick(2), tick(5)]);
    expect(r.added.map((e) => e.seq)).toEqual([5]);
    expect(r.gap).toBe(true);
    expect(r.log.lastSeq).toBe(2);
    r = mergeEvents(r.log, [tick(3), tick(4)]);
    expect(r.gap).toBe(false);
    expect(r.log.lastSeq).toBe(5);
    expect(r.log.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(mergeEvents(r.log, [tick(4)]).added).toEqual([]);
  });
});

describe('timelines and words', () => {
  const log = [
    ev(1, 'parties.added', { partyIds: ['P1', 'P2'], guests: 5 }),
    ev(2, 'hotel.rooms_changed', {
      hotelId: 'H1',
      name: 'Sea View',
      roomChanges: [{ type: 'double', from: 10, to: 8 }],
      perksChanged: false,
      displacedPartyIds: ['P2'],
    }),
    ev(3, 'party.status_changed', { partyId: 'P1', name: 'Okafor', from: 'waiting', to: 'needs_help', note: 'insulin' }),
    ev(4, 'plan.applied', { ...plan, housed: 10, unassigned: 1, moved: ['P1'] }),
  ];
  test('a household’s timeline has every event naming it', () => {
    expect(timelineFor(log, 'P1').map((e) => e.seq)).toEqual([1, 3, 4]);
    expect(timelineFor(log, 'P2').map((e) => e.seq)).toEqual([1, 2]);
    expect(partyIdsOf(log[1]!)).toEqual(['P2']);
  });
  test('events read as plain sentences', () => {
    expect(describeEvent(log[1]!)).toBe('changed rooms at Sea View: double 10→8; 1 household displaced');
    expect(describeEvent(log[2]!)).toBe('marked Okafor as needing help (“insulin”)');
    expect(describeEvent(log[3]!)).toBe('applied a plan: 10 households housed, 1 not placed, 1 moved');
    expect(
      describeEvent(
        ev(5, 'vehicle.status_changed', { vehicleId: 'C1', from: 'in_service', to: 'out_of_service', reason: 'flat tyre', guestIds: [], strandedPartyIds: [] }),
      ),
    ).toBe('marked vehicle C1 broken down / out of service (flat tyre)');
    // Drivers' and managers' actions name the household and the hotel, not only the vehicle.
    const names = (id: string) => ({ P1: 'Okafor', H1: 'Sea View' })[id] ?? id;
    expect(
      describeEvent(ev(8, 'party.boarded', { partyId: 'P1', name: 'Okafor', tripId: 'T1', vehicleId: 'C1', hotelId: 'H1', guestIds: [], hotelIds: ['H1'] })),
    ).toBe('ticked Okafor aboard vehicle C1');
    expect(
      describeEvent(
        ev(9, 'trip.arrived', { tripId: 'T1', vehicleId: 'C1', hotelId: 'H1', partyIds: ['P1'], completed: true, guestIds: [], hotelIds: ['H1'] }),
        names,
      ),
    ).toBe('vehicle C1 reached Sea View with 1 household; its trip is done');
    expect(
      describeEvent(
        ev(10, 'attention.resolved', { itemId: 'i', kind: 'transport_lost', partyId: 'P1', guestIds: [], note: 'seated on V2', by: 'Dana', cured: true }),
        names,
      ),
    ).toBe('resolved transport lost for Okafor (“seated on V2”)');
    // A newer server's event type this console does not know yet reads as its name.
    expect(describeEvent({ type: 'something.new', payload: {} } as unknown as LiveEvent)).toBe('something new');
    expect(
      describeEvent(
        ev(7, 'ledger.approval_requested', {
          ...ledgerBase({ category: 'open_bar', amountMinor: 12550, currency: 'GBP' }),
          householdName: 'Okafor',
          recordedByName: 'Rita',
          limitMinor: 10_000,
          spentMinor: 0,
        }),
      ),
    ).toBe('asked for approval: open bar £125.50 for Okafor');
  });
});

describe('foldEvents', () => {
  const log = [
    ev(1, 'plan.applied', { ...plan, housed: 3, unassigned: 0, moved: [], hotelIds: ['H1', 'H2'] }),
    ev(2, 'guest.checked_in', { partyId: 'P1', name: 'Okafor', hotelId: 'H1', wholeHousehold: true, roomNumbers: {}, guestIds: ['G1'] }),
    ev(3, 'guest.checked_in', { partyId: 'P2', name: 'Hughes', hotelId: 'H1', wholeHousehold: true, roomNumbers: {}, guestIds: ['G2'] }),
    ev(4, 'vehicle.status_changed', { vehicleId: 'C1', from: 'in_service', to: 'out_of_service', reason: null, guestIds: [], strandedPartyIds: [] }),
    ev(5, 'guest.checked_out', { partyId: 'P1', name: 'Okafor', hotelId: 'H1', guestIds: ['G1'] }),
    ev(6, 'hotel.offered', { hotelId: 'H3', name: 'Sea View', rooms: 4 }),
  ];
  const sizeOf = (id: string) => (id === 'P1' ? 4 : 2);
  test('reconstructs check-in fill, statuses and plan totals at each step', () => {
    expect(foldEvents(log, 0, sizeOf).hotels.size).toBe(0);
    const at3 = foldEvents(log, 3, sizeOf);
    expect(at3.hotels.get('H1')).toMatchObject({ checkedInHouseholds: 2, checkedInGuests: 6, touchedByPlan: true });
    expect(at3.housed).toBe(3);
    expect(at3.at).toBe(log[2]!.at);
    const at6 = foldEvents(log, 6, sizeOf);
    expect(at6.hotels.get('H1')!.checkedInGuests).toBe(2);
    expect(at6.partyStatus.get('P1')).toBe('checked_out');
    expect(at6.brokenVehicles.has('C1')).toBe(true);
    expect(at6.hotels.get('H3')!.offeredAtStep).toBe(true);
  });
});

describe('vehicleAt', () => {
  const places: Record<string, { lat: number; lng: number }> = {
    depot: { lat: 0, lng: 0 },
    m: { lat: 10, lng: 0 },
    h1: { lat: 10, lng: 10 },
    h2: { lat: 20, lng: 10 },
  };
  const where = (id: string) => places[id];
  const t = (min: number) => Date.UTC(2026, 2, 1, 20, min);
  const iso = (min: number) => new Date(t(min)).toISOString();
  const trips: TripLike[] = [
    { vehicleId: 'C1', fromSiteId: 'm', stops: ['h1', 'h2'], departAt: iso(0), arrivals: [iso(10), iso(20)] },
    { vehicleId: 'C1', fromSiteId: 'm', stops: ['h1'], departAt: iso(40), arrivals: [iso(50)] },
    { vehicleId: 'C2', fromSiteId: 'm', stops: ['h1'], departAt: iso(0), arrivals: [iso(5)], status: 'cancelled' },
  ];
  test('depot before, interpolated while driving, returning between trips, parked after', () => {
    expect(vehicleAt('C1', places.depot!, trips, where, t(-5))).toMatchObject({ lat: 0, lng: 0, doing: 'at depot', moving: false });
    expect(vehicleAt('C1', places.depot!, trips, where, t(5))).toMatchObject({ lat: 10, lng: 5, doing: 'driving', moving: true });
    expect(vehicleAt('C1', places.depot!, trips, where, t(15))).toMatchObject({ lat: 15, lng: 10 });
    expect(vehicleAt('C1', places.depot!, trips, where, t(30))).toMatchObject({ lat: 15, lng: 5, doing: 'returning' });
    expect(vehicleAt('C1', places.depot!, trips, where, t(90))).toMatchObject({ lat: 10, lng: 10, doing: 'finished' });
    expect(vehicleAt('C2', places.depot!, trips, where, t(2))).toMatchObject({ doing: 'at depot' });
  });
  test('window and line', () => {
    expect(tripWindow(trips)).toEqual({ start: t(0), end: t(50) });
    expect(tripWindow([])).toBeNull();
    expect(tripLine(trips[0]!, where)).toEqual([places.m, places.h1, places.h2]);
  });
});

describe('describeEvent: perk decisions name the amount claimed', () => {
  test('a rejection line carries 0, yet the log shows the claim it closed; approvals too', () => {
    const base = { ...ledgerBase({ category: 'bar', currency: 'GBP', amountMinor: 0 }), pendingEntryId: 'e1', recordedBy: null, claimedMinor: 42000 };
    expect(describeEvent(ev(1, 'ledger.entry_rejected', base))).toBe('rejected a bar claim of £420.00');
    expect(describeEvent(ev(2, 'ledger.entry_approved', { ...base, amountMinor: 42000 }))).toBe('approved bar £420.00');
    // Events from before claimedMinor existed still read as they did.
    expect(
      describeEvent(
        ev(3, 'ledger.entry_approved', { ...ledgerBase({ category: 'meals', currency: 'GBP', amountMinor: 1250 }), pendingEntryId: 'e2', recordedBy: null }),
      ),
    ).toBe('approved meals £12.50');
  });
});
