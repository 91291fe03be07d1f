/**
 * Input-side element types of the scenario contract (defaults may be omitted), so seed code builds
 * exactly what a scenario file may contain and the schema fills in the rest.
 */
import type { ScenarioInput } from '../shared/scenario.js';

export type SiteInput = ScenarioInput['sites'][number];
export type PartyInput = NonNullable<ScenarioInput['parties']>[number];
export type GuestInput = PartyInput['guests'][number];
export type HotelInput = NonNullable<ScenarioInput['hotels']>[number];
export type RoomTypeInput = NonNullable<HotelInput['roomTypes']>[number];
export type VehicleInput = NonNullable<ScenarioInput['vehicles']>[number];
export type IncidentInput = ScenarioInput['incident'];
