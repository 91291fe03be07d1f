/**
 * "Everyone sheltered by", projected from what really happened. Points lie on one meridian, the
 * road factor is 1 and the speed 60 km/h, so every km is one minute of driving.
 */
import { describe, expect, it } from '@jest/globals';
import {
  offeredAfterRun,
  offeredFrom,
  projectShelter,
  withProposal,
  type LiveHousehold,
  type LiveTrip,
  type LiveVehicle,
  type ShelterInput,
} from '../../shared/live-shelter.js';

const KM_PER_DEG = (6371 * Math.PI) / 180;
const north = (km: number) => ({ lat: 53 + km / KM_PER_DEG, lng: 0 });
const at = (hhmm: string) => `2026-10-31T${hhmm}:00Z`;
const t = (hhmm: string) => Date.parse(at(hhmm));

const vehicle = (id: string, over: Partial<LiveVehicle> = {}): LiveVehicle => ({
  id,
  seats: 4,
  wheelchairSpaces: 0,
  depotSiteId: 'S',
  availableFrom: at('20:00'),
  status: 'in_service',
  position: null,
  ...over,
});
const trip = (id: string, vehicleId: string, hotel: string, depart: string, arrive: string, partyIds: string[], over: Partial<LiveTrip> = {}): LiveTrip => ({
  id,
  vehicleId,
  fromSiteId: 'S',
  stops: [hotel],
  departAt: at(depart),
  arrivals: [at(arrive)],
  status: 'planned',
  departedAt: null,
  reached: {},
  partyIds,
  ...over,
});
const household = (id: string, hotelId: string | null, toTravel: number, over: Partial<LiveHousehold> = {}): LiveHousehold => ({
  id,
  siteId: 'S',
  vulnerable: false,
  hotelId,
  toTravel,
  wheelchair: 0,
  arrived: 0,
  arrivedAt: null,
  ...over,
});

/** A (2 guests) to H1, 12 km away, on V1; B (3, an infant: vulnerable) to H2, 30 km away, on V2. */
function base(over: Partial<ShelterInput> = {}): ShelterInput {
  return {
    now: t('21:00'),
    policy: { roadFactor: 1, speedKmh: 60, boardingMinutes: 10, stopMinutes: 5 },
    sites: [{ id: 'S', ...north(0) }],
    hotels: [
      { id: 'H1', ...north(12) },
      { id: 'H2', ...north(30) },
    ],
    vehicles: [vehicle('V1'), vehicle('V2', { wheelchairSpaces: 1 })],
    trips: [trip('T1', 'V1', 'H1', '21:10', '21:22', ['A']), trip('T2', 'V2', 'H2', '21:10', '21:40', ['B'])],
    households: [household('A', 'H1', 2), household('B', 'H2', 3, { vulnerable: true })],
    planned: { lastArrivalAt: at('21:40'), vulnerableLastArrivalAt: at('21:40') },
    slipThresholdMinutes: 15,
    ...over,
  };
}

