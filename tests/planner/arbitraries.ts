/** fast-check arbitraries for small random scenarios, degenerate shapes included. */
import fc from 'fast-check';
import { scenarioSchema, type Scenario, type ScenarioInput } from '../../shared/scenario.js';

export const SHAPES = ['normal', 'no-rooms', 'one-hotel', 'huge-households', 'no-accessible', 'no-vehicles', 'all-pets', 'no-hotels'] as const;
export type Shape = (typeof SHAPES)[number];

const START = '2026-03-01T20:00:00+00:00';
const at = (min: number) => new Date(Date.parse(START) + min * 60_000).toISOString();

const roomArb = fc.record({
  sleeps: fc.integer({ min: 1, max: 4 }),
  count: fc.integer({ min: 0, max: 5 }),
  accessible: fc.boolean(),
  rateMinor: fc.integer({ min: 3000, max: 15000 }),
});
const hotelArb = fc.record({
  dLat: fc.double({ min: -0.5, max: 0.5, noNaN: true }),
  dLng: fc.double({ min: -0.5, max: 0.5, noNaN: true }),
  petsAllowed: fc.boolean(),
  rooms: fc.array(roomArb, { minLength: 0, maxLength: 4 }),
});
const guestArb = fc.record({
  age: fc.constantFrom('adult', 'adult', 'child', 'infant'),
  wheelchair: fc.double({ min: 0, max: 1, noNaN: true }),
  medical: fc.double({ min: 0, max: 1, noNaN: true }),
});
const partyArb = fc.record({ site: fc.nat(2), pets: fc.double({ min: 0, max: 1, noNaN: true }), guests: fc.array(guestArb, { minLength: 1, maxLength: 6 }) });
const vehicleArb = fc.record({
  seats: fc.integer({ min: 1, max: 50 }),
  wc: fc.integer({ min: 0, max: 2 }),
  availMin: fc.integer({ min: 0, max: 90 }),
  trip: fc.integer({ min: 0, max: 20000 }),
  km: fc.integer({ min: 0, max: 200 }),
});

export const scenarioArb = fc
  .record({
    shape: fc.constantFrom(...SHAPES),
    musters: fc.integer({ min: 1, max: 3 }),
    maxDistanceKm: fc.integer({ min: 15, max: 90 }),
    hotels: fc.array(hotelArb, { minLength: 0, maxLength: 7 }),
    parties: fc.array(partyArb, { minLength: 0, maxLength: 25 }),
    vehicles: fc.array(vehicleArb, { minLength: 0, maxLength: 6 }),
  })
  .map((r) => buildScenario(r));

interface Raw {
  shape: Shape;
  musters: number;
  maxDistanceKm: number;
  hotels: { dLat: number; dLng: number; petsAllowed: boolean; rooms: { sleeps: number; count: number; accessible: boolean; rateMinor: number }[] }[];
  parties: { site: number; pets: number; guests: { age: string; wheelchair: number; medical: number }[] }[];
  vehicles: { seats: number; wc: number; availMin: number; trip: number; km: number }[];
}

/** Turn raw draws into a validated scenario, applying the degenerate shape. */
export function buildScenario(r: Raw): Scenario {
  let hotels = r.hotels;
  if (r.shape === 'no-hotels') hotels = [];
  if (r.shape === 'one-hotel') hotels = hotels.slice(0, 1);
  if (r.shape === 'no-rooms') hotels = hotels.map((h) => ({ ...h, rooms: h.rooms.map((x) => ({ ...x, count: 0 })) }));
  if (r.shape === 'no-accessible') hotels = hotels.map((h) => ({ ...h, rooms: h.rooms.map((x) => ({ ...x, accessible: false })) }));
  const vehicles = r.shape === 'no-vehicles' ? [] : r.vehicles;
  let gid = 0;
  const input: ScenarioInput = {
    format: 'relocation-scenario/1',
    incident: { name: 'Property test', startedAt: START, currency: 'GBP', policy: { maxDistanceKm: r.maxDistanceKm } },
    sites: [
      ...Array.from({ length: r.musters }, (_, i) => ({ id: `M${i}`, name: `Muster ${i}`, kind: 'muster' as const, lat: 53.1 + i * 0.01, lng: 0.3 })),
      { id: 'D', name: 'Depot', kind: 'depot' as const, lat: 53.0, lng: 0.1 },
    ],
    hotels: hotels.map((h, i) => ({
      id: `H${i}`,
      name: `Hotel ${i}`,
      lat: 53.1 + h.dLat,
      lng: 0.3 + h.dLng,
      petsAllowed: r.shape === 'all-pets' ? i % 2 === 0 : h.petsAllowed,
      roomTypes: h.rooms.map((x, j) => ({ type: `t${j}`, ...x })),
    })),
    parties: r.parties.map((p, i) => ({
      id: `P${i}`,
      name: `Household ${i}`,
      siteId: `M${p.site % r.musters}`,
      needs: r.shape === 'all-pets' || p.pets < 0.15 ? ['pets'] : [],
      guests: (r.shape === 'huge-households' ? [...p.guests, ...p.guests, ...p.guests] : p.guests).map((g) => ({
        id: `G${gid++}`,
        name: `Guest ${gid}`,
        age: g.age as 'adult' | 'child' | 'infant',
        needs: [...(g.wheelchair < 0.12 ? ['wheelchair'] : []), ...(g.medical < 0.1 ? ['medical'] : [])],
      })),
    })),
    vehicles: vehicles.map((v, i) => ({
      id: `V${i}`,
      kind: 'coach' as const,
      seats: v.seats,
      wheelchairSpaces: v.wc,
      depotSiteId: 'D',
      availableFrom: at(v.availMin),
      costPerTripMinor: v.trip,
      costPerKmMinor: v.km,
    })),
  };
  return scenarioSchema.parse(input);
}
