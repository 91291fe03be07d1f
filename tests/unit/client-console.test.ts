/** The console's pure logic: counters, household search, diff grouping, clustering. */
import { computeCounters } from '../../client/src/console/counters.js';
import { EMPTY_FILTER, filterHouseholds, filterOptions } from '../../client/src/console/households.js';
import { needsOf } from '../../shared/whereabouts.js';
import { groupDiff, guestsPerHotel } from '../../client/src/console/diff-groups.js';
import { diffPlans } from '../../shared/plan-diff.js';
import { planSchema } from '../../shared/plan.js';
import { clusterHouseholds } from '../../client/src/console/clusters.js';
import { hotelFixture, partyFixture } from '../helpers/state-fixtures.js';

const party = partyFixture;
const hotel = hotelFixture;

describe('computeCounters', () => {
  test('each status counts in the right place and beds free never goes negative', () => {
    const parties = [
      party('1', { status: 'waiting', size: 3 }),
      party('2', { status: 'assigned', size: 2, hotelId: 'h1' }),
      party('3', { status: 'on_vehicle', size: 4, hotelId: 'h1' }),
      party('4', { status: 'checked_in', size: 1, hotelId: 'h2' }),
      party('5', { status: 'self_evacuated', size: 5 }),
      // Asking for help: one member waits, the other is reported missing (counted under Missing, not here too).
      party('6', {
        status: 'needs_help',
        size: 2,
        guests: [
          { id: '6a', name: 'Ann', age: 'adult', needs: [] },
          { id: '6b', name: 'Ben', age: 'child', needs: [], whereabouts: 'missing' },
        ],
      }),
      party('7', { status: 'no_show', size: 1 }),
    ];
    const c = computeCounters({ parties, hotels: [hotel('h1', 10, 6), hotel('h2', 2, 3)] });
    expect(c).toEqual({ households: 7, guests: 18, accountedFor: 6, waiting: 7, onTheRoad: 4, checkedIn: 1, unplaced: 5, bedsFree: 4, needsHelp: 1 });
  });
});

describe('household search', () => {
  const parties = [
    party('1', { name: 'Okafor', unit: 'Lodge 12', passCode: 'K7-M2Q', needs: ['pets'] }),
    party('2', {
      name: 'Smith',
      unit: 'Lodge 3',
      passCode: 'AB-CDE',
      status: 'assigned',
      guests: [{ id: 'g', name: 'Zoë Smith', age: 'adult', needs: ['wheelchair'] }],
    }),
    party('3', { name: 'Brown', unit: 'Caravan 9', passCode: 'ZZ-999', siteId: 'm2' }),
  ];
  test('finds by name, guest name (accents folded), unit and pass code without dashes', () => {
    expect(filterHouseholds(parties, { ...EMPTY_FILTER, query: 'oka' }).map((p) => p.id)).toEqual(['1']);
    expect(filterHouseholds(parties, { ...EMPTY_FILTER, query: 'zoe' }).map((p) => p.id)).toEqual(['2']);
    expect(filterHouseholds(parties, { ...EMPTY_FILTER, query: 'lodge 3' }).map((p) => p.id)).toEqual(['2']);
    expect(filterHouseholds(parties, { ...EMPTY_FILTER, query: 'k7m2q' }).map((p) => p.id)).toEqual(['1']);
  });
  test('filters by status, need (own or a guest’s) and site; sorted by name', () => {
    expect(filterHouseholds(parties, { ...EMPTY_FILTER, status: 'assigned' }).map((p) => p.id)).toEqual(['2']);
    expect(filterHouseholds(parties, { ...EMPTY_FILTER, need: 'wheelchair' }).map((p) => p.id)).toEqual(['2']);
    expect(filterHouseholds(parties, { ...EMPTY_FILTER, need: 'any' }).map((p) => p.name)).toEqual(['Okafor', 'Smith']);
    expect(filterHouseholds(parties, { ...EMPTY_FILTER, siteId: 'm2' }).map((p) => p.id)).toEqual(['3']);
    expect(filterHouseholds(parties, EMPTY_FILTER).map((p) => p.name)).toEqual(['Brown', 'Okafor', 'Smith']);
  });
  test('options list every status and need once', () => {
    expect(filterOptions(parties)).toEqual({ statuses: ['assigned', 'waiting'], needs: ['pets', 'wheelchair'] });
    expect(needsOf(parties[1]!)).toEqual(['wheelchair']);
  });
});

