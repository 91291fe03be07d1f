/**
 * Test factories (house style: the seed helpers are the test factories). Each builder returns a
 * valid object with a fresh counter-based id and sane defaults, so a test states only what it is
 * about: `buildScenario({ parties: [buildParty({ needs: ['pets'] })] })`. Defaults point at the
 * default sites of `buildScenario` (`muster-test`, `depot-test`), so parts compose without wiring.
 */
import { SCENARIO_FORMAT, type ScenarioInput } from '../shared/scenario.js';
import type { GuestInput, HotelInput, IncidentInput, PartyInput, RoomTypeInput, SiteInput, VehicleInput } from './types.js';

export const TEST_STARTED_AT = '2026-10-31T20:00:00+00:00';
export const TEST_MUSTER_ID = 'muster-test';
export const TEST_DEPOT_ID = 'depot-test';

let seq = 0;
/** Next number of a process-wide sequence: ids stay unique across every test in a file. */
function next(): number {
  seq += 1;
  return seq;
}

/** A site; a muster point on the park near Ingoldmells unless told otherwise. */
export function buildSite(overrides: Partial<SiteInput> = {}): SiteInput {
  const n = next();
  return { id: `site-${n}`, name: `Site ${n}`, kind: 'muster', lat: 53.1912, lng: 0.3405, ...overrides };
}

/** An adult guest with no needs. */
export function buildGuest(overrides: Partial<GuestInput> = {}): GuestInput {
  const n = next();
  return { id: `g-${n}`, name: `Guest ${n}`, age: 'adult', needs: [], ...overrides };
}

/**
 * A household of `size` adults (default 2) at `muster-test`. Pass `guests` to control members,
 * e.g. `buildParty({ guests: [buildGuest({ needs: ['wheelchair'] })] })`.
 */
export function buildParty(overrides: Partial<PartyInput> & { size?: number } = {}): PartyInput {
  const { size = 2, guests, ...rest } = overrides;
  const n = next();
  return {
    id: `p-${n}`,
    name: `Household ${n}`,
    unit: `Caravan T${n}`,
    siteId: TEST_MUSTER_ID,
    needs: [],
    notes: '',
    phone: `+447700900${String(n % 1000).padStart(3, '0')}`,
    email: `household${n}@example.org`,
    guests: guests ?? Array.from({ length: size }, () => buildGuest()),
    ...rest,
  };
}

/** A room type: a double at 89.00 unless told otherwise. */
export function buildRoomType(overrides: Partial<RoomTypeInput> = {}): RoomTypeInput {
  return { type: 'double', sleeps: 2, count: 5, accessible: false, rateMinor: 8900, ...overrides };
}

/**
 * A hotel in Skegness (about 8 km road from the default muster): 5 doubles, 2 family rooms, one
 * accessible double, no pets.
 */
export function buildHotel(overrides: Partial<HotelInput> = {}): HotelInput {
  const n = next();
  return {
    id: `h-${n}`,
    name: `Test Hotel ${n}`,
    lat: 53.143,
    lng: 0.344,
    address: `${n} Grand Parade, Skegness PE25`,
    phone: `+441632960${String(n % 1000).padStart(3, '0')}`,
    petsAllowed: false,
    roomTypes: [
      buildRoomType(),
      buildRoomType({ type: 'family', sleeps: 4, count: 2, rateMinor: 12900 }),
      buildRoomType({ type: 'accessible-double', count: 1, accessible: true }),
    ],
    perks: [],
    ...overrides,
  };
}

/** A 16-seat minibus with one wheelchair space at `depot-test`, ready 30 minutes after the start. */
export function buildVehicle(overrides: Partial<VehicleInput> = {}): VehicleInput {
  const n = next();
  return {
    id: `v-${n}`,
    provider: 'Test Travel',
    kind: 'minibus',
    seats: 16,
    wheelchairSpaces: 1,
    depotSiteId: TEST_DEPOT_ID,
    availableFrom: '2026-10-31T20:30:00+00:00',
    costPerTripMinor: 7500,
    costPerKmMinor: 90,
    ...overrides,
  };
}

/** An incident with the default policy; pass `policy` to change one rule. */
export function buildIncident(overrides: Partial<IncidentInput> = {}): IncidentInput {
  return { name: 'Test storm', startedAt: TEST_STARTED_AT, currency: 'GBP', timezone: 'Europe/London', staffSpendLimitMinor: 10000, ...overrides };
}

export type ScenarioOverrides = Partial<Omit<ScenarioInput, 'incident'>> & { incident?: Partial<IncidentInput> };

/**
 * A small valid scenario: sites `muster-test` and `depot-test`, one household of two, one hotel,
 * one minibus. Any list passed replaces the default list whole.
 */
export function buildScenario(overrides: ScenarioOverrides = {}): ScenarioInput {
  const { incident, ...rest } = overrides;
  return {
    format: SCENARIO_FORMAT,
    incident: buildIncident(incident),
    sites: [
      buildSite({ id: TEST_MUSTER_ID, name: 'Test muster point' }),
      buildSite({ id: TEST_DEPOT_ID, name: 'Test depot', kind: 'depot', lat: 53.153, lng: 0.323 }),
    ],
    parties: [buildParty()],
    hotels: [buildHotel()],
    vehicles: [buildVehicle()],
    ...rest,
  };
}
