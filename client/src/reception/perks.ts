/**
 * Reception's perks, pure: pounds typed on a phone into minor units, the form checked with the
 * server's own contract, the household's perks from its hotel's ledger lines (with what became of
 * each: recorded, waiting, approved, rejected and why), and the words shown after recording one.
 */
import { parseMoneyMinor } from '../format.js';
import {
  formatMoneyMinor,
  PERK_CATEGORIES,
  recordPerkSchema,
  type LedgerLine,
  type PerkCategory,
  type RecordPerkRequest,
  type RecordPerkResult,
} from '../../../shared/ledger.js';

export const PERK_LABELS: Record<PerkCategory, string> = { bar: 'Bar', meals: 'Meals', laundry: 'Laundry', gifts: 'Gifts', other: 'Other' };
export { PERK_CATEGORIES };

/** Pounds typed on a phone -> minor units (the console's money fields use the same rule). */
export const parsePounds = parseMoneyMinor;

export interface PerkDraft {
  partyId: string;
  category: string;
  amount: string;
  note: string;
}

/** The form's fields checked as the server will check them; errors keyed by field (amount, category, note). */
export function checkPerk(d: PerkDraft): { body: RecordPerkRequest } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const amount = parsePounds(d.amount);
  if ('error' in amount) errors.amount = amount.error;
  const parsed = recordPerkSchema.safeParse({
    partyId: d.partyId,
    category: d.category,
    amountMinor: 'minor' in amount ? amount.minor : 1,
    note: d.note.trim() || undefined,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path[0] === 'amountMinor' ? 'amount' : String(issue.path[0] ?? 'form');
      errors[key] ??= issue.path[0] === 'category' ? 'Choose what it was for' : issue.message;
    }
  }
  if (Object.keys(errors).length || !parsed.success || !('minor' in amount)) return { errors };
  const { partyId, category, note } = parsed.data;
  return { body: { partyId, category, amountMinor: amount.minor, ...(note ? { note } : {}) } };
}

export type PerkState = 'recorded' | 'waiting' | 'approved' | 'rejected' | 'reversed';

export interface PerkItem {
  entryId: string;
  category: string;
  amountMinor: number;
  currency: string;
  state: PerkState;
  /** The duty manager's reason, for a rejection. */
  reason: string | null;
  note: string;
  recordedAt: string;
  recordedByName: string | null;
  /** The receipt photo, when there is one and the server says where. */
  receiptUrl: string | null;
}

/** Every household's perks at this hotel (newest first, each with its outcome), in one pass. */
export function perksByParty(lines: readonly LedgerLine[]): Map<string, PerkItem[]> {
  const perkCats: readonly string[] = PERK_CATEGORIES;
  const rejections = new Map<string, LedgerLine>();
  const approvals = new Set<string>();
  for (const l of lines) {
    if (l.kind === 'rejection' && l.relatedEntryId) rejections.set(l.relatedEntryId, l);
    if (l.kind === 'approval' && l.relatedEntryId) approvals.add(l.relatedEntryId);
  }
  const out = new Map<string, PerkItem[]>();
  for (const l of lines) {
    if (l.kind !== 'charge' || !l.partyId || !perkCats.includes(l.category)) continue;
    let state: PerkState = 'recorded';
    if (l.status === 'pending_approval')
      state = l.resolution === 'approved' || approvals.has(l.id) ? 'approved' : l.resolution === 'rejected' || rejections.has(l.id) ? 'rejected' : 'waiting';
    if (l.reversed) state = 'reversed';
    const reason = rejections.get(l.id)?.note?.trim() || null;
    const list = out.get(l.partyId) ?? [];
    const receiptUrl = (l as LedgerLine & { receiptUrl?: unknown }).receiptUrl;
    list.push({
      entryId: l.id,
      category: l.category,
      amountMinor: l.amountMinor,
      currency: l.currency,
      state,
      reason,
      note: l.note ?? '',
      recordedAt: l.recordedAt,
      recordedByName: l.recordedByName,
      receiptUrl: typeof receiptUrl === 'string' && receiptUrl ? receiptUrl : null,
    });
    out.set(l.partyId, list);
  }
  for (const list of out.values()) list.sort((a, b) => b.recordedAt.localeCompare(a.recordedAt));
  return out;
}

/** One household's perks at this hotel, newest first. */
export function perksOf(lines: readonly LedgerLine[], partyId: string): PerkItem[] {
  return perksByParty(lines).get(partyId) ?? [];
}

export const STATE_LABELS: Record<PerkState, string> = {
  recorded: 'Recorded',
  waiting: 'Waiting for approval',
  approved: 'Approved',
  rejected: 'Rejected',
  reversed: 'Reversed',
};

/** What the server said about a perk just recorded, with what was asked. */
export type PerkOutcome = Pick<RecordPerkResult, 'entryId' | 'needsApproval' | 'limitMinor' | 'spentBeforeMinor' | 'flags'> &
  Pick<RecordPerkRequest, 'category' | 'amountMinor'>;

/** "Recorded: bar £20.00", or why it waits for approval, in the words the brief's story uses. */
export function outcomeText(o: PerkOutcome, currency = 'GBP'): string {
  const what = `${PERK_LABELS[o.category]} ${formatMoneyMinor(o.amountMinor, currency)}`;
  if (!o.needsApproval) return `Recorded: ${what}.`;
  return `${what}: waiting for a duty manager's approval — over your ${formatMoneyMinor(o.limitMinor, currency)} limit for this household (spent ${formatMoneyMinor(o.spentBeforeMinor, currency)} so far).`;
}
