/**
 * The only code that reads and writes ledger tables. Appends lock the incident's `ledger_heads`
 * row FOR UPDATE, so seq stays gap-free and each entry names the true previous hash, on PostgreSQL
 * under concurrency as on PGlite. Rows are only ever inserted.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { ledgerEntries, ledgerHeads } from '../db/schema.js';
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
 */
async function insertRows(tx: Tx, rows: LedgerRow[]): Promise<void> {
  const col = <T>(f: (r: LedgerRow) => T) => sql.param(rows.map(f));
  const iso = (d: Date) => d.toISOString();
  await tx.execute(sql`
    insert into ledger_entries (id, incident_id, seq, kind, category, amount_minor, currency, occurred_at, created_at, recorded_by,
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
      reverses_entry_id, related_entry_id, status, approved_by, flags, prev_hash, hash)`);
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

const BATCH = 1000;

/** Append drafts after the locked head, in order; returns the stored rows. */
export async function appendEntries(tx: Tx, head: Head, currency: string, drafts: EntryDraft[]): Promise<LedgerRow[]> {
  if (drafts.length === 0) return [];
  const recordedAt = new Date();
  let prev = head.hash;
  let seq = head.seq;
  const rows: LedgerRow[] = drafts.map((d) => {
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
  for (let i = 0; i < rows.length; i += BATCH) await insertRows(tx, rows.slice(i, i + BATCH));
  await tx.update(ledgerHeads).set({ seq, hash: prev }).where(eq(ledgerHeads.incidentId, head.incidentId));
  head.seq = seq;
  head.hash = prev;
  return rows;
}

export async function readHead(db: Db | Tx, incidentId: string): Promise<Head> {
  const [head] = await db.select().from(ledgerHeads).where(eq(ledgerHeads.incidentId, incidentId));
  return head ?? { incidentId, seq: 0, hash: GENESIS_HASH };
}

export async function entryById(db: Db | Tx, incidentId: string, id: string): Promise<LedgerRow | undefined> {
  const [row] = await db.select().from(ledgerEntries).where(and(eq(ledgerEntries.incidentId, incidentId), eq(ledgerEntries.id, id)));
  return row;
}

/** Entries that point at `id`: its reversal, approval or rejection, its replacement. */
export async function entriesLinkedTo(db: Db | Tx, incidentId: string, id: string): Promise<LedgerRow[]> {
  return db
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.incidentId, incidentId), sql`(${ledgerEntries.reversesEntryId} = ${id} or ${ledgerEntries.relatedEntryId} = ${id})`));
}

/** Entries in seq order, a page at a time (keyset), up to `toSeq`: flat memory for any size. */
export async function* pagesOf(db: Db, incidentId: string, toSeq: number, pageSize = 2000, afterSeq = 0): AsyncGenerator<LedgerRow[]> {
  let after = afterSeq;
  while (after < toSeq) {
    const page = await db
      .select()
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.incidentId, incidentId), gt(ledgerEntries.seq, after), lte(ledgerEntries.seq, toSeq)))
      .orderBy(asc(ledgerEntries.seq))
      .limit(pageSize);
    if (page.length === 0) return;
    yield page;
    after = page[page.length - 1]!.seq;
  }
}

export async function sourceKeysLike(tx: Tx, incidentId: string, prefix: string): Promise<Set<string>> {
  const rows = await tx
    .select({ k: ledgerEntries.sourceKey })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.incidentId, incidentId), sql`${ledgerEntries.sourceKey} like ${`${prefix}%`}`));
  return new Set(rows.map((r) => r.k!));
}

/**
 * What `userId` has spent on household `partyId` without approval (posted perk charges they
 * recorded, net of reversals of those): the running total the staff limit applies to.
 */
export async function unapprovedSpend(tx: Tx, incidentId: string, userId: string, partyId: string): Promise<number> {
  const res = await tx.execute(sql`
    select coalesce(sum(e.amount_minor), 0) + coalesce((
      select sum(r.amount_minor) from ledger_entries r
      where r.incident_id = ${incidentId} and r.kind = 'reversal' and r.reverses_entry_id in (
        select c.id from ledger_entries c
        where c.incident_id = ${incidentId} and c.kind = 'charge' and c.status = 'posted'
          and c.recorded_by = ${userId} and c.party_id = ${partyId} and c.category <> 'lodging' and c.category <> 'transport')
    ), 0) as spent
    from ledger_entries e
    where e.incident_id = ${incidentId} and e.kind = 'charge' and e.status = 'posted'
      and e.recorded_by = ${userId} and e.party_id = ${partyId} and e.category <> 'lodging' and e.category <> 'transport'`);
  return Number(rowsOf<{ spent: number | string | null }>(res)[0]?.spent ?? 0);
}

/**
 * Spend on a household's perk category at a hotel that counts against the hotel's cap: charges
 * posted or awaiting approval (not rejected), net of reversals.
 */
export async function perkSpend(tx: Tx, incidentId: string, partyId: string, hotelId: string, category: string): Promise<number> {
  const res = await tx.execute(sql`
    select coalesce(sum(e.amount_minor), 0) as spent from ledger_entries e
    where e.incident_id = ${incidentId} and e.party_id = ${partyId} and e.hotel_id = ${hotelId} and e.category = ${category}
      and (e.kind = 'reversal' or (e.kind = 'charge' and not exists (
        select 1 from ledger_entries x where x.related_entry_id = e.id and x.kind = 'rejection')))`);
  return Number(rowsOf<{ spent: number | string | null }>(res)[0]?.spent ?? 0);
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
    .where(and(eq(ledgerEntries.incidentId, incidentId), sql`(${inArray(ledgerEntries.relatedEntryId, ids)} or ${inArray(ledgerEntries.reversesEntryId, ids)})`));
  for (const r of rows) {
    if (r.kind === 'approval' && r.related) resolved.set(r.related, 'approved');
    if (r.kind === 'rejection' && r.related) resolved.set(r.related, 'rejected');
    if (r.kind === 'reversal' && r.reverses) reversed.add(r.reverses);
  }
  return { resolved, reversed };
}

/** drizzle's execute() answers `{ rows }` on both engines. */
export function rowsOf<T>(res: unknown): T[] {
  return ((res as { rows?: T[] }).rows ?? (res as T[])) as T[];
}

/** The hash of entry #seq (the chain head as it was then); genesis for 0. */
export async function hashAtSeq(db: Db, incidentId: string, seq: number): Promise<string | null> {
  if (seq === 0) return GENESIS_HASH;
  const [row] = await db.select({ hash: ledgerEntries.hash }).from(ledgerEntries).where(and(eq(ledgerEntries.incidentId, incidentId), eq(ledgerEntries.seq, seq)));
  return row?.hash ?? null;
}
