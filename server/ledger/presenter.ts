/** Ledger rows shaped for the API: names next to ids, resolution state, and each perk's note (its justification, which insurers read too: decision 0016). */
import type { Db } from '../db/client.js';
import { partyNames } from '../hotels/repo.js';
import type { SessionUser } from '../auth/types.js';
import { photoSha256, type LedgerCategory, type LedgerKind, type LedgerLine, type LedgerStatus } from '../../shared/ledger.js';
import { hotelNamesIn, linkState, userNames, type LedgerRow } from './repo.js';
import { receiptsBySha } from './receipt-repo.js';
import { canReadReceipt } from './receipts.js';

/** Who is reading: decides whether a line's receipt photo comes with its id and URL. */
export type Viewer = Pick<SessionUser, 'role' | 'hotelId'>;

export async function presentLines(db: Db, incidentId: string, rows: LedgerRow[], opts: { withNotes: boolean; viewer: Viewer }): Promise<LedgerLine[]> {
  if (rows.length === 0) return [];
  const shas = [...new Set(rows.map((r) => photoSha256(r.receiptRef)).filter((x): x is string => Boolean(x)))];
  const photos = await receiptsBySha(db, incidentId, shas);
  const partyIds = [...new Set(rows.map((r) => r.partyId).filter((x): x is string => Boolean(x)))];
  const hotelIds = [...new Set(rows.map((r) => r.hotelId).filter((x): x is string => Boolean(x)))];
  const userIds = [...new Set(rows.map((r) => r.recordedBy).filter((x): x is string => Boolean(x)))];
  const [partyRows, hotelRows, userRows, links] = await Promise.all([
    partyIds.length ? partyNames(db, incidentId, partyIds) : [],
    hotelIds.length ? hotelNamesIn(db, incidentId, hotelIds) : [],
    userIds.length ? userNames(db, userIds) : [],
    linkState(
      db,
      incidentId,
      rows.map((r) => r.id),
    ),
  ]);
  const partyName = new Map(partyRows.map((p) => [p.id, p.name]));
  const hotelName = new Map(hotelRows.map((h) => [h.id, h.name]));
  const userName = new Map(userRows.map((u) => [u.id, u.name]));
  return rows.map((r) => {
    const line: LedgerLine = {
      id: r.id,
      seq: r.seq,
      kind: r.kind as LedgerKind,
      category: r.category as LedgerCategory,
      amountMinor: r.amountMinor,
      currency: r.currency,
      occurredAt: r.occurredAt.toISOString(),
      recordedAt: r.recordedAt.toISOString(),
      recordedBy: r.recordedBy,
      recordedByName: r.recordedBy ? (userName.get(r.recordedBy) ?? null) : 'system',
      partyId: r.partyId,
      householdName: r.partyId ? (partyName.get(r.partyId) ?? null) : null,
      guestId: r.guestId,
      hotelId: r.hotelId,
      hotelName: r.hotelId ? (hotelName.get(r.hotelId) ?? null) : null,
      vehicleId: r.vehicleId,
      tripId: r.tripId,
      night: r.night,
      receiptRef: r.receiptRef,
      ...receiptOf(r),
      description: r.description,
      reversesEntryId: r.reversesEntryId,
      relatedEntryId: r.relatedEntryId,
      status: r.status as LedgerStatus,
      resolution: r.status === 'pending_approval' ? (links.resolved.get(r.id) ?? 'pending') : null,
      reversed: links.reversed.has(r.id),
      approvedBy: r.approvedBy,
      flags: r.flags,
      prevHash: r.prevHash,
      hash: r.hash,
    };
    if (opts.withNotes) line.note = r.note;
    return line;
  });

  function receiptOf(r: LedgerRow): Pick<LedgerLine, 'hasReceiptPhoto' | 'receiptPhotoId' | 'receiptUrl'> {
    const sha = photoSha256(r.receiptRef);
    if (!sha) return { hasReceiptPhoto: false, receiptPhotoId: null, receiptUrl: null };
    const photo = photos.get(sha);
    if (!photo || !canReadReceipt(opts.viewer, photo)) return { hasReceiptPhoto: true, receiptPhotoId: null, receiptUrl: null };
    return { hasReceiptPhoto: true, receiptPhotoId: photo.id, receiptUrl: `/api/incidents/${incidentId}/ledger/receipts/${photo.id}` };
  }
}
