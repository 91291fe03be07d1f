/**
 * The cost ledger's contracts and pure rules, used by the server (validation, accrual, exports)
 * and the insurer portal (types, money formatting). No I/O here: hashing lives on the server.
 *
 * Rules written down in docs/decisions/0010-cost-ledger-and-insurer-exports.md:
 * - a night is noon to noon in the incident's time zone; `nightOf(t)` names it by its first date;
 * - a stay is charged the nights from its arrival night (check-in before 06:00 belongs to the
 *   night before) to the night running at check-out (or now);
 * - totals count `posted` lines only; a pending charge counts once its approval line is posted.
 */
import { z } from 'zod';
import { EARLIEST_YEAR, entityIdSchema, LATEST_YEAR, lineSchema, textSchema, zoneOrUtc } from './fields.js';
import { dateFormat, numberFormat } from './intl.js';

export const LEDGER_CATEGORIES = ['lodging', 'transport', 'bar', 'meals', 'laundry', 'gifts', 'other'] as const;
export type LedgerCategory = (typeof LEDGER_CATEGORIES)[number];
/** Categories staff record by hand against a household. */
export const PERK_CATEGORIES = ['bar', 'meals', 'laundry', 'gifts', 'other'] as const;
export type PerkCategory = (typeof PERK_CATEGORIES)[number];
export const LEDGER_KINDS = ['charge', 'reversal', 'approval', 'rejection'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];
export type LedgerStatus = 'posted' | 'pending_approval' | 'rejected';

/** A note may run to several lines; a reason or a paper receipt's reference is one line (it lands in CSV cells and the PDF). */
const note = (max: number) => textSchema(max, { trim: true });
const isoInstant = z.iso.datetime({ offset: true, message: 'expected an ISO 8601 date-time with offset' }).refine((s) => {
  const y = new Date(s).getUTCFullYear();
  return y >= EARLIEST_YEAR && y <= LATEST_YEAR;
}, `expected a date between ${EARLIEST_YEAR} and ${LATEST_YEAR}`);

/** Receipt photos: what may be uploaded (magic bytes must match) and how big. */
export const RECEIPT_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type ReceiptContentType = (typeof RECEIPT_CONTENT_TYPES)[number];
export const RECEIPT_MAX_BYTES = 5 * 1024 * 1024;
/** A line whose receipt is a stored photo has `receiptRef = photo:<sha256 of the bytes>`, so the chain covers the photo. */
export const PHOTO_REF_PREFIX = 'photo:';
export function photoSha256(receiptRef: string | null | undefined): string | null {
  return receiptRef?.startsWith(PHOTO_REF_PREFIX) ? receiptRef.slice(PHOTO_REF_PREFIX.length) : null;
}

/** Answer of `POST .../ledger/receipts` (201): the same photo uploaded again gives the same receipt. */
export interface ReceiptUpload {
  id: string;
  sha256: string;
  contentType: ReceiptContentType;
  bytes: number;
  /** What the ledger entry's receipt_ref becomes: `photo:<sha256>`. */
  ref: string;
}

/** A paper receipt's reference, typed by staff; `photo:` references come only from an attached photo. */
const paperRef = lineSchema(200).refine(
  (v) => !v.toLowerCase().startsWith(PHOTO_REF_PREFIX),
  `a "${PHOTO_REF_PREFIX}" reference is made by attaching receiptPhotoId`,
);

export const recordPerkSchema = z
  .object({
    partyId: entityIdSchema,
    guestId: entityIdSchema.optional(),
    /** Duty managers name the hotel; reception's own hotel is implied. */
    hotelId: entityIdSchema.optional(),
    category: z.enum(PERK_CATEGORIES, { message: `expected one of ${PERK_CATEGORIES.join(', ')}` }),
    amountMinor: z.number().int('expected whole minor units (pence)').positive('expected a positive amount').max(100_000_00, 'amount too large for one perk'),
    occurredAt: isoInstant.optional(),
    /** A paper receipt's reference... */
    receiptRef: paperRef.optional(),
    /** ...or a photo uploaded first (`POST .../ledger/receipts`); the entry's receipt_ref becomes `photo:<sha256>`. */
    receiptPhotoId: z.uuid({ message: 'expected a receipt photo id' }).optional(),
    note: note(500).optional(),
  })
  .refine((b) => !(b.receiptRef && b.receiptPhotoId), { path: ['receiptRef'], message: 'give a paper receipt reference or a receipt photo, not both' });
