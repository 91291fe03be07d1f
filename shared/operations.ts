/** Request contracts for the day-to-day changes duty managers make while on the phone. */
import { z } from 'zod';
import { hotelSchema, perkSchema, roomTypeSchema, vehicleSchema } from './scenario.js';

/** Record a new hotel offer (same fields as a scenario hotel). */
export const hotelOfferSchema = hotelSchema;
export type HotelOffer = z.input<typeof hotelOfferSchema>;

/** Change what a hotel offers: room counts (up or down), rates, pets, perks. Omitted fields stay. */
export const hotelUpdateSchema = z
  .object({
    petsAllowed: z.boolean().optional(),
    perks: z.array(perkSchema).optional(),
    roomTypes: z.array(roomTypeSchema).optional(),
  })
  .refine((v) => v.petsAllowed !== undefined || v.perks !== undefined || v.roomTypes !== undefined, { message: 'nothing to change: send petsAllowed, perks or roomTypes' });
export type HotelUpdate = z.input<typeof hotelUpdateSchema>;

export const vehicleOfferSchema = vehicleSchema;

export const vehicleUpdateSchema = z.object({
  status: z.enum(['in_service', 'out_of_service'], { message: 'expected in_service or out_of_service' }),
  reason: z.string().max(500).optional(),
});

/** Statuses a duty manager (or the guest's own link) may set directly. */
export const partyStatusUpdateSchema = z.object({
  status: z.enum(['self_evacuated', 'needs_help', 'waiting', 'no_show'], { message: 'expected self_evacuated, needs_help, waiting or no_show' }),
  note: z.string().max(1000).optional(),
});

/** A manual change: send a household to another hotel (and optionally pin it there). */
export const partyMoveSchema = z.object({
  hotelId: z.string().min(1, 'expected a hotel id'),
  pin: z.boolean().default(true),
});
