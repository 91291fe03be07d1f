/**
 * The only code that reads and writes ledger tables. Appends lock the incident's `ledger_heads`
 * row FOR UPDATE, so seq stays gap-free and each entry names the true previous hash, on PostgreSQL
 * under concurrency as on PGlite. Rows are only ever inserted.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, isNotNull, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { rowsOf } from '../db/rows.js';
import { events, guests, hotels, ledgerEntries, ledgerHeads, parties, roomTypes, sites, stays, tripRiders, trips, users, vehicles } from '../db/schema.js';
import { canonicalJson, entryHash, GENESIS_HASH } from './chain.js';

export type LedgerRow = typeof ledgerEntries.$inferSelect;

export interface Head {
  incidentId: string;
  seq: number;
  hash: string;
}

/** What a caller supplies; id, seq, hashes and recordedAt are filled in by `appendEntries`. */
export interface EntryDraft {
  kind: 'charge' | 'reversal' | 'approval' | 'rejection';
  category: string;
  amountMinor: number;
  occurredAt: Date;
  recordedBy: string | null;
  partyId?: string | null;
  guestId?: string | null;
  hotelId?: string | null;
  vehicleId?: string | null;
  tripId?: string | null;
  night?: string | null;
  sourceKey?: string | null;
  receiptRef?: string | null;
  description: string;
  note?: string;
  reversesEntryId?: string | null;
  relatedEntryId?: string | null;
  status: 'posted' | 'pending_approval' | 'rejected';
  approvedBy?: string | null;
  flags?: string[];
}

/**
 * Many rows in one statement with one array parameter per column (`unnest`): building a
 * 27-column multi-row VALUES list through the query builder cost more than the database's work.
 * Returned as the CTEs `ins` (the rows) and, given the new head, `moved` (the head row updated in
 * the same statement: one round trip fewer per append); the caller adds the final SELECT.
 */
export function insertEntriesCte(rows: LedgerRow[], moveHead?: Head): SQL {
  const col = <T>(f: (r: LedgerRow) => T) => sql.param(rows.map(f));
  const iso = (d: Date) => d.toISOString();
  const head = moveHead
    ? sql`, moved as (update ledger_heads set seq = ${moveHead.seq}, hash = ${moveHead.hash} where incident_id = ${moveHead.incidentId})`
    : sql``;
  return sql`ins as (insert into ledger_entries (id, incident_id, seq, kind, category, amount_minor, currency, occurred_at, created_at, recorded_by,
      party_id, guest_id, hotel_id, vehicle_id, trip_id, night, source_key, receipt_ref, description, note,
      reverses_entry_id, related_entry_id, status, approved_by, flags, prev_hash, hash)
    select t.id, t.incident_id, t.seq, t.kind, t.category, t.amount_minor, t.currency, t.occurred_at, t.recorded_at, t.recorded_by,
      t.party_id, t.guest_id, t.hotel_id, t.vehicle_id, t.trip_id, t.night, t.source_key, t.receipt_ref, t.description, t.note,
      t.reverses_entry_id, t.related_entry_id, t.status, t.approved_by,
      case when t.flags = '' then '{}'::text[] else string_to_array(t.flags, '|') end, t.prev_hash, t.hash
    from unnest(${col((r) => r.id)}::uuid[], ${col((r) => r.incidentId)}::uuid[], ${col((r) => r.seq)}::bigint[], ${col((r) => r.kind)}::text[],
      ${col((r) => r.category)}::text[], ${col((r) => r.amountMinor)}::bigint[], ${col((r) => r.currency)}::text[],
      ${col((r) => iso(r.occurredAt))}::timestamptz[], ${col((r) => iso(r.recordedAt))}::timestamptz[], ${col((r) => r.recordedBy)}::uuid[],
      ${col((r) => r.partyId)}::text[], ${col((r) => r.guestId)}::text[], ${col((r) => r.hotelId)}::text[], ${col((r) => r.vehicleId)}::text[],
      ${col((r) => r.tripId)}::uuid[], ${col((r) => r.night)}::text[], ${col((r) => r.sourceKey)}::text[], ${col((r) => r.receiptRef)}::text[],
      ${col((r) => r.description)}::text[], ${col((r) => r.note)}::text[], ${col((r) => r.reversesEntryId)}::uuid[], ${col((r) => r.relatedEntryId)}::uuid[],
      ${col((r) => r.status)}::text[], ${col((r) => r.approvedBy)}::uuid[], ${col((r) => r.flags.join('|'))}::text[],
      ${col((r) => r.prevHash)}::text[], ${col((r) => r.hash)}::text[])
    as t(id, incident_id, seq, kind, category, amount_minor, currency, occurred_at, recorded_at, recorded_by,
      party_id, guest_id, hotel_id, vehicle_id, trip_id, night, source_key, receipt_ref, description, note,
      reverses_entry_id, related_entry_id, status, approved_by, flags, prev_hash, hash)
    returning 1)${head}`;
}

