/**
 * Room choice and re-plan stability, from cases where a plan lost what the contract ranks first:
 * an accessible room spent on a household that had one already, a cost plan housing fewer than the
 * shelter plan of the same night, a household moved although its hotel could still bed everyone,
 * and a locked file naming what the scenario does not hold.
 */
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { scenarioSchema, type Scenario } from '../../shared/scenario.js';
import { planRelocation, validatePlan } from '../../shared/planner/index.js';
import { minimalCombos } from '../../shared/planner/combos.js';
import { buildModel } from '../../shared/planner/model.js';
import { lockedRefErrors } from '../../shared/planner/locked-refs.js';
import { generateScenario } from '../../seed/generate.js';
import type { Plan } from '../../shared/plan.js';
import { guest } from './fixture.js';

const START = '2026-03-01T20:00:00+00:00';
const VULNERABLE = (p: Scenario['parties'][number]) =>
  p.guests.some((g) => g.age === 'infant' || g.needs.includes('wheelchair') || g.needs.includes('medical'));
/** Tiers 1 and 2: guests housed from vulnerable households, then all guests housed. */
function housing(s: Scenario, plan: Plan): [number, number] {
  const byId = new Map(s.parties.map((p) => [p.id, p]));
  let v = 0;
  let h = 0;
  for (const st of plan.stays) {
    const p = byId.get(st.partyId)!;
    h += p.guests.length;
    if (VULNERABLE(p)) v += p.guests.length;
  }
  return [v, h];
}

type RoomSpec = { type: string; sleeps: number; count: number; accessible?: boolean; rateMinor: number };
function oneHotel(rooms: RoomSpec[], parties: { id: string; guests: ReturnType<typeof guest>[] }[], vehicles = 1): Scenario {
  return scenarioSchema.parse({
    format: 'relocation-scenario/1',
    incident: { name: 'Rooms', startedAt: START, currency: 'GBP' },
    sites: [
      { id: 'M', name: 'Clubhouse', kind: 'muster', lat: 53.19, lng: 0.34 },
      { id: 'D', name: 'Depot', kind: 'depot', lat: 53.18, lng: 0.34 },
    ],
    hotels: [{ id: 'H', name: 'The Hotel', lat: 53.15, lng: 0.33, roomTypes: rooms }],
    parties: parties.map((p) => ({ ...p, name: `Household ${p.id}`, siteId: 'M' })),
    vehicles: Array.from({ length: vehicles }, (_, i) => ({
      id: `V${i + 1}`,
      kind: 'coach',
      seats: 60,
      wheelchairSpaces: 4,
      depotSiteId: 'D',
      availableFrom: START,
      costPerTripMinor: 10000,
      costPerKmMinor: 100,
    })),
  });
}
const members = (prefix: string, n: number, wheel = 1) => Array.from({ length: n }, (_, i) => guest(`${prefix}${i}`, i < wheel ? ['wheelchair'] : []));

