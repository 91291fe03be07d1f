/**
 * The `relocation-scenario/1` contract (see docs/scenario-format.md): who must be moved, where they
 * can go and what can carry them. One zod schema used by the import API, the CLI, the seed, the
 * planner and the tests, so that every entry point rejects the same things with the same paths.
 */
import { z } from 'zod';
import { currencySchema, emailFieldSchema, entityIdSchema, isoWithOffset, lineSchema, phoneFieldSchema, textSchema, timeZoneSchema } from './fields.js';

export { isoWithOffset } from './fields.js';

export const SCENARIO_FORMAT = 'relocation-scenario/1';

const id = entityIdSchema;
/** Names shown on maps, lists and messages; notes may run to several lines. */
const name = (what: string) => lineSchema(200).pipe(z.string().min(1, what));
const line = (max: number) => lineSchema(max);
const need = lineSchema(60).pipe(z.string().min(1, 'expected a need such as wheelchair'));
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

/** What "a better plan" means beyond tiers 1-3 (docs/scenario-format.md, "What a better plan is"). */
export const PLAN_OBJECTIVES = ['shelter', 'cost'] as const;
export type PlanObjective = (typeof PLAN_OBJECTIVES)[number];

/** Planning rules, each within the range a real night could need (a typo is refused, not planned with). */
export const policySchema = z.object({
  maxDistanceKm: z.number().positive('maxDistanceKm must be more than 0').max(2000, 'maxDistanceKm must be at most 2000').default(60),
  roadFactor: z.number().min(1, 'roadFactor must be at least 1').max(5, 'roadFactor must be at most 5').default(1.3),
  speedKmh: z.number().min(1, 'speedKmh must be at least 1').max(200, 'speedKmh must be at most 200').default(50),
  boardingMinutes: z.number().nonnegative().max(240, 'boardingMinutes must be at most 240').default(10),
  stopMinutes: z.number().nonnegative().max(240, 'stopMinutes must be at most 240').default(5),
  travelCostMinorPerPersonKm: z.number().nonnegative().max(1_000_000, 'travelCostMinorPerPersonKm must be at most 1000000').default(50),
  /** "shelter": people in beds soonest within the cost tolerance; "cost": cheapest stay first. */
  objective: z.enum(PLAN_OBJECTIVES, { message: 'expected "shelter" or "cost"' }).default('shelter'),
  /** Shelter objective: stay cost may exceed the cheapest the planner finds by this many percent. */
  costTolerancePct: z.number().min(0, 'costTolerancePct must be 0 or more').max(100, 'costTolerancePct must be at most 100').default(5),
});
export type Policy = z.output<typeof policySchema>;
export const DEFAULT_POLICY: Policy = policySchema.parse({});

export const incidentSchema = z.object({
  name: name('expected the incident name'),
  startedAt: isoWithOffset,
  currency: currencySchema,
  timezone: timeZoneSchema.default('Europe/London'),
  /** The number guests and hotels are told to ring. */
  helpline: phoneFieldSchema.optional(),
  staffSpendLimitMinor: money.default(10000),
  policy: policySchema.default(DEFAULT_POLICY),
});

export const siteSchema = z.object({
  id,
  name: name('expected a site name'),
  kind: z.enum(SITE_KINDS, { message: `expected ${SITE_KINDS.join(', ')}` }),
  lat,
  lng,
});

export const guestSchema = z.object({
  id,
  name: name('expected the guest name'),
  age: z.enum(GUEST_AGES, { message: 'expected adult, child or infant' }),
  needs: z.array(need).max(20).default([]),
});

export const partySchema = z.object({
  id,
  name: name('expected the household name'),
  unit: line(100).default(''),
  siteId: id,
  needs: z.array(need).max(20).default([]),
  notes: textSchema(2000).default(''),
  /** One number and one address at most: this is where the status link (a credential) is sent. */
  phone: phoneFieldSchema.default(''),
  email: emailFieldSchema.default(''),
  language: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'expected a language tag such as en or pl')
    .max(35)
    .optional(),
  guests: z.array(guestSchema).min(1, 'a household needs at least one guest'),
});

