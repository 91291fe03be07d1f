/** Replay rolls the incident back to the replay clock: the fold every replayed counter, line and label reads. */
import type { IncidentState } from '../../shared/api.js';
import type { LiveEvent } from '../../shared/realtime.js';
import type { PartyStatus } from '../../shared/statuses.js';
import { advanceReplay, positionAtStep, replayState, stepAt, type WhereaboutsMove } from '../../client/src/console/replay.js';
import { computeCounters } from '../../client/src/console/counters.js';
import { buildMarkers } from '../../client/src/map/markers.js';
import { hotelFixture, partyFixture, type Party } from '../helpers/state-fixtures.js';

type Whereabouts = Party['guests'][number]['whereabouts'];

const t = (min: number) => Date.UTC(2026, 2, 1, 20, min);
// Minimal payloads (only the fields the fold reads), so built without the writer's full types.
const ev = (seq: number, min: number, type: string, payload: Record<string, unknown> = {}): LiveEvent =>
  ({ incidentId: 'i', seq, at: new Date(t(min)).toISOString(), type, actor: { userId: 'u', name: 'Sam Second' }, payload }) as unknown as LiveEvent;

function party(id: string, size: number, status: PartyStatus, w: Whereabouts, hotelId: string | null): Party {
  const guests = Array.from({ length: size }, (_, i) => ({
    id: `${id}g${i}`,
    name: `G${i}`,
    age: 'adult',
    needs: id === 'P1' && i === 0 ? ['wheelchair'] : [],
    whereabouts: w,
  }));
  return partyFixture(id, { unit: id, passCode: id, status, size, guests, hotelId, tripId: hotelId ? 'T1' : null, whereabouts: { state: w, label: w } });
}
const hotel = (id: string, offered: number, taken: number) => hotelFixture(id, offered, taken, { lat: 1, lng: 1 });

/** Now: P1 (3) checked in at H1, P2 (2) made its own way, P3 (4, added later) on the road; coach C1 broken. */
const now: IncidentState = {
  incident: { timezone: 'Europe/London' } as IncidentState['incident'],
  seq: 9,
  sites: [{ id: 'm1', name: 'Muster', kind: 'muster', lat: 0, lng: 0, waiting: 0 }],
  hotels: [hotel('H1', 10, 7), hotel('H2', 6, 4)],
  vehicles: [
    {
      id: 'C1',
      provider: 'x',
      kind: 'coach',
      seats: 40,
      wheelchairSpaces: 0,
      depotSiteId: 'm1',
      availableFrom: new Date(t(0)).toISOString(),
      status: 'out_of_service',
      lat: null,
      lng: null,
    },
  ],
  parties: [party('P1', 3, 'checked_in', 'checked_in', 'H1'), party('P2', 2, 'self_evacuated', 'own_way', null), party('P3', 4, 'on_vehicle', 'aboard', 'H1')],
  trips: [
    {
      id: 'T1',
      vehicleId: 'C1',
      fromSiteId: 'm1',
      stops: ['H1'],
      partyIds: ['P1', 'P3'],
      departAt: new Date(t(10)).toISOString(),
      arrivals: [new Date(t(30)).toISOString()],
      status: 'departed',
    },
  ],
  guestCounts: {
    total: 9,
    byWhereabouts: { waiting: 0, aboard: 4, arrived: 0, checked_in: 3, checked_out: 0, own_way: 2, no_show: 0, missing: 0 },
    unplaced: 0,
    needsAttention: 1,
  },
  needs: {} as IncidentState['needs'],
};

const log = [
  ev(1, 0, 'hotel.offered', { hotelId: 'H1' }),
  ev(2, 1, 'party.status_changed', { partyId: 'P2', from: 'waiting', to: 'self_evacuated' }),
  ev(3, 5, 'plan.applied', { housed: 2, unassigned: 0, hotelIds: ['H1'], hotelFill: { H1: 3 } }),
  ev(4, 6, 'hotel.offered', { hotelId: 'H2' }),
  ev(5, 8, 'parties.added', { partyIds: ['P3'], guests: 4 }),
  ev(6, 12, 'party.status_changed', { partyId: 'P1', from: 'assigned', to: 'on_vehicle' }),
  ev(7, 20, 'guest.checked_in', { partyId: 'P1', hotelId: 'H1' }),
  ev(8, 22, 'vehicle.status_changed', { vehicleId: 'C1', from: 'available', to: 'out_of_service' }),
  ev(9, 25, 'party.status_changed', { partyId: 'P3', from: 'assigned', to: 'on_vehicle' }),
];