/** Lock the chain head (creating it on first use); every append in this transaction follows it. */
export async function lockHead(tx: Tx, incidentId: string): Promise<Head> {
  // An upsert that always touches the row: creates the head on first use and row-locks it in one statement.
  const [head] = await tx
    .insert(ledgerHeads)
    .values({ incidentId, seq: 0, hash: GENESIS_HASH })
    .onConflictDoUpdate({ target: ledgerHeads.incidentId, set: { seq: sql`${ledgerHeads.seq}` } })
    .returning();
  return head!;
}

/** Rows per INSERT statement. */
export const INSERT_BATCH = 1000;

/**
 * The drafts as chained rows after `head` (ids, seq, prev_hash and hash filled in), in order.
 * Pure: nothing is written, and `head` is left as it was.
 */
export function chainEntries(head: Head, currency: string, drafts: EntryDraft[]): LedgerRow[] {
  const recordedAt = new Date();
  let prev = head.hash;
  let seq = head.seq;
  return drafts.map((d) => {
    seq += 1;
    const base = {
      id: randomUUID(),
      incidentId: head.incidentId,
      seq,
      kind: d.kind,
      category: d.category,
      amountMinor: d.amountMinor,
      currency,
      occurredAt: d.occurredAt,
      recordedAt,
      recordedBy: d.recordedBy,
      partyId: d.partyId ?? null,
      guestId: d.guestId ?? null,
      hotelId: d.hotelId ?? null,
      vehicleId: d.vehicleId ?? null,
      tripId: d.tripId ?? null,
      night: d.night ?? null,
      sourceKey: d.sourceKey ?? null,
      receiptRef: d.receiptRef ?? null,
      description: d.description,
      note: d.note ?? '',
      reversesEntryId: d.reversesEntryId ?? null,
      relatedEntryId: d.relatedEntryId ?? null,
      status: d.status,
      approvedBy: d.approvedBy ?? null,
      flags: d.flags ?? [],
    };
    const hash = entryHash(prev, canonicalJson(base));
    const row = { ...base, prevHash: prev, hash };
    prev = hash;
    return row;
  });
}

/** Append drafts after the locked head, in order; returns the stored rows and moves `head`. */
export async function appendEntries(tx: Tx, head: Head, currency: string, drafts: EntryDraft[]): Promise<LedgerRow[]> {
  if (drafts.length === 0) return [];
  const rows = chainEntries(head, currency, drafts);
  const last = rows[rows.length - 1]!;
  const moved = { incidentId: head.incidentId, seq: last.seq, hash: last.hash };
  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    const final = i + INSERT_BATCH >= rows.length;
    await tx.execute(sql`with ${insertEntriesCte(rows.slice(i, i + INSERT_BATCH), final ? moved : undefined)} select 1`);
  }
  head.seq = moved.seq;
  head.hash = moved.hash;
  return rows;
}

export async function readHead(db: Db | Tx, incidentId: string): Promise<Head> {
  const [head] = await db.select().from(ledgerHeads).where(eq(ledgerHeads.incidentId, incidentId));
  return head ?? { incidentId, seq: 0, hash: GENESIS_HASH };
}

