/**
 * What happens during an incident: plans, stays, trips and riders, the event log, the ledger,
 * idempotency keys, the guest message outbox and export records.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  customType,
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
import { incidents, parties, hotels, vehicles, sites, users } from './schema-core.js';
import type { Plan } from '../../shared/plan.js';
import type { PartyStatus, StayStatus, TripStatus } from '../../shared/statuses.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const created = () => ts('created_at').notNull().defaultNow();

/** A proposal computed by the planner; applying it is optimistic on `baseSeq`. */
export const plans = pgTable(
  'plans',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: created(),
    /** The incident's lastSeq when the proposal was computed. */
    baseSeq: bigint('base_seq', { mode: 'number' }).notNull(),
    plan: jsonb('plan').$type<Plan>().notNull(),
    /** Manual changes this proposal was computed to respect (household -> hotel and/or vehicle). */
    pins: jsonb('pins').$type<{ partyId: string; hotelId?: string; vehicleId?: string }[]>().notNull().default([]),
    status: text('status').notNull().default('proposed'),
    appliedAt: ts('applied_at'),
  },
  (t) => [index('plans_incident').on(t.incidentId, t.createdAt), check('plans_status', sql`${t.status} in ('proposed', 'applied', 'superseded')`)],
);

export const stays = pgTable(
  'stays',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    incidentId: uuid('incident_id').notNull(),
    partyId: text('party_id').notNull(),
    hotelId: text('hotel_id').notNull(),
    rooms: jsonb('rooms').$type<{ type: string; count: number }[]>().notNull(),
    status: text('status').$type<StayStatus>().notNull().default('planned'),
    /** Room numbers given at check-in, e.g. { "double": ["12", "14"] }. */
    roomNumbers: jsonb('room_numbers').$type<Record<string, string[]>>(),
    /** Manually pinned by a duty manager: the planner keeps it on re-plan. */
    pinned: boolean('pinned').notNull().default(false),
    planId: uuid('plan_id').references(() => plans.id, { onDelete: 'set null' }),
    createdAt: created(),
    checkedInAt: ts('checked_in_at'),
    checkedOutAt: ts('checked_out_at'),
    endedAt: ts('ended_at'),
  },
  (t) => [
    foreignKey({ columns: [t.incidentId, t.partyId], foreignColumns: [parties.incidentId, parties.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.incidentId, t.hotelId], foreignColumns: [hotels.incidentId, hotels.id] }).onDelete('cascade'),
    uniqueIndex('stays_one_active_per_party')
      .on(t.incidentId, t.partyId)
      .where(sql`status in ('planned', 'checked_in')`),
    index('stays_hotel').on(t.incidentId, t.hotelId),
    // Every stay of a household, whatever its status: the status page's reads and its version read.
    index('stays_party').on(t.incidentId, t.partyId),
    check('stays_status', sql`${t.status} in ('planned', 'checked_in', 'checked_out', 'cancelled', 'no_show')`),
  ],
);

export const trips = pgTable(
  'trips',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    incidentId: uuid('incident_id').notNull(),
    vehicleId: text('vehicle_id').notNull(),
    fromSiteId: text('from_site_id').notNull(),
    stops: text('stops').array().notNull(),
    departAt: ts('depart_at').notNull(),
    arrivals: jsonb('arrivals').$type<string[]>().notNull(),
    status: text('status').$type<TripStatus>().notNull().default('planned'),
    /** Capacity copied from the vehicle; `*Used` rise with each rider under the row lock. */
    seats: integer('seats').notNull(),
    wheelchairSpaces: integer('wheelchair_spaces').notNull(),
    seatsUsed: integer('seats_used').notNull().default(0),
    wheelchairUsed: integer('wheelchair_used').notNull().default(0),
    planId: uuid('plan_id').references(() => plans.id, { onDelete: 'set null' }),
    createdAt: created(),
    departedAt: ts('departed_at'),
    completedAt: ts('completed_at'),
  },
  (t) => [
    foreignKey({ columns: [t.incidentId, t.vehicleId], foreignColumns: [vehicles.incidentId, vehicles.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.incidentId, t.fromSiteId], foreignColumns: [sites.incidentId, sites.id] }).onDelete('cascade'),
    index('trips_vehicle').on(t.incidentId, t.vehicleId, t.departAt),
    check('trips_status', sql`${t.status} in ('planned', 'boarding', 'departed', 'completed', 'cancelled')`),
    check('trips_seats', sql`${t.seatsUsed} >= 0 and ${t.seatsUsed} <= ${t.seats}`),
    check('trips_wheelchair', sql`${t.wheelchairUsed} >= 0 and ${t.wheelchairUsed} <= ${t.wheelchairSpaces}`),
  ],
);

