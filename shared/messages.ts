/**
 * Guest communication contracts, used by the server (templates, the status-link API) and by the
 * guest's phone page: message template keys and their placeholders, the built-in wording in
 * English, Polish and German, rendering, the check a template edit must pass, and the payloads of
 * the status link (what the household sees and what it may send back).
 */
import type { Whereabouts } from './whereabouts.js';
import { z } from 'zod';
import type { FieldError } from './errors.js';
import type { PartyStatus, StayStatus, TripStatus } from './statuses.js';
import { entityIdSchema, lineSchema, phoneFieldSchema, textSchema } from './fields.js';

/** The steps at which a household is told something. */
export const TEMPLATE_KEYS = ['assigned', 'departing_soon', 'delayed', 're_routed', 'checked_in', 'feedback_request'] as const;
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];

export const LANGUAGES = ['en', 'pl', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Placeholders every template may use. */
const COMMON = ['household', 'link', 'helpline'] as const;

/**
 * Per template: the placeholders it may use (beyond COMMON) and those it must use. The renderer
 * always supplies every allowed placeholder, so a template that passes this check renders.
 */
export const TEMPLATE_FIELDS: Record<TemplateKey, { allowed: readonly string[]; required: readonly string[] }> = {
  assigned: { allowed: ['hotel', 'address', 'hotelPhone', 'perks', 'vehicle', 'departAt', 'from'], required: ['hotel', 'link'] },
  departing_soon: { allowed: ['hotel', 'vehicle', 'departAt', 'from'], required: ['departAt'] },
  delayed: { allowed: ['hotel', 'vehicle', 'departAt', 'from'], required: ['departAt'] },
  re_routed: { allowed: ['hotel', 'previousHotel', 'address', 'hotelPhone', 'perks', 'vehicle', 'departAt', 'from'], required: ['hotel', 'link'] },
  checked_in: { allowed: ['hotel', 'rooms', 'perks', 'hotelPhone'], required: ['hotel'] },
  feedback_request: { allowed: ['hotel', 'feedbackLink'], required: ['feedbackLink'] },
};

export interface TemplateText {
  subject: string;
  body: string;
}

/** Built-in wording; an incident may override any key and language. */
export const DEFAULT_TEMPLATES: Record<Language, Record<TemplateKey, TemplateText>> = {
  en: {
    assigned: {
      subject: 'Your hotel for tonight: {{hotel}}',
      body: 'Hello {{household}}. You are booked at {{hotel}}, {{address}} (hotel phone {{hotelPhone}}). Your transport: {{vehicle}}, leaving {{from}} at {{departAt}}. The hotel offers you: {{perks}}. Follow updates here: {{link}} . Questions: {{helpline}}.',
    },
    departing_soon: {
      subject: 'Your vehicle leaves at {{departAt}}',
      body: 'Hello {{household}}. Your {{vehicle}} to {{hotel}} leaves {{from}} at {{departAt}}. Please be at the pick-up point now. Updates: {{link}}',
    },
    delayed: {
      subject: 'Your departure has changed',
      body: 'Hello {{household}}. Your transport to {{hotel}} is delayed. New departure: {{departAt}} ({{vehicle}}, from {{from}}). Sorry for the wait. Updates: {{link}} . Questions: {{helpline}}.',
    },
    re_routed: {
      subject: 'Change of hotel: {{hotel}}',
      body: 'Hello {{household}}. Your hotel has changed from {{previousHotel}} to {{hotel}}, {{address}} (hotel phone {{hotelPhone}}). Transport: {{vehicle}} from {{from}} at {{departAt}}. The hotel offers you: {{perks}}. Updates: {{link}}',
    },
    checked_in: {
      subject: 'Welcome to {{hotel}}',
      body: "Hello {{household}}. You are checked in at {{hotel}}, room {{rooms}}. On the park's account: {{perks}}. Reception: {{hotelPhone}}. Our helpline: {{helpline}}.",
    },
    feedback_request: {
      subject: 'How was your stay at {{hotel}}?',
      body: 'Hello {{household}}. We hope {{hotel}} looked after you. Would you tell us how it went? It takes one minute: {{feedbackLink}}',
    },
  },
  pl: {
    assigned: {
      subject: 'Twój hotel na dzisiejszą noc: {{hotel}}',
      body: 'Dzień dobry, {{household}}. Macie rezerwację w {{hotel}}, {{address}} (telefon hotelu {{hotelPhone}}). Transport: {{vehicle}}, odjazd z {{from}} o {{departAt}}. Hotel oferuje: {{perks}}. Aktualne informacje: {{link}} . Pytania: {{helpline}}.',
    },
    departing_soon: {
      subject: 'Odjazd o {{departAt}}',
      body: 'Dzień dobry, {{household}}. {{vehicle}} do {{hotel}} odjeżdża z {{from}} o {{departAt}}. Prosimy być teraz w miejscu odbioru. Informacje: {{link}}',
    },
    delayed: {
      subject: 'Zmiana godziny odjazdu',
      body: 'Dzień dobry, {{household}}. Transport do {{hotel}} jest opóźniony. Nowy odjazd: {{departAt}} ({{vehicle}}, z {{from}}). Przepraszamy za czekanie. Informacje: {{link}} . Pytania: {{helpline}}.',
    },
    re_routed: {
      subject: 'Zmiana hotelu: {{hotel}}',
      body: 'Dzień dobry, {{household}}. Zmieniliśmy hotel z {{previousHotel}} na {{hotel}}, {{address}} (telefon hotelu {{hotelPhone}}). Transport: {{vehicle}} z {{from}} o {{departAt}}. Hotel oferuje: {{perks}}. Informacje: {{link}}',
    },
    checked_in: {
      subject: 'Witamy w {{hotel}}',
      body: 'Dzień dobry, {{household}}. Jesteście zameldowani w {{hotel}}, pokój {{rooms}}. Na koszt parku: {{perks}}. Recepcja: {{hotelPhone}}. Nasza infolinia: {{helpline}}.',
    },
    feedback_request: {
      subject: 'Jak minął pobyt w {{hotel}}?',
      body: 'Dzień dobry, {{household}}. Mamy nadzieję, że w {{hotel}} wszystko było dobrze. Czy możecie nam powiedzieć, jak było? To zajmie minutę: {{feedbackLink}}',
    },
  },
  de: {
    assigned: {
      subject: 'Ihr Hotel für heute Nacht: {{hotel}}',
      body: 'Guten Tag, {{household}}. Sie sind im {{hotel}} gebucht, {{address}} (Telefon des Hotels {{hotelPhone}}). Ihre Fahrt: {{vehicle}}, Abfahrt {{from}} um {{departAt}}. Das Hotel bietet Ihnen: {{perks}}. Aktuelles: {{link}} . Fragen: {{helpline}}.',
    },
    departing_soon: {
      subject: 'Abfahrt um {{departAt}}',
      body: 'Guten Tag, {{household}}. Ihr {{vehicle}} zum {{hotel}} fährt um {{departAt}} ab {{from}}. Bitte kommen Sie jetzt zum Abholpunkt. Aktuelles: {{link}}',
    },
    delayed: {
      subject: 'Ihre Abfahrt hat sich geändert',
      body: 'Guten Tag, {{household}}. Ihre Fahrt zum {{hotel}} verspätet sich. Neue Abfahrt: {{departAt}} ({{vehicle}}, ab {{from}}). Entschuldigen Sie die Wartezeit. Aktuelles: {{link}} . Fragen: {{helpline}}.',
    },
    re_routed: {
      subject: 'Hotelwechsel: {{hotel}}',
      body: 'Guten Tag, {{household}}. Ihr Hotel hat sich geändert: statt {{previousHotel}} jetzt {{hotel}}, {{address}} (Telefon des Hotels {{hotelPhone}}). Fahrt: {{vehicle}} ab {{from}} um {{departAt}}. Das Hotel bietet Ihnen: {{perks}}. Aktuelles: {{link}}',
    },
    checked_in: {
      subject: 'Willkommen im {{hotel}}',
      body: 'Guten Tag, {{household}}. Sie sind im {{hotel}} eingecheckt, Zimmer {{rooms}}. Auf Kosten des Parks: {{perks}}. Rezeption: {{hotelPhone}}. Unsere Hotline: {{helpline}}.',
    },
    feedback_request: {
      subject: 'Wie war Ihr Aufenthalt im {{hotel}}?',
      body: 'Guten Tag, {{household}}. Wir hoffen, das {{hotel}} hat sich gut um Sie gekümmert. Wie war es? Es dauert eine Minute: {{feedbackLink}}',
    },
  },
};

/** The household's language if we have wording for it, else English. */
export function languageFor(language: string | null | undefined): Language {
  const l = (language ?? '').toLowerCase().slice(0, 2);
  return (LANGUAGES as readonly string[]).includes(l) ? (l as Language) : 'en';
}

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

/** Placeholder names used in a text, in order of first use. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/**
 * What is wrong with a template for `key`: unknown placeholders, required ones missing, stray
 * braces. Empty when it is fine. Paths name the field (subject or body) under `prefix`.
 */
export function checkTemplate(key: TemplateKey, t: TemplateText, prefix = 'body'): FieldError[] {
  const spec = TEMPLATE_FIELDS[key];
  const allowed = new Set<string>([...COMMON, ...spec.allowed]);
  const problems: FieldError[] = [];
  for (const field of ['subject', 'body'] as const) {
    const text = t[field];
    for (const name of placeholdersOf(text)) {
      if (!allowed.has(name))
        problems.push({
          path: `${prefix}.${field}`,
          message: `unknown placeholder {{${name}}}; ${key} may use ${[...allowed].map((a) => `{{${a}}}`).join(', ')}`,
        });
    }
    const stray = text.replace(PLACEHOLDER, '');
    if (stray.includes('{{') || stray.includes('}}'))
      problems.push({ path: `${prefix}.${field}`, message: 'unbalanced braces: write placeholders as {{name}}' });
  }
  const used = new Set([...placeholdersOf(t.subject), ...placeholdersOf(t.body)]);
  for (const name of spec.required)
    if (!used.has(name)) problems.push({ path: `${prefix}.body`, message: `missing required placeholder {{${name}}} for ${key}` });
  return problems;
}

/** Fill placeholders; a placeholder without a value throws (templates are checked at edit time, so this means a bug). */
export function renderText(text: string, values: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (_m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`no value for placeholder {{${name}}}`);
    return v;
  });
}

