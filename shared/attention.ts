/**
 * The exceptions queue: every deviation from the plan becomes an open item naming the people, the
 * place and a suggested action, and stays open until a duty manager resolves it with a note (or
 * the situation itself is cured, e.g. the rest of the family checks in, which closes it with a
 * system note). Items travel live as `attention.opened` / `attention.updated` (reported again) /
 * `attention.resolved` events.
 */
import { z } from 'zod';
import type { QrPath } from './passes.js';
import { textSchema } from './fields.js';
import { policySchema } from './scenario.js';
import type { Whereabouts } from './whereabouts.js';

export const ATTENTION_KINDS = [
  'partial_checkin',
  'left_behind',
  'transport_lost',
  'unplaced',
  'overdue',
  'not_checked_in',
  'need_help',
  'missing',
  'needs_unmet',
] as const;
export type AttentionKind = (typeof ATTENTION_KINDS)[number];

export const ATTENTION_TITLE: Readonly<Record<AttentionKind, string>> = {
  partial_checkin: 'Part of a household checked in',
  left_behind: 'Not aboard when the vehicle left',
  transport_lost: 'Transport lost',
  unplaced: 'No bed',
  overdue: 'Vehicle overdue',
  not_checked_in: 'Arrived, not checked in',
  need_help: 'Asked for help',
  missing: 'Missing',
  needs_unmet: 'Needs not met',
};

export interface AttentionPlace {
  kind: 'site' | 'hotel' | 'vehicle';
  id: string;
  name: string;
}

export interface AttentionItem {
  id: string;
  kind: AttentionKind;
  partyId: string | null;
  /** Household name (or the vehicle's, for an item about a whole vehicle). */
  partyName: string | null;
  guestIds: string[];
  /** The people concerned, by name, in household order. */
  people: { id: string; name: string; partyId: string }[];
  place: AttentionPlace | null;
  tripId: string | null;
  /** What happened, in a sentence ("Jack and Jayden Davies not checked in at Harbour Hotel"). */
  summary: string;
  /** What a duty manager should do next. */
  suggestion: string;
  createdAt: string;
  seq: number;
  /** Times the situation was reported while open (a guest asking again folds into one item); absent from an older server. */
  reports?: number;
  /** When it was last reported again (the summary then holds the latest words); null if reported once. */
  repeatedAt?: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  note: string | null;
}

export interface AttentionSettings {
  overdueMinutes: number;
  notCheckedInMinutes: number;
  /** Offer a transport re-plan when the projected last arrival slips by more than this (default 15). */
  shelterSlipMinutes: number;
  /** "Fastest within N%": how much dearer than the cheapest the shelter plan may be (policy.costTolerancePct). */
  costTolerancePct: number;
}

export interface AttentionList {
  items: AttentionItem[];
  settings: AttentionSettings;
  seq: number;
}

export const resolveAttentionSchema = z.object({
  note: textSchema(1000, { trim: true }).min(1, 'say what was done (a few words)'),
});
export type ResolveAttention = z.input<typeof resolveAttentionSchema>;
/** The answer to resolving an item: the item as closed, and the event's seq. */
export interface ResolveAttentionResult {
  item: AttentionItem;
  seq: number;
}

export const attentionSettingsSchema = z
  .object({
    overdueMinutes: z.number().int('whole minutes').min(1, 'at least 1 minute').max(600, 'at most 600 minutes').optional(),
    notCheckedInMinutes: z.number().int('whole minutes').min(1, 'at least 1 minute').max(600, 'at most 600 minutes').optional(),
    shelterSlipMinutes: z.number().int('whole minutes').min(1, 'at least 1 minute').max(600, 'at most 600 minutes').optional(),
    costTolerancePct: policySchema.shape.costTolerancePct.unwrap().optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), {
    message: 'nothing to change: send overdueMinutes, notCheckedInMinutes, shelterSlipMinutes or costTolerancePct',
  });

/** Roll call at a muster point: who was seen; everyone expected there and not ticked is missing. */
export const rollCallSchema = z.object({
  presentGuestIds: z.array(z.string().min(1).max(100)).max(20000),
});

export interface RollCallList {
  site: { id: string; name: string };
  seq: number;
  households: {
    partyId: string;
    name: string;
    unit: string;
    phone: string;
    guests: { id: string; name: string; age: string; needs: string[]; whereabouts: Whereabouts }[];
  }[];
}

/** Answer of a roll call (signed in or by link): who went missing, who was found, the items it opened. */
export interface RollCallResult {
  seq: number;
  present: number;
  missing: string[];
  found: string[];
  items: AttentionItem[];
}

/** Answer of a withdrawal of a site's roll-call links. */
export interface RollCallLinksWithdrawn {
  siteId: string;
  withdrawnAt: string;
  seq: number;
}

/** A roll-call link a duty manager hands to staff without a sign-in: one muster point, one incident. */
export interface RollCallLink {
  /** Absolute URL of the roll-call page for this link. */
  url: string;
  /** The page's path (`/#/rollcall/<token>`). */
  path: string;
  token: string;
  /** ISO time after which the link no longer works (it also stops when the incident ends). */
  expiresAt: string;
  /** The URL as a QR code. */
  qr: QrPath;
  site: { id: string; name: string };
}