export const tripRiders = pgTable(
  'trip_riders',
  {
    tripId: uuid('trip_id')
      .notNull()
      .references(() => trips.id, { onDelete: 'cascade' }),
    incidentId: uuid('incident_id').notNull(),
    partyId: text('party_id').notNull(),
    hotelId: text('hotel_id').notNull(),
    status: text('status').notNull().default('planned'),
    boardedAt: ts('boarded_at'),
    droppedAt: ts('dropped_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tripId, t.partyId] }),
    foreignKey({ columns: [t.incidentId, t.partyId], foreignColumns: [parties.incidentId, parties.id] }).onDelete('cascade'),
    uniqueIndex('trip_riders_one_active_per_party')
      .on(t.incidentId, t.partyId)
      .where(sql`status in ('planned', 'boarded')`),
    // Every ride of a household, whatever its status: the status page's reads and its version read.
    index('trip_riders_party').on(t.incidentId, t.partyId),
    check('trip_riders_status', sql`${t.status} in ('planned', 'boarded', 'dropped', 'no_show', 'cancelled')`),
  ],
);

/** Append-only, gap-free per incident; also the audit trail and the source of live updates. */
export const events = pgTable(
  'events',
  {
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    at: ts('at').notNull().defaultNow(),
    actorUserId: uuid('actor_user_id'),
    actorName: text('actor_name').notNull().default('system'),
    type: text('type').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.seq] }), check('events_seq', sql`${t.seq} > 0`)],
);

export const LEDGER_CATEGORIES = ['lodging', 'transport', 'bar', 'meals', 'laundry', 'gifts', 'other'] as const;

/** Append-only and hash-chained: each entry's hash covers the previous entry's hash. */
export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    category: text('category').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    occurredAt: ts('occurred_at').notNull(),
    recordedAt: created(),
    recordedBy: uuid('recorded_by').references(() => users.id, { onDelete: 'set null' }),
    partyId: text('party_id'),
    guestId: text('guest_id'),
    hotelId: text('hotel_id'),
    vehicleId: text('vehicle_id'),
    tripId: uuid('trip_id'),
    receiptRef: text('receipt_ref'),
    note: text('note').notNull().default(''),
    reversesEntryId: uuid('reverses_entry_id'),
    /** posted, pending_approval (above the staff limit), rejected. */
    status: text('status').notNull().default('posted'),
    approvedBy: uuid('approved_by'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
    /** charge, reversal, approval (posts a pending charge), rejection (closes it at zero). See docs/decisions/0003-ledger.md. */
    kind: text('kind').notNull().default('charge'),
    /** The pending charge an approval or rejection resolves; the charge a replacement corrects. */
    relatedEntryId: uuid('related_entry_id'),
    /** The night (incident-local date, noon to noon) a lodging charge is for. */
    night: text('night'),
    /** Idempotency of automatic postings: `lodging:<stay>:<night>`, `trip:<trip>`. */
    sourceKey: text('source_key'),
    /** System-written description (no guest data): what the line is for. */
    description: text('description').notNull().default(''),
    /** e.g. over_perk_cap */
    flags: text('flags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
  },
  (t) => [
    uniqueIndex('ledger_seq').on(t.incidentId, t.seq),
    uniqueIndex('ledger_source_key')
      .on(t.incidentId, t.sourceKey)
      .where(sql`source_key is not null`),
    uniqueIndex('ledger_one_reversal')
      .on(t.reversesEntryId)
      .where(sql`reverses_entry_id is not null`),
    uniqueIndex('ledger_one_resolution')
      .on(t.relatedEntryId)
      .where(sql`kind in ('approval', 'rejection')`),
    index('ledger_party').on(t.incidentId, t.partyId),
    check('ledger_category', sql`${t.category} in ('lodging', 'transport', 'bar', 'meals', 'laundry', 'gifts', 'other')`),
    check('ledger_currency', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('ledger_status', sql`${t.status} in ('posted', 'pending_approval', 'rejected')`),
    check('ledger_kind', sql`${t.kind} in ('charge', 'reversal', 'approval', 'rejection')`),
    check('ledger_seq_positive', sql`${t.seq} > 0`),
  ],
);

/** The tip of each incident's ledger chain; appends lock this row, so seq and prev_hash are serial. */
export const ledgerHeads = pgTable('ledger_heads', {
  incidentId: uuid('incident_id')
    .primaryKey()
    .references(() => incidents.id, { onDelete: 'cascade' }),
  seq: bigint('seq', { mode: 'number' }).notNull().default(0),
  hash: text('hash').notNull(),
});

/**
 * A retried mutating request with the same key gets the first answer again. A request in progress
 * holds the key under a lease (`owner`, `lease_until`); the change's own transaction stamps
 * `applied_at` while it still owns the lease, so a crash leaves either nothing applied (the lease
 * runs out and a retry takes the key over) or the change applied and marked (never run twice).
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    statusCode: integer('status_code').notNull(),
    response: jsonb('response').notNull(),
    createdAt: created(),
    owner: text('owner'),
    leaseUntil: ts('lease_until'),
    appliedAt: ts('applied_at'),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] }), index('idempotency_keys_created').on(t.createdAt)],
);

/**
 * Secrets the server makes for itself on first start and every replica shares (e.g. the key that
 * signs drivers' links when DRIVER_LINK_SECRET is not set). Never sent to clients or logged.
 */
export const serverSecrets = pgTable('server_secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  createdAt: created(),
});

