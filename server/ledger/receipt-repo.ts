/**
 * Receipt photos (`ledger_receipts`): stored once per incident and content (unique sha256), never
 * changed by the application. Entries cite a photo as `photo:<sha256>`, not by id, so the hash
 * chain covers the photo's bytes.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { ledgerReceipts } from '../db/schema.js';
import { rowsOf } from '../db/rows.js';

export type ReceiptRow = typeof ledgerReceipts.$inferSelect;
export type ReceiptInfo = Omit<ReceiptRow, 'data'>;

const info = {
  id: ledgerReceipts.id,
  incidentId: ledgerReceipts.incidentId,
  sha256: ledgerReceipts.sha256,
  contentType: ledgerReceipts.contentType,
  bytes: ledgerReceipts.bytes,
  uploadedBy: ledgerReceipts.uploadedBy,
  hotelId: ledgerReceipts.hotelId,
  createdAt: ledgerReceipts.createdAt,
};

/**
 * How many photos this user uploaded to the incident that no ledger entry cites yet, and whether
 * the photo `sha256` is among the incident's already (stored once: uploading it again costs nothing).
 */
export async function uncitedUploads(db: Db, incidentId: string, userId: string, sha256: string): Promise<{ uncited: number; stored: boolean }> {
  const [row] = rowsOf<{ uncited: number | string; stored: boolean }>(
    await db.execute(sql`select
      (select count(*) from ledger_receipts r where r.incident_id = ${incidentId}::uuid and r.uploaded_by = ${userId}::uuid
        and not exists (select 1 from ledger_entries e where e.incident_id = r.incident_id and e.receipt_ref = 'photo:' || r.sha256)) as uncited,
      exists (select 1 from ledger_receipts r where r.incident_id = ${incidentId}::uuid and r.sha256 = ${sha256}) as stored`),
  );
  return { uncited: Number(row?.uncited ?? 0), stored: row?.stored === true };
}

/** Store a photo, or find the same photo stored before: (incident, sha256) is unique. */
export async function insertReceipt(db: Db, r: Omit<ReceiptRow, 'id' | 'createdAt'>): Promise<ReceiptInfo> {
  const [created] = await db.insert(ledgerReceipts).values(r).onConflictDoNothing().returning(info);
  if (created) return created;
  const [existing] = await db
    .select(info)
    .from(ledgerReceipts)
    .where(and(eq(ledgerReceipts.incidentId, r.incidentId), eq(ledgerReceipts.sha256, r.sha256)));
  if (!existing) throw new Error('receipt insert conflicted but no receipt was found');
  return existing;
}

export async function receiptWithData(db: Db, incidentId: string, id: string): Promise<ReceiptRow | undefined> {
  const [row] = await db
    .select()
    .from(ledgerReceipts)
    .where(and(eq(ledgerReceipts.incidentId, incidentId), eq(ledgerReceipts.id, id)));
  return row;
}

/** Photos by the sha256 lines cite (ids and who may see them; no bytes). */
export async function receiptsBySha(db: Db, incidentId: string, shas: string[]): Promise<Map<string, ReceiptInfo>> {
  if (shas.length === 0) return new Map();
  const rows = await db
    .select(info)
    .from(ledgerReceipts)
    .where(and(eq(ledgerReceipts.incidentId, incidentId), inArray(ledgerReceipts.sha256, shas)));
  return new Map(rows.map((r) => [r.sha256, r]));
}

/** Of all the receipt photos of an incident, by sha256: id and sha256 (for exports). */
export async function receiptIdsBySha(db: Db, incidentId: string): Promise<Map<string, string>> {
  const rows = await db.select({ id: ledgerReceipts.id, sha256: ledgerReceipts.sha256 }).from(ledgerReceipts).where(eq(ledgerReceipts.incidentId, incidentId));
  return new Map(rows.map((r) => [r.sha256, r.id]));
}

/**
 * Whether each cited photo's stored bytes still hash to the sha256 it is stored (and cited) under,
 * computed by the database so the bytes never travel.
 */
export async function receiptIntegrity(db: Db, incidentId: string, shas: string[]): Promise<Map<string, { id: string; intact: boolean }>> {
  const out = new Map<string, { id: string; intact: boolean }>();
  for (let i = 0; i < shas.length; i += 1000) {
    const res = await db.execute(sql`
      select id, sha256, encode(sha256(data), 'hex') = sha256 as intact from ledger_receipts
      where incident_id = ${incidentId} and sha256 = any(${sql.param(shas.slice(i, i + 1000))}::text[])`);
    for (const r of rowsOf<{ id: string; sha256: string; intact: boolean }>(res))
      out.set(r.sha256, { id: r.id, intact: r.intact === true || (r.intact as unknown) === 't' });
  }
  return out;
}
