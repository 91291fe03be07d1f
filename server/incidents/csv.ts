/**
 * Guest lists as a resort's booking system exports them: one row per guest, rows sharing a
 * booking reference form one household. Every bad row is reported by its line number and nothing
 * is imported until the whole file is clean.
 */
import { parse, type Info } from 'csv-parse/sync';
import { GUEST_AGES, partySchema, type Party } from '../../shared/scenario.js';
import { zodFieldErrors, type FieldError } from '../../shared/errors.js';

export const CSV_COLUMNS = ['booking_ref', 'unit', 'guest_name', 'age_group', 'needs', 'phone', 'email', 'pets', 'notes', 'muster_point'] as const;
const REQUIRED = ['booking_ref', 'guest_name', 'age_group'] as const;
const YES = new Set(['yes', 'y', 'true', '1']);
const NO = new Set(['no', 'n', 'false', '0', '']);
const PARTY_NEEDS = new Set(['pets']);

export interface CsvSite {
  id: string;
  name: string;
  kind: string;
}

export type CsvResult = { ok: true; parties: Party[] } | { ok: false; errors: FieldError[] };

/** Parse a guest-list CSV into households; `sites` resolves the muster_point column by id or name. */
export function parseGuestCsv(text: string, sites: readonly CsvSite[]): CsvResult {
  let records: { record: string[]; info: Info }[];
  try {
    // `info` gives each record's line in the file, so blank lines do not shift the numbers we report.
    // (csv-parse's types do not model `info: true`, which wraps each record.)
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true, info: true }) as unknown as {
      record: string[];
      info: Info;
    }[];
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    return { ok: false, errors: [{ path: line ? `line ${line}` : 'file', message: `not valid CSV: ${(e as Error).message}` }] };
  }
  const header = (records[0]?.record ?? []).map((h) => h.toLowerCase().replace(/\s+/g, '_'));
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length) return { ok: false, errors: [{ path: 'line 1', message: `missing column(s) ${missing.join(', ')}; expected ${CSV_COLUMNS.join(',')}` }] };
  // Everything per row is looked up, never searched: a file of tens of thousands of rows (or of
  // columns, or an incident of thousands of sites) must not cost rows x anything. Searching made a
  // 3 MB file of one booking hold the server's only thread for over five minutes.
  const index = new Map<string, number>();
  header.forEach((h, i) => index.has(h) || index.set(h, i));
  const col = (row: string[], name: string) => row[index.get(name) ?? -1] ?? '';

  const musters = sites.filter((s) => s.kind === 'muster');
  const defaultSite = musters[0] ?? sites[0];
  const siteById = new Map(sites.map((s) => [s.id, s]));
  const siteByName = new Map<string, CsvSite>();
  for (const s of sites) if (!siteByName.has(s.name.toLowerCase())) siteByName.set(s.name.toLowerCase(), s);
  const siteNames = sites.map((s) => s.name).join(', ');
  const errors: FieldError[] = [];
  const byRef = new Map<string, { party: Party; line: number; notes: Set<string> }>();
  records.slice(1).forEach(({ record: row, info }) => {
    const line = info.lines;
    const errorsBefore = errors.length;
    const at = (field: string, message: string) => errors.push({ path: `line ${line}: ${field}`, message });
    const ref = col(row, 'booking_ref');
    const age = col(row, 'age_group').toLowerCase();
    const pets = col(row, 'pets').toLowerCase();
    const musterName = col(row, 'muster_point');
    if (!ref) at('booking_ref', 'expected a booking reference');
    if (!col(row, 'guest_name')) at('guest_name', 'expected the guest name');
    if (!(GUEST_AGES as readonly string[]).includes(age)) at('age_group', `expected adult, child or infant, got "${col(row, 'age_group')}"`);
    if (!YES.has(pets) && !NO.has(pets)) at('pets', `expected yes or no, got "${col(row, 'pets')}"`);
    const site = musterName ? (siteById.get(musterName) ?? siteByName.get(musterName.toLowerCase())) : defaultSite;
    if (!site) at('muster_point', musterName ? `unknown muster point "${musterName}"; expected one of ${siteNames}` : 'the incident has no muster point');
    // A bad row joins no household: its error is reported once, on its own line.
    if (!ref || !site || errors.length > errorsBefore) return;
    const needs = col(row, 'needs')
      .split(/[;|]/)
      .map((n) => n.trim().toLowerCase().replace(/\s+/g, '_'))
      .filter(Boolean);
    const guestNeeds = needs.filter((n) => !PARTY_NEEDS.has(n));
    let entry = byRef.get(ref);
    if (!entry) {
      const guestName = col(row, 'guest_name');
      entry = {
        line,
        party: {
          id: ref,
          name: guestName.split(/\s+/).pop() ?? guestName,
          unit: col(row, 'unit'),
          siteId: site.id,
          needs: [],
          notes: '',
          phone: '',
          email: '',
          guests: [],
        },
        notes: new Set(),
      };
      byRef.set(ref, entry);
    } else if (entry.party.siteId !== site.id)
      at('muster_point', `booking ${ref} is already at "${entry.party.siteId}" (line ${entry.line}); a household stays together`);
    const p = entry.party;
    if (YES.has(pets) || needs.includes('pets')) if (!p.needs.includes('pets')) p.needs.push('pets');
    p.phone ||= col(row, 'phone');
    p.email ||= col(row, 'email');
    p.unit ||= col(row, 'unit');
    const note = col(row, 'notes');
    // Joined once at the end: growing the text row by row, searching it each time, was quadratic.
    if (note) entry.notes.add(note);
    p.guests.push({ id: `${ref}-${p.guests.length + 1}`, name: col(row, 'guest_name'), age: age as Party['guests'][number]['age'], needs: guestNeeds });
  });
  for (const { party, line, notes } of byRef.values()) {
    party.notes = [...notes].join('; ');
    const r = partySchema.safeParse(party);
    if (!r.success) for (const e of zodFieldErrors(r.error)) errors.push({ path: `line ${line}: ${e.path}`, message: e.message });
  }
  if (records.length < 2) errors.push({ path: 'file', message: 'the file has a header but no guests' });
  return errors.length ? { ok: false, errors } : { ok: true, parties: [...byRef.values()].map((e) => e.party) };
}
