/**
 * Fields with a meaning, validated the same way at every door (scenario import, guest CSV, edit
 * routes, route params, the sender): a field that reaches the database has been checked to mean
 * what it says, so no background job meets a time zone it cannot format or an email field that
 * addresses two people. Pure; used by server and client.
 */
import { z } from 'zod';

/**
 * Never in a one-line field: control characters (C0, DEL, C1), the Unicode line and paragraph
 * separators, and the invisible bidirectional overrides, embeddings and isolates that make text
 * display other than it reads (a name shown reversed on the console, a PDF or a CSV). Names written
 * right to left need none of them. Notes (`textSchema`) refuse the same but line breaks.
 */
const BIDI_CONTROLS = '\u202a-\u202e\u2066-\u2069';
/**
 * Half of a surrogate pair with no other half (JSON's `"\ud800"`): no character at all. It cannot be
 * stored as UTF-8, so the database keeps U+FFFD in its place, and anything hashed or compared before
 * the write (a ledger line's hash, a key) no longer matches what was stored.
 */
export const LONE_SURROGATE = /\p{Cs}/u;
export const LONE_SURROGATE_MESSAGE = 'expected text, not half of a character (a lone UTF-16 surrogate)';
/** The same text as it is stored: each lone surrogate becomes U+FFFD, as UTF-8 encoding makes it. */
export function asStored(s: string): string {
  return LONE_SURROGATE.test(s) ? s.replace(/\p{Cs}/gu, '\ufffd') : s;
}

