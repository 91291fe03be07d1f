/**
 * The `relocation-scenario/1` contract (see docs/scenario-format.md): who must be moved, where they
 * can go and what can carry them. One zod schema used by the import API, the CLI, the seed, the
 * planner and the tests, so that every entry point rejects the same things with the same paths.
 */
import { z } from 'zod';

export const SCENARIO_FORMAT = 'relocation-scenario/1';

/** ISO-8601 timestamp that must carry an offset (`Z` or `+01:00`). */
export const isoWithOffset = z.iso.datetime({ offset: true, message: 'expected an ISO-8601 time with an offset, e.g. 2026-03-01T20:00:00+00:00' });

const id = z.string().trim().min(1, 'expected a non-empty id');
/** Counts and amounts are stored as 32-bit integers; anything larger is a typo, refused with its path. */
export const MAX_WHOLE = 2_000_000_000;
const tooLarge = `expected at most ${MAX_WHOLE}`;
const money = z.number().int('expected whole minor units (pence)').nonnegative('expected an amount of 0 or more').max(MAX_WHOLE, tooLarge);
const lat = z.number().min(-90, 'latitude must be between -90 and 90').max(90, 'latitude must be between -90 and 90');
const lng = z.number().min(-180, 'longitude must be between -180 and 180').max(180, 'longitude must be between -180 and 180');

export const GUEST_AGES = ['adult', 'child', 'infant'] as const;
export const SITE_KINDS = ['resort', 'muster', 'depot'] as const;
export const VEHICLE_KINDS = ['coach', 'minibus', 'taxi', 'accessible_taxi'] as const;
/** Guest needs that carry a rule; other strings are kept and shown. */
export const RULED_GUEST_NEEDS = ['wheelchair', 'reduced_mobility', 'medical'] as const;

export const policySchema = z.object({
  maxDistanceKm: z.number().positive().default(60),
  roadFactor: z.number().min(1, 'roadFactor must be at least 1').default(1.3),
  speedKmh: z.number().positive().default(50),
  boardingMinutes: z.number().nonnegative().default(10),
  stopMinutes: z.number().nonnegative().default(5),
  travelCostMinorPerPersonKm: z.number().nonnegative().default(50),
});
export type Policy = z.output<typeof policySchema>;
export const DEFAULT_POLICY: Policy = policySchema.parse({});

export const incidentSchema = z.object({
  name: z.string().trim().min(1, 'expected the incident name'),
  startedAt: isoWithOffset,
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected a three-letter ISO currency code such as GBP'),
  timezone: z.string().min(1).default('Europe/London'),
  staffSpendLimitMinor: money.default(10000),
  policy: policySchema.default(DEFAULT_POLICY),
});

export const siteSchema = z.object({
  id,
  name: z.string().trim().min(1, 'expected a site name'),
  kind: z.enum(SITE_KINDS, { message: `expected ${SITE_KINDS.join(', ')}` }),
  lat,
  lng,
});

export const guestSchema = z.object({
  id,
  name: z.string().trim().min(1, 'expected the guest name'),
  age: z.enum(GUEST_AGES, { message: 'expected adult, child or infant' }),
  needs: z.array(z.string().trim().min(1)).default([]),
});

export const partySchema = z.object({
  id,
  name: z.string().trim().min(1, 'expected the household name'),
  unit: z.string().default(''),
  siteId: id,
  needs: z.array(z.string().trim().min(1)).default([]),
  notes: z.string().default(''),
  phone: z.string().default(''),
  email: z.string().default(''),
  language: z.string().optional(),
  guests: z.array(guestSchema).min(1, 'a household needs at least one guest'),
});

export const roomTypeSchema = z.object({
  type: z.string().trim().min(1, 'expected a room type name'),
  sleeps: z.number().int().positive('a room must sleep at least 1').max(MAX_WHOLE, tooLarge),
  count: z.number().int('expected a whole number of rooms').nonnegative('room count cannot be negative').max(MAX_WHOLE, tooLarge),
  accessible: z.boolean().default(false),
  rateMinor: money,
});

export const perkSchema = z.object({
  kind: z.string().trim().min(1),
  capMinorPerGuestPerNight: money.optional(),
  note: z.string().optional(),
});

export const hotelSchema = z.object({
  id,
  name: z.string().trim().min(1, 'expected the hotel name'),
  lat,
  lng,
  address: z.string().default(''),
  phone: z.string().default(''),
  petsAllowed: z.boolean().default(false),
  roomTypes: z.array(roomTypeSchema).default([]),
  perks: z.array(perkSchema).default([]),
});