describe('groupDiff', () => {
  test('names households and hotels, keeps reasons, sorts by name', () => {
    const names = {
      party: (id: string) => ({ a: 'Zed', b: 'Abel', c: 'Cole', d: 'Dee' })[id] ?? id,
      hotel: (id: string | null) => (id ? `Hotel ${id}` : 'nowhere'),
    };
    const groups = groupDiff(
      {
        newlyAssigned: [
          { partyId: 'a', hotelId: 'h1' },
          { partyId: 'b', hotelId: 'h2' },
        ],
        moved: [{ partyId: 'c', fromHotelId: 'h1', toHotelId: 'h2' }],
        unassigned: [{ partyId: 'd', fromHotelId: 'h1', reason: 'no accessible room left' }],
        retimed: [],
        unchanged: 4,
      },
      names,
      [
        { partyId: 'd', reason: 'no accessible room left' },
        { partyId: 'e', reason: 'all accessible rooms for 2 within 60 km are taken' },
      ],
    );
    expect(groups.map((g) => [g.key, g.lines.length])).toEqual([
      ['notPlaced', 1],
      ['unassigned', 1],
      ['moved', 1],
      ['newlyAssigned', 2],
      ['retimed', 0],
    ]);
    // Never placed: listed by name with the planner's reason (who lost a place is under its own group, once).
    expect(groups[0]!.lines[0]).toMatchObject({ partyId: 'e', text: 'all accessible rooms for 2 within 60 km are taken' });
    expect(groups[1]!.lines[0]!.text).toBe('was going to Hotel h1: no accessible room left');
    expect(groups[2]!.lines[0]!.text).toBe('Hotel h1 → Hotel h2');
    expect(groups[3]!.lines.map((l) => l.partyName)).toEqual(['Abel', 'Zed']);
    expect(
      guestsPerHotel(
        [
          { partyId: 'a', hotelId: 'h1' },
          { partyId: 'b', hotelId: 'h1' },
        ],
        () => 3,
      ).get('h1'),
    ).toBe(6);
  });
});

