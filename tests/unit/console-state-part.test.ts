/**
 * What a batch of live events makes the console read again (console/state-part.ts): nothing, the
 * part with the households the events name, or the whole state; and the part laid over the state
 * it holds, keeping every household nobody touched.
 */
import type { IncidentState, IncidentStatePart } from '../../shared/api.js';
import { STATE_PART_MAX_PARTIES } from '../../shared/api.js';
import type { EventType } from '../../shared/events.js';
import { addToAsk, askNothing, layOver, mergeAsk, partQuery, type StateAsk } from '../../client/src/console/state-part.js';
import { ledgerBase, liveEvent as ev } from '../helpers/events.js';
import { partyFixture, type Party } from '../helpers/state-fixtures.js';

function party(id: string, size = 2, status: Party['status'] = 'assigned'): Party {
  const guests = Array.from({ length: size }, (_, i) => ({ id: `${id}-g${i}`, name: `G${i}`, age: 'adult', needs: [] }));
  return partyFixture(id, { unit: id, passCode: id, status, size, guests, hotelId: 'H1', tripId: 'T1' });
}

function state(parties: Party[]): IncidentState {
  return {
    incident: {} as IncidentState['incident'],
    seq: 10,
    sites: [{ id: 'm1', name: 'Muster', kind: 'muster', lat: 1, lng: 1, waiting: 4 }],
    hotels: [],
    vehicles: [],
    parties,
    trips: [{ id: 'T1', vehicleId: 'C1', fromSiteId: 'm1', stops: ['H1'], partyIds: parties.map((p) => p.id), departAt: '', arrivals: [], status: 'planned' }],
    guestCounts: {} as IncidentState['guestCounts'],
    needs: {} as IncidentState['needs'],
  };
}

const held = state([party('P1'), party('P2'), party('P3')]);
const ask = (...batches: Parameters<typeof addToAsk>[1][]): StateAsk => {
  const a = askNothing();
  for (const b of batches) addToAsk(a, b, held);
  return a;
};
const checkIn = (seq: number, partyId: string, guestIds = [`${partyId}-g0`, `${partyId}-g1`]) =>
  ev(seq, 'guest.checked_in', { partyId, name: partyId, hotelId: 'H1', wholeHousehold: true, roomNumbers: {}, guestIds });