export const vehicleSchema = z.object({
  id,
  provider: z.string().default(''),
  kind: z.enum(VEHICLE_KINDS, { message: `expected ${VEHICLE_KINDS.join(', ')}` }),
  seats: z.number().int().positive('a vehicle needs at least one seat').max(MAX_WHOLE, tooLarge),
  wheelchairSpaces: z.number().int().nonnegative().max(MAX_WHOLE, tooLarge).default(0),
  depotSiteId: id,
  availableFrom: isoWithOffset,
  costPerTripMinor: money.default(0),
  costPerKmMinor: money.default(0),
});

function duplicates<T>(items: readonly T[], key: (t: T) => string): number[] {
  const seen = new Set<string>();
  const dup: number[] = [];
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) dup.push(i);
    seen.add(k);
  });
  return dup;
}

export const scenarioSchema = z
  .object({
    format: z.literal(SCENARIO_FORMAT, { message: `expected "${SCENARIO_FORMAT}"` }),
    incident: incidentSchema,
    sites: z.array(siteSchema).min(1, 'a scenario needs at least one site'),
    parties: z.array(partySchema).default([]),
    hotels: z.array(hotelSchema).default([]),
    vehicles: z.array(vehicleSchema).default([]),
  })
  .superRefine((s, ctx) => {
    const dupe = (list: 'sites' | 'parties' | 'hotels' | 'vehicles', idx: number[], what: string) => {
      for (const i of idx) ctx.addIssue({ code: 'custom', path: [list, i, 'id'], message: `duplicate ${what} id "${s[list][i]!.id}"` });
    };
    dupe('sites', duplicates(s.sites, (x) => x.id), 'site');
    dupe('parties', duplicates(s.parties, (x) => x.id), 'party');
    dupe('hotels', duplicates(s.hotels, (x) => x.id), 'hotel');
    dupe('vehicles', duplicates(s.vehicles, (x) => x.id), 'vehicle');
    const guestIds = new Set<string>();
    const siteIds = new Set(s.sites.map((x) => x.id));
    s.parties.forEach((p, pi) => {
      if (!siteIds.has(p.siteId)) ctx.addIssue({ code: 'custom', path: ['parties', pi, 'siteId'], message: `unknown site "${p.siteId}"; expected one of the scenario's sites` });
      p.guests.forEach((g, gi) => {
        if (guestIds.has(g.id)) ctx.addIssue({ code: 'custom', path: ['parties', pi, 'guests', gi, 'id'], message: `duplicate guest id "${g.id}"` });
        guestIds.add(g.id);
      });
    });
    s.hotels.forEach((h, hi) => {
      duplicates(h.roomTypes, (r) => r.type).forEach((ri) =>
        ctx.addIssue({ code: 'custom', path: ['hotels', hi, 'roomTypes', ri, 'type'], message: `duplicate room type "${h.roomTypes[ri]!.type}" in hotel "${h.id}"` }),
      );
    });
    s.vehicles.forEach((v, vi) => {
      if (!siteIds.has(v.depotSiteId)) ctx.addIssue({ code: 'custom', path: ['vehicles', vi, 'depotSiteId'], message: `unknown site "${v.depotSiteId}"; expected one of the scenario's sites` });
    });
  });

/** A scenario as written in a file (defaults may be missing). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** A validated scenario with every default filled in. */
export type Scenario = z.output<typeof scenarioSchema>;
export type Incident = Scenario['incident'];
export type Site = Scenario['sites'][number];
export type Party = Scenario['parties'][number];
export type Guest = Party['guests'][number];
export type Hotel = Scenario['hotels'][number];
export type RoomType = Hotel['roomTypes'][number];
export type Perk = Hotel['perks'][number];
export type Vehicle = Scenario['vehicles'][number];
export type GuestAge = (typeof GUEST_AGES)[number];
export type VehicleKind = (typeof VEHICLE_KINDS)[number];
export type SiteKind = (typeof SITE_KINDS)[number];

/** A party counts as vulnerable (planned first) when any member is a wheelchair user, has a medical need or is an infant. */
export function isVulnerable(p: Pick<Party, 'guests'>): boolean {
  return p.guests.some((g) => g.age === 'infant' || g.needs.includes('wheelchair') || g.needs.includes('medical'));
}

export function wheelchairCount(p: Pick<Party, 'guests'>): number {
  return p.guests.filter((g) => g.needs.includes('wheelchair')).length;
}

export function hasPets(p: Pick<Party, 'needs'>): boolean {
  return p.needs.includes('pets');
}
