/**
 * "Needs attention": guest replies nobody has handled and perks waiting for a duty manager's
 * approval, folded from what the server listed at load time and the incident's events. Pure.
 *
 * An item is shown while something opened it (listed by the server, or `guest.replied` /
 * `ledger.approval_requested` in the log) and nothing closed it (`guest.reply_handled`,
 * `ledger.entry_approved` / `ledger.entry_rejected`). That rule holds whichever arrives first,
 * so a list fetched while events were in flight still converges on every console.
 */
import type { LiveEvent, LiveEventOf } from '../../../shared/realtime.js';
import type { ReplyKind, StaffReplyView } from '../../../shared/messages.js';
import type { LedgerLine, PendingLine } from '../../../shared/ledger.js';
import type { AttentionItem } from '../../../shared/attention.js';
import { countOf } from '../../../shared/plural.js';

export interface OpenReply {
  id: string;
  partyId: string;
  name: string;
  kind: ReplyKind;
  /** What the guest wrote (for "own way": the place, then any words, as stored). */
  text: string;
  /** Where they went ("own way"), when the event said so. */
  place: string | null;
  guestId: string | null;
  guestName: string | null;
  at: string;
}

export interface PendingPerk {
  entryId: string;
  partyId: string | null;
  householdName: string | null;
  hotelId: string | null;
  hotelName: string | null;
  category: string;
  amountMinor: number;
  currency: string;
  recordedByName: string | null;
  /** The recorder's limit per household and what they had spent on it before this perk (from the event). */
  limitMinor: number | null;
  spentBeforeMinor: number | null;
  /** Notes and receipts travel only in the API's list, never in events: null until it is fetched. */
  note: string | null;
  receiptRef: string | null;
  /** The receipt photo, when the ledger line has one: its URL, or at least its id. */
  receiptUrl: string | null;
  receiptPhotoId: string | null;
  flags: string[];
  at: string;
  /** False while the item is known only from its event (the list is refetched for the details). */
  detailed: boolean;
}

export interface AttentionBase {
  replies: StaffReplyView[];
  perks: LedgerLine[];
  /** Open exceptions (GET /attention); absent from an older server. */
  items?: AttentionItem[];
}

export interface Attention {
  replies: OpenReply[];
  perks: PendingPerk[];
  /** Open exceptions, oldest first: opened by `attention.opened`, closed by `attention.resolved`. */
  items: AttentionItem[];
  count: number;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const KINDS: readonly string[] = ['own_way', 'need_help', 'missing_member'];

function replyFromEvent(e: LiveEventOf<'guest.replied'>): OpenReply | null {
  const p = e.payload;
  if (!KINDS.includes(p.kind)) return null;
  return {
    id: p.replyId,
    partyId: p.partyId,
    name: p.name || p.partyId,
    kind: p.kind as ReplyKind,
    text: p.text,
    place: p.place,
    guestId: p.guestId,
    guestName: p.guestName,
    at: e.at,
  };
}

function perkFromEvent(e: LiveEventOf<'ledger.approval_requested'>): PendingPerk {
  const p = e.payload;
  return {
    entryId: p.entryId,
    partyId: p.partyId,
    householdName: p.householdName,
    hotelId: p.hotelId,
    hotelName: null,
    category: p.category,
    amountMinor: p.amountMinor,
    currency: p.currency,
    recordedByName: p.recordedByName || e.actor.name,
    limitMinor: p.limitMinor,
    spentBeforeMinor: p.spentMinor,
    note: null,
    receiptRef: null,
    receiptUrl: null,
    receiptPhotoId: null,
    flags: p.flags,
    at: e.at,
    detailed: false,
  };
}

function perkFromLine(l: LedgerLine & Partial<Pick<PendingLine, 'limitMinor' | 'spentBeforeMinor'>>): PendingPerk {
  // receiptUrl / receiptPhotoId come with receipt photos; older servers leave them out.
  const { receiptUrl, receiptPhotoId } = l as LedgerLine & { receiptUrl?: unknown; receiptPhotoId?: unknown };
  return {
    entryId: l.id,
    partyId: l.partyId,
    householdName: l.householdName,
    hotelId: l.hotelId,
    hotelName: l.hotelName,
    category: l.category,
    amountMinor: l.amountMinor,
    currency: l.currency,
    recordedByName: l.recordedByName,
    limitMinor: l.limitMinor ?? null,
    spentBeforeMinor: l.spentBeforeMinor ?? null,
    note: l.note ?? '',
    receiptRef: l.receiptRef,
    receiptUrl: str(receiptUrl) || null,
    receiptPhotoId: str(receiptPhotoId) || null,
    flags: l.flags,
    at: l.recordedAt,
    detailed: true,
  };
}

/** Fold the server's lists (null while loading) and the event log into what needs attention now. */
export function foldAttention(base: AttentionBase | null, events: readonly LiveEvent[]): Attention {
  const replies = new Map<string, OpenReply>();
  const perks = new Map<string, PendingPerk>();
  const closedReplies = new Set<string>();
  const closedPerks = new Set<string>();
  const items = new Map<string, AttentionItem>();
  const closedItems = new Set<string>();
  for (const i of base?.items ?? []) items.set(i.id, i);
  for (const r of base?.replies ?? []) {
    if (r.handledAt) continue;
    replies.set(r.id, { id: r.id, partyId: r.partyId, name: r.name, kind: r.kind, text: r.text, place: null, guestId: r.guestId, guestName: null, at: r.at });
  }
  for (const l of base?.perks ?? [])
    if (l.kind === 'charge' && l.status === 'pending_approval' && (l.resolution ?? 'pending') === 'pending') perks.set(l.id, perkFromLine(l));

  for (const e of events) {
    if (e.type === 'guest.replied') {
      const r = replyFromEvent(e);
      if (!r) continue;
      const known = replies.get(r.id);
      // The event knows the place and the missing person's name; the list may not.
      replies.set(r.id, known ? { ...known, place: known.place ?? r.place, guestName: known.guestName ?? r.guestName } : r);
    } else if (e.type === 'guest.reply_handled') {
      closedReplies.add(e.payload.replyId);
    } else if (e.type === 'ledger.approval_requested') {
      const p = perkFromEvent(e);
      const known = perks.get(p.entryId);
      perks.set(
        p.entryId,
        known ? { ...known, limitMinor: p.limitMinor, spentBeforeMinor: p.spentBeforeMinor, householdName: known.householdName ?? p.householdName } : p,
      );
    } else if (e.type === 'attention.opened') {
      for (const i of e.payload.items) if (!items.has(i.id)) items.set(i.id, i);
    } else if (e.type === 'attention.updated') {
      // Reported again: the item as it now stands, unless what is held already counts more reports.
      for (const i of e.payload.items) if ((items.get(i.id)?.reports ?? 0) <= (i.reports ?? 1)) items.set(i.id, i);
    } else if (e.type === 'attention.resolved') {
      closedItems.add(e.payload.itemId);
    } else if (e.type === 'ledger.entry_approved' || e.type === 'ledger.entry_rejected') {
      closedPerks.add(e.payload.pendingEntryId);
    }
  }
  // Before the server's lists arrive, only what the log shows as open (nothing is guessed closed).
  const openReplies = [...replies.values()].filter((r) => !closedReplies.has(r.id)).sort(byAt);
  const openPerks = [...perks.values()].filter((p) => !closedPerks.has(p.entryId)).sort(byAt);
  const openItems = [...items.values()]
    .filter((i) => !closedItems.has(i.id))
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id.localeCompare(b.id));
  return attentionOf(openReplies, openPerks, openItems);
}

