/**
 * The statuses the server stores and answers with, as unions both sides type against: a household
 * (party), a vehicle, a trip. A person's own whereabouts is in ./whereabouts.ts.
 */

/** A household's status: where its journey stands (derived from its members where they differ). */
export const PARTY_STATUSES = ['waiting', 'assigned', 'on_vehicle', 'arrived', 'checked_in', 'checked_out', 'no_show', 'self_evacuated', 'needs_help'] as const;
export type PartyStatus = (typeof PARTY_STATUSES)[number];

/** Statuses a duty manager (or the guest's own link) may set directly; the rest follow from what happens. */
export const SETTABLE_PARTY_STATUSES = ['self_evacuated', 'needs_help', 'waiting', 'no_show'] as const satisfies readonly PartyStatus[];
export type SettablePartyStatus = (typeof SETTABLE_PARTY_STATUSES)[number];

/** Households in these states are not (or no longer) the planner's to place. */
export const OUT_OF_PLAN_STATUSES = ['self_evacuated', 'no_show', 'checked_out'] as const satisfies readonly PartyStatus[];

/** A hotel stay: booked by a plan, checked in, checked out, given up, or never arrived. */
export const STAY_STATUSES = ['planned', 'checked_in', 'checked_out', 'cancelled', 'no_show'] as const;
export type StayStatus = (typeof STAY_STATUSES)[number];

export const VEHICLE_STATUSES = ['in_service', 'out_of_service'] as const;
export type VehicleStatus = (typeof VEHICLE_STATUSES)[number];

export const TRIP_STATUSES = ['planned', 'boarding', 'departed', 'completed', 'cancelled'] as const;
export type TripStatus = (typeof TRIP_STATUSES)[number];

/** Where a live ETA comes from, from the weakest guess to the fact. */
export const ETA_SOURCES = ['plan', 'late_departure', 'on_the_road', 'position', 'arrived'] as const;
export type EtaSource = (typeof ETA_SOURCES)[number];
