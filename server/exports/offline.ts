/**
 * Checks anyone can run on an export's files alone, without the server: the files' sha256 against
 * the manifest, and from the CSV the hash chain (every hashed field is a column; the note only as
 * its digest), the line count, the total and the head hash.
 */
import { createHash } from 'node:crypto';
import { canonicalFromDigest, checkLink, GENESIS_HASH } from '../ledger/chain.js';
import type { ExportManifest, ExportVerification } from '../../shared/ledger.js';
import { parseCsv } from './csv-read.js';
import { LINE_COLUMNS } from './lines.js';

type Check = ExportVerification['checks'][number];

export function sha256OfBytes(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Which manifest file a local file is (downloads are prefixed with the export id). */
export function manifestFileFor(manifest: ExportManifest, localName: string): ExportManifest['files'][number] | undefined {
  return manifest.files.find((f) => localName === f.name || localName.endsWith(`-${f.name}`));
}

export function checkCsv(manifest: ExportManifest, csvText: string): { checks: Check[]; firstBad: ExportVerification['firstBad'] } {
  const checks: Check[] = [];
  const rows = parseCsv(csvText).filter((r) => r.length > 1);
  const header = rows.shift() ?? [];
  const col = (name: (typeof LINE_COLUMNS)[number]) => header.indexOf(name);
  const missing = LINE_COLUMNS.filter((c) => col(c) < 0);
  if (missing.length) return { checks: [{ name: 'csv columns', ok: false, detail: `missing ${missing.join(', ')}` }], firstBad: null };
  const get = (r: string[], c: (typeof LINE_COLUMNS)[number]) => r[col(c)] ?? '';
  const opt = (r: string[], c: (typeof LINE_COLUMNS)[number]) => get(r, c) || null;
  let total = 0;
  for (const r of rows) if (get(r, 'counts_in_total') === 'yes') total += Number(get(r, 'amount_minor'));
  checks.push({ name: 'csv totals', ok: total === manifest.totalMinor && rows.length === manifest.lines, detail: `${rows.length} lines, total ${total} minor units (manifest: ${manifest.lines}, ${manifest.totalMinor})` });
  const whole = !manifest.range.occurredFrom && !manifest.range.occurredTo;
  if (!whole) {
    checks.push({ name: 'csv hash chain', ok: true, detail: 'not checked offline: a date-ranged export holds only part of the chain (the live check covers it)' });
    return { checks, firstBad: null };
  }
  let prev = { seq: 0, hash: GENESIS_HASH };
  for (const r of rows) {
    const row = { seq: Number(get(r, 'seq')), prevHash: get(r, 'prev_hash'), hash: get(r, 'hash') };
    const canonical = canonicalFromDigest({
      id: get(r, 'entry_id'),
      incidentId: get(r, 'incident_id'),
      seq: row.seq,
      kind: get(r, 'kind'),
      category: get(r, 'category'),
      amountMinor: Number(get(r, 'amount_minor')),
      currency: get(r, 'currency'),
      occurredAt: get(r, 'occurred_at'),
      recordedAt: get(r, 'recorded_at'),
      recordedBy: opt(r, 'recorded_by'),
      partyId: opt(r, 'party_id'),
      guestId: opt(r, 'guest_id'),
      hotelId: opt(r, 'hotel_id'),
      vehicleId: opt(r, 'vehicle_id'),
      tripId: opt(r, 'trip_id'),
      night: opt(r, 'night'),
      sourceKey: opt(r, 'source_key'),
      receiptRef: opt(r, 'receipt_ref'),
      description: get(r, 'description'),
      noteSha256: get(r, 'note_sha256'),
      reversesEntryId: opt(r, 'reverses_entry_id'),
      relatedEntryId: opt(r, 'related_entry_id'),
      status: get(r, 'status'),
      approvedBy: opt(r, 'approved_by'),
      flags: get(r, 'flags') ? get(r, 'flags').split('|') : [],
    });
    const reason = checkLink(prev, row, canonical);
    if (reason) {
      const firstBad = { seq: row.seq, id: get(r, 'entry_id'), reason };
      checks.push({ name: 'csv hash chain', ok: false, detail: `entry #${row.seq} (${firstBad.id}): ${reason}` });
      return { checks, firstBad };
    }
    prev = { seq: row.seq, hash: row.hash };
  }
  const headOk = prev.hash === manifest.headHash && prev.seq === manifest.headSeq;
  checks.push({ name: 'csv hash chain', ok: headOk, detail: headOk ? `${rows.length} entries recomputed; head #${prev.seq} ${prev.hash}` : `the CSV's chain ends at #${prev.seq} ${prev.hash}, manifest says #${manifest.headSeq} ${manifest.headHash}` });
  return { checks, firstBad: null };
}