export function renderTemplate(t: TemplateText, values: Record<string, string>): TemplateText {
  return { subject: renderText(t.subject, values), body: renderText(t.body, values) };
}

// ---- API contracts ----

export const templateUpdateSchema = z.object({
  /** One line: a subject becomes a mail header, where a line break would start a new header. */
  subject: lineSchema(200).pipe(z.string().min(1, 'expected a subject')),
  body: textSchema(2000, { trim: true }).min(1, 'expected the message text'),
});
export type TemplateUpdate = z.infer<typeof templateUpdateSchema>;

export const templateParamsSchema = z.object({
  key: z.enum(TEMPLATE_KEYS, { message: `expected one of ${TEMPLATE_KEYS.join(', ')}` }),
  language: z.enum(LANGUAGES, { message: `expected one of ${LANGUAGES.join(', ')}` }),
});

export interface TemplateView extends TemplateText {
  key: TemplateKey;
  language: Language;
  custom: boolean;
  placeholders: string[];
  required: string[];
}

export const messageSettingsSchema = z
  .object({
    helplinePhone: phoneFieldSchema.optional(),
    departureNoticeMinutes: z.number().int().min(1).max(720).optional(),
  })
  .refine((v) => v.helplinePhone !== undefined || v.departureNoticeMinutes !== undefined, {
    message: 'nothing to change: send helplinePhone or departureNoticeMinutes',
  });
