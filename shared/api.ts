/**
 * HTTP contracts shared by the server (validation, response shaping) and the client (forms, types).
 * Each payload type is inferred from its schema: one definition, used twice.
 */
import { z } from 'zod';
import type { Plan } from './plan.js';
import type { PlanDiff } from './plan-diff.js';

export const loginRequestSchema = z.object({
  email: z.string().trim().min(3, 'enter your email').max(200),
  password: z.string().min(1, 'enter your password').max(200),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const roleSchema = z.enum(['admin', 'duty_manager', 'reception', 'insurer']);
export type RoleName = z.infer<typeof roleSchema>;

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: RoleName;
  incidentId: string | null;
  hotelId: string | null;
}

export const incidentIdParams = z.object({ incidentId: z.uuid({ message: 'expected an incident id (uuid)' }) });

export interface IncidentListItem {
  id: string;
  name: string;
  startedAt: string;
  status: 'active' | 'closed';
  households: number;
  guests: number;
}

/** Headline counts of an incident: what a duty manager wants to see at a glance. */
export interface IncidentSummary {
  incident: { id: string; name: string; startedAt: string; currency: string; timezone: string; status: string; staffSpendLimitMinor: number };
  counts: {
    households: number;
    guests: number;
    adults: number;
    children: number;
    infants: number;
    needs: { wheelchair: number; reducedMobility: number; medical: number; petHouseholds: number };
    musterPoints: number;
    hotels: number;
    roomsOffered: number;
    bedsOffered: number;
    accessibleRooms: number;
    petFriendlyHotels: number;
    vehicles: number;
    seats: number;
    wheelchairSpaces: number;
    householdsByStatus: Record<string, number>;
  };
}

export interface ImportResult {
  incidentId: string;
  counts: { sites: number; parties: number; guests: number; hotels: number; vehicles: number };
}

/** The one error shape every endpoint answers with. */
export interface ApiErrorBody {
  error: { code: string; message: string; details: { fields?: { path: string; message: string }[] } & Record<string, unknown> };
}

/** Full picture of an incident for the console: what the map and panels draw. */
export interface IncidentState {
  incident: IncidentSummary['incident'];
  /** Event sequence number this snapshot reflects; live events continue from here. */
  seq: number;
  sites: { id: string; name: string; kind: string; lat: number; lng: number; waiting: number }[];
  hotels: {
    id: string;
    name: string;
    lat: number;
    lng: number;
    address: string;
    phone: string;
    petsAllowed: boolean;
    perks: { kind: string; capMinorPerGuestPerNight?: number; note?: string }[];
    roomTypes: { type: string; sleeps: number; count: number; used: number; accessible: boolean; rateMinor: number }[];
    bedsOffered: number;
    bedsTaken: number;
  }[];
  vehicles: {
    id: string;
    provider: string;
    kind: string;
    seats: number;
    wheelchairSpaces: number;
    depotSiteId: string;
    availableFrom: string;
    status: string;
    lat: number | null;
    lng: number | null;
  }[];
  parties: {
    id: string;
    name: string;
    unit: string;
    siteId: string;
    needs: string[];
    notes: string;
    status: string;
    passCode: string;
    size: number;
    guests: { id: string; name: string; age: string; needs: string[] }[];
    hotelId: string | null;
    tripId: string | null;
  }[];
  trips: { id: string; vehicleId: string; fromSiteId: string; stops: string[]; partyIds: string[]; departAt: string; arrivals: string[]; status: string }[];
}

/** What a receiving hotel's reception sees: only its own expected and in-house households. */
export interface HotelArrivals {
  hotel: { id: string; name: string; address: string; phone: string; perks: { kind: string; capMinorPerGuestPerNight?: number; note?: string }[] };
  seq: number;
  households: ArrivalHousehold[];
}

export interface ArrivalHousehold {
  partyId: string;
  name: string;
  unit: string;
  passCode: string;
  status: string;
  notes: string;
  needs: string[];
  language: string | null;
  rooms: { type: string; count: number }[];
  roomNumbers: Record<string, string[]> | null;
  guests: { id: string; name: string; age: string; needs: string[]; checkedIn: boolean; roomNumber: string | null }[];
  trip: { id: string; vehicleId: string; vehicleKind: string; provider: string; departAt: string; eta: string | null; status: string } | null;
  checkedInAt: string | null;
}

/** A proposal as the server shows it: the plan, its diff against the plan in force, and whether the state moved on. */
export interface PlanView {
  id: string;
  incidentId: string;
  status: string;
  createdAt: string;
  baseSeq: number;
  plan: Plan;
  diff: PlanDiff;
  /** True when the incident has changed since this proposal was computed. */
  stale: boolean;
}