export async function entryById(db: Db | Tx, incidentId: string, id: string): Promise<LedgerRow | undefined> {
  const [row] = await db
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.incidentId, incidentId), eq(ledgerEntries.id, id)));
  return row;
}

/** Entries that point at `id`: its reversal, approval or rejection, its replacement. */
export async function entriesLinkedTo(db: Db | Tx, incidentId: string, id: string): Promise<LedgerRow[]> {
  return db
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.incidentId, incidentId), sql`(${ledgerEntries.reversesEntryId} = ${id} or ${ledgerEntries.relatedEntryId} = ${id})`));
}

/**
 * Each page travels as one JSON text (one array per row) rather than 27 typed columns per row:
 * decoding columns row by row costs more than the query itself, on PGlite about 3x more.
 */
const ROW_AS_JSON = sql.raw(`json_build_array(id, incident_id, seq, kind, category, amount_minor, currency, occurred_at, created_at, recorded_by,
  party_id, guest_id, hotel_id, vehicle_id, trip_id, night, source_key, receipt_ref, description, note,
  reverses_entry_id, related_entry_id, status, approved_by, flags, prev_hash, hash)`);
type JsonRow = [
  string,
  string,
  number,
  string,
  string,
  number,
  string,
  string,
  string,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string,
  string,
  string | null,
  string | null,
  string,
  string | null,
  string[],
  string,
  string,
];

function fromJson(a: JsonRow): LedgerRow {
  return {
    id: a[0],
    incidentId: a[1],
    seq: Number(a[2]),
    kind: a[3],
    category: a[4],
    amountMinor: Number(a[5]),
    currency: a[6],
    occurredAt: new Date(a[7]),
    recordedAt: new Date(a[8]),
    recordedBy: a[9],
    partyId: a[10],
    guestId: a[11],
    hotelId: a[12],
    vehicleId: a[13],
    tripId: a[14],
    night: a[15],
    sourceKey: a[16],
    receiptRef: a[17],
    description: a[18],
    note: a[19],
    reversesEntryId: a[20],
    relatedEntryId: a[21],
    status: a[22],
    approvedBy: a[23],
    flags: a[24],
    prevHash: a[25],
    hash: a[26],
  };
}

/** Entries with seq in (from, to], in order. */
async function pageOfRange(db: Db, incidentId: string, from: number, to: number): Promise<LedgerRow[]> {
  const res = await db.execute(sql`
    select json_agg(${ROW_AS_JSON} order by e.seq)::text as page from (
      select * from ledger_entries where incident_id = ${incidentId} and seq > ${from} and seq <= ${to}) e`);
  const text = rowsOf<{ page: string | null }>(res)[0]?.page;
  return text ? (JSON.parse(text) as JsonRow[]).map(fromJson) : [];
}

/** Pages asked for ahead of the one being handed over (PostgreSQL builds them in parallel). */
const PAGES_AHEAD = 2;

/**
 * Entries in seq order after `afterSeq` up to `toSeq`, a page at a time: flat memory for any
 * size. Seq is gap-free, so a page is a seq range and the next ones can be asked for before this
 * one is handed over: the database works while the caller does (a few pages in memory). A range
 * with rows missing (which verification reports) just comes back shorter.
 */
export async function* pagesOf(
  db: Db,
  incidentId: string,
  toSeq: number,
  pageSize = 2000,
  afterSeq = 0,
  pagesAhead = PAGES_AHEAD,
): AsyncGenerator<LedgerRow[]> {
  let asked = afterSeq;
  const ahead: Promise<LedgerRow[]>[] = [];
  const ask = () => {
    while (ahead.length <= pagesAhead && asked < toSeq) {
      const to = Math.min(toSeq, asked + pageSize);
      const page = pageOfRange(db, incidentId, asked, to);
      // A caller that stops early never awaits the pages asked ahead: their failure must not go unhandled.
      page.catch(() => undefined);
      ahead.push(page);
      asked = to;
    }
  };
  ask();
  while (ahead.length > 0) {
    const page = await ahead.shift()!;
    ask();
    if (page.length > 0) yield page;
  }
}