export interface MessageSettings {
  helplinePhone: string;
  departureNoticeMinutes: number;
}

/** One message to a household, as duty managers see it on the household's timeline. */
export interface MessageView {
  id: string;
  partyId: string;
  channel: string;
  template: string;
  language: string;
  recipient: string;
  subject: string;
  body: string;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  createdAt: string;
  sentAt: string | null;
  lastError: string | null;
}

/** Answer of `GET .../feedback`: every household's rating, newest first, with the count and the average. */
export interface FeedbackList {
  feedback: FeedbackView[];
  count: number;
  averageRating: number | null;
}

export interface FeedbackView {
  partyId: string;
  name: string;
  hotelId: string | null;
  rating: number;
  comment: string;
  at: string;
}

// ---- the status link ----

export const REPLY_KINDS = ['own_way', 'need_help', 'missing_member'] as const;
export type ReplyKind = (typeof REPLY_KINDS)[number];

/** A key made by the phone per tap: a double tap or a retry on bad signal is one reply. */
const clientKey = lineSchema(100).min(8, 'expected a request key of 8 or more characters');
/** What the household typed (the phone's box takes several lines); shown on the console and the attention list. */
const replyText = textSchema(500, { trim: true }).default('');

export const guestReplySchema = z.discriminatedUnion(
  'kind',
  [
    z.object({
      kind: z.literal('own_way'),
      key: clientKey,
      place: lineSchema(200).min(1, 'say where you are going'),
      text: replyText,
      /** Making their own way to the hotel booked for them: they keep their rooms; only the seat is given back. */
      toHotel: z.boolean().default(false),
    }),
    z.object({ kind: z.literal('need_help'), key: clientKey, text: replyText }),
    z.object({ kind: z.literal('missing_member'), key: clientKey, guestId: entityIdSchema.optional(), text: replyText }),
  ],
  { message: 'expected kind own_way, need_help or missing_member' },
);
export type GuestReply = z.input<typeof guestReplySchema>;

