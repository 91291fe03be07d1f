/**
 * Trading hotels in the shelter search (shared/planner/shelter.ts swapNearer): a household landing
 * late takes the nearer hotel of one that lands early enough to ride the longer leg and still be
 * in before it; never with a household that has no time to spare, nor one whose stay is fixed.
 */
import { clubhouseScenario, guest } from './fixture.js';
import { buildModel, driveMs, kmSiteHotel, type Model } from '../../shared/planner/model.js';
import { Assignment, Freedom } from '../../shared/planner/assignment.js';
import { buildClasses } from '../../shared/planner/columns.js';
import { swapNearer } from '../../shared/planner/shelter.js';
import { MINUTE_MS } from '../../shared/planner/time.js';

function setup() {
  const m = buildModel(
    clubhouseScenario('Trade', {
      hotels: [
        { id: 'NEAR', name: 'Sands', lat: 53.17, lng: 0.34, roomTypes: [{ type: 'double', sleeps: 2, count: 1, rateMinor: 8000 }] },
        { id: 'FAR', name: 'Dunes', lat: 52.85, lng: 0.34, roomTypes: [{ type: 'double', sleeps: 2, count: 1, rateMinor: 7000 }] },
      ],
      parties: [
        { id: 'LATE', name: 'Ash', siteId: 'M', guests: [guest('G1'), guest('G2')] },
        { id: 'EARLY', name: 'Birch', siteId: 'M', guests: [guest('G3'), guest('G4')] },
      ],
      vehicles: [{ id: 'C', kind: 'coach', seats: 40, depotSiteId: 'D', availableFrom: '2026-03-01T20:30:00+00:00' }],
    }),
  );
  const a = new Assignment(m, buildClasses(m));
  const [late, early] = [m.partyIndex.get('LATE')!, m.partyIndex.get('EARLY')!];
  const [near, far] = [m.hotelIndex.get('NEAR')!, m.hotelIndex.get('FAR')!];
  a.placeColumn(late, a.columnsAt(late, far)[0]!);
  a.placeColumn(early, a.columnsAt(early, near)[0]!);
  return { m, a, late, early, near, far };
}

/** Arrival times: the early household lands `earlyAt` minutes in, the late one at 200. */
function arrivals(m: Model, early: number, late: number, earlyAt: number): Float64Array {
  const arr = new Float64Array(m.parties.length).fill(NaN);
  arr[early] = earlyAt * MINUTE_MS;
  arr[late] = 200 * MINUTE_MS;
  return arr;
}

test('the late household takes the nearer hotel of one with time to spare, which takes the farther one', () => {
  const { m, a, late, early, near, far } = setup();
  const extra = driveMs(m, kmSiteHotel(m, 0, far)) - driveMs(m, kmSiteHotel(m, 0, near));
  expect(extra).toBeGreaterThan(20 * MINUTE_MS);
  expect(swapNearer(m, a, late, new Set([near]), arrivals(m, early, late, 60))).toBe(true);
  expect([a.hotelOf[late], a.hotelOf[early]]).toEqual([near, far]);
  // Rooms are taken once each: both doubles in use, none free.
  expect([...a.avail]).toEqual([0, 0]);
});

test('no trade with a household that would then land after the late one, nor with a fixed stay', () => {
  const tight = setup();
  const extraMin = (driveMs(tight.m, kmSiteHotel(tight.m, 0, tight.far)) - driveMs(tight.m, kmSiteHotel(tight.m, 0, tight.near))) / MINUTE_MS;
  // Landing at 200 - extra: on the far leg it would land at 200, no sooner than the late one.
  expect(swapNearer(tight.m, tight.a, tight.late, new Set([tight.near]), arrivals(tight.m, tight.early, tight.late, 200 - extraMin))).toBe(false);
  expect([tight.a.hotelOf[tight.late], tight.a.hotelOf[tight.early]]).toEqual([tight.far, tight.near]);

  const fixed = setup();
  fixed.a.freedom[fixed.early] = Freedom.Fixed;
  expect(swapNearer(fixed.m, fixed.a, fixed.late, new Set([fixed.near]), arrivals(fixed.m, fixed.early, fixed.late, 60))).toBe(false);
  expect([fixed.a.hotelOf[fixed.late], fixed.a.hotelOf[fixed.early]]).toEqual([fixed.far, fixed.near]);
  expect([...fixed.a.avail]).toEqual([0, 0]);
});