describe('an accessible room goes to a household that has none yet', () => {
  test('a large household with a wheelchair user takes one accessible room, leaving the other for a couple', () => {
    const s = oneHotel(
      [
        { type: 'accessible-double', sleeps: 2, count: 2, accessible: true, rateMinor: 8000 },
        { type: 'dorm', sleeps: 20, count: 2, rateMinor: 3000 },
      ],
      [
        { id: 'BIG', guests: members('B', 31) },
        { id: 'PAIR', guests: members('C', 2) },
      ],
    );
    for (const objective of ['shelter', 'cost'] as const) {
      const plan = planRelocation(s, { objective });
      expect(validatePlan(s, plan).ok).toBe(true);
      expect(plan.unassigned).toEqual([]);
      expect(plan.stays.find((x) => x.partyId === 'BIG')!.rooms).toEqual(
        expect.arrayContaining([
          { type: 'accessible-double', count: 1 },
          { type: 'dorm', count: 2 },
        ]),
      );
    }
  });

  test('no room is booked that the household does not need (an absurdly dear one above all)', () => {
    const s = oneHotel(
      [
        { type: 'accessible-double', sleeps: 2, count: 2, accessible: true, rateMinor: 8000 },
        { type: 'dorm', sleeps: 20, count: 2, rateMinor: 1500 },
        { type: 'family', sleeps: 4, count: 1, rateMinor: 100_000_000 },
      ],
      [{ id: 'BIG', guests: members('B', 31) }],
    );
    for (const objective of ['shelter', 'cost'] as const) {
      const plan = planRelocation(s, { objective });
      expect(plan.metrics.roomCostMinorPerNight).toBe(8000 + 2 * 1500);
    }
  });

  test('property: the cheapest listed combination is the cheapest set of rooms that beds the household (an accessible room on top of enough beds only as a last resort)', () => {
    const roomArb = fc.record({
      sleeps: fc.integer({ min: 1, max: 20 }),
      count: fc.integer({ min: 0, max: 3 }),
      accessible: fc.boolean(),
      rateMinor: fc.integer({ min: 1000, max: 20000 }),
    });
    fc.assert(
      fc.property(fc.array(roomArb, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 40 }), fc.boolean(), (rooms, size, needAcc) => {
        const specs = rooms.map((r, i) => ({ ...r, type: `t${i}` }));
        const m = buildModel(oneHotel(specs, [{ id: 'P', guests: members('G', 1, 0) }]));
        // Every way of taking 0..count rooms of each type, the cheapest that beds `size` (with an
        // accessible room when asked). An accessible room on top of beds enough is the last resort:
        // only when no set needs its accessible room for beds.
        let [needed, onTop] = [Infinity, Infinity];
        const taken = specs.map(() => 0);
        const walk = (i: number, beds: number, rate: number): void => {
          if (i === specs.length) {
            const acc = specs.filter((r, j) => r.accessible && taken[j]! > 0);
            if (beds < size || (needAcc && !acc.length)) return;
            if (needAcc && acc.some((r) => beds - r.sleeps >= size)) onTop = Math.min(onTop, rate);
            else needed = Math.min(needed, rate);
            return;
          }
          for (let n = 0; n <= specs[i]!.count; n++) {
            taken[i] = n;
            walk(i + 1, beds + n * specs[i]!.sleeps, rate + n * specs[i]!.rateMinor);
          }
          taken[i] = 0;
        };
        walk(0, 0, 0);
        const listed = minimalCombos(m, 0, size, needAcc);
        expect(listed[0]?.rate ?? Infinity).toBe(Number.isFinite(needed) ? needed : onTop);
        for (const c of listed) {
          expect(c.beds).toBeGreaterThanOrEqual(size);
          if (needAcc) expect(c.slots.some((x) => m.rooms[x]!.accessible)).toBe(true);
        }
      }),
      { numRuns: 400, seed: 20261207 },
    );
  });
});

test('the cost objective houses as many as the shelter objective (tiers 1-2 come first in both)', () => {
  const cases = [
    { shape: 'far-hotels', guests: 135, seed: 7 },
    { shape: 'far-hotels', guests: 300, seed: 1 },
    { shape: 'scarce-rooms', guests: 300, seed: 2 },
  ] as const;
  for (const c of cases) {
    const s = scenarioSchema.parse(generateScenario(c));
    const shelter = housing(s, planRelocation(s, { objective: 'shelter' }));
    const cost = housing(s, planRelocation(s, { objective: 'cost' }));
    expect({ ...c, cost }).toEqual({ ...c, cost: shelter });
  }
});

