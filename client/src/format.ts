/** Display helpers: numbers, dates and labels in the words a duty manager uses. */
import { nounFor } from '../../shared/plural.js';
import { dateFormat, numberFormat } from '../../shared/intl.js';

const counts = numberFormat('en-GB');

export function formatCount(n: number): string {
  return counts.format(n);
}

/** `iso` shown with `options` in `timeZone` (the browser's own zone when that one is unknown). */
function formatIn(iso: string, options: Intl.DateTimeFormatOptions, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  try {
    return dateFormat('en-GB', { ...options, timeZone }).format(d);
  } catch {
    return dateFormat('en-GB', options).format(d);
  }
}

/** `Sat 28 Nov 2026, 20:15` in the incident's timezone when known. */
export function formatDateTime(iso: string, timeZone: string): string {
  return formatIn(iso, { dateStyle: 'medium', timeStyle: 'short' }, timeZone);
}

/** `22:40` in the incident's timezone when known. */
export function formatTime(iso: string, timeZone: string): string {
  return formatIn(iso, { hour: '2-digit', minute: '2-digit' }, timeZone);
}

/** Money on screen: the one formatter is shared/ledger.ts's. */
export { formatMoneyMinor } from '../../shared/ledger.js';

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${nounFor(n, one, many)}`;
}

const ROLE_LABELS: Record<string, string> = {
  admin: 'Administrator',
  duty_manager: 'Duty manager',
  reception: 'Hotel reception',
  insurer: 'Insurer',
};

export function roleLabel(role: string): string {
  return ROLE_LABELS[role] ?? role;
}

/** `accessible_taxi` -> `accessible taxi` */
export function humanize(word: string): string {
  return word.replace(/_/g, ' ');
}

/**
 * Money as people type it -> minor units: "12", "12.5", "£12.50", "1,200.00", and with a decimal
 * comma "12,50" or "1.200,50". A comma followed by exactly three digits groups thousands, one or
 * two digits after a comma or dot are pence; dots group thousands only before a decimal comma
 * ("12.345" is refused, not read as twelve thousand). Anything else (0, negative, 3 decimals) is an
 * error in plain words.
 */
export function parseMoneyMinor(text: string): { minor: number } | { error: string } {
  const t = text.trim().replace(/^£\s*/, '').replace(/\s+/g, '');
  if (!t) return { error: 'Enter the amount in pounds, e.g. 12.50' };
  let normal: string | null = null;
  if (/^\d{1,7}([.,]\d{1,2})?$/.test(t)) normal = t.replace(',', '.');
  else if (/^\d{1,3}(,\d{3})+(\.\d{1,2})?$/.test(t)) normal = t.replace(/,/g, '');
  else if (/^\d{1,3}(\.\d{3})+,\d{1,2}$/.test(t)) normal = t.replace(/\./g, '').replace(',', '.');
  const m = normal ? /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(normal) : null;
  if (!m) return { error: 'Enter pounds and pence as a number, e.g. 12.50 or 12,50' };
  const minor = Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
  if (minor <= 0) return { error: 'The amount must be more than £0.00' };
  return { minor };
}
