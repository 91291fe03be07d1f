/**
 * One export line: every field the hash covers, plus names for people reading it. A perk's note
 * is its justification: given as text for the claims handler and as the sha256 the chain covers
 * (decision 0016), so anyone can check the text is the one recorded. The CSV columns and the XLSX "Lines" sheet are this list, so
 * a CSV alone lets anyone recompute the chain offline (server/exports/verify-cli.ts).
 */
import { noteDigest } from '../ledger/chain.js';
import type { LedgerRow } from '../ledger/repo.js';
import { formatMinor, photoSha256 } from '../../shared/ledger.js';

export interface Names {
  households: Map<string, { name: string }>;
  hotelNames: Map<string, string>;
  userNames: Map<string, string>;
  /** Receipt photo ids by sha256, for lines whose receipt_ref is `photo:<sha256>`. */
  receiptIds: Map<string, string>;
}

export const LINE_COLUMNS = [
  'seq',
  'entry_id',
  'incident_id',
  'kind',
  'category',
  'amount',
  'amount_minor',
  'currency',
  'occurred_at',
  'recorded_at',
  'recorded_by',
  'recorded_by_name',
  'party_id',
  'household',
  'guest_id',
  'hotel_id',
  'hotel',
  'vehicle_id',
  'trip_id',
  'night',
  'source_key',
  'receipt_ref',
  'receipt_photo_id',
  'description',
  'note',
  'note_sha256',
  'reverses_entry_id',
  'related_entry_id',
  'status',
  'approved_by',
  'flags',
  'counts_in_total',
  'prev_hash',
  'hash',
] as const;
export type LineColumn = (typeof LINE_COLUMNS)[number];

/** A cell: numbers stay numbers (XLSX), null is an empty cell (written as nothing). */
export type Cell = string | number | null;

/** Values in LINE_COLUMNS order. */
export function lineValues(r: LedgerRow, names: Names): Cell[] {
  const photo = photoSha256(r.receiptRef);
  return [
    r.seq,
    r.id,
    r.incidentId,
    r.kind,
    r.category,
    formatMinor(r.amountMinor),
    r.amountMinor,
    r.currency,
    r.occurredAt.toISOString(),
    r.recordedAt.toISOString(),
    r.recordedBy,
    r.recordedBy ? (names.userNames.get(r.recordedBy) ?? null) : 'system',
    r.partyId,
    r.partyId ? (names.households.get(r.partyId)?.name ?? null) : null,
    r.guestId,
    r.hotelId,
    r.hotelId ? (names.hotelNames.get(r.hotelId) ?? null) : null,
    r.vehicleId,
    r.tripId,
    r.night,
    r.sourceKey,
    r.receiptRef,
    photo ? (names.receiptIds.get(photo) ?? null) : null,
    r.description,
    r.note ? r.note : null,
    r.note ? noteDigest(r.note) : null,
    r.reversesEntryId,
    r.relatedEntryId,
    r.status,
    r.approvedBy,
    r.flags.length ? [...r.flags].sort().join('|') : null,
    r.status === 'posted' ? 'yes' : 'no',
    r.prevHash,
    r.hash,
  ];
}