describe('projectShelter', () => {
  it('is the plan as applied while everything runs to time', () => {
    const p = projectShelter(base());
    expect(p.lastArrivalAt).toBe(at('21:40'));
    expect(p.vulnerableLastArrivalAt).toBe(at('21:40'));
    expect(p.slipMinutes).toBe(0);
    expect(p.vulnerableSlipMinutes).toBe(0);
    expect(p.replan).toEqual({ advised: false, reasons: [] });
    expect([p.strandedGuests, p.noRideGuests, p.noBedGuests]).toEqual([0, 0, 0]);
  });

  it('pushes trips that have not left to now, and says the slip is past the threshold', () => {
    const p = projectShelter(base({ now: t('21:30') }));
    // Both still at the muster point at 21:30: they leave now, 20 minutes late.
    expect(p.lastArrivalAt).toBe(at('22:00'));
    expect(p.vulnerableLastArrivalAt).toBe(at('22:00'));
    expect(p.slipMinutes).toBe(20);
    expect(p.replan.advised).toBe(true);
    expect(p.replan.reasons).toEqual(['the last arrival has slipped 20 min (more than 15)', 'the last vulnerable arrival has slipped 20 min (more than 15)']);
  });

  it('honours a larger threshold per incident', () => {
    const p = projectShelter(base({ now: t('21:30'), slipThresholdMinutes: 25 }));
    expect(p.slipMinutes).toBe(20);
    expect(p.replan.advised).toBe(false);
  });

  it('uses real arrivals and a fresh driver position', () => {
    const p = projectShelter(
      base({
        now: t('21:30'),
        vehicles: [vehicle('V1'), vehicle('V2', { wheelchairSpaces: 1, position: { ...north(24), at: at('21:29') } })],
        trips: [
          trip('T1', 'V1', 'H1', '21:10', '21:22', [], { status: 'completed', departedAt: at('21:11'), reached: { H1: at('21:23') } }),
          trip('T2', 'V2', 'H2', '21:10', '21:40', ['B'], { status: 'departed', departedAt: at('21:12') }),
        ],
        households: [household('A', 'H1', 0, { arrived: 2, arrivedAt: at('21:23') }), household('B', 'H2', 3, { vulnerable: true })],
      }),
    );
    // 6 km left from the reported position at 21:30: B is in at 21:36, four minutes early.
    expect(p.vulnerableLastArrivalAt).toBe(at('21:36'));
    expect(p.lastArrivalAt).toBe(at('21:36'));
    expect(p.slipMinutes).toBe(-4);
    expect(p.replan.advised).toBe(false);
  });

  it('carries a late departure through to the vehicle’s next run', () => {
    const p = projectShelter(
      base({
        now: t('21:30'),
        trips: [
          trip('T1', 'V1', 'H1', '21:10', '21:22', ['A'], { status: 'departed', departedAt: at('21:25') }),
          trip('T3', 'V1', 'H1', '21:40', '21:52', ['C']),
          trip('T2', 'V2', 'H2', '21:10', '21:40', ['B'], { status: 'completed', departedAt: at('21:10'), reached: { H2: at('21:40') } }),
        ],
        households: [household('A', 'H1', 2), household('B', 'H2', 0, { vulnerable: true, arrived: 3, arrivedAt: at('21:40') }), household('C', 'H1', 4)],
        planned: { lastArrivalAt: at('21:52'), vulnerableLastArrivalAt: at('21:40') },
      }),
    );
    // T1 left at 21:25 and reaches H1 at 21:37; V1 is free at 21:42, back at the muster point at
    // 21:54, boarded by 22:04: C arrives at 22:16 instead of 21:52.
    expect(p.lastArrivalAt).toBe(at('22:16'));
    expect(p.slipMinutes).toBe(24);
    expect(p.vulnerableLastArrivalAt).toBe(at('21:40'));
    expect(p.vulnerableSlipMinutes).toBe(0);
    expect(p.replan.reasons).toEqual(['the last arrival has slipped 24 min (more than 15)']);
  });

  it('hands the households of a broken-down vehicle to the first vehicle free, and advises a re-plan', () => {
    const p = projectShelter(
      base({
        vehicles: [vehicle('V1'), vehicle('V2', { wheelchairSpaces: 1, status: 'out_of_service' })],
        trips: [trip('T1', 'V1', 'H1', '21:10', '21:22', ['A'])],
      }),
    );
    // V1 is free at H1 at 21:27, back at the muster point at 21:39, boarded by 21:49: B at H2 at 22:19.
    expect(p.vulnerableLastArrivalAt).toBe(at('22:19'));
    expect(p.lastArrivalAt).toBe(at('22:19'));
    expect(p.slipMinutes).toBe(39);
    expect(p.strandedGuests).toBe(3);
    expect(p.vehiclesOut).toEqual(['V2']);
    expect(p.replan.advised).toBe(true);
    expect(p.replan.reasons).toContain('3 guests have a bed but no vehicle');
    expect(p.replan.reasons).toContain('out of service: V2');
    // Once nobody is stranded, a vehicle still out of service is no reason to re-plan.
    const after = projectShelter(
      base({
        vehicles: [vehicle('V1'), vehicle('V2', { status: 'out_of_service' })],
        trips: [trip('T1', 'V1', 'H1', '21:10', '21:22', ['A'])],
        households: [household('A', 'H1', 2)],
        planned: { lastArrivalAt: at('21:22'), vulnerableLastArrivalAt: null },
      }),
    );
    expect(after.replan).toEqual({ advised: false, reasons: [] });
    expect(after.replan.reasons).not.toContain('out of service: V2');
  });

  it('fetches those aboard a vehicle that broke down on the road from where it stands', () => {
    const p = projectShelter(
      base({
        vehicles: [vehicle('V1'), vehicle('V2', { wheelchairSpaces: 1, status: 'out_of_service', position: { ...north(20), at: at('21:20') } })],
        trips: [
          trip('T1', 'V1', 'H1', '21:10', '21:22', ['A']),
          trip('T2', 'V2', 'H2', '21:10', '21:40', ['B'], { status: 'departed', departedAt: at('21:10') }),
        ],
      }),
    );
    // V1 free at H1 (12 km) at 21:27, 8 km to the coach: 21:35, 10 min to transfer: 21:45, 10 km on: 21:55.
    expect(p.vulnerableLastArrivalAt).toBe(at('21:55'));
    expect(p.strandedGuests).toBe(3);
  });

  it('leaves out of the times those no vehicle can carry, and those without a bed', () => {
    const p = projectShelter(
      base({
        vehicles: [vehicle('V1'), vehicle('V2', { wheelchairSpaces: 1, status: 'out_of_service' })],
        trips: [trip('T1', 'V1', 'H1', '21:10', '21:22', ['A'])],
        households: [
          household('A', 'H1', 2, { missing: 1, noShow: 1 }),
          household('B', 'H2', 3, { vulnerable: true, wheelchair: 1 }),
          household('D', null, 5),
          household('E', 'H1', 0, { noShow: 2 }),
        ],
      }),
    );
    expect(p.lastArrivalAt).toBe(at('21:22'));
    // No-shows are in no bed of the plan: counted apart, never in the times.
    expect(p.noShowGuests).toBe(3);
    // Someone missing is in nobody's time: counted, so "everyone" is never said while they are.
    expect(p.missingGuests).toBe(1);
    expect(p.vulnerableLastArrivalAt).toBeNull();
    expect(p.vulnerableSlipMinutes).toBeNull();
    expect(p.noRideGuests).toBe(3);
    expect(p.noBedGuests).toBe(5);
  });

  it('does not let the clock push a night more than 12 hours old (an exercise or a replay)', () => {
    const p = projectShelter(base({ now: Date.parse('2026-12-05T03:00:00Z') }));
    expect(p.lastArrivalAt).toBe(at('21:40'));
    expect(p.slipMinutes).toBe(0);
  });

  it('has nothing to compare before a plan is applied', () => {
    const p = projectShelter(base({ now: t('21:30'), planned: null }));
    expect(p.lastArrivalAt).toBe(at('22:00'));
    expect(p.slipMinutes).toBeNull();
    expect(p.replan.advised).toBe(false);
  });
});