export async function sourceKeysLike(db: Db | Tx, incidentId: string, prefix: string): Promise<Set<string>> {
  const rows = await db
    .select({ k: ledgerEntries.sourceKey })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.incidentId, incidentId), sql`${ledgerEntries.sourceKey} like ${`${prefix}%`}`));
  return new Set(rows.map((r) => r.k!));
}

/** Pending charges with no approval or rejection yet. */
export async function pendingCharges(db: Db, incidentId: string): Promise<LedgerRow[]> {
  return db
    .select()
    .from(ledgerEntries)
    .where(
      and(
        eq(ledgerEntries.incidentId, incidentId),
        eq(ledgerEntries.status, 'pending_approval'),
        sql`not exists (select 1 from ledger_entries x where x.related_entry_id = ${ledgerEntries.id} and x.kind in ('approval', 'rejection'))`,
      ),
    )
    .orderBy(asc(ledgerEntries.seq));
}

/** Resolution and reversal state of the given entries (for presenting pending/approved/reversed). */
export async function linkState(db: Db, incidentId: string, ids: string[]): Promise<{ resolved: Map<string, 'approved' | 'rejected'>; reversed: Set<string> }> {
  const resolved = new Map<string, 'approved' | 'rejected'>();
  const reversed = new Set<string>();
  if (ids.length === 0) return { resolved, reversed };
  const rows = await db
    .select({ kind: ledgerEntries.kind, related: ledgerEntries.relatedEntryId, reverses: ledgerEntries.reversesEntryId })
    .from(ledgerEntries)
    .where(
      and(eq(ledgerEntries.incidentId, incidentId), sql`(${inArray(ledgerEntries.relatedEntryId, ids)} or ${inArray(ledgerEntries.reversesEntryId, ids)})`),
    );
  for (const r of rows) {
    if (r.kind === 'approval' && r.related) resolved.set(r.related, 'approved');
    if (r.kind === 'rejection' && r.related) resolved.set(r.related, 'rejected');
    if (r.kind === 'reversal' && r.reverses) reversed.add(r.reverses);
  }
  return { resolved, reversed };
}

/** The hash of entry #seq (the chain head as it was then); genesis for 0. */
export async function hashAtSeq(db: Db, incidentId: string, seq: number): Promise<string | null> {
  if (seq === 0) return GENESIS_HASH;
  const [row] = await db
    .select({ hash: ledgerEntries.hash })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.incidentId, incidentId), eq(ledgerEntries.seq, seq)));
  return row?.hash ?? null;
}

export type TripRow = typeof trips.$inferSelect;

/** What a trip's road km are measured on: its vehicle, the sites, the hotels' positions and the vehicle's trips in departure order. */
export async function tripLegRows(db: Db | Tx, incidentId: string, vehicleId: string) {
  const [vehicle] = await db
    .select()
    .from(vehicles)
    .where(and(eq(vehicles.incidentId, incidentId), eq(vehicles.id, vehicleId)));
  const siteRows = await db.select().from(sites).where(eq(sites.incidentId, incidentId));
  const hotelRows = await db
    .select({ id: hotels.id, name: hotels.name, lat: hotels.lat, lng: hotels.lng })
    .from(hotels)
    .where(eq(hotels.incidentId, incidentId));
  const vehicleTrips = await db
    .select({ stops: trips.stops, departAt: trips.departAt })
    .from(trips)
    .where(and(eq(trips.incidentId, incidentId), eq(trips.vehicleId, vehicleId), inArray(trips.status, ['planned', 'boarding', 'departed', 'completed'])))
    .orderBy(asc(trips.departAt));
  return { vehicle, siteRows, hotelRows, vehicleTrips };
}