/**
 * Which generation of a vehicle's driver link is valid. No row means generation 1, never revoked.
 * A revoke bumps the generation, so every link signed before it stops working.
 */
export const driverLinks = pgTable(
  'driver_links',
  {
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    vehicleId: text('vehicle_id').notNull(),
    generation: integer('generation').notNull().default(1),
    revokedAt: ts('revoked_at'),
    revokedBy: uuid('revoked_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.vehicleId] }), check('driver_links_generation', sql`${t.generation} >= 1`)],
);

/** Roll-call links of a site: a link carries the generation it was signed for; a withdrawal moves it on. */
export const rollcallLinks = pgTable(
  'rollcall_links',
  {
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    siteId: text('site_id').notNull(),
    generation: integer('generation').notNull().default(1),
    revokedAt: ts('revoked_at'),
    revokedBy: uuid('revoked_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.siteId] }), check('rollcall_links_generation', sql`${t.generation} >= 1`)],
);

/** Guest messages: written in the same transaction as the change that causes them, sent later. */
export const outbox = pgTable(
  'outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    partyId: text('party_id').notNull(),
    channel: text('channel').notNull(),
    template: text('template').notNull(),
    recipient: text('recipient').notNull(),
    body: text('body').notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** Pending: when to try next (backoff). Sending: when the claim's lease ends and another sender may retry. */
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    sentAt: ts('sent_at'),
    lastError: text('last_error'),
    createdAt: created(),
    /** Email subject (empty for SMS and the status page). */
    subject: text('subject').notNull().default(''),
    /** Language the message was rendered in. */
    language: text('language').notNull().default('en'),
    /** Set on messages to a hotel (rooming lists); their party_id is ''. */
    hotelId: text('hotel_id'),
  },
  (t) => [
    uniqueIndex('outbox_dedupe').on(t.incidentId, t.dedupeKey),
    index('outbox_due').on(t.status, t.nextAttemptAt),
    index('outbox_party').on(t.incidentId, t.partyId, t.createdAt),
    check('outbox_status', sql`${t.status} in ('pending', 'sending', 'sent', 'failed')`),
  ],
);

/**
 * The rooming list last sent to each hotel's front desk: the next one is sent only when the list
 * differs, and marks what changed against this one. Written in the transaction that queues the email.
 */
export const roomingSent = pgTable(
  'rooming_sent',
  {
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    hotelId: text('hotel_id').notNull(),
    version: integer('version').notNull(),
    digest: text('digest').notNull(),
    rows: jsonb('rows').$type<unknown[]>().notNull(),
    sentSeq: bigint('sent_seq', { mode: 'number' }).notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.hotelId] })],
);

/** Per-incident wording of guest messages; a missing row means the built-in default (shared/messages.ts). */
export const messageTemplates = pgTable(
  'message_templates',
  {
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    language: text('language').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.key, t.language] })],
);