describe('withProposal', () => {
  it('projects a re-plan as if applied now: its trips replace those not yet left', () => {
    const live = base({
      now: t('21:05'),
      vehicles: [vehicle('V1'), vehicle('V2', { wheelchairSpaces: 1, status: 'out_of_service' }), vehicle('V3', { availableFrom: at('21:19') })],
      trips: [trip('T1', 'V1', 'H1', '21:10', '21:22', ['A'])],
    });
    // Hand-over: V3 at the muster point from 21:19, boarded by 21:29, at H2 at 21:59.
    expect(projectShelter(live).lastArrivalAt).toBe(at('21:59'));
    const proposal = {
      stays: [
        { partyId: 'A', hotelId: 'H1' },
        { partyId: 'B', hotelId: 'H2' },
      ],
      trips: [
        { vehicleId: 'V1', fromSiteId: 'S', stops: ['H1'], partyIds: ['A'], departAt: at('21:10'), arrivals: [at('21:22')] },
        { vehicleId: 'V3', fromSiteId: 'S', stops: ['H2'], partyIds: ['B'], departAt: at('21:29'), arrivals: [at('21:59')] },
      ],
    };
    const p = projectShelter(withProposal(live, proposal));
    expect(p.lastArrivalAt).toBe(at('21:59'));
    expect(p.strandedGuests).toBe(0);
    // Read at 21:35, the proposal's 21:29 departure can only leave now.
    expect(projectShelter(withProposal({ ...live, now: t('21:35') }, proposal)).lastArrivalAt).toBe(at('22:05'));
  });
});

