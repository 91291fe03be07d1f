/** Reception contracts: check a household in (whole or guest by guest), mark no-show, check out. */
import { z } from 'zod';
import { entityIdSchema, lineSchema, textSchema } from './fields.js';

const partyId = entityIdSchema;

/**
 * A room number as one room is known, however it was typed: compatibility forms folded (NFKC: a
 * phone keyboard's full-width "１０１" is 101), invisible format characters dropped (a zero-width
 * space pasted from a booking system), spaces trimmed and collapsed, letters in capitals, leading
 * zeros of an all-digit number dropped ("07" and "7", "12a" and "12A" are one room), so that a room
 * already given is recognised, and no two households are given one room under two spellings that
 * look alike on the rooming list.
 */
export function canonicalRoomNumber(typed: string): string {
  const s = typed
    .normalize('NFKC')
    .replace(/\p{Cf}/gu, '')
    .trim()
    .replace(/\s+/g, ' ')
    .toUpperCase();
  return /^\d+$/.test(s) ? s.replace(/^0+(?=\d)/, '') : s;
}
/** Typed by reception and printed on rooming lists and passes: one line. */
const roomNumber = lineSchema(20)
  .min(1, 'room number cannot be empty')
  .transform(canonicalRoomNumber)
  .refine((s) => s.length > 0, 'room number cannot be empty');

export const checkInSchema = z.object({
  partyId,
  /** Room numbers per room type, e.g. { "double": ["12"], "family": ["30"] }. */
  roomNumbers: z
    .record(
      lineSchema(100).min(1, 'expected a room type name'),
      z
        .array(roomNumber)
        .min(1)
        .transform((list) => [...new Set(list)]),
    )
    .default({}),
  /** Only these guests arrive now (part of a family arriving later); omitted = everyone. */
  guestIds: z.array(z.string().min(1)).min(1, 'name at least one guest, or leave guestIds out for the whole household').optional(),
  /** Optional: each guest's own room number (guest id -> room), when a family spreads over rooms. */
  guestRooms: z.record(z.string().min(1).max(100), roomNumber).optional(),
});
export type CheckInRequest = z.input<typeof checkInSchema>;

export const noShowSchema = z.object({
  partyId,
  kind: z.enum(['no_show', 'went_elsewhere'], { message: 'expected no_show or went_elsewhere' }),
  note: textSchema(500).optional(),
});

export const checkOutSchema = z.object({ partyId });
