/**
 * The hash chain: hash = sha256(prev_hash + canonical JSON of the entry). The canonical form is a
 * fixed-order JSON array (no key-order ambiguity) of every stored field; the free-text note enters
 * only as its sha256, so an export can leave notes out and still be checked line by line offline.
 */
import * as crypto from 'node:crypto';
import { asStored } from '../../shared/fields.js';

export const GENESIS_HASH = '0'.repeat(64);
export const CANONICAL_VERSION = 'ledger-entry/1';

/** Exactly the fields the hash covers, as stored. */
export interface ChainFields {
  id: string;
  incidentId: string;
  seq: number;
  kind: string;
  category: string;
  amountMinor: number;
  currency: string;
  occurredAt: Date;
  recordedAt: Date;
  recordedBy: string | null;
  partyId: string | null;
  guestId: string | null;
  hotelId: string | null;
  vehicleId: string | null;
  tripId: string | null;
  night: string | null;
  sourceKey: string | null;
  receiptRef: string | null;
  description: string;
  note: string;
  reversesEntryId: string | null;
  relatedEntryId: string | null;
  status: string;
  approvedBy: string | null;
  flags: string[];
}

/** Node's one-shot digest (20.12 and later): no Hash object per call, which an export of 100,000 lines feels. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

export function sha256Hex(s: string): string {
  return oneShot ? oneShot('sha256', s, 'hex') : crypto.createHash('sha256').update(s, 'utf8').digest('hex');
}

/** The note as the chain sees it (and as exports print it): its sha256, or '' when empty. */
export function noteDigest(note: string): string {
  return note ? sha256Hex(note) : '';
}

/** Canonical JSON of an entry with the note replaced by its digest (see `canonicalFromDigest`). */
export function canonicalJson(e: ChainFields): string {
  return canonical(e, noteDigest(e.note));
}

export type DigestFields = Omit<ChainFields, 'note' | 'occurredAt' | 'recordedAt'> & {
  noteSha256: string;
  occurredAt: Date | string;
  recordedAt: Date | string;
};

const iso = (d: Date | string) => (typeof d === 'string' ? new Date(d).toISOString() : d.toISOString());

/** Also used by the offline verifier, which has the note's digest but not the note. */
export function canonicalFromDigest(e: DigestFields): string {
  return canonical(e, e.noteSha256);
}

function canonical(e: Omit<DigestFields, 'noteSha256'>, noteSha256: string): string {
  const fields = [
    CANONICAL_VERSION,
    e.id,
    e.incidentId,
    e.seq,
    e.kind,
    e.category,
    e.amountMinor,
    e.currency,
    iso(e.occurredAt),
    iso(e.recordedAt),
    e.recordedBy,
    e.partyId,
    e.guestId,
    e.hotelId,
    e.vehicleId,
    e.tripId,
    e.night,
    e.sourceKey,
    e.receiptRef,
    e.description,
    noteSha256,
    e.reversesEntryId,
    e.relatedEntryId,
    e.status,
    e.approvedBy,
    e.flags.length > 1 ? [...e.flags].sort() : e.flags,
  ];
  const json = JSON.stringify(fields);
  // JSON.stringify writes a lone surrogate as `\udXXX`. The database keeps U+FFFD in its place
  // (UTF-8 has no lone surrogates), so a line hashed as written would not match the same line read
  // back, and the chain would read as tampered from there on. Such text is refused at every door;
  // this holds the chain for text that came another way. Rarely taken, so exports stay fast.
  if (!json.includes('\\ud')) return json;
  const stored = (v: unknown): unknown => (typeof v === 'string' ? asStored(v) : Array.isArray(v) ? v.map(stored) : v);
  const flags = e.flags.map(asStored);
  return JSON.stringify([...fields.slice(0, -1).map(stored), flags.length > 1 ? flags.sort() : flags]);
}

export function entryHash(prevHash: string, canonical: string): string {
  return sha256Hex(prevHash + canonical);
}

/** Why a stored line does not hold, or null when it does. */
export function checkLink(prev: { seq: number; hash: string }, row: { seq: number; prevHash: string; hash: string }, canonical: string): string | null {
  if (row.seq !== prev.seq + 1) return `sequence gap: expected ${prev.seq + 1}, found ${row.seq}`;
  if (row.prevHash !== prev.hash) return 'prev_hash does not match the previous entry (an entry was removed, inserted or altered before it)';
  if (entryHash(row.prevHash, canonical) !== row.hash) return 'hash does not match the entry contents (the entry was altered)';
  return null;
}
