/**
 * One export line: every field the hash covers (the note only as its sha256, never its text),
 * plus names for people reading it. The CSV columns and the XLSX "Lines" sheet are this list, so
 * a CSV alone lets anyone recompute the chain offline (server/exports/verify-cli.ts).
 */
import { noteDigest } from '../ledger/chain.js';
import type { LedgerRow } from '../ledger/repo.js';
import { formatMinor } from '../../shared/ledger.js';

export interface Names {
  households: Map<string, { name: string }>;
  hotelNames: Map<string, string>;
  userNames: Map<string, string>;
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
  'description',
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

/** Values in LINE_COLUMNS order; numbers stay numbers (XLSX), everything else is text. */
export function lineValues(r: LedgerRow, names: Names): (string | number)[] {
  const s = (v: string | null) => v ?? '';
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
    s(r.recordedBy),
    r.recordedBy ? (names.userNames.get(r.recordedBy) ?? '') : 'system',
    s(r.partyId),
    r.partyId ? (names.households.get(r.partyId)?.name ?? '') : '',
    s(r.guestId),
    s(r.hotelId),
    r.hotelId ? (names.hotelNames.get(r.hotelId) ?? '') : '',
    s(r.vehicleId),
    s(r.tripId),
    s(r.night),
    s(r.sourceKey),
    s(r.receiptRef),
    r.description,
    noteDigest(r.note),
    s(r.reversesEntryId),
    s(r.relatedEntryId),
    r.status,
    s(r.approvedBy),
    [...r.flags].sort().join('|'),
    r.status === 'posted' ? 'yes' : 'no',
    r.prevHash,
    r.hash,
  ];
}

export function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(values: (string | number)[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
