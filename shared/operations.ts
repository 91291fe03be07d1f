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

/** A manual change to a proposal: this household to that hotel and/or onto that vehicle. */
export const planMoveSchema = z
  .object({
    partyId: z.string().trim().min(1, 'expected a household id'),
    hotelId: z.string().trim().min(1).optional(),
    vehicleId: z.string().trim().min(1).optional(),
  })
  .refine((m) => m.hotelId || m.vehicleId, { message: 'say where to: a hotelId, a vehicleId or both', path: ['hotelId'] });
export type PlanMove = z.input<typeof planMoveSchema>;