export const roomTypeSchema = z.object({
  type: line(100).pipe(z.string().min(1, 'expected a room type name')),
  sleeps: z.number().int().positive('a room must sleep at least 1').max(50, 'a room sleeps at most 50'),
  count: z.number().int('expected a whole number of rooms').nonnegative('room count cannot be negative').max(MAX_WHOLE, tooLarge),
  accessible: z.boolean().default(false),
  rateMinor: money,
});

export const perkSchema = z.object({
  kind: line(60).pipe(z.string().min(1, 'expected the perk, e.g. open_bar')),
  capMinorPerGuestPerNight: money.optional(),
  note: line(500).optional(),
});

/** A hotel's room types, each type once (two "double" lines would make its rooms ambiguous). */
export const roomTypesSchema = z
  .array(roomTypeSchema)
  .max(100)
  .superRefine((list, ctx) => {
    for (const i of duplicates(list, (r) => r.type))
      ctx.addIssue({ code: 'custom', path: [i, 'type'], message: `duplicate room type "${list[i]!.type}" in this hotel: list each type once, with its count` });
  });

/** A hotel's perks, each kind once (two open bars with different caps: which cap holds?). */
export const perksSchema = z
  .array(perkSchema)
  .max(50)
  .superRefine((list, ctx) => {
    for (const i of duplicates(list, (p) => p.kind))
      ctx.addIssue({ code: 'custom', path: [i, 'kind'], message: `duplicate perk "${list[i]!.kind}" in this hotel: list each perk once, with its cap` });
  });

export const hotelSchema = z.object({
  id,
  name: name('expected the hotel name'),
  lat,
  lng,
  address: line(500).default(''),
  phone: phoneFieldSchema.default(''),
  /** Where rooming lists are sent (optional; empty means none are emailed). */
  email: emailFieldSchema.default(''),
  petsAllowed: z.boolean().default(false),
  roomTypes: roomTypesSchema.default([]),
  perks: perksSchema.default([]),
});

export const vehicleSchema = z.object({
  id,
  provider: line(200).default(''),
  kind: z.enum(VEHICLE_KINDS, { message: `expected ${VEHICLE_KINDS.join(', ')}` }),
  seats: z.number().int().positive('a vehicle needs at least one seat').max(MAX_WHOLE, tooLarge),
  wheelchairSpaces: z.number().int().nonnegative().max(MAX_WHOLE, tooLarge).default(0),
  depotSiteId: id,
  availableFrom: isoWithOffset,
  costPerTripMinor: money.default(0),
  costPerKmMinor: money.default(0),
});

/** A vehicle offered more than this before or after the incident started is a typo (a wrong year). */
export const AVAILABILITY_WINDOW_MS = 30 * 86_400_000;

/** The indexes of the items whose key an earlier item already has. */
export function duplicates<T>(items: readonly T[], key: (t: T) => string): number[] {
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
    dupe(
      'sites',
      duplicates(s.sites, (x) => x.id),
      'site',
    );
    dupe(
      'parties',
      duplicates(s.parties, (x) => x.id),
      'party',
    );
    dupe(
      'hotels',
      duplicates(s.hotels, (x) => x.id),
      'hotel',
    );
    dupe(
      'vehicles',
      duplicates(s.vehicles, (x) => x.id),
      'vehicle',
    );
    const guestIds = new Set<string>();
    const siteIds = new Set(s.sites.map((x) => x.id));
    s.parties.forEach((p, pi) => {
      const site = unknownSite(p.siteId, siteIds, "the scenario's sites");
      if (site) ctx.addIssue({ code: 'custom', path: ['parties', pi, 'siteId'], message: site });
      p.guests.forEach((g, gi) => {
        if (guestIds.has(g.id)) ctx.addIssue({ code: 'custom', path: ['parties', pi, 'guests', gi, 'id'], message: `duplicate guest id "${g.id}"` });
        guestIds.add(g.id);
      });
    });
    // Only when both times are valid (each refuses its own bad value already).
    const started = isoWithOffset.safeParse(s.incident.startedAt).success ? Date.parse(s.incident.startedAt) : NaN;
    s.vehicles.forEach((v, vi) => {
      const from = isoWithOffset.safeParse(v.availableFrom).success ? v.availableFrom : '';
      for (const issue of vehicleIssues({ ...v, availableFrom: from }, siteIds, started, "the scenario's sites"))
        ctx.addIssue({ code: 'custom', path: ['vehicles', vi, issue.field], message: issue.message });
    });
  });

