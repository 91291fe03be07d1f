/**
 * A hotel's rooming list: every household placed there, with its guests, rooms, needs, notes and
 * the vehicle bringing it. The same value feeds the CSV, the PDF and the email to the front desk;
 * the pure functions here (rows for the CSV, what changed since the last list sent) have no I/O.
 */
import { z } from 'zod';
import { dateFormat } from './intl.js';
import { WHEREABOUTS_LABEL, type Whereabouts } from './whereabouts.js';

export const ROOMING_FORMATS = ['csv', 'pdf'] as const;
export const roomingQuerySchema = z.object({
  format: z.enum(ROOMING_FORMATS, { message: 'expected format=csv or format=pdf' }).default('csv'),
});

export interface RoomingGuest {
  id: string;
  name: string;
  age: string;
  needs: string[];
  roomNumber: string | null;
  /** Where this person is now: a member missing or gone their own way is not in the room. */
  whereabouts: Whereabouts;
}

export interface RoomingHousehold {
  partyId: string;
  name: string;
  unit: string;
  passCode: string;
  phone: string;
  notes: string;
  needs: string[];
  /** planned (on the way) or checked_in. */
  status: string;
  rooms: { type: string; count: number }[];
  roomNumbers: string[];
  vehicle: { id: string; kind: string; provider: string } | null;
  departAt: string | null;
  arrivalAt: string | null;
  guests: RoomingGuest[];
}

export interface RoomingList {
  incident: { id: string; name: string; timezone: string; helpline: string };
  hotel: { id: string; name: string; address: string; phone: string; email: string };
  generatedAt: string;
  /** Event sequence number the list reflects. */
  seq: number;
  households: RoomingHousehold[];
}

export const ROOMING_COLUMNS = [
  'Household',
  'Unit',
  'Pass code',
  'Guest',
  'Age',
  'Needs',
  'Notes',
  'Room types',
  'Room numbers',
  'Arrival vehicle',
  'Arrival time',
  'Phone',
  'Where now',
] as const;

/** "2 double, 1 family" */
export function roomsLabel(rooms: { type: string; count: number }[]): string {
  return rooms.map((r) => `${r.count} ${r.type}`).join(', ');
}

/** "coach V01 (Coastal Coaches)" */
export function vehicleLabel(v: RoomingHousehold['vehicle']): string {
  return v ? `${v.kind.replace(/_/g, ' ')} ${v.id}${v.provider ? ` (${v.provider})` : ''}` : '';
}

/** "Sat 5 Dec, 21:31" in the incident's time zone ('' when unknown). */
export function localTime(iso: string | null, timeZone: string): string {
  if (!iso) return '';
  try {
    return dateFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone }).format(new Date(iso));
  } catch {
    return iso;
  }
}

const needsText = (needs: string[]) => needs.map((n) => n.replace(/_/g, ' ')).join(', ');

/** The CSV's rows as plain strings, one per guest, the household's columns repeated. */
export function roomingRows(list: RoomingList): string[][] {
  const out: string[][] = [];
  for (const h of list.households) {
    for (const g of h.guests) {
      out.push([
        h.name,
        h.unit,
        h.passCode,
        g.name,
        g.age,
        needsText([...new Set([...g.needs, ...h.needs])]),
        h.notes,
        roomsLabel(h.rooms),
        g.roomNumber ?? h.roomNumbers.join('; '),
        vehicleLabel(h.vehicle),
        localTime(h.arrivalAt, list.incident.timezone),
        h.phone,
        WHEREABOUTS_LABEL[g.whereabouts],
      ]);
    }
  }
  return out;
}

/** Rooms of each type across the list, e.g. [{ type: 'double', count: 6 }]. */
export function roomTotals(list: RoomingList): { type: string; count: number }[] {
  const by = new Map<string, number>();
  for (const h of list.households) for (const r of h.rooms) by.set(r.type, (by.get(r.type) ?? 0) + r.count);
  return [...by].map(([type, count]) => ({ type, count })).sort((a, b) => a.type.localeCompare(b.type));
}

/** What a hotel would want re-sent about: everything but check-in progress (reception did that itself). */
export interface RoomingSnapshot {
  partyId: string;
  name: string;
  unit: string;
  passCode: string;
  phone: string;
  notes: string;
  needs: string[];
  rooms: string;
  vehicle: string;
  /** Arrival to the minute, so a recomputed second does not count as a change. */
  arrivalAt: string;
  guests: string[];
}

export function snapshotOf(list: RoomingList): RoomingSnapshot[] {
  return list.households.map((h) => ({
    partyId: h.partyId,
    name: h.name,
    unit: h.unit,
    passCode: h.passCode,
    phone: h.phone,
    notes: h.notes,
    needs: [...h.needs].sort(),
    rooms: roomsLabel(h.rooms),
    vehicle: vehicleLabel(h.vehicle),
    arrivalAt: h.arrivalAt ? h.arrivalAt.slice(0, 16) : '',
    guests: h.guests.map((g) => `${g.name} (${g.age}${g.needs.length ? `; ${needsText(g.needs)}` : ''})`),
  }));
}

const SNAPSHOT_FIELDS: { key: keyof RoomingSnapshot; label: string }[] = [
  { key: 'name', label: 'name' },
  { key: 'unit', label: 'unit' },
  { key: 'guests', label: 'guests' },
  { key: 'needs', label: 'needs' },
  { key: 'notes', label: 'notes' },
  { key: 'rooms', label: 'rooms' },
  { key: 'vehicle', label: 'vehicle' },
  { key: 'arrivalAt', label: 'arrival time' },
  { key: 'phone', label: 'phone' },
  { key: 'passCode', label: 'pass code' },
];

export type RoomingMark = { kind: 'new' } | { kind: 'changed'; fields: string[] } | { kind: 'same' };

export interface RoomingChanges {
  /** Per household still on the list. */
  marks: Map<string, RoomingMark>;
  /** Households on the previous list and no longer on this one. */
  removed: RoomingSnapshot[];
  any: boolean;
}

/** What changed from the list last sent (`previous` null: the first list, nothing is marked). */
export function roomingChanges(previous: RoomingSnapshot[] | null, next: RoomingSnapshot[]): RoomingChanges {
  const marks = new Map<string, RoomingMark>();
  if (!previous) {
    for (const h of next) marks.set(h.partyId, { kind: 'same' });
    return { marks, removed: [], any: true };
  }
  const before = new Map(previous.map((h) => [h.partyId, h]));
  let any = false;
  for (const h of next) {
    const old = before.get(h.partyId);
    if (!old) {
      marks.set(h.partyId, { kind: 'new' });
      any = true;
      continue;
    }
    const fields = SNAPSHOT_FIELDS.filter((f) => JSON.stringify(old[f.key]) !== JSON.stringify(h[f.key])).map((f) => f.label);
    marks.set(h.partyId, fields.length ? { kind: 'changed', fields } : { kind: 'same' });
    if (fields.length) any = true;
  }
  const still = new Set(next.map((h) => h.partyId));
  const removed = previous.filter((h) => !still.has(h.partyId));
  return { marks, removed, any: any || removed.length > 0 };
}
