/**
 * Small formatting helpers shared by every seed: ids, times, and contact details that are safe to
 * publish (Ofcom drama numbers, example.org mail) so seed data can never reach a real person.
 */

/** `pad('P', 7, 4)` -> `P0007`; fixed width keeps ids sortable in exports. */
export function pad(prefix: string, n: number, width: number): string {
  return prefix + String(n).padStart(width, '0');
}

/** Digits needed to print `n`, at least `min`, so ids of a 100k scenario stay fixed width. */
export function widthFor(n: number, min = 4): number {
  return Math.max(min, String(n).length);
}

/**
 * `startedAt` + minutes, written with the same `+00:00` offset. Seeds only use UTC/GMT start
 * times, so the offset is constant and times compare as strings.
 */
export function addMinutes(isoUtc: string, minutes: number): string {
  const ms = Date.parse(isoUtc) + minutes * 60_000;
  return new Date(ms).toISOString().slice(0, 19) + '+00:00';
}

/** UK mobile in Ofcom's drama range 07700 900000-900999 (never allocated to a subscriber). */
export function dramaMobile(n: number): string {
  return '+447700900' + String(((n % 1000) + 1000) % 1000).padStart(3, '0');
}

/** UK landline in Ofcom's drama range 01632 960000-960999. */
export function dramaLandline(n: number): string {
  return '+441632960' + String(((n % 1000) + 1000) % 1000).padStart(3, '0');
}

/** ASCII, lowercase, letters only: "O'Brien" -> "obrien", "Müller" -> "muller". */
export function slug(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}
