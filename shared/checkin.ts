/** Reception contracts: check a household in (whole or guest by guest), mark no-show, check out. */
import { z } from 'zod';
import { entityIdSchema } from './fields.js';

const partyId = entityIdSchema;

export const checkInSchema = z.object({
  partyId,
  /** Room numbers per room type, e.g. { "double": ["12"], "family": ["30"] }. */
  roomNumbers: z.record(z.string().min(1), z.array(z.string().trim().min(1, 'room number cannot be empty').max(20)).min(1)).default({}),
  /** Only these guests arrive now (part of a family arriving later); omitted = everyone. */
  guestIds: z.array(z.string().min(1)).min(1, 'name at least one guest, or leave guestIds out for the whole household').optional(),
  /** Optional: each guest's own room number (guest id -> room), when a family spreads over rooms. */
  guestRooms: z.record(z.string().min(1).max(100), z.string().trim().min(1, 'room number cannot be empty').max(20)).optional(),
});
export type CheckInRequest = z.input<typeof checkInSchema>;

export const noShowSchema = z.object({
  partyId,
  kind: z.enum(['no_show', 'went_elsewhere'], { message: 'expected no_show or went_elsewhere' }),
  note: z.string().max(500).optional(),
});

export const checkOutSchema = z.object({ partyId });
