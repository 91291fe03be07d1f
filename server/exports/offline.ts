/**
 * Checks anyone can run on an export's files alone, without the server: the files' sha256 against
 * the manifest, and from the CSV the hash chain (every hashed field is a column; the note by its
 * digest, and its text, when given, must match that digest), the line count, the total and the head hash.
 */
import { createHash } from 'node:crypto';
import { canonicalFromDigest, checkLink, GENESIS_HASH, noteDigest } from '../ledger/chain.js';
import type { ExportManifest, ExportVerification } from '../../shared/ledger.js';
import { parseCsv } from './csv-read.js';
import { csvValue } from './csv.js';
import { LINE_COLUMNS } from './lines.js';
import { checkManifestSignature } from './signing.js';
import { countOf } from '../../shared/plural.js';

type Check = ExportVerification['checks'][number];

export function sha256OfBytes(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Which manifest file a local file is (downloads are prefixed with the export id). */
export function manifestFileFor(manifest: ExportManifest, localName: string): ExportManifest['files'][number] | undefined {
  return manifest.files.find((f) => localName === f.name || localName.endsWith(`-${f.name}`));
}

export interface CsvCheck {
  checks: Check[];
  firstBad: ExportVerification['firstBad'];
  /** Hash of each entry as the CSV gives it (by seq), for checking earlier exports' signed heads. */
  hashes: Map<number, string>;
  /** True when the CSV holds the whole chain from #1 (not a date range). */
  whole: boolean;
}

export function checkCsv(manifest: ExportManifest, csvText: string): CsvCheck {
  const hashes = new Map<number, string>();
  const whole = !manifest.range.occurredFrom && !manifest.range.occurredTo;
  const checks: Check[] = [];
  let parsed: string[][];
  try {
    parsed = parseCsv(csvText);
  } catch (e) {
    return { checks: [{ name: 'csv format', ok: false, detail: `not valid CSV: ${(e as Error).message}` }], firstBad: null, hashes, whole: false };
  }
  const rows = parsed.filter((r) => r.length > 1);
  const header = rows.shift() ?? [];
  const col = (name: (typeof LINE_COLUMNS)[number]) => header.indexOf(name);
  // `note` (the text beside its digest) is newer than the chain: files from before it verify without it.
  const missing = LINE_COLUMNS.filter((c) => c !== 'note' && col(c) < 0);
  if (missing.length) return { checks: [{ name: 'csv columns', ok: false, detail: `missing ${missing.join(', ')}` }], firstBad: null, hashes, whole: false };
  // Cells that could run as spreadsheet formulas were written with a leading apostrophe
  // (server/exports/csv.ts); the chain is recomputed on the ledger's own values.
  const neutralised: string[] = [];
  for (const r of rows)
    for (let i = 0; i < r.length; i++) {
      const cell = r[i]!;
      const value = csvValue(cell);
      if (value === cell) continue;
      if (neutralised.length < 3)
        neutralised.push(`#${r[col('seq')] ?? '?'} ${header[i] ?? `column ${i + 1}`}: ${JSON.stringify(cell)} is ${JSON.stringify(value)} in the ledger`);
      else neutralised.push('');
      r[i] = value;
    }
  if (neutralised.length > 0)
    checks.push({
      name: 'csv formula cells',
      ok: true,
      detail: `${neutralised.length} cell(s) began with = + - @ (perhaps after spaces or a line break), a tab, a carriage return or a line feed and were written with a leading apostrophe so spreadsheets show them as text; the apostrophe is not part of the ledger and is removed before hashing (${neutralised.filter(Boolean).join('; ')}${neutralised.length > 3 ? '; …' : ''})`,
    });
  const get = (r: string[], c: (typeof LINE_COLUMNS)[number]) => r[col(c)] ?? '';
  const opt = (r: string[], c: (typeof LINE_COLUMNS)[number]) => get(r, c) || null;
  let total = 0;
  for (const r of rows) if (get(r, 'counts_in_total') === 'yes') total += Number(get(r, 'amount_minor'));
  checks.push({
    name: 'csv totals',
    ok: total === manifest.totalMinor && rows.length === manifest.lines,
    detail: `${countOf(rows.length, 'line')}, total ${total} minor units (manifest: ${manifest.lines}, ${manifest.totalMinor})`,
  });
  for (const r of rows) hashes.set(Number(get(r, 'seq')), get(r, 'hash'));
  if (!whole) {
    checks.push({
      name: 'csv hash chain',
      ok: true,
      detail: 'not checked offline: a date-ranged export holds only part of the chain (the live check covers it)',
    });
    return { checks, firstBad: null, hashes, whole };
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
    const note = col('note') >= 0 ? get(r, 'note') : '';
    const reason = note && noteDigest(note) !== get(r, 'note_sha256') ? 'the note text does not match its recorded sha256' : checkLink(prev, row, canonical);
    if (reason) {
      const firstBad = { seq: row.seq, id: get(r, 'entry_id'), reason };
      checks.push({ name: 'csv hash chain', ok: false, detail: `entry #${row.seq} (${firstBad.id}): ${reason}` });
      return { checks, firstBad, hashes, whole };
    }
    prev = { seq: row.seq, hash: row.hash };
  }
  const headOk = prev.hash === manifest.headHash && prev.seq === manifest.headSeq;
  checks.push({
    name: 'csv hash chain',
    ok: headOk,
    detail: headOk
      ? `${countOf(rows.length, 'entry', 'entries')} recomputed; head #${prev.seq} ${prev.hash}`
      : `the CSV's chain ends at #${prev.seq} ${prev.hash}, manifest says #${manifest.headSeq} ${manifest.headHash}`,
  });
  return { checks, firstBad: null, hashes, whole };
}

/**
 * Offline, against exports the insurer already holds: each earlier manifest's signature, the same
 * key on this one, and each earlier signed head still present in this export's chain. A rewrite
 * of the ledger (an entry edited, every later hash and the head recomputed) passes the chain check
 * of a new export, but not this one: entry #N no longer has the hash the earlier export signed.
 */
export function checkEarlier(manifest: ExportManifest, csv: CsvCheck | null, earlier: ExportManifest[]): Check[] {
  const checks: Check[] = [];
  const trusted = earlier.find((e) => e.signature)?.signature?.publicKey;
  const own = checkManifestSignature(manifest, trusted);
  checks.push({
    name: 'manifest signature',
    ok: own.ok,
    detail:
      trusted || !own.ok
        ? own.detail
        : `${own.detail} (compare key ${manifest.signature?.keyId} with the one you trust, or pass an earlier export with --earlier)`,
  });
  for (const e of earlier) {
    const name = `earlier export ${e.exportId}`;
    const sig = checkManifestSignature(e, trusted);
    if (!sig.ok) {
      checks.push({ name, ok: false, detail: sig.detail });
      continue;
    }
    if (e.incidentId !== manifest.incidentId) {
      checks.push({ name, ok: false, detail: 'it is for another incident' });
      continue;
    }
    if (e.headSeq > manifest.headSeq) {
      checks.push({ name, ok: false, detail: `its signed head #${e.headSeq} is beyond this export's head #${manifest.headSeq}: entries were removed since` });
      continue;
    }
    const here = e.headSeq === manifest.headSeq ? manifest.headHash : e.headSeq === 0 ? GENESIS_HASH : csv?.whole ? csv.hashes.get(e.headSeq) : undefined;
    if (here === undefined) {
      checks.push({
        name,
        ok: true,
        detail: `signature ok; its head #${e.headSeq} is not in the files given (pass this export's whole-ledger CSV, or verify online)`,
      });
      continue;
    }
    checks.push({
      name,
      ok: here === e.headHash,
      detail:
        here === e.headHash
          ? `its signed head #${e.headSeq} ${e.headHash} is entry #${e.headSeq} here too`
          : `its signed head #${e.headSeq} is ${e.headHash}, this export has ${here} there: the ledger up to #${e.headSeq} was rewritten after that export`,
    });
  }
  return checks;
}
