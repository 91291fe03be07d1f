/**
 * The whole data model. The database holds the invariants itself: foreign keys, checks on every
 * count and amount, one active stay and one active ride per party, and room/seat usage that can
 * never exceed capacity (a CHECK on the row that every booking updates under its row lock).
 *
 * Scenario entities keep their scenario ids as text, unique within an incident, so import and export
 * are a faithful round trip; `position` keeps the file's order.
 */
import { sql } from 'drizzle-orm';
import { PARTY_STATUSES, type PartyStatus, type VehicleStatus } from '../../shared/statuses.js';
import type { Whereabouts } from '../../shared/whereabouts.js';
import {
  bigint,
  boolean,
  check,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { Policy } from '../../shared/scenario.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const created = () => ts('created_at').notNull().defaultNow();

export const incidents = pgTable(
  'incidents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    startedAt: ts('started_at').notNull(),
    currency: text('currency').notNull(),
    timezone: text('timezone').notNull(),
    /** The number guests and hotels are told to ring (scenario `incident.helpline`); null when not given. */
    helpline: text('helpline'),
    staffSpendLimitMinor: integer('staff_spend_limit_minor').notNull(),
    policy: jsonb('policy').$type<Policy>().notNull(),
    status: text('status').notNull().default('active'),
    /** Exceptions queue thresholds: a vehicle this late at its next stop, an arrival this long at the door. */
    overdueMinutes: integer('overdue_minutes').notNull().default(15),
    notCheckedInMinutes: integer('not_checked_in_minutes').notNull().default(20),
    /** Offer a transport re-plan when the projected last arrival slips by more than this. */
    shelterSlipMinutes: integer('shelter_slip_minutes').notNull().default(15),
    /** Last event sequence number; bumped under row lock by every change, so events are gap-free. */
    lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
    createdAt: created(),
  },
  (t) => [
    check('incidents_currency_iso', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('incidents_limit_nonneg', sql`${t.staffSpendLimitMinor} >= 0`),
    check('incidents_status', sql`${t.status} in ('active', 'closed')`),
  ],
);

export const sites = pgTable(
  'sites',
  {
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    name: text('name').notNull(),
    kind: text('kind').notNull(),
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
    position: integer('position').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.incidentId, t.id] }),
    check('sites_kind', sql`${t.kind} in ('resort', 'muster', 'depot')`),
    check('sites_lat', sql`${t.lat} between -90 and 90`),
    check('sites_lng', sql`${t.lng} between -180 and 180`),
  ],
);

export { PARTY_STATUSES, type PartyStatus };

export const parties = pgTable(
  'parties',
  {
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    name: text('name').notNull(),
    unit: text('unit').notNull().default(''),
    siteId: text('site_id').notNull(),
    needs: text('needs')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    notes: text('notes').notNull().default(''),
    phone: text('phone').notNull().default(''),
    email: text('email').notNull().default(''),
    language: text('language'),
    status: text('status').$type<PartyStatus>().notNull().default('waiting'),
    /** Short code printed on the pass and typed or scanned at reception. */
    passCode: text('pass_code').notNull(),
    /** Unguessable token of the household's personal status link; null when revoked. */
    statusToken: text('status_token'),
    position: integer('position').notNull(),
    createdAt: created(),
  },
  (t) => [
    primaryKey({ columns: [t.incidentId, t.id] }),
    foreignKey({ columns: [t.incidentId, t.siteId], foreignColumns: [sites.incidentId, sites.id] }),
    uniqueIndex('parties_pass_code').on(t.incidentId, t.passCode),
    uniqueIndex('parties_status_token').on(t.statusToken),
    check(
      'parties_status',
      sql`${t.status} in ('waiting', 'assigned', 'on_vehicle', 'arrived', 'checked_in', 'checked_out', 'no_show', 'self_evacuated', 'needs_help')`,
    ),
  ],
);

export const guests = pgTable(
  'guests',
  {
    incidentId: uuid('incident_id').notNull(),
    id: text('id').notNull(),
    partyId: text('party_id').notNull(),
    name: text('name').notNull(),
    age: text('age').notNull(),
    needs: text('needs')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Set when the guest is checked in on their own (part of a family arriving later). */
    checkedInAt: ts('checked_in_at'),
    roomNumber: text('room_number'),
    /** Where this person is (shared/whereabouts.ts); moved only along its allowed transitions. */
    whereabouts: text('whereabouts').$type<Whereabouts>().notNull().default('waiting'),
    whereaboutsAt: ts('whereabouts_at'),
    position: integer('position').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.incidentId, t.id] }),
    foreignKey({ columns: [t.incidentId, t.partyId], foreignColumns: [parties.incidentId, parties.id] }).onDelete('cascade'),
    index('guests_party').on(t.incidentId, t.partyId),
    check('guests_age', sql`${t.age} in ('adult', 'child', 'infant')`),
    check('guests_whereabouts', sql`${t.whereabouts} in ('waiting', 'aboard', 'arrived', 'checked_in', 'checked_out', 'own_way', 'no_show', 'missing')`),
  ],
);