describe('clusterHouseholds', () => {
  const where = (id: string) => (id === 'm1' ? { lat: 53, lng: 0.3 } : undefined);
  test('few households are single dots in a ring; many become one bubble; placed or gone are left out', () => {
    const few = [
      party('1'),
      party('2', { status: 'needs_help' }),
      party('3', { status: 'checked_in', guests: [{ id: '3g', name: 'Ann 3', age: 'adult', needs: [], whereabouts: 'checked_in' }] }),
    ];
    const dots = clusterHouseholds(few, where);
    expect(dots.map((d) => d.id)).toEqual(['party:1', 'party:2']);
    expect(dots[1]!.needsHelp).toBe(true);
    expect(dots[0]!.lng).not.toBe(dots[1]!.lng);
    const two = (id: string) => [0, 1].map((k) => ({ id: `${id}-${k}`, name: `G ${k}`, age: 'adult' as const, needs: [], whereabouts: 'waiting' as const }));
    const many = Array.from({ length: 30 }, (_, i) => party(String(i), { guests: two(String(i)) }));
    const bubble = clusterHouseholds(many, where, 12);
    expect(bubble).toHaveLength(1);
    expect(bubble[0]).toMatchObject({ kind: 'cluster', count: 30, guests: 60 });
  });
  test('people are counted where they wait, person by person: part of a household checked in, or one of them left behind', () => {
    const split = party('s', {
      status: 'checked_in',
      size: 3,
      guests: [
        { id: 'a', name: 'A', age: 'adult', needs: [], whereabouts: 'checked_in' },
        { id: 'b', name: 'B', age: 'child', needs: [], whereabouts: 'waiting' },
        { id: 'c', name: 'C', age: 'child', needs: [], whereabouts: 'waiting' },
      ],
    });
    const gone = party('g', { status: 'on_vehicle', size: 2, guests: [{ id: 'd', name: 'D', age: 'adult', needs: [], whereabouts: 'aboard' }] });
    const dots = clusterHouseholds([split, gone], where);
    expect(dots.map((d) => [d.id, d.guests, d.label])).toEqual([['party:s', 2, 'Household s: 2 of 3 waiting']]);
  });
  test('10,000 guests at two muster points become two bubbles, not 5,000 dots', () => {
    const lots = Array.from({ length: 5000 }, (_, i) =>
      party(String(i), {
        siteId: i % 2 ? 'm1' : 'm2',
        guests: [0, 1].map((k) => ({ id: `${i}-${k}`, name: 'G', age: 'adult' as const, needs: [], whereabouts: 'waiting' as const })),
      }),
    );
    const out = clusterHouseholds(lots, (id) => (id === 'm1' ? { lat: 53, lng: 0 } : { lat: 53.1, lng: 0.1 }));
    expect(out.map((d) => [d.id, d.count, d.guests])).toEqual([
      ['cluster:m2', 2500, 5000],
      ['cluster:m1', 2500, 5000],
    ]);
  });
});

describe('diffPlans lists only what changed', () => {
  const trip = (vehicleId: string, departAt: string, partyIds: string[]) => ({
    vehicleId,
    fromSiteId: 'M',
    stops: ['H1'],
    partyIds,
    departAt,
    arrivals: [departAt],
  });
  const plan = (trips: ReturnType<typeof trip>[]) =>
    planSchema.parse({
      format: 'relocation-plan/1',
      stays: [
        { partyId: 'a', hotelId: 'H1', rooms: [{ type: 'd', count: 1 }] },
        { partyId: 'b', hotelId: 'H1', rooms: [{ type: 'd', count: 1 }] },
      ],
      trips,
    });
  const before = plan([trip('V1', '2026-03-01T21:00:00Z', ['a']), trip('V2', '2026-03-01T21:00:00Z', ['b'])]);

  test('the same plan: nothing', () => {
    expect(diffPlans(before, before)).toEqual({ newlyAssigned: [], moved: [], unassigned: [], retimed: [], unchanged: 2 });
  });

  test('a pick-up 5 minutes later is no change; 6 minutes or another vehicle is, with both times', () => {
    const d = diffPlans(before, plan([trip('V1', '2026-03-01T21:05:00Z', ['a']), trip('V3', '2026-03-01T21:00:00Z', ['b'])]));
    expect(d.retimed).toEqual([
      { partyId: 'b', fromVehicleId: 'V2', toVehicleId: 'V3', fromDepartAt: '2026-03-01T21:00:00Z', toDepartAt: '2026-03-01T21:00:00Z' },
    ]);
    const late = diffPlans(before, plan([trip('V1', '2026-03-01T21:06:00Z', ['a']), trip('V2', '2026-03-01T21:00:00Z', ['b'])]));
    expect(late.retimed.map((r) => r.partyId)).toEqual(['a']);
    const lines = groupDiff(late, {
      party: (id) => `Okafor (Lodge 1, ${id.toUpperCase()}-PASS)`,
      hotel: (id) => id ?? '-',
      time: (iso) => iso.slice(11, 16),
    }).find((g) => g.key === 'retimed')!.lines;
    expect(lines).toEqual([expect.objectContaining({ partyName: 'Okafor (Lodge 1, A-PASS)', text: 'vehicle V1 at 21:00 → V1 at 21:06' })]);
  });
});