export async function completedTripIds(db: Db | Tx, incidentId: string): Promise<{ id: string }[]> {
  return db
    .select({ id: trips.id })
    .from(trips)
    .where(and(eq(trips.incidentId, incidentId), eq(trips.status, 'completed')));
}

/** Trips on the road, by departure time. */
export async function departedTrips(db: Db | Tx, incidentId: string): Promise<TripRow[]> {
  return db
    .select()
    .from(trips)
    .where(and(eq(trips.incidentId, incidentId), eq(trips.status, 'departed')))
    .orderBy(asc(trips.departAt));
}

/** Stays that have been checked in (whatever became of them since), in check-in order. */
export async function checkedInStays(db: Db | Tx, incidentId: string) {
  return db
    .select()
    .from(stays)
    .where(and(eq(stays.incidentId, incidentId), isNotNull(stays.checkedInAt), inArray(stays.status, ['checked_in', 'checked_out', 'cancelled'])))
    .orderBy(asc(stays.checkedInAt), asc(stays.id));
}

export async function roomRates(db: Db | Tx, incidentId: string) {
  return db.select().from(roomTypes).where(eq(roomTypes.incidentId, incidentId));
}

export async function hotelNames(db: Db | Tx, incidentId: string): Promise<{ id: string; name: string }[]> {
  return db.select({ id: hotels.id, name: hotels.name }).from(hotels).where(eq(hotels.incidentId, incidentId));
}

export async function lockTrip(tx: Tx, incidentId: string, tripId: string): Promise<TripRow | undefined> {
  const [trip] = await tx
    .select()
    .from(trips)
    .where(and(eq(trips.incidentId, incidentId), eq(trips.id, tripId)))
    .for('update');
  return trip;
}

/** Riders still on a trip's books (planned or boarded). */
export async function ridersOnBooks(tx: Tx, tripId: string) {
  return tx
    .select()
    .from(tripRiders)
    .where(and(eq(tripRiders.tripId, tripId), inArray(tripRiders.status, ['planned', 'boarded'])));
}

export async function markTripCompleted(tx: Tx, tripId: string, completedAt: Date, departedAt: Date): Promise<void> {
  await tx.update(trips).set({ status: 'completed', completedAt, departedAt }).where(eq(trips.id, tripId));
}

/** Names, head counts and riders behind the totals (loadTotalsContext). */
export async function totalsRows(db: Db | Tx, incidentId: string) {
  return Promise.all([
    hotelNames(db, incidentId),
    db.select({ id: parties.id, name: parties.name }).from(parties).where(eq(parties.incidentId, incidentId)),
    db
      .select({ partyId: guests.partyId, n: sql<number>`count(*)::int`, lodged: sql<number>`(count(*) filter (where ${guests.checkedInAt} is not null))::int` })
      .from(guests)
      .where(eq(guests.incidentId, incidentId))
      .groupBy(guests.partyId),
    db
      .select({ tripId: tripRiders.tripId, partyId: tripRiders.partyId })
      .from(tripRiders)
      .where(and(eq(tripRiders.incidentId, incidentId), inArray(tripRiders.status, ['planned', 'boarded', 'dropped']))),
    // Who boarded each ride: a boarding event names the members who got on (a member missing at
    // the muster point stays behind), an unboarding those who got off again.
    db
      .select({ type: events.type, payload: events.payload })
      .from(events)
      .where(and(eq(events.incidentId, incidentId), inArray(events.type, ['party.boarded', 'party.unboarded'])))
      .orderBy(asc(events.seq)),
  ] as const);
}

export async function hotelNamesIn(db: Db | Tx, incidentId: string, hotelIds: readonly string[]): Promise<{ id: string; name: string }[]> {
  return db
    .select({ id: hotels.id, name: hotels.name })
    .from(hotels)
    .where(and(eq(hotels.incidentId, incidentId), inArray(hotels.id, [...hotelIds])));
}

export async function userNames(db: Db | Tx, userIds: readonly string[]): Promise<{ id: string; name: string }[]> {
  return db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(inArray(users.id, [...userIds]));
}