test('a re-plan shares a hotel’s rooms out again rather than move a household it can still bed', () => {
  // H0 lost half its rooms. Kept exactly, the couple would hold the one family room and the family
  // of six would have to move; with the couple in a double, all three stay.
  // Another hotel could take the six, so nobody would be left without a bed: only tier 3 tells.
  const base = oneHotel(
    [
      { type: 'double', sleeps: 2, count: 3, rateMinor: 7000 },
      { type: 'family', sleeps: 4, count: 1, rateMinor: 9000 },
    ],
    [
      { id: 'SIX', guests: members('S', 6, 0) },
      { id: 'ONE', guests: members('O', 1, 0) },
      { id: 'TWO', guests: members('T', 2, 0) },
    ],
  );
  const s = scenarioSchema.parse({
    ...base,
    hotels: [...base.hotels, { id: 'H2', name: 'Second', lat: 53.16, lng: 0.35, roomTypes: [{ type: 'family', sleeps: 4, count: 3, rateMinor: 5000 }] }],
  });
  const previous: Plan = {
    format: 'relocation-plan/1',
    stays: [
      {
        partyId: 'SIX',
        hotelId: 'H',
        rooms: [
          { type: 'family', count: 1 },
          { type: 'double', count: 1 },
        ],
      },
      { partyId: 'ONE', hotelId: 'H', rooms: [{ type: 'double', count: 1 }] },
      { partyId: 'TWO', hotelId: 'H', rooms: [{ type: 'family', count: 1 }] },
    ],
    trips: [],
    unassigned: [],
    metrics: {},
  };
  const plan = planRelocation(s, { previous });
  expect(validatePlan(s, plan, { previous }).ok).toBe(true);
  expect(plan.unassigned).toEqual([]);
  expect(plan.stays.every((x) => x.hotelId === 'H')).toBe(true);
  expect(plan.stays.find((x) => x.partyId === 'TWO')!.rooms).toEqual([{ type: 'double', count: 1 }]);
});

describe('a locked file naming what the scenario does not hold is refused by field', () => {
  const s = oneHotel([{ type: 'double', sleeps: 2, count: 3, rateMinor: 7000 }], [{ id: 'P1', guests: members('G', 2, 0) }]);
  const trip = { vehicleId: 'V1', fromSiteId: 'M', stops: ['H'], partyIds: ['P1'], departAt: START, arrivals: [START] };

  test('each reference is checked, with its path', () => {
    expect(lockedRefErrors(s, { stays: [{ partyId: 'P1', hotelId: 'H', rooms: [{ type: 'double', count: 1 }] }], trips: [trip] })).toEqual([]);
    const errors = lockedRefErrors(s, {
      stays: [
        { partyId: 'NOPE', hotelId: 'H', rooms: [{ type: 'double', count: 1 }] },
        { partyId: 'P1', hotelId: 'H', rooms: [{ type: 'suite', count: 1 }] },
        { partyId: 'P1', hotelId: 'X', rooms: [] },
      ],
      trips: [
        { ...trip, vehicleId: 'GONE', fromSiteId: 'NOWHERE', stops: ['H', 'Y'] },
        { ...trip, partyIds: ['P1', 'GHOST'] },
      ],
    });
    expect(errors.map((e) => e.path)).toEqual([
      'stays[0].partyId',
      'stays[1].rooms[0].type',
      'stays[2].partyId',
      'stays[2].hotelId',
      'trips[0].vehicleId',
      'trips[0].fromSiteId',
      'trips[0].stops[1]',
      'trips[0].arrivals',
      'trips[1].partyIds[0]',
      'trips[1].partyIds[1]',
    ]);
    expect(errors[4]!.message).toBe('vehicle GONE is not in the scenario');
  });

  test('the planner command refuses it (exit 2) and writes no plan', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'locked-'));
    writeFileSync(path.join(dir, 'scenario.json'), JSON.stringify(s));
    writeFileSync(
      path.join(dir, 'locked.json'),
      JSON.stringify({ format: 'relocation-plan/1', stays: [], trips: [{ ...trip, vehicleId: 'GONE' }], unassigned: [], metrics: {} }),
    );
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'server/cli/plan.ts', path.join(dir, 'scenario.json'), '--locked', path.join(dir, 'locked.json')],
      {
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('trips[0].vehicleId: vehicle GONE is not in the scenario');
  });
});