describe('what a batch of events makes the console read', () => {
  test('money, messages and attention items change nothing the state shows: nothing is read', () => {
    const a = ask([
      ev(11, 'ledger.entry_recorded', ledgerBase({ partyId: 'P1' })),
      ev(12, 'guest.feedback_given', { partyId: 'P1', name: 'x', hotelId: 'H1', rating: 5, comment: '' }),
      ev(13, 'attention.resolved', { itemId: 'a', kind: 'need_help', partyId: 'P1', guestIds: [], note: '', by: 'x', cured: false }),
    ]);
    expect(a).toMatchObject({ whole: false, any: false, trips: false });
    expect(a.partyIds.size).toBe(0);
  });

  test('a hotel offer reads the part with no households (hotels always come whole)', () => {
    const a = ask([
      ev(11, 'hotel.rooms_changed', {
        hotelId: 'H1',
        name: 'H',
        roomChanges: [{ type: 'double', from: 2, to: 3 }],
        perksChanged: false,
        displacedPartyIds: [],
      }),
    ]);
    expect(a).toMatchObject({ whole: false, any: true, trips: false });
    expect(partQuery(a)).toBe('parties=&trips=false');
  });

  test('check-ins and boardings read the households they name and the trips, across batches', () => {
    const a = ask(
      [checkIn(11, 'P1')],
      [ev(12, 'party.boarded', { partyId: 'P3', name: 'x', tripId: 'T1', vehicleId: 'C1', hotelId: 'H1', guestIds: ['P3-g0'] })],
    );
    expect(a).toMatchObject({ whole: false, any: true, trips: true });
    expect([...a.partyIds].sort()).toEqual(['P1', 'P3']);
    expect(partQuery(a)).toBe('parties=P1,P3&trips=true');
  });

  test.each<[string, Parameters<typeof addToAsk>[1]]>([
    ['an import', [ev(11, 'incident.imported', { name: 'x', counts: {} })]],
    ['households added', [ev(11, 'parties.added', { partyIds: ['P9'], guests: 2 })]],
    [
      'a plan applied',
      [ev(11, 'plan.applied', { planId: 'p', housed: 1, unassigned: 0, moved: [], partyIds: ['P1'], hotelFill: {}, newlyAssigned: 1, metrics: {} })],
    ],
    [
      'a breakdown',
      [ev(11, 'vehicle.status_changed', { vehicleId: 'C1', from: 'in_service', to: 'out_of_service', reason: null, strandedPartyIds: ['P1'], guestIds: [] })],
    ],
    [
      'a hotel change that displaced households',
      [ev(11, 'hotel.rooms_changed', { hotelId: 'H1', name: 'H', roomChanges: [], perksChanged: false, displacedPartyIds: ['P2'] })],
    ],
    ['a household this console does not hold', [checkIn(11, 'P9', [])]],
    ['a person moved who is not in a household the event names', [checkIn(11, 'P1', ['P1-g0', 'P2-g1'])]],
    ['an event type this client does not know', [ev(11, 'something.new' as EventType, {} as never)]],
  ])('%s reads the whole state', (_what, batch) => {
    expect(ask([checkIn(10, 'P1')], batch).whole).toBe(true);
  });

  test(`more than ${STATE_PART_MAX_PARTIES} households to read: the whole state`, () => {
    const many = state(Array.from({ length: STATE_PART_MAX_PARTIES + 1 }, (_, i) => party(`P${i}`, 1)));
    const a = askNothing();
    for (const p of many.parties.slice(0, STATE_PART_MAX_PARTIES)) addToAsk(a, [checkIn(11, p.id, [])], many);
    expect(a.whole).toBe(false);
    addToAsk(a, [checkIn(12, `P${STATE_PART_MAX_PARTIES}`, [])], many);
    expect(a.whole).toBe(true);
  });

  test('a console still loading reads the whole state; a failed read is asked again with what came meanwhile', () => {
    expect(addToAsk(askNothing(), [checkIn(11, 'P1')], null).whole).toBe(true);
    const failed = ask([checkIn(11, 'P1')]);
    const meanwhile = ask([checkIn(12, 'P2')]);
    mergeAsk(meanwhile, failed);
    expect([...meanwhile.partyIds].sort()).toEqual(['P1', 'P2']);
    expect(
      mergeAsk(
        meanwhile,
        ask([
          ev(13, 'rollcall.taken', {
            siteId: 'm1',
            siteName: 'M',
            present: 0,
            expected: 0,
            missingGuestIds: [],
            foundGuestIds: [],
            partyIds: [],
            guestIds: [],
          }),
        ]),
      ).whole,
    ).toBe(true);
  });
});

describe('the part laid over the state', () => {
  const part = (parties: Party[], trips?: IncidentState['trips']): IncidentStatePart => {
    const { parties: _p, trips: _t, ...rest } = held;
    return { ...rest, seq: 12, hotels: [{ ...({} as IncidentState['hotels'][number]), id: 'H1' }], parties, ...(trips ? { trips } : {}) };
  };

  test('named households are replaced where they stand; the others keep their objects', () => {
    const changed = { ...party('P2'), status: 'checked_in' as const };
    const next = layOver(held, part([changed]));
    expect(next.parties.map((p) => p.id)).toEqual(['P1', 'P2', 'P3']);
    expect(next.parties[1]).toBe(changed);
    expect(next.parties[0]).toBe(held.parties[0]);
    expect(next.parties[2]).toBe(held.parties[2]);
    expect(next.seq).toBe(12);
    expect(next.hotels.map((h) => h.id)).toEqual(['H1']);
    expect(next.trips).toBe(held.trips);
  });

  test('with no household in the part the list itself is kept (its panels are not re-derived); trips come when carried', () => {
    const trips = [{ ...held.trips[0]!, status: 'departed' as const }];
    const next = layOver(held, part([], trips));
    expect(next.parties).toBe(held.parties);
    expect(next.trips).toBe(trips);
  });
});