describe('replayState', () => {
  test('before anything happened: everyone waiting and unplaced, no hotel yet offered, no lines', () => {
    const s = replayState(now, log, 0);
    expect(s.parties.map((p) => [p.id, p.status])).toEqual([
      ['P1', 'waiting'],
      ['P2', 'waiting'],
    ]);
    expect(s.guestCounts.byWhereabouts).toMatchObject({ waiting: 5, checked_in: 0, own_way: 0, aboard: 0 });
    expect(s.guestCounts).toMatchObject({ total: 5, unplaced: 5 });
    expect(s.hotels).toEqual([]);
    expect(s.trips).toEqual([]);
    expect(s.sites[0]!.waiting).toBe(5);
    expect(s.vehicles[0]!.status).toBe('available');
    expect(computeCounters(s)).toMatchObject({ households: 2, guests: 5, waiting: 5, checkedIn: 0 });
    expect(s.needs.wheelchair).toEqual({ total: 1, placed: 0, onTheRoad: 0, safe: 0 });
  });

  test('each step moves counters, lines and labels as the log says, and the last step is today', () => {
    const afterPlan = replayState(now, log, 3);
    expect(afterPlan.parties.find((p) => p.id === 'P1')).toMatchObject({ status: 'assigned', hotelId: 'H1' });
    expect(afterPlan.guestCounts).toMatchObject({ unplaced: 0, byWhereabouts: expect.objectContaining({ waiting: 3, own_way: 2 }) });
    expect(afterPlan.trips.map((x) => x.id)).toEqual(['T1']);
    expect(afterPlan.hotels.map((h) => [h.id, h.bedsTaken])).toEqual([['H1', 3]]);

    const onRoad = replayState(now, log, 6);
    expect(onRoad.parties.map((p) => p.id)).toEqual(['P1', 'P2', 'P3']);
    expect(onRoad.guestCounts.byWhereabouts).toMatchObject({ aboard: 3, waiting: 4, own_way: 2 });
    expect(onRoad.sites[0]!.waiting).toBe(4);
    const tip = buildMarkers(onRoad).find((m) => m.id === 'site:m1');
    expect(tip?.tooltip).toContain('4 waiting');

    const checkedIn = replayState(now, log, 7);
    expect(checkedIn.guestCounts.byWhereabouts).toMatchObject({ checked_in: 3, aboard: 0 });
    expect(checkedIn.vehicles[0]!.status).toBe('available');
    expect(checkedIn.needs.wheelchair).toEqual({ total: 1, placed: 1, onTheRoad: 0, safe: 1 });

    const end = replayState(now, log, log.length);
    expect(end.guestCounts.byWhereabouts).toEqual(now.guestCounts.byWhereabouts);
    expect(end.parties).toEqual(now.parties);
    expect(end.vehicles[0]!.status).toBe('out_of_service');
  });

  test("with every person's moves, each person is where their last move put them: a household split at the door, a child added later, and the total at step 0 is the night's", () => {
    // Now: of P1, two checked in and one still waiting (split); P1g3 was added to P1 by a correction at seq 10.
    const g = (id: string, w: Whereabouts) => ({ id, name: id, age: 'adult', needs: [] as string[], whereabouts: w, roomNumber: null });
    const split = partyFixture('P1', {
      unit: 'P1',
      passCode: 'P1',
      status: 'checked_in',
      size: 4,
      hotelId: 'H1',
      tripId: 'T1',
      guests: [g('P1g0', 'checked_in'), g('P1g1', 'checked_in'), g('P1g2', 'waiting'), g('P1g3', 'waiting')],
      whereabouts: { state: 'split', label: 'split' },
    });
    const nowSplit: IncidentState = { ...now, parties: [split, now.parties[1]!, now.parties[2]!] };
    const night = [...log, ev(10, 26, 'party.changed', { partyId: 'P1', addedGuestIds: ['P1g3'], removedGuestIds: [], fields: ['guests'] })];
    const moves: WhereaboutsMove[] = [
      [2, 'P2g0', 'own_way'],
      [2, 'P2g1', 'own_way'],
      [6, 'P1g0', 'aboard'],
      [6, 'P1g1', 'aboard'],
      [7, 'P1g0', 'checked_in'],
      [7, 'P1g1', 'checked_in'],
      ...[0, 1, 2, 3].map((i): WhereaboutsMove => [9, `P3g${i}`, 'aboard']),
    ];
    const at = (step: number) => replayState(nowSplit, night, step, moves);
    // Before anything: the night's people, all waiting (not the 10 of now: P3 and P1g3 came later).
    expect(at(0).guestCounts).toMatchObject({ total: 5, byWhereabouts: expect.objectContaining({ waiting: 5, aboard: 0, checked_in: 0 }) });
    expect(computeCounters(at(0))).toMatchObject({ households: 2, guests: 5 });
    // Two of P1 on the vehicle, the third still at the muster point: counted there, person by person.
    const boarding = at(6);
    expect(boarding.parties.find((p) => p.id === 'P1')).toMatchObject({ status: 'on_vehicle', size: 3 });
    expect(boarding.guestCounts.byWhereabouts).toMatchObject({ aboard: 2, waiting: 1 + 4, own_way: 2 });
    expect(boarding.sites[0]!.waiting).toBe(5);
    const inHotel = at(7);
    expect(inHotel.parties.find((p) => p.id === 'P1')!.guests.map((x) => x.whereabouts)).toEqual(['checked_in', 'checked_in', 'waiting']);
    expect(inHotel.parties.find((p) => p.id === 'P1')!.status).toBe('checked_in');
    // Every step sums to its total: nobody counted twice or lost.
    for (let step = 0; step <= night.length; step++) {
      const c = at(step).guestCounts;
      expect(Object.values(c.byWhereabouts).reduce((a, b) => a + b, 0)).toBe(c.total);
    }
    // The last step is now, the corrected child included.
    expect(at(night.length).guestCounts.total).toBe(4 + 2 + 4);
    expect(
      at(night.length)
        .parties.find((p) => p.id === 'P1')!
        .guests.map((x) => x.whereabouts),
    ).toEqual(['checked_in', 'checked_in', 'waiting', 'waiting']);
  });

  test('places and vehicles added during the night show from their step on, a place earlier when a household shown names it', () => {
    const hall = { id: 'hall', name: 'Church hall', kind: 'muster', lat: 0.1, lng: 0.1, waiting: 0 };
    const depot = { id: 'yard', name: 'Cabs yard', kind: 'depot', lat: 0.2, lng: 0.2, waiting: 0 };
    const taxi = { ...now.vehicles[0]!, id: 'TX', kind: 'taxi', seats: 4, status: 'in_service' as const };
    const later: IncidentState = { ...now, sites: [...now.sites, hall, depot], vehicles: [...now.vehicles, taxi] };
    const night = [
      ...log,
      ev(10, 30, 'site.added', { siteId: 'hall' }),
      ev(11, 31, 'site.added', { siteId: 'yard' }),
      ev(12, 32, 'vehicle.offered', { vehicleId: 'TX' }),
    ];
    const ids = (s: IncidentState) => [s.sites.map((x) => x.id), s.vehicles.map((v) => v.id)];
    expect(ids(replayState(later, night, 9))).toEqual([['m1'], ['C1']]);
    expect(ids(replayState(later, night, 10))).toEqual([['m1', 'hall'], ['C1']]);
    expect(ids(replayState(later, night, 12))).toEqual([
      ['m1', 'hall', 'yard'],
      ['C1', 'TX'],
    ]);
    // P2 was corrected to wait at the hall, added later: the hall is shown with it.
    const moved: IncidentState = { ...later, parties: later.parties.map((p) => (p.id === 'P2' ? { ...p, siteId: 'hall' } : p)) };
    expect(ids(replayState(moved, night, 0))[0]).toEqual(['m1', 'hall']);
  });
});