describe('withProposal: households the proposal does not speak of', () => {
  // B (vulnerable) rides V2, which breaks down on the road to H2; the planner leaves B out (it cannot
  // fetch anyone from a road), so a proposal has no stay or trip for B. A is re-timed.
  const live = base({
    now: t('21:20'),
    vehicles: [vehicle('V1'), vehicle('V2', { wheelchairSpaces: 1, status: 'out_of_service', position: { ...north(10), at: at('21:19') } })],
    trips: [trip('T1', 'V1', 'H1', '21:10', '21:22', ['A']), trip('T2', 'V2', 'H2', '21:10', '21:40', ['B'], { status: 'departed', departedAt: at('21:10') })],
  });
  const proposal = {
    stays: [{ partyId: 'A', hotelId: 'H1' }],
    trips: [{ vehicleId: 'V1', fromSiteId: 'S', stops: ['H1'], partyIds: ['A'], departAt: at('21:20'), arrivals: [at('21:32')] }],
  };

  it('keep their bed and their projected time: a re-plan that cannot fetch them never looks better for leaving them out', () => {
    const now = projectShelter(live);
    const ifApplied = projectShelter(withProposal(live, proposal));
    // B is fetched from where V2 stands in both; a proposal leaving B out is not a gain.
    expect(now.strandedGuests).toBe(3);
    expect(ifApplied.strandedGuests).toBe(3);
    expect(ifApplied.vulnerableLastArrivalAt).toBe(now.vulnerableLastArrivalAt);
    expect(ifApplied.lastArrivalAt).toBe(now.lastArrivalAt);
    expect(ifApplied.noBedGuests).toBe(0);
  });

  it('lose their bed only when the proposal leaves them unplaced', () => {
    const ifApplied = projectShelter(withProposal(live, { ...proposal, unassigned: [{ partyId: 'B' }] }));
    expect(ifApplied.noBedGuests).toBe(3);
    expect(ifApplied.vulnerableLastArrivalAt).toBeNull();
  });
});

describe('offeredFrom: when a live re-plan may use a vehicle', () => {
  // Road factor 1 and 60 km/h: a km is a minute. Depot 30 km from the pick-up, a second pick-up 20 km from the depot.
  const rules = { roadFactor: 1, speedKmh: 60, boardingMinutes: 10 };
  const depot = north(0);
  const pickup = north(30);
  const nearer = north(20);
  const offered = (availableFrom: string, now: string, departAt?: string, pickups = [pickup]) =>
    offeredFrom({ availableFrom, depot }, t(now), departAt ? { departAt: at(departAt), from: pickup } : undefined, pickups, rules);
  const near = (iso: string, hhmm: string) => expect(Math.abs(Date.parse(iso) - t(hhmm))).toBeLessThan(2000);

  it('without a trip in force: not before now', () => {
    near(offered(at('20:00'), '21:00'), '21:00');
    near(offered(at('22:00'), '21:00'), '22:00');
  });
  it('before its planned departure from the depot: not before now, which still makes the planned pick-up', () => {
    // Leaves the depot at 21:50 for a 22:30 departure (30 min drive, 10 min boarding).
    near(offered(at('20:00'), '21:30', '22:30'), '21:30');
  });
  it('on its way by the plan in force: from when it left, so the planned departure stands', () => {
    near(offered(at('20:00'), '22:05', '22:30'), '21:50');
    // Never before it was offered.
    near(offered(at('21:55'), '22:05', '22:30'), '21:55');
  });
  it('its first trip overdue: as soon as it could be at the nearest pick-up, never a departure before now', () => {
    // Due at 22:30, now 23:00: from the nearer pick-up it could leave now (23:00 - 10 - 20 = 22:30).
    near(offered(at('20:00'), '23:00', '22:30', [pickup, nearer]), '22:30');
    near(offered(at('20:00'), '23:00', '22:30'), '22:20');
  });
  it('a night more than 12 hours old keeps its own clock', () => {
    expect(offered(at('08:00'), '21:00', '22:30').replace('.000', '')).toBe(at('08:00'));
  });
  it('after a trip on the road or done: ready at its last stop so that no trip leaves before now, from the nearest pick-up', () => {
    // The last stop is 20 km from the nearer pick-up: 23:00 - 10 min boarding - 20 min drive.
    near(offeredAfterRun(at('20:00'), depot, t('23:00'), [pickup, nearer], rules), '22:30');
    near(offeredAfterRun(at('22:45'), depot, t('23:00'), [pickup, nearer], rules), '22:45');
    expect(offeredAfterRun(at('08:00'), depot, t('21:00'), [pickup], rules)).toBe(at('08:00'));
  });
});
