/** Finding a household fast: search by name, unit or pass code; filter by status and need. */
import type { IncidentState } from '../../../shared/api.js';
import { needsOf } from '../../../shared/whereabouts.js';

export type Party = IncidentState['parties'][number];

export interface HouseholdFilter {
  query: string;
  /** '' for any status. */
  status: string;
  /** '' for any need; 'any' for households with at least one need. */
  need: string;
  /** '' for any site. */
  siteId?: string;
  /** '' for any hotel; 'none' for households with no hotel. */
  hotelId?: string;
  /** '' for any; a whereabouts state or 'split' (members in different places). */
  where?: string;
  /** 'open': only households named by an open exception. */
  exception?: '' | 'open';
}

export const EMPTY_FILTER: HouseholdFilter = { query: '', status: '', need: '', siteId: '', hotelId: '', where: '', exception: '' };

const fold = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');

/** A household as rows show it: name, unit and pass code, so two of the same name are told apart. */
export function householdLabel(p: Pick<Party, 'name' | 'unit' | 'passCode'>): string {
  return `${p.name} (${[p.unit, p.passCode].filter(Boolean).join(', ')})`;
}

const digits = (s: string) => s.replace(/\D/g, '');

/** The guests whose name matches every word of the query (to show where that person is). */
export function matchingGuests(p: Party, query: string): Party['guests'] {
  const q = fold(query.trim());
  if (!q) return [];
  return p.guests.filter((g) => q.split(/\s+/).every((w) => fold(g.name).includes(w)));
}

export function matchesHousehold(p: Party, f: HouseholdFilter, flagged?: ReadonlySet<string>): boolean {
  if (f.status && p.status !== f.status) return false;
  if (f.siteId && p.siteId !== f.siteId) return false;
  if (f.hotelId && (f.hotelId === 'none' ? p.hotelId !== null : p.hotelId !== f.hotelId)) return false;
  if (f.where && (p.whereabouts?.state ?? 'waiting') !== f.where) return false;
  if (f.exception === 'open' && !flagged?.has(p.id)) return false;
  if (f.need) {
    const needs = needsOf(p);
    if (f.need === 'any' ? needs.length === 0 : !needs.includes(f.need)) return false;
  }
  const q = fold(f.query.trim());
  if (!q) return true;
  const code = q.replace(/[\s-]/g, '');
  if (fold(p.passCode).replace(/[\s-]/g, '') === code) return true;
  if (fold(p.unit) === q || fold(p.id) === q) return true;
  // A phone number, however it is typed: the last 6+ digits are enough.
  const d = digits(q);
  if (d.length >= 6 && d.length === q.replace(/[\s()+-]/g, '').length && p.phone && digits(p.phone).endsWith(d.replace(/^0+/, ''))) return true;
  return q
    .split(/\s+/)
    .every(
      (word) =>
        fold(p.name).includes(word) || fold(p.unit).includes(word) || p.guests.some((g) => fold(g.name).includes(word)) || fold(p.passCode).includes(word),
    );
}

/** Households matching the filter, exact pass-code/unit hits first, then by name. */
export function filterHouseholds(parties: readonly Party[], f: HouseholdFilter, flagged?: ReadonlySet<string>): Party[] {
  const q = fold(f.query.trim()).replace(/[\s-]/g, '');
  const exact = (p: Party) => (q && (fold(p.passCode).replace(/[\s-]/g, '') === q || fold(p.unit) === q) ? 0 : 1);
  return parties.filter((p) => matchesHousehold(p, f, flagged)).sort((a, b) => exact(a) - exact(b) || a.name.localeCompare(b.name));
}

/** Distinct statuses and needs present, for the filter menus. */
export function filterOptions(parties: readonly Party[]): { statuses: string[]; needs: string[] } {
  const statuses = new Set<string>();
  const needs = new Set<string>();
  // needsOf(p) per household, inlined: at 10,000 guests a set and a sort per household was most of the panel's first render.
  for (const p of parties) {
    statuses.add(p.status);
    for (const n of p.needs) needs.add(n);
    for (const g of p.guests) {
      for (const n of g.needs) needs.add(n);
      if (g.age === 'infant') needs.add('infant');
    }
  }
  return { statuses: [...statuses].sort(), needs: [...needs].sort() };
}