export type RecordPerkRequest = z.infer<typeof recordPerkSchema>;

/** Answer of `POST .../ledger/entries/:entryId/approve`: the approval entry, for the pending charge it approves. */
export interface PerkApproveResult {
  entryId: string;
  seq: number;
  approves: string;
  amountMinor: number;
}

/** Answer of `POST .../ledger/entries/:entryId/reject`. */
export interface PerkRejectResult {
  entryId: string;
  seq: number;
  rejects: string;
}

/** Answer of `POST .../ledger/perks` (201): recorded, or waiting for a duty manager because it goes over the limit. */
export interface RecordPerkResult {
  entryId: string;
  seq: number;
  status: LedgerStatus;
  needsApproval: boolean;
  /** This member of staff's limit for the household, and what they had recorded for it before. */
  limitMinor: number;
  spentBeforeMinor: number;
  capMinor: number | null;
  flags: string[];
  receiptRef: string | null;
  hash: string;
}

export const reverseEntrySchema = z.object({
  reason: lineSchema(500).min(1, 'say why the entry is reversed'),
  /** Optional replacement: a new charge linked to the one reversed (a correction). */
  replacement: z
    .object({
      amountMinor: z.number().int().positive().max(100_000_00),
      category: z.enum(LEDGER_CATEGORIES).optional(),
      receiptRef: paperRef.optional(),
      note: note(500).optional(),
    })
    .optional(),
});
export type ReverseEntryRequest = z.infer<typeof reverseEntrySchema>;

export const resolveEntrySchema = z.object({ reason: lineSchema(500).optional() });

/** Nights are posted up to `asOf`, which cannot be later than tomorrow: nights not yet begun are not owed. */
export const accrueSchema = z.object({
  asOf: isoInstant.refine((s) => Date.parse(s) <= Date.now() + 86_400_000, 'expected a time no later than tomorrow').optional(),
});

export const exportRequestSchema = z.object({
  /** Occurred-at range (inclusive from, exclusive to); omitted = everything up to the head. */
  from: isoInstant.optional(),
  to: isoInstant.optional(),
});
export type ExportRequest = z.infer<typeof exportRequestSchema>;

/** A charge waiting for a duty manager, with the limit it went over and what had been spent before it. */
export type PendingLine = LedgerLine & { limitMinor: number | null; spentBeforeMinor: number | null };

/** One ledger line as the API and exports show it. `note` is absent for insurers. */
export interface LedgerLine {
  id: string;
  seq: number;
  kind: LedgerKind;
  category: LedgerCategory;
  amountMinor: number;
  currency: string;
  occurredAt: string;
  recordedAt: string;
  recordedBy: string | null;
  recordedByName: string | null;
  partyId: string | null;
  householdName: string | null;
  guestId: string | null;
  hotelId: string | null;
  hotelName: string | null;
  vehicleId: string | null;
  tripId: string | null;
  night: string | null;
  receiptRef: string | null;
  /** True when the receipt is a stored photo (`receiptRef` is `photo:<sha256>`). */
  hasReceiptPhoto: boolean;
  /** The photo's id and where to fetch it, for readers allowed to (null otherwise). */
  receiptPhotoId: string | null;
  receiptUrl: string | null;
  description: string;
  note?: string;
  reversesEntryId: string | null;
  relatedEntryId: string | null;
  status: LedgerStatus;
  /** For a pending charge: what became of it (pending, approved, rejected). */
  resolution: 'pending' | 'approved' | 'rejected' | null;
  /** True once a reversal of this line exists. */
  reversed: boolean;
  approvedBy: string | null;
  flags: string[];
  prevHash: string;
  hash: string;
}

export interface MoneyRow {
  key: string;
  label: string;
  amountMinor: number;
}

/** The ledger summary: the totals, and the trips still on the road (their cost posts when they complete; never in a total). */
export interface LedgerSummary extends LedgerTotals {
  runningTransport: { trips: { tripId: string; vehicleId: string; departedAt: string; estimatedMinor: number }[]; estimatedMinor: number };
}

