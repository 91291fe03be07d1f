/**
 * The few words that fill placeholders (perk names, vehicle kinds, "to be confirmed") in each
 * language we write to guests in, and how times are shown: local to the incident, 24-hour.
 */
import type { Language } from '../../shared/messages.js';

const WORDS: Record<Language, Record<string, string>> = {
  en: {
    open_bar: 'open bar', meals: 'meals', parking: 'parking', laundry: 'laundry', none: 'nothing extra', tbc: 'to be confirmed',
    coach: 'coach', minibus: 'minibus', taxi: 'taxi', accessible_taxi: 'accessible taxi', staff: 'any member of staff', assigned: 'to be assigned',
  },
  pl: {
    open_bar: 'otwarty bar', meals: 'posiłki', parking: 'parking', laundry: 'pralnia', none: 'brak dodatków', tbc: 'do potwierdzenia',
    coach: 'autokar', minibus: 'minibus', taxi: 'taksówka', accessible_taxi: 'taksówka dla wózków', staff: 'obsługa parku', assigned: 'do przydzielenia',
  },
  de: {
    open_bar: 'offene Bar', meals: 'Mahlzeiten', parking: 'Parkplatz', laundry: 'Wäscherei', none: 'keine Extras', tbc: 'wird noch bekanntgegeben',
    coach: 'Reisebus', minibus: 'Kleinbus', taxi: 'Taxi', accessible_taxi: 'rollstuhlgerechtes Taxi', staff: 'das Personal', assigned: 'wird noch zugeteilt',
  },
};

export function word(lang: Language, key: string): string {
  return WORDS[lang][key] ?? WORDS.en[key] ?? key.replace(/_/g, ' ');
}

export function perksText(lang: Language, perks: { kind: string; note?: string }[]): string {
  if (!perks.length) return word(lang, 'none');
  return perks.map((p) => `${word(lang, p.kind)}${p.note ? ` (${p.note})` : ''}`).join(', ');
}

export function vehicleText(lang: Language, v: { id: string; kind: string; provider: string } | null): string {
  if (!v) return word(lang, 'assigned');
  return `${word(lang, v.kind)} ${v.id}${v.provider ? ` (${v.provider})` : ''}`;
}

/** "21:40" in the incident's time zone; the date too when it is not today there. */
export function timeText(lang: Language, at: Date | null, timezone: string, now = new Date()): string {
  if (!at) return word(lang, 'tbc');
  const opts: Intl.DateTimeFormatOptions = { timeZone: timezone, hour: '2-digit', minute: '2-digit', hour12: false };
  const day = (d: Date) => d.toLocaleDateString('en-GB', { timeZone: timezone });
  const time = at.toLocaleTimeString(lang === 'en' ? 'en-GB' : lang, opts);
  if (day(at) === day(now)) return time;
  return `${at.toLocaleDateString(lang === 'en' ? 'en-GB' : lang, { timeZone: timezone, day: 'numeric', month: 'short' })} ${time}`;
}

export function roomsText(roomNumbers: Record<string, string[]> | null | undefined, lang: Language): string {
  const all = Object.values(roomNumbers ?? {}).flat();
  return all.length ? all.join(', ') : word(lang, 'tbc');
}