export const guestFeedbackSchema = z.object({
  rating: z.number().int().min(1, 'rate from 1 to 5').max(5, 'rate from 1 to 5'),
  comment: textSchema(2000, { trim: true }).default(''),
});
export type GuestFeedback = z.input<typeof guestFeedbackSchema>;
/** Answer of `POST /api/guest/feedback`: the household's answer as now recorded. */
export interface GuestFeedbackResult {
  feedback: { rating: number; comment: string };
}

export interface GuestReplyView {
  id: string;
  kind: ReplyKind;
  text: string;
  guestId: string | null;
  at: string;
}

/** Everything the household's phone page shows, and nothing about anyone else. */
export interface GuestStatusView {
  household: {
    name: string;
    unit: string;
    passCode: string;
    status: PartyStatus;
    language: Language;
    /** Each member and where they are now: a household split on the night says so, person by person. */
    guests: { id: string; name: string; age: string; whereabouts: Whereabouts }[];
  };
  incident: { name: string; timezone: string; helplinePhone: string | null };
  destination: {
    name: string;
    address: string;
    phone: string;
    lat: number;
    lng: number;
    mapUrl: string;
    perks: { kind: string; note: string | null }[];
    rooms: { type: string; count: number }[];
    roomNumbers: Record<string, string[]> | null;
    stayStatus: StayStatus;
  } | null;
  /** The household is making its own way to its booked hotel (no seat; the hotel expects it). */
  ownWayToHotel: boolean;
  transport: {
    vehicleKind: string;
    vehicleId: string;
    provider: string;
    from: string;
    departAt: string;
    eta: string | null;
    /** The trip's status, or `arrived` once this household was dropped at its hotel. */
    status: TripStatus | 'arrived';
  } | null;
  replies: GuestReplyView[];
  /**
   * Newest first. `replaces` (on the newest journey message) is when the message it replaces was
   * sent; `superseded` marks older journey messages a later one replaced.
   */
  messages: { template: string; subject: string; body: string; at: string; replaces: string | null; superseded: boolean }[];
  feedback: { rating: number; comment: string } | null;
  /** Shown once the household has checked out (or was asked for feedback). */
  feedbackOpen: boolean;
  updatedAt: string;
}

export interface GuestReplyResult {
  reply: GuestReplyView;
  status: PartyStatus;
  /** False when this key was already recorded (the double tap). */
  recorded: boolean;
}

// ---- duty managers' side of replies ----

/** Marking a reply dealt with: an optional note of what was done. */
export const handleReplySchema = z.object({
  note: textSchema(500, { trim: true }).default(''),
  /** Help given: a household still marked "needs help" goes back to where its journey stands. */
  resume: z.boolean({ message: 'expected resume as true or false' }).default(false),
});
export type HandleReplyRequest = z.input<typeof handleReplySchema>;

/** GET guest-replies: one household's, or only the open ones (oldest first). */
export const guestRepliesQuerySchema = z.object({
  partyId: entityIdSchema.optional(),
  open: z.enum(['true', 'false'], { message: 'expected open=true or open=false' }).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

/** A reply as duty managers see it: whose, what, and whether (and how) it was dealt with. */
export interface StaffReplyView extends GuestReplyView {
  partyId: string;
  name: string;
  statusFrom: PartyStatus;
  statusTo: PartyStatus;
  /** The seq of the `guest.replied` event. */
  seq: number | null;
  handledAt: string | null;
  handledBy: string | null;
  handledByName: string | null;
  handledNote: string;
}

export interface HandleReplyResult {
  reply: StaffReplyView;
  /** The household's status after handling (changed only when `resume` took it off "needs help"). */
  partyStatus: PartyStatus;
  /** The seq of the `guest.reply_handled` event. */
  seq: number;
}