export interface LedgerTotals {
  currency: string;
  headSeq: number;
  headHash: string;
  lines: number;
  totalMinor: number;
  pendingMinor: number;
  pendingCount: number;
  byCategory: MoneyRow[];
  byHotel: MoneyRow[];
  /** Spend by night (noon-to-noon, incident-local date). */
  byNight: MoneyRow[];
  households: number;
  guests: number;
  householdNights: number;
  guestNights: number;
}

/** An entry that does not hold, and why. */
export interface BadEntry {
  seq: number;
  id: string;
  reason: string;
  /** Set when the entry is fine but its receipt photo is not. */
  receiptId?: string;
}

export interface ChainCheck {
  ok: boolean;
  checked: number;
  headSeq: number;
  headHash: string;
  /** The first line that does not hold: its hash, link or sequence, or the photo its receipt cites. */
  firstBad: BadEntry | null;
  /** Receipt photos cited by the checked lines, re-hashed from the stored bytes. */
  receipts: { checked: number; firstBad: BadEntry | null };
}

export interface ExportFile {
  name: string;
  format: 'csv' | 'xlsx' | 'pdf';
  bytes: number;
  sha256: string;
}

/** ledger-export-manifest/1: what an insurer keeps next to the files. */
export interface ExportManifest {
  format: 'ledger-export-manifest/1';
  exportId: string;
  incidentId: string;
  incidentName: string;
  createdAt: string;
  createdBy: string;
  currency: string;
  range: { fromSeq: number; toSeq: number; occurredFrom: string | null; occurredTo: string | null };
  headSeq: number;
  headHash: string;
  lines: number;
  totalMinor: number;
  byCategory: Record<string, number>;
  files: ExportFile[];
  /** Ed25519 signatures of the head and of the manifest (absent on exports made before signing). */
  signature?: ManifestSignature;
}

/**
 * The anchor an insurer keeps: the head signed with the server's Ed25519 key (public key included,
 * base64 SPKI DER) and the whole manifest (canonical JSON without this block) signed too.
 */
export interface ManifestSignature {
  alg: 'Ed25519';
  keyId: string;
  publicKey: string;
  head: { seq: number; hash: string };
  headSignature: string;
  manifestSignature: string;
}

export interface ExportVerification {
  ok: boolean;
  exportId: string | null;
  checks: { name: string; ok: boolean; detail: string }[];
  firstBad: ChainCheck['firstBad'];
}

export interface ExportListItem {
  id: string;
  createdAt: string;
  createdBy: string | null;
  range: ExportManifest['range'] | null;
  totalMinor: number | null;
  headHash: string | null;
  files: ExportFile[];
}

/** Hotel perk kinds (free text in offers) mapped onto ledger categories for cap checks. */
export function perkCategoryOf(kind: string): PerkCategory | null {
  const k = kind.toLowerCase();
  if (/bar|drink|wine/.test(k)) return 'bar';
  if (/meal|breakfast|dinner|lunch|food/.test(k)) return 'meals';
  if (/laundry/.test(k)) return 'laundry';
  if (/gift|flower/.test(k)) return 'gifts';
  return null;
}

/** `£12.50` from minor units and a currency (GBP when not given): the one money formatter of every screen. */
export function formatMoneyMinor(minor: number, currency = 'GBP'): string {
  try {
    return numberFormat('en-GB', { style: 'currency', currency }).format(minor / 100);
  } catch {
    return `${formatMinor(minor)} ${currency}`;
  }
}

/**
 * A night's key ("2026-12-07", the incident-local date the noon-to-noon night starts on) as a
 * chart label people read the same everywhere: "7 Dec". Never "12-07", which a British claims
 * handler reads as the 12th of July.
 */
export function nightLabel(key: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
  if (!m) return key;
  return dateFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12)));
}

/** 123456 -> "1234.56"; -5 -> "-0.05". Plain, so every format prints the same digits. */
export function formatMinor(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(minor));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