/**
 * What a vehicle must agree with in its incident (the import checks it across a scenario, an offer
 * during the night against the incident): its depot one of the sites, its time within
 * AVAILABILITY_WINDOW_MS of the start. A time or start that is not a time is not judged here (its
 * own field refuses it). `sitesAre` names the sites in the message.
 */
export function vehicleIssues(
  v: Pick<Vehicle, 'depotSiteId' | 'availableFrom'>,
  siteIds: ReadonlySet<string>,
  startedAtMs: number,
  sitesAre: string,
): { field: 'availableFrom' | 'depotSiteId'; message: string }[] {
  const out: { field: 'availableFrom' | 'depotSiteId'; message: string }[] = [];
  const from = Date.parse(v.availableFrom);
  if (Number.isFinite(startedAtMs) && Number.isFinite(from) && Math.abs(from - startedAtMs) > AVAILABILITY_WINDOW_MS)
    out.push({ field: 'availableFrom', message: "expected a time within 30 days of the incident's start" });
  const depot = unknownSite(v.depotSiteId, siteIds, sitesAre);
  if (depot) out.push({ field: 'depotSiteId', message: depot });
  return out;
}

/**
 * A household's version as a correction form saw it (sent back as `If-Match`): two forms opened on
 * the same household carry the same one, and any change since makes it differ, so a form opened
 * before a colleague's correction cannot undo it (or drop the guest they added). FNV-1a of the
 * fields a correction replaces.
 */
export function householdVersion(p: {
  name: string;
  unit: string;
  siteId: string;
  needs: readonly string[];
  notes: string;
  phone: string;
  email: string;
  language?: string | null;
  guests: readonly { id: string; name: string; age: string; needs: readonly string[] }[];
}): string {
  const text = JSON.stringify([
    p.name,
    p.unit,
    p.siteId,
    p.needs,
    p.notes,
    p.phone,
    p.email,
    p.language ?? null,
    p.guests.map((g) => [g.id, g.name, g.age, g.needs]),
  ]);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** A household's guest ids given twice, as field errors under `body` (a household typed or corrected in the console). */
export function guestIdsTwice(party: Pick<Party, 'guests'>): { path: string; message: string }[] {
  return duplicates(party.guests, (g) => g.id).map((i) => ({ path: `body.guests[${i}].id`, message: `guest id "${party.guests[i]!.id}" is given twice` }));
}

/** The message for a site id that is none of `siteIds` (null when it is one); `sitesAre` names them. */
export function unknownSite(siteId: string, siteIds: ReadonlySet<string>, sitesAre: string): string | null {
  return siteIds.has(siteId) ? null : `unknown site "${siteId}"; expected one of ${sitesAre}`;
}

/** Sites named as a duty manager reads them in a message: `"muster-1" (Clubhouse), ...`. */
export const sitesNamed = (sites: readonly { id: string; name: string }[]): string => sites.map((s) => `"${s.id}" (${s.name})`).join(', ');

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

export function wheelchairCount(p: { guests: readonly { needs: readonly string[] }[] }): number {
  return p.guests.filter((g) => g.needs.includes('wheelchair')).length;
}

export function hasPets(p: Pick<Party, 'needs'>): boolean {
  return p.needs.includes('pets');
}
