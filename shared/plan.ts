/**
 * The `relocation-plan/1` contract: who stays where, who rides in which vehicle, when.
 * Produced by the planner, checked by the validator, stored and exported by the server.
 */
import { z } from 'zod';
import { isoWithOffset } from './scenario.js';

export const PLAN_FORMAT = 'relocation-plan/1';

const id = z.string().trim().min(1);

export const stayRoomSchema = z.object({ type: z.string().min(1), count: z.number().int().positive() });
export const staySchema = z.object({ partyId: id, hotelId: id, rooms: z.array(stayRoomSchema).min(1) });
export const tripSchema = z.object({
  vehicleId: id,
  fromSiteId: id,
  stops: z.array(id).min(1),
  partyIds: z.array(id).min(1),
  departAt: isoWithOffset,
  arrivals: z.array(isoWithOffset).min(1),
});
export const unassignedSchema = z.object({ partyId: id, reason: z.string().min(1) });
/** On a re-plan: a household whose hotel changed against the previous plan, and why (optional, planner output). */
export const planChangeSchema = z.object({
  partyId: id,
  fromHotelId: id.nullable(),
  toHotelId: id.nullable(),
  reason: z.string().min(1),
});
export const planMetricsSchema = z.object({
  peopleHoused: z.number().int().nonnegative(),
  peopleUnassigned: z.number().int().nonnegative(),
  roomCostMinorPerNight: z.number().nonnegative(),
  travelCostMinor: z.number().nonnegative(),
  transportCostMinor: z.number().nonnegative(),
  lastArrivalAt: isoWithOffset.nullable(),
  /** The same as lastArrivalAt over households with a wheelchair, medical or infant member. */
  vulnerableLastArrivalAt: isoWithOffset.nullable(),
  /** Mean over housed guests of minutes from the incident's start to their arrival at the hotel. */
  meanArrivalMinutes: z.number().nullable(),
  solveMs: z.number().nonnegative(),
});

export const planSchema = z.object({
  format: z.literal(PLAN_FORMAT, { message: `expected "${PLAN_FORMAT}"` }),
  stays: z.array(staySchema).default([]),
  trips: z.array(tripSchema).default([]),
  unassigned: z.array(unassignedSchema).default([]),
  metrics: planMetricsSchema.partial().default({}),
  changes: z.array(planChangeSchema).optional(),
});

export type Plan = z.output<typeof planSchema>;
export type Stay = Plan['stays'][number];
export type Trip = Plan['trips'][number];
export type Unassigned = Plan['unassigned'][number];
export type PlanChange = z.output<typeof planChangeSchema>;
export type PlanMetrics = z.output<typeof planMetricsSchema>;
