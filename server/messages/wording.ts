/**
 * The few words that fill placeholders (perk names, vehicle kinds, "to be confirmed") in each
 * language we write to guests in, and how times are shown: local to the incident, 24-hour.
 */
import { roomNumbersText } from '../../shared/room-numbers.js';
import type { Language } from '../../shared/messages.js';
import { zoneOrUtc } from '../../shared/fields.js';
import { dateFormat } from '../../shared/intl.js';

const WORDS: Record<Language, Record<string, string>> = {
  en: {
    open_bar: 'open bar',
    meals: 'meals',
    parking: 'parking',
    laundry: 'laundry',
    none: 'nothing extra',
    tbc: 'to be confirmed',
    coach: 'coach',
    minibus: 'minibus',
    taxi: 'taxi',
    accessible_taxi: 'accessible taxi',
    staff: 'any member of staff',
    assigned: 'to be assigned',
    helpline: 'Helpline',
    hotelPhone: 'Hotel',
  },
  pl: {
    open_bar: 'otwarty bar',
    meals: 'posiłki',
    parking: 'parking',
    laundry: 'pralnia',
    none: 'brak dodatków',
    tbc: 'do potwierdzenia',
    coach: 'autokar',
    minibus: 'minibus',
    taxi: 'taksówka',
    accessible_taxi: 'taksówka dla wózków',
    staff: 'obsługa parku',
    assigned: 'do przydzielenia',
    helpline: 'Infolinia',
    hotelPhone: 'Hotel',
  },
  de: {
    open_bar: 'offene Bar',
    meals: 'Mahlzeiten',
    parking: 'Parkplatz',
    laundry: 'Wäscherei',
    none: 'keine Extras',
    tbc: 'wird noch bekanntgegeben',
    coach: 'Reisebus',
    minibus: 'Kleinbus',
    taxi: 'Taxi',
    accessible_taxi: 'rollstuhlgerechtes Taxi',
    staff: 'das Personal',
    assigned: 'wird noch zugeteilt',
    helpline: 'Hotline',
    hotelPhone: 'Hotel',
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
/** The formatter of one shape, in a locale and zone (kept: shared/intl.ts). */
function formatter(locale: string, timeZone: string, shape: 'time' | 'day' | 'dayMonth'): Intl.DateTimeFormat {
  return dateFormat(
    locale,
    shape === 'time'
      ? { timeZone, hour: '2-digit', minute: '2-digit', hour12: false }
      : shape === 'day'
        ? { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }
        : { timeZone, day: 'numeric', month: 'short' },
  );
}

export function timeText(lang: Language, at: Date | null, zone: string, now = new Date()): string {
  if (!at) return word(lang, 'tbc');
  const timezone = zoneOrUtc(zone);
  const locale = lang === 'en' ? 'en-GB' : lang;
  const day = formatter('en-GB', timezone, 'day');
  const time = formatter(locale, timezone, 'time').format(at);
  if (day.format(at) === day.format(now)) return time;
  return `${formatter(locale, timezone, 'dayMonth').format(at)} ${time}`;
}

export function roomsText(roomNumbers: Record<string, string[]> | null | undefined, lang: Language): string {
  const all = roomNumbersText(roomNumbers);
  return all || word(lang, 'tbc');
}

/** Messages that say where a household goes, on which ride and when: a later one replaces an earlier one. */
export const JOURNEY_TEMPLATES: ReadonlySet<string> = new Set(['assigned', 're_routed', 'delayed', 'departing_soon']);

/** The number guests are told to ring: the incident's helpline, else the one in message settings. */
export function helplineOf(incidentHelpline: string | null | undefined, settingsPhone: string): string | null {
  return incidentHelpline || settingsPhone || null;
}

/** The last line of every guest message: whom to ring, the helpline and the hotel, by number. */
export function contactLine(lang: Language, helpline: string | null, hotel: { name: string; phone: string } | null): string {
  const parts: string[] = [];
  if (helpline) parts.push(`${word(lang, 'helpline')}: ${helpline}`);
  if (hotel?.phone) parts.push(`${word(lang, 'hotelPhone')} ${hotel.name}: ${hotel.phone}`);
  return parts.length ? parts.join(' · ') : word(lang, 'staff');
}
