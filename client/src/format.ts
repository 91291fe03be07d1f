/** Display helpers: numbers, dates and labels in the words a duty manager uses. */

const numberFormat = new Intl.NumberFormat('en-GB');

export function formatCount(n: number): string {
  return numberFormat.format(n);
}

/** `Sat 28 Nov 2026, 20:15` in the incident's timezone when known. */
export function formatDateTime(iso: string, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  try {
    return new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(d);
  } catch {
    return new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(d);
  }
}

export function formatMoneyMinor(minor: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(minor / 100);
  } catch {
    return `${(minor / 100).toFixed(2)} ${currency}`;
  }
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
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
