import { roadKm } from '../../shared/geo.js';
import { scenarioSchema, wheelchairCount } from '../../shared/scenario.js';
import { stormScenario } from '../../seed/storm.js';
import { accessibleRoomsOf, bedsOf, guestsOf, musters } from './helpers.js';

const s = scenarioSchema.parse(stormScenario());
const guests = guestsOf(s);
const minutesAfterStart = (iso: string) => (Date.parse(iso) - Date.parse(s.incident.startedAt)) / 60_000;

test('parses and carries the incident the docs describe', () => {
  expect(s.incident.name).toBe('Storm at Seaview Holiday Park');
  expect(s.incident.currency).toBe('GBP');
  expect(s.incident.timezone).toBe('Europe/London');
  expect(s.incident.staffSpendLimitMinor).toBe(10000);
  expect(s.incident.policy.maxDistanceKm).toBe(60);
  expect(s.sites.filter((x) => x.kind === 'resort')).toHaveLength(1);
});

test('has about 600 guests in about 220 households, split across two muster points', () => {
  expect(guests.length).toBeGreaterThanOrEqual(595);
  expect(guests.length).toBeLessThanOrEqual(615);
  expect(s.parties.length).toBeGreaterThanOrEqual(200);
  expect(s.parties.length).toBeLessThanOrEqual(240);
  const m = musters(s);
  expect(m).toHaveLength(2);
  expect(roadKm(m[0]!, m[1]!, { roadFactor: 1 })).toBeLessThan(1);
  for (const site of m) expect(s.parties.filter((p) => p.siteId === site.id).length).toBeGreaterThan(60);
});

test('has realistic households and needs', () => {
  const sizes = s.parties.map((p) => p.guests.length);
  expect(sizes.filter((n) => n === 1).length).toBeGreaterThan(5);
  expect(sizes.filter((n) => n === 2).length).toBeGreaterThan(sizes.length / 3);
  expect(sizes.filter((n) => n >= 7).length).toBeGreaterThanOrEqual(2);
  expect(Math.max(...sizes)).toBeLessThanOrEqual(9);
  for (const p of s.parties) expect(p.guests[0]!.age).toBe('adult');
  const share = (need: string) => guests.filter((g) => g.needs.includes(need)).length / guests.length;
  expect(share('wheelchair')).toBeGreaterThan(0.015);
  expect(share('wheelchair')).toBeLessThan(0.05);
  expect(share('reduced_mobility')).toBeGreaterThan(0);
  expect(share('medical')).toBeGreaterThan(0);
  expect(guests.filter((g) => g.age === 'infant').length).toBeGreaterThan(5);
  const pets = s.parties.filter((p) => p.needs.includes('pets')).length / s.parties.length;
  expect(pets).toBeGreaterThan(0.05);
  expect(pets).toBeLessThan(0.15);
  expect(s.parties.some((p) => p.language)).toBe(true);
  expect(s.parties.some((p) => /insulin|oxygen|EpiPen|dialysis|CPAP|GTN|diabetic|epilepsy|post-op|pregnant/.test(p.notes))).toBe(true);
});

test('uses only safe contact details', () => {
  for (const p of s.parties) {
    expect(p.phone).toMatch(/^(\+447700900\d{3})?$/);
    expect(p.email).toMatch(/^([a-z0-9.]+@example\.org)?$/);
  }
  for (const h of s.hotels) expect(h.phone).toMatch(/^\+441632960\d{3}$/);
});

test('has about 25 hotels, every one within 60 km road of both muster points', () => {
  expect(s.hotels.length).toBeGreaterThanOrEqual(22);
  expect(s.hotels.length).toBeLessThanOrEqual(28);
  for (const h of s.hotels) for (const m of musters(s)) expect(roadKm(m, h, s.incident.policy)).toBeLessThanOrEqual(60);
  // Spread inland and along the coast, not all in Skegness.
  expect(Math.min(...s.hotels.map((h) => h.lng))).toBeLessThan(-0.1);
  expect(Math.max(...s.hotels.map((h) => h.lat))).toBeGreaterThan(53.3);
});