/** Per-incident messaging settings: the helpline guests are told to call, and how early departure notices go. */
export const messageSettings = pgTable(
  'message_settings',
  {
    incidentId: uuid('incident_id')
      .primaryKey()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    helplinePhone: text('helpline_phone').notNull().default(''),
    departureNoticeMinutes: integer('departure_notice_minutes').notNull().default(30),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [check('message_settings_minutes', sql`${t.departureNoticeMinutes} between 1 and 720`)],
);

/** How far each incident's event log has been turned into guest messages (the projector's cursor). */
export const messageCursors = pgTable('message_cursors', {
  incidentId: uuid('incident_id')
    .primaryKey()
    .references(() => incidents.id, { onDelete: 'cascade' }),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** What a household said through its status link; the client's key makes a double tap one reply. */
export const guestReplies = pgTable(
  'guest_replies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    incidentId: uuid('incident_id').notNull(),
    partyId: text('party_id').notNull(),
    kind: text('kind').notNull(),
    text: text('text').notNull().default(''),
    guestId: text('guest_id'),
    clientKey: text('client_key').notNull(),
    statusFrom: text('status_from').$type<PartyStatus>().notNull(),
    statusTo: text('status_to').$type<PartyStatus>().notNull(),
    eventSeq: bigint('event_seq', { mode: 'number' }),
    createdAt: created(),
    /** When a duty manager marked the reply dealt with (null while it still needs attention). */
    handledAt: ts('handled_at'),
    handledBy: uuid('handled_by').references(() => users.id, { onDelete: 'set null' }),
    handledNote: text('handled_note').notNull().default(''),
  },
  (t) => [
    foreignKey({ columns: [t.incidentId, t.partyId], foreignColumns: [parties.incidentId, parties.id] }).onDelete('cascade'),
    index('guest_replies_open')
      .on(t.incidentId, t.createdAt)
      .where(sql`handled_at is null`),
    uniqueIndex('guest_replies_client_key').on(t.incidentId, t.partyId, t.clientKey),
    index('guest_replies_party').on(t.incidentId, t.partyId, t.createdAt),
    check('guest_replies_kind', sql`${t.kind} in ('own_way', 'need_help', 'missing_member')`),
  ],
);

/** How the stay went, one answer per household (a second answer replaces the first). */
export const feedback = pgTable(
  'feedback',
  {
    incidentId: uuid('incident_id').notNull(),
    partyId: text('party_id').notNull(),
    rating: integer('rating').notNull(),
    comment: text('comment').notNull().default(''),
    hotelId: text('hotel_id'),
    createdAt: created(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.incidentId, t.partyId] }),
    foreignKey({ columns: [t.incidentId, t.partyId], foreignColumns: [parties.incidentId, parties.id] }).onDelete('cascade'),
    check('feedback_rating', sql`${t.rating} between 1 and 5`),
  ],
);

export const exportsLog = pgTable('exports', {
  id: uuid('id').primaryKey().defaultRandom(),
  incidentId: uuid('incident_id')
    .notNull()
    .references(() => incidents.id, { onDelete: 'cascade' }),
  userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
  createdAt: created(),
  format: text('format').notNull(),
  range: jsonb('range'),
  manifest: jsonb('manifest'),
});

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/**
 * A receipt photo, uploaded before the ledger entry that cites it; the entry's receipt_ref is
 * `photo:<sha256>` so the hash chain covers the photo's content.
 */
export const ledgerReceipts = pgTable(
  'ledger_receipts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    sha256: text('sha256').notNull(),
    contentType: text('content_type').notNull(),
    bytes: integer('bytes').notNull(),
    data: bytea('data').notNull(),
    uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
    hotelId: text('hotel_id'),
    createdAt: created(),
  },
  (t) => [
    uniqueIndex('ledger_receipts_sha').on(t.incidentId, t.sha256),
    check('ledger_receipts_type', sql`${t.contentType} in ('image/jpeg', 'image/png', 'image/webp')`),
  ],
);

/** Required by @socket.io/postgres-adapter for payloads over 8 KB. */
export const socketIoAttachments = pgTable('socket_io_attachments', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  createdAt: created(),
  payload: bytea('payload'),
});

/**
 * The exceptions queue (shared/attention.ts): one row per deviation, open until resolved with a
 * note. `dedupeKey` keeps one open item per situation (a sweep run twice opens nothing new).
 */
export const attentionItems = pgTable(
  'attention_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    partyId: text('party_id'),
    guestIds: text('guest_ids')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    placeKind: text('place_kind'),
    placeId: text('place_id'),
    placeName: text('place_name'),
    tripId: uuid('trip_id'),
    summary: text('summary').notNull(),
    suggestion: text('suggestion').notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    createdAt: created(),
    createdSeq: bigint('created_seq', { mode: 'number' }).notNull(),
    /** How many times the situation was reported while the item was open (a guest asking again). */
    reports: integer('reports').notNull().default(1),
    /** When it was last reported again; null while it was reported once. */
    repeatedAt: ts('repeated_at'),
    resolvedAt: ts('resolved_at'),
    resolvedBy: uuid('resolved_by').references(() => users.id, { onDelete: 'set null' }),
    resolvedByName: text('resolved_by_name'),
    note: text('note'),
  },
  (t) => [
    uniqueIndex('attention_items_open')
      .on(t.incidentId, t.dedupeKey)
      .where(sql`resolved_at is null`),
    index('attention_items_incident').on(t.incidentId, t.createdAt),
    check(
      'attention_items_kind',
      sql`${t.kind} in ('partial_checkin', 'left_behind', 'transport_lost', 'unplaced', 'overdue', 'not_checked_in', 'need_help', 'missing', 'needs_unmet')`,
    ),
  ],
);