describe('map markers (client/src/map/markers.ts)', () => {
  test("count each hotel's households and each muster point's waiting households and wheelchair users", () => {
    const wheelchairWaiting = { ...party('P4', 2, 'waiting', 'waiting', null) };
    wheelchairWaiting.guests = wheelchairWaiting.guests.map((g, i) => (i === 1 ? { ...g, needs: ['wheelchair'] } : g));
    const state: IncidentState = {
      ...now,
      parties: [...now.parties, wheelchairWaiting, party('P5', 1, 'needs_help', 'waiting', 'H2'), party('P6', 3, 'assigned', 'waiting', 'H2')],
    };
    const markers = buildMarkers(state);
    const row = (id: string, label: string) => markers.find((m) => m.id === id)?.details.rows.find((r) => r.label === label)?.value;
    // H1: P1 (checked in) and P3 (on the road); H2: P5 and P6.
    expect(row('hotel:H1', 'Households placed')).toBe('2');
    expect(row('hotel:H2', 'Households placed')).toBe('2');
    // Waiting at m1: P4, P5 and P6 (waiting, needing help, assigned); not P1, P2 or P3.
    expect(row('site:m1', 'Households waiting')).toBe('3');
    expect(markers.find((m) => m.id === 'site:m1')?.details.flags).toEqual(['Wheelchair users waiting: 1']);
    const depot = markers.find((m) => m.id === 'site:m1')!;
    expect(depot.details.lines).toHaveLength(1);
  });

  test('details are built when read, and what the map compares (the spec as JSON) still holds them', () => {
    const before = buildMarkers(now).find((m) => m.id === 'hotel:H1')!;
    // A change only the details show (a phone number, a room used): the map must still redraw that marker.
    const after = buildMarkers({ ...now, hotels: now.hotels.map((h) => (h.id === 'H1' ? { ...h, phone: '+44 1632 960000' } : h)) }).find(
      (m) => m.id === 'hotel:H1',
    )!;
    expect(after.tooltip).toBe(before.tooltip);
    expect(JSON.stringify(after)).not.toBe(JSON.stringify(before));
    expect(JSON.parse(JSON.stringify(after)).details.rows).toContainEqual({ label: 'Phone', value: '+44 1632 960000' });
    // Read twice, the same object (built once); a spread copy (the replay's hotels) carries them too.
    expect(after.details).toBe(after.details);
    expect({ ...after, stat: 'x' }.details).toEqual(after.details);
  });
});