test('has comfortably more beds than guests but tight accessible rooms', () => {
  const beds = s.hotels.reduce((n, h) => n + bedsOf(h), 0);
  expect(beds).toBeGreaterThan(guests.length * 1.2);
  expect(beds).toBeLessThan(guests.length * 1.6);
  const accessible = s.hotels.map(accessibleRoomsOf);
  expect(accessible.every((n) => n <= 3)).toBe(true);
  expect(accessible.filter((n) => n === 0).length).toBeGreaterThanOrEqual(5);
  const wheelchairHouseholds = s.parties.filter((p) => wheelchairCount(p) > 0).length;
  const total = accessible.reduce((a, b) => a + b, 0);
  expect(total).toBeGreaterThanOrEqual(wheelchairHouseholds * 0.8);
  expect(total).toBeLessThanOrEqual(wheelchairHouseholds * 1.6);
  expect(s.hotels.filter((h) => h.petsAllowed).length).toBeGreaterThan(3);
  expect(s.hotels.filter((h) => !h.petsAllowed).length).toBeGreaterThan(3);
});

test('has plausible room types and perks', () => {
  for (const h of s.hotels) {
    for (const r of h.roomTypes) {
      expect(r.sleeps).toBeGreaterThanOrEqual(1);
      expect(r.sleeps).toBeLessThanOrEqual(5);
      expect(r.rateMinor).toBeGreaterThanOrEqual(5500);
      expect(r.rateMinor).toBeLessThanOrEqual(16000);
      if (r.accessible) expect(r.count).toBeLessThanOrEqual(3);
      else expect(r.count).toBeGreaterThanOrEqual(2);
      expect(r.count).toBeLessThanOrEqual(30);
    }
  }
  expect(s.hotels.some((h) => h.perks.some((p) => p.kind === 'open_bar' && p.capMinorPerGuestPerNight === 3000))).toBe(true);
  expect(s.hotels.some((h) => h.perks.some((p) => p.kind === 'meals'))).toBe(true);
});

test('has about 45 vehicles of every kind from three depots, ready 20-60 minutes in', () => {
  expect(s.vehicles.length).toBeGreaterThanOrEqual(40);
  expect(s.vehicles.length).toBeLessThanOrEqual(50);
  const depots = new Set(s.sites.filter((x) => x.kind === 'depot').map((x) => x.id));
  expect(depots.size).toBe(3);
  for (const v of s.vehicles) {
    expect(depots.has(v.depotSiteId)).toBe(true);
    expect(minutesAfterStart(v.availableFrom)).toBeGreaterThanOrEqual(20);
    expect(minutesAfterStart(v.availableFrom)).toBeLessThanOrEqual(60);
    if (v.kind === 'coach') expect(v.seats).toBeGreaterThanOrEqual(49);
    if (v.kind === 'taxi') expect([v.seats, v.wheelchairSpaces]).toEqual([4, 0]);
    if (v.kind === 'accessible_taxi') expect([v.seats, v.wheelchairSpaces]).toEqual([3, 1]);
  }
  for (const kind of ['coach', 'minibus', 'taxi', 'accessible_taxi']) expect(s.vehicles.some((v) => v.kind === kind)).toBe(true);
  expect(new Set(s.vehicles.map((v) => v.depotSiteId)).size).toBe(3);
});

test('is the same on every call, and callers cannot corrupt it', () => {
  const a = stormScenario();
  a.parties![0]!.guests[0]!.name = 'changed';
  a.hotels![0]!.perks!.push({ kind: 'spa' });
  a.sites[0]!.name = 'changed';
  expect(JSON.stringify(stormScenario())).toBe(JSON.stringify(stormScenario()));
  expect(stormScenario().parties![0]!.guests[0]!.name).not.toBe('changed');
  expect(stormScenario().sites[0]!.name).toBe('Seaview Holiday Park');
  expect(stormScenario().hotels![0]!.perks).toHaveLength(scenarioSchema.parse(stormScenario()).hotels[0]!.perks.length);
});
