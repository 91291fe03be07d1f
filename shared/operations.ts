/** Request contracts for the day-to-day changes duty managers make while on the phone. */
import { z } from 'zod';
import { entityIdSchema, lineSchema, textSchema } from './fields.js';
import { hotelSchema, perksSchema, roomTypesSchema, siteSchema, vehicleSchema } from './scenario.js';
import { SETTABLE_PARTY_STATUSES, VEHICLE_STATUSES } from './statuses.js';

/** Record a new hotel offer (same fields as a scenario hotel). */
export const hotelOfferSchema = hotelSchema;
export type HotelOffer = z.input<typeof hotelOfferSchema>;

/** Answer of `POST .../hotels`: the hotel recorded and the event's seq. */
export interface HotelOfferResult {
  hotelId: string;
  seq: number;
}

/**
 * Answer of `PATCH .../hotels/:hotelId`: households whose planned stay gave up its rooms (fewer
 * rooms, or rooms that no longer suit them), households on their way or checked in whose rooms no
 * longer suit them (kept, with a "Needs not met" item), and the seq.
 */
export interface HotelUpdateResult {
  hotelId: string;
  displacedPartyIds: string[];
  needsUnmetPartyIds: string[];
  seq: number;
}

/** Change what a hotel offers: room counts (up or down), rates, pets, perks. Omitted fields stay. */
export const hotelUpdateSchema = z
  .object({
    petsAllowed: z.boolean().optional(),
    perks: perksSchema.optional(),
    roomTypes: roomTypesSchema.optional(),
    /** Front desk address for rooming lists ('' removes it). */
    email: hotelSchema.shape.email.unwrap().optional(),
  })
  .refine((v) => v.petsAllowed !== undefined || v.perks !== undefined || v.roomTypes !== undefined || v.email !== undefined, {
    message: 'nothing to change: send petsAllowed, perks, roomTypes or email',
  });
export type HotelUpdate = z.input<typeof hotelUpdateSchema>;

export const vehicleUpdateSchema = z.object({
  status: z.enum(VEHICLE_STATUSES, { message: 'expected in_service or out_of_service' }),
  reason: lineSchema(500).optional(),
});
export type VehicleStatusUpdate = z.input<typeof vehicleUpdateSchema>;

/**
 * A vehicle offered during the night (a coach, minibus or taxi firm rings back): the scenario's
 * vehicle, in service from `availableFrom`, based at one of the incident's sites.
 */
export const vehicleOfferSchema = vehicleSchema;
export type VehicleOffer = z.input<typeof vehicleOfferSchema>;

/** Answer of `POST .../vehicles`: the vehicle recorded and the event's seq. */
export interface VehicleOfferResult {
  vehicleId: string;
  seq: number;
}

/**
 * A place added during the night (a second muster point opens at the church hall, a coach firm's
 * depot): the scenario's site. Households, guest lists and vehicles may name it from then on.
 */
export const siteAddSchema = siteSchema;
export type SiteAdd = z.input<typeof siteAddSchema>;

/** Answer of `POST .../sites`: the place added and the event's seq. */
export interface SiteAddResult {
  siteId: string;
  seq: number;
}

/** A household typed in the console (POST /api/incidents/:id/parties): its id, its guests, and the event's seq. */
export interface HouseholdAddResult {
  partyId: string;
  guests: number;
  seq: number;
}

/**
 * Answer of `PUT /api/incidents/:id/parties/:partyId` (a household corrected): what changed, whether
 * its planned room and seat were given back because they no longer suit it, and the event's seq.
 */
export interface HouseholdChangeResult {
  partyId: string;
  fields: string[];
  released: boolean;
  /** Null when the correction changed nothing (nothing written, no event). */
  seq: number | null;
}

/** Statuses a duty manager (or the guest's own link) may set directly. */
export const partyStatusUpdateSchema = z.object({
  status: z.enum(SETTABLE_PARTY_STATUSES, { message: 'expected self_evacuated, needs_help, waiting or no_show' }),
  note: textSchema(1000).optional(),
});
export type PartyStatusUpdate = z.input<typeof partyStatusUpdateSchema>;

/** A manual change to a proposal: this household to that hotel and/or onto that vehicle. */
export const planMoveSchema = z
  .object({
    partyId: entityIdSchema,
    hotelId: entityIdSchema.optional(),
    vehicleId: entityIdSchema.optional(),
  })
  .refine((m) => m.hotelId || m.vehicleId, { message: 'say where to: a hotelId, a vehicleId or both', path: ['hotelId'] });
export type PlanMove = z.input<typeof planMoveSchema>;