describe('the replay clock', () => {
  test('slider steps set the clock to their event; play moves the clock at the speed and the step with it', () => {
    expect(positionAtStep(log, 3)).toEqual({ step: 3, at: t(5) });
    expect(positionAtStep(log, 0).at).toBeLessThan(t(0));
    expect(stepAt(log, t(11))).toBe(5);
    const p = positionAtStep(log, 3);
    const at1x = advanceReplay(p, log, 60_000, 1, t(100));
    expect(at1x).toEqual({ step: 4, at: t(6), done: false });
    const at60x = advanceReplay(p, log, 10_000, 60, t(100));
    expect(at60x).toEqual({ step: 6, at: t(15), done: false });
    const at10x = advanceReplay(p, log, 60_000, 10, t(100));
    expect(at10x).toEqual({ step: 6, at: t(15), done: false });
    expect(advanceReplay(p, log, 3_600_000, 60, t(100))).toEqual({ step: 9, at: t(100), done: true });
  });

  test('play never steps backwards over events the slider split at one timestamp', () => {
    const same = [ev(1, 0, 'a'), ev(2, 0, 'b'), ev(3, 0, 'c')];
    expect(advanceReplay({ step: 1, at: t(0) }, same, 0, 60, t(5)).step).toBe(3);
    expect(advanceReplay({ step: 3, at: t(0) }, same.slice(0, 3), 1000, 1, t(5)).step).toBe(3);
  });
});