interface LocalParts {
  y: number;
  m: number;
  d: number;
  h: number;
}
/** A stored zone that is not one (written before validation, or by hand) counts nights in UTC rather than failing. */
function localParts(t: Date, timeZone: string): LocalParts {
  const f = dateFormat('en-CA', { timeZone: zoneOrUtc(timeZone), year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' });
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(t)) p[part.type] = part.value;
  return { y: Number(p.year), m: Number(p.month), d: Number(p.day), h: Number(p.hour) };
}

/** Calendar arithmetic on YYYY-MM-DD (UTC dates never shift with DST). */
export function addDays(date: string, days: number): string {
  const t = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

function ymd(p: LocalParts): string {
  return `${p.y}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
}

/** Hotel check-out time: a night runs from this local hour to the same hour next day. */
export const NIGHT_BOUNDARY_HOUR = 12;
/** Arrivals before this local hour belong to the night before (storm arrivals in the small hours). */
export const EARLY_ARRIVAL_HOUR = 6;

/** The night (named by its first date) running at instant `t`: before local noon it is yesterday's. */
export function nightOf(t: Date, timeZone: string): string {
  const p = localParts(t, timeZone);
  return p.h < NIGHT_BOUNDARY_HOUR ? addDays(ymd(p), -1) : ymd(p);
}

/** The first night a check-in at `t` pays for. */
export function arrivalNight(t: Date, timeZone: string): string {
  const p = localParts(t, timeZone);
  return p.h < EARLY_ARRIVAL_HOUR ? addDays(ymd(p), -1) : ymd(p);
}

/**
 * The nights a stay owes, in order: from its arrival night to the night running at `end`
 * (check-out, or "now" while the guests are still in). Checked in at 23:00 and out at 10:00 is one
 * night; in at 02:00 and out at 11:00 is one night (the storm night); in at 15:00 on the 14th and
 * out at 11:00 on the 16th is two; in at 09:00 and out at 11:00 the same day is none.
 */
export function stayNights(checkedInAt: Date, end: Date, timeZone: string): string[] {
  if (end <= checkedInAt) return [];
  const first = arrivalNight(checkedInAt, timeZone);
  const last = nightOf(end, timeZone);
  const out: string[] = [];
  for (let n = first; n <= last && out.length < 3660; n = addDays(n, 1)) out.push(n);
  return out;
}

/**
 * Split `total` over `weights` so the parts are whole minor units summing exactly to `total`
 * (largest remainder). Used to allocate a trip's cost to its households by head count.
 */
export function allocate(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const raw = weights.map((w) => (total * w) / sum);
  const parts = raw.map((r) => Math.trunc(r));
  let rest = total - parts.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => ({ i, frac: Math.abs(r - Math.trunc(r)) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let k = 0; rest !== 0 && k < order.length * 2; k++) {
    const step = rest > 0 ? 1 : -1;
    parts[order[k % order.length]!.i]! += step;
    rest -= step;
  }
  return parts;
}

const sha = z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 hex digest');
/** A manifest handed back for verification (as downloaded, or as the CLI read it). */
export const exportManifestSchema = z.object({
  format: z.literal('ledger-export-manifest/1'),
  exportId: z.uuid(),
  incidentId: z.uuid(),
  incidentName: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  currency: z.string(),
  range: z.object({
    fromSeq: z.number().int().nonnegative(),
    toSeq: z.number().int().nonnegative(),
    occurredFrom: z.string().nullable(),
    occurredTo: z.string().nullable(),
  }),
  headSeq: z.number().int().nonnegative(),
  headHash: sha,
  lines: z.number().int().nonnegative(),
  totalMinor: z.number().int(),
  byCategory: z.record(z.string(), z.number().int()),
  files: z.array(z.object({ name: z.string(), format: z.enum(['csv', 'xlsx', 'pdf']), bytes: z.number().int().nonnegative(), sha256: sha })),
  signature: z
    .object({
      alg: z.literal('Ed25519'),
      keyId: z.string().max(64),
      publicKey: z.string().max(200),
      head: z.object({ seq: z.number().int().nonnegative(), hash: sha }),
      headSignature: z.string().max(200),
      manifestSignature: z.string().max(200),
    })
    .optional(),
});
export const verifyExportSchema = z.object({
  manifest: exportManifestSchema,
  /** Earlier exports the insurer holds: their signed heads must still be in the ledger (a rewrite is caught). */
  earlier: z.array(exportManifestSchema).max(20).optional(),
  files: z
    .array(z.object({ name: z.string().min(1).max(200), sha256: sha }))
    .max(20)
    .optional(),
});