/** What needs attention from its open lists; `count` counts things to act on (a reply group is one). */
export function attentionOf(replies: OpenReply[], perks: PendingPerk[], items: AttentionItem[]): Attention {
  return { replies, perks, items, count: foldReplies(replies).length + perks.length + items.length };
}

/** One household saying the same thing again (the same kind; for "someone missing", the same person). */
export interface ReplyGroup {
  key: string;
  /** Oldest first. */
  replies: OpenReply[];
  latest: OpenReply;
}

/**
 * Open replies folded so that a guest pressing "We need help" three times is one thing to act on,
 * with each of their messages: in the order of each group's first reply.
 */
export function foldReplies(replies: readonly OpenReply[]): ReplyGroup[] {
  const groups = new Map<string, ReplyGroup>();
  for (const r of [...replies].sort(byAt)) {
    const key = `${r.partyId}|${r.kind}|${r.kind === 'missing_member' ? (r.guestId ?? r.guestName ?? '') : ''}`;
    const g = groups.get(key);
    if (g) {
      g.replies.push(r);
      g.latest = r;
    } else groups.set(key, { key, replies: [r], latest: r });
  }
  return [...groups.values()];
}

function byAt(a: { at: string }, b: { at: string }): number {
  return Date.parse(a.at) - Date.parse(b.at);
}

/** The reply in a duty manager's words: "Need help", "Someone missing: Ellie", "Made own way to Louth". */
export function replyHeadline(r: Pick<OpenReply, 'kind' | 'text' | 'place' | 'guestName'>): string {
  if (r.kind === 'need_help') return 'Need help';
  if (r.kind === 'missing_member') return r.guestName ? `Someone missing: ${r.guestName}` : 'Someone missing';
  const where = r.place ?? (r.text.split(' - ')[0] || '');
  return where ? `Made own way to ${where}` : 'Made own way';
}

/** The guest's own words not already in the headline (for "own way" the place is). */
export function replyWords(r: Pick<OpenReply, 'kind' | 'text' | 'place'>): string {
  if (r.kind !== 'own_way') return r.text;
  const where = r.place ?? (r.text.split(' - ')[0] || '');
  if (r.text === where) return '';
  return r.text.startsWith(`${where} - `) ? r.text.slice(where.length + 3) : r.text;
}

/** "just now", "4 min ago", "2 h 5 min ago", "3 days ago". */
export function ageText(iso: string, now: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const min = Math.max(0, Math.floor((now - t) / 60_000));
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min ago` : `${h} h ago`;
  const d = Math.floor(h / 24);
  return `${countOf(d, 'day')} ago`;
}

/** Ids of items known only from their events: the list should be fetched again for their details. */
export function undetailed(a: Attention): string[] {
  return a.perks.filter((p) => !p.detailed).map((p) => p.entryId);
}

/** "★★★☆☆" for a 1-5 rating. */
export function ratingStars(rating: number): string {
  const n = Math.max(0, Math.min(5, Math.round(rating)));
  return '★'.repeat(n) + '☆'.repeat(5 - n);
}

/** "4.2 out of 5 from 12 households" (or that nobody has answered yet). */
export function feedbackSummary(count: number, average: number | null): string {
  if (count === 0 || average === null) return 'No household has answered the follow-up yet.';
  return `${average.toFixed(1)} out of 5 from ${countOf(count, 'household')}`;
}