/** Guest (or whole-household) status over time: who was where, when, by whose action. */
export const guestStatuses = pgTable(
  'guest_statuses',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    partyId: text('party_id').notNull(),
    guestId: text('guest_id'),
    status: text('status').notNull(),
    at: ts('at').notNull().defaultNow(),
    eventSeq: bigint('event_seq', { mode: 'number' }),
  },
  (t) => [
    foreignKey({ columns: [t.incidentId, t.partyId], foreignColumns: [parties.incidentId, parties.id] }).onDelete('cascade'),
    index('guest_statuses_party').on(t.incidentId, t.partyId, t.at),
  ],
);

export const hotels = pgTable(
  'hotels',
  {
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    name: text('name').notNull(),
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
    address: text('address').notNull().default(''),
    phone: text('phone').notNull().default(''),
    /** Front desk address for rooming lists; empty when none was given. */
    email: text('email').notNull().default(''),
    petsAllowed: boolean('pets_allowed').notNull().default(false),
    perks: jsonb('perks').$type<{ kind: string; capMinorPerGuestPerNight?: number; note?: string }[]>().notNull().default([]),
    position: integer('position').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.incidentId, t.id] }),
    check('hotels_lat', sql`${t.lat} between -90 and 90`),
    check('hotels_lng', sql`${t.lng} between -180 and 180`),
  ],
);

/** `used` is raised by every booking under the row's lock; the CHECK makes over-booking impossible. */
export const roomTypes = pgTable(
  'room_types',
  {
    incidentId: uuid('incident_id').notNull(),
    hotelId: text('hotel_id').notNull(),
    type: text('type').notNull(),
    sleeps: integer('sleeps').notNull(),
    count: integer('count').notNull(),
    used: integer('used').notNull().default(0),
    accessible: boolean('accessible').notNull().default(false),
    rateMinor: integer('rate_minor').notNull(),
    position: integer('position').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.incidentId, t.hotelId, t.type] }),
    foreignKey({ columns: [t.incidentId, t.hotelId], foreignColumns: [hotels.incidentId, hotels.id] }).onDelete('cascade'),
    check('room_types_sleeps', sql`${t.sleeps} > 0`),
    check('room_types_count', sql`${t.count} >= 0`),
    check('room_types_used', sql`${t.used} >= 0 and ${t.used} <= ${t.count}`),
    check('room_types_rate', sql`${t.rateMinor} >= 0`),
  ],
);

export const vehicles = pgTable(
  'vehicles',
  {
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    provider: text('provider').notNull().default(''),
    kind: text('kind').notNull(),
    seats: integer('seats').notNull(),
    wheelchairSpaces: integer('wheelchair_spaces').notNull().default(0),
    depotSiteId: text('depot_site_id').notNull(),
    availableFrom: ts('available_from').notNull(),
    costPerTripMinor: integer('cost_per_trip_minor').notNull().default(0),
    costPerKmMinor: integer('cost_per_km_minor').notNull().default(0),
    /** in_service, or out_of_service after a breakdown. */
    status: text('status').$type<VehicleStatus>().notNull().default('in_service'),
    /** Last reported position (drivers' phones); null until one arrives. */
    lat: doublePrecision('lat'),
    lng: doublePrecision('lng'),
    positionAt: ts('position_at'),
    position: integer('position').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.incidentId, t.id] }),
    foreignKey({ columns: [t.incidentId, t.depotSiteId], foreignColumns: [sites.incidentId, sites.id] }),
    check('vehicles_kind', sql`${t.kind} in ('coach', 'minibus', 'taxi', 'accessible_taxi')`),
    check('vehicles_seats', sql`${t.seats} > 0`),
    check('vehicles_wheelchair', sql`${t.wheelchairSpaces} >= 0`),
    check('vehicles_costs', sql`${t.costPerTripMinor} >= 0 and ${t.costPerKmMinor} >= 0`),
    check('vehicles_status', sql`${t.status} in ('in_service', 'out_of_service')`),
  ],
);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role').$type<'admin' | 'duty_manager' | 'reception' | 'insurer'>().notNull(),
    /** Reception users are bound to one hotel of one incident. */
    incidentId: uuid('incident_id').references(() => incidents.id, { onDelete: 'cascade' }),
    hotelId: text('hotel_id'),
    /** Staff spend limit override in minor units; null means the incident's limit. */
    spendLimitMinor: integer('spend_limit_minor'),
    disabled: boolean('disabled').notNull().default(false),
    createdAt: created(),
  },
  (t) => [
    uniqueIndex('users_email').on(sql`lower(${t.email})`),
    foreignKey({ columns: [t.incidentId, t.hotelId], foreignColumns: [hotels.incidentId, hotels.id] }).onDelete('cascade'),
    check('users_role', sql`${t.role} in ('admin', 'duty_manager', 'reception', 'insurer')`),
    check('users_reception_hotel', sql`${t.role} <> 'reception' or (${t.incidentId} is not null and ${t.hotelId} is not null)`),
  ],
);

/** Insurers (and optionally others) are bound to the incidents they may see. */
export const userIncidents = pgTable(
  'user_incidents',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.incidentId] })],
);

export const sessions = pgTable(
  'sessions',
  {
    /** sha256 of the cookie token: a leaked table does not leak live sessions. */
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: created(),
    expiresAt: ts('expires_at').notNull(),
    revokedAt: ts('revoked_at'),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

export * from './schema-operations.js';