const CONTROL = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029${BIDI_CONTROLS}]`);

/** True for an IANA time zone name this runtime can format in ("Europe/London", "UTC"); never an offset. */
const zonesSeen = new Map<string, boolean>();
export function isTimeZone(tz: unknown): tz is string {
  if (typeof tz !== 'string' || tz.length > 64 || !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(tz)) return false;
  // Building a formatter is the only portable test, and it is slow: each zone is tried once.
  let known = zonesSeen.get(tz);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: tz });
      known = true;
    } catch {
      known = false;
    }
    if (zonesSeen.size < 1000) zonesSeen.set(tz, known);
  }
  return known;
}

export function zoneOrUtc(tz: unknown): string {
  return isTimeZone(tz) ? tz : 'UTC';
}

let currencies: Set<string> | null = null;
/** True for an ISO 4217 code this runtime knows (GBP, EUR, USD, ...), not merely three capitals. */
export function isCurrencyCode(code: unknown): code is string {
  if (typeof code !== 'string' || !/^[A-Z]{3}$/.test(code)) return false;
  if (!currencies) {
    const supported = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
    currencies = new Set(supported ? supported('currency') : []);
  }
  // A runtime without the list accepts any well-formed code.
  return currencies.size === 0 || currencies.has(code);
}

export const timeZoneSchema = z.string().trim().refine(isTimeZone, 'expected an IANA time zone such as Europe/London');
export const currencySchema = z.string().trim().refine(isCurrencyCode, 'expected a three-letter ISO currency code such as GBP');

/** Earliest and latest instants accepted anywhere (incident start, vehicle availability, perk dates). */
export const EARLIEST_YEAR = 1970;
export const LATEST_YEAR = 2199;

/** ISO-8601 timestamp that must carry an offset (`Z` or `+01:00`) and fall in a plausible year. */
export const isoWithOffset = z.iso
  .datetime({ offset: true, message: 'expected an ISO-8601 time with an offset, e.g. 2026-03-01T20:00:00+00:00' })
  .refine((s) => {
    const y = new Date(s).getUTCFullYear();
    // Not a time at all: the format's own message says so, once.
    return !Number.isFinite(y) || (y >= EARLIEST_YEAR && y <= LATEST_YEAR);
  }, `expected a date between ${EARLIEST_YEAR} and ${LATEST_YEAR}`);

/**
 * Ids of sites, households, guests, hotels and vehicles: what the import accepts is exactly what
 * a route parameter accepts. Up to 100 characters; letters, digits, space and - _ . ( ), starting
 * with a letter or digit. Not ":" (message keys are built with it), "/", "#", "?", "+" or "%" (they
 * mean something in the console's links and in URLs), nor any control character.
 */
export const ENTITY_ID_MAX = 100;
const ENTITY_ID = /^[\p{L}\p{N}][\p{L}\p{N} _.()-]*$/u;
export const entityIdSchema = z
  .string()
  .trim()
  .min(1, 'expected a non-empty id')
  .max(ENTITY_ID_MAX, `expected an id of at most ${ENTITY_ID_MAX} characters`)
  .regex(ENTITY_ID, 'expected an id of letters, digits, spaces and - _ . ( ), starting with a letter or digit');

/** One line of text: no line breaks or control characters, at most `max` characters. */
export function lineSchema(max: number) {
  return z
    .string()
    .trim()
    .max(max, `expected at most ${max} characters`)
    .refine((s) => !CONTROL.test(s), 'expected one line of text, without line breaks or control characters')
    .refine((s) => !LONE_SURROGATE.test(s), LONE_SURROGATE_MESSAGE);
}

const TEXT_CONTROL = new RegExp(`[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f${BIDI_CONTROLS}]`);

/**
 * Free text (notes, comments, message bodies): line breaks and tabs allowed, other control
 * characters and bidi overrides not. `trim` drops surrounding whitespace before the length check.
 */
export function textSchema(max: number, opts: { trim?: boolean } = {}) {
  return (opts.trim ? z.string().trim() : z.string())
    .max(max, `expected at most ${max} characters`)
    .refine((s) => !TEXT_CONTROL.test(s), 'expected text without control characters')
    .refine((s) => !LONE_SURROGATE.test(s), LONE_SURROGATE_MESSAGE);
}

const EMAIL_LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const EMAIL_DOMAIN = /^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/**
 * Exactly one bare email address ("ada@example.org"): no list, no display name, no comment, no
 * line break. An email field is where a status link (a credential) is sent, so "a@x.org,
 * b@y.org", "Ada <a@x.org>" or a CRLF "Bcc:" must never reach the mail transport.
 */
export function isEmailAddress(s: unknown): s is string {
  if (typeof s !== 'string' || s.length > 254) return false;
  const at = s.lastIndexOf('@');
  if (at <= 0 || at !== s.indexOf('@')) return false;
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  return local.length <= 64 && EMAIL_LOCAL.test(local) && domain.length <= 253 && EMAIL_DOMAIN.test(domain);
}

/**
 * Exactly one telephone number: an optional leading +, then digits with spaces, dots, hyphens or
 * brackets between them; 6 to 15 digits (E.164 allows 15). No list, no letters, no extension.
 */
export function isPhoneNumber(s: unknown): s is string {
  if (typeof s !== 'string' || s.length > 32) return false;
  if (!/^\+?[0-9(][0-9 .()-]*[0-9]$/.test(s)) return false;
  const digits = s.replace(/\D/g, '').length;
  return digits >= 6 && digits <= 15;
}

/** The digits of a number, with its leading + kept: what is handed to an SMS gateway. */
export function normalisePhone(s: string): string {
  return (s.trim().startsWith('+') ? '+' : '') + s.replace(/\D/g, '');
}

/** An optional email: '' for none, otherwise exactly one address. */
export const emailFieldSchema = z
  .string()
  .trim()
  .refine((s) => s === '' || isEmailAddress(s), 'expected one email address such as name@example.org (no lists, names or line breaks), or nothing');
/** An optional phone: '' for none, otherwise exactly one number. */
export const phoneFieldSchema = z
  .string()
  .trim()
  .refine((s) => s === '' || isPhoneNumber(s), 'expected one telephone number such as +44 7700 900123 (no lists, letters or line breaks), or nothing');
