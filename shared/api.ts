/**
 * HTTP contracts shared by the server (validation, response shaping) and the client (forms, types).
 * Each payload type is inferred from its schema: one definition, used twice.
 */
import { z } from 'zod';
import type { FieldError } from './errors.js';
import { entityIdSchema } from './fields.js';
import type { Plan } from './plan.js';
import type { PlanDiff } from './plan-diff.js';
import type { PlanObjective } from './scenario.js';
import type { GlanceNeed, NeedCount, Whereabouts } from './whereabouts.js';
import type { ShelterProjection, ShelterTimes } from './live-shelter.js';
import type { PartyStatus, TripStatus, VehicleStatus } from './statuses.js';

/**
 * Every person, counted once by where they are: `byWhereabouts` always sums to `total`.
 * `unplaced` (waiting with no bed) and `needsAttention` (named by an open exception) cut across.
 */
export interface GuestCounts {
  total: number;
  byWhereabouts: Record<Whereabouts, number>;
  unplaced: number;
  needsAttention: number;
}

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

/** Answer of login and `GET /api/auth/me`: who is signed in. */
export interface SignedInAnswer {
  user: UserView;
}

/** Answer of `POST /api/auth/logout-everywhere`: how many sessions were ended. */
export interface LogoutEverywhereResult {
  revoked: number;
}

export interface IncidentListItem {
  id: string;
  name: string;
  startedAt: string;
  /** The incident's IANA time zone: its times are shown in it, whatever the device's. */
  timezone: string;
  status: 'active' | 'closed';
  households: number;
  guests: number;
}

/** Headline counts of an incident: what a duty manager wants to see at a glance. */
export interface IncidentSummary {
  incident: {
    id: string;
    name: string;
    startedAt: string;
    currency: string;
    timezone: string;
    helpline: string | null;
    status: string;
    staffSpendLimitMinor: number;
  };
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
  error: { code: string; message: string; details: { fields?: FieldError[] } & Record<string, unknown> };
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
    /** Front desk address rooming lists are sent to ('' when none). */
    email: string;
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
    status: VehicleStatus;
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
    status: PartyStatus;
    passCode: string;
    size: number;
    guests: { id: string; name: string; age: string; needs: string[]; whereabouts: Whereabouts; roomNumber: string | null }[];
    hotelId: string | null;
    /** Room numbers given at check-in, with their room types ("double 101, 102; single 103"); '' when none yet. */
    roomNumbers: string;
    tripId: string | null;
    /** Derived from the members: a state, or "split: 4 checked in, 2 not arrived". */
    whereabouts: { state: Whereabouts | 'split'; label: string };
    /** The household's phone and email (duty managers ring them back), and its language tag when known. */
    phone: string;
    email: string;
    language: string | null;
  }[];
  trips: { id: string; vehicleId: string; fromSiteId: string; stops: string[]; partyIds: string[]; departAt: string; arrivals: string[]; status: TripStatus }[];
  guestCounts: GuestCounts;
  /** Needs at a glance: people (households for pets) in total, placed, on the road, safe. */
  needs: Record<GlanceNeed, NeedCount>;
  /** Everyone (and the vulnerable) at their hotel by: projected from what really happened, against the plan as applied. */
  shelter?: ShelterProjection;
}

/** At most this many households in one `GET .../state/part`; a console with more to read asks for the whole state. */
export const STATE_PART_MAX_PARTIES = 500;

/**
 * `GET /api/incidents/:id/state/part?parties=P1,P2&trips=true`: what a console reads after a
 * colleague's change instead of the whole state. Everything small is whole (sites, hotels,
 * vehicles, the counts, the shelter projection); of the households only those named, and the trips
 * only when asked for. The console lays it over the state it holds (client/src/console/state-part.ts).
 */
export interface IncidentStatePart extends Omit<IncidentState, 'parties' | 'trips'> {
  /** Only the households asked for (those that exist). */
  parties: IncidentState['parties'];
  /** Present only when asked for. */
  trips?: IncidentState['trips'];
}

export const statePartQuery = z.object({
  parties: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',').map((x) => x.trim()) : []))
    .pipe(z.array(entityIdSchema).max(STATE_PART_MAX_PARTIES, `expected at most ${STATE_PART_MAX_PARTIES} household ids; read the whole state instead`)),
  trips: z.enum(['true', 'false'], { message: 'expected trips=true or trips=false' }).optional(),
});

/** What a receiving hotel's reception sees: only its own expected and in-house households. */
export interface HotelArrivals {
  hotel: { id: string; name: string; address: string; phone: string; perks: { kind: string; capMinorPerGuestPerNight?: number; note?: string }[] };
  /** The incident's currency (ISO 4217): perk caps are shown in it. */
  currency: string;
  /** The incident's time zone: every time on reception's screens is shown in it, whatever the device's. */
  timezone: string;
  seq: number;
  households: ArrivalHousehold[];
}

export interface ArrivalHousehold {
  partyId: string;
  name: string;
  unit: string;
  passCode: string;
  status: PartyStatus;
  notes: string;
  needs: string[];
  language: string | null;
  rooms: { type: string; count: number }[];
  roomNumbers: Record<string, string[]> | null;
  /** Derived from the members: "checked in", or "split: 4 checked in, 2 not arrived". */
  whereabouts?: string;
  /** The household's phone (reception rings its own arrivals). */
  phone?: string;
  guests: { id: string; name: string; age: string; needs: string[]; checkedIn: boolean; roomNumber: string | null; whereabouts?: Whereabouts }[];
  trip: { id: string; vehicleId: string; vehicleKind: string; provider: string; departAt: string; eta: string | null; status: TripStatus } | null;
  checkedInAt: string | null;
}

/** A proposal as the server shows it: the plan, its diff against the plan in force, and whether the state moved on. */
/** One of the proposals computed together: the incident's objective and the other one, each appliable by id. */
export interface PlanAlternative {
  id: string;
  objective: PlanObjective;
  /** "cheapest" or "fastest within 5%". */
  label: string;
  /** Real money: rooms for one night plus transport. */
  roomCostMinorPerNight: number;
  transportCostMinor: number;
  totalMinor: number;
  peopleHoused: number;
  /** Everyone in bed by this time. */
  lastArrivalAt: string | null;
  vulnerableLastArrivalAt: string | null;
}

/** Answer of `POST .../plans/:planId/apply`: what changed against the plan in force, and the seq. */
export interface PlanApplyResult {
  applied: true;
  seq: number;
  diff: PlanDiff;
}

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
  /** On a fresh proposal: this plan and the other objective's, for the duty manager to choose. */
  alternatives?: PlanAlternative[];
  /** "transport": a re-plan of the vehicles only (every stay kept). */
  mode?: 'transport';
  /** A transport re-plan's gain on the live projection: the last arrivals now, and if it were applied now. */
  shelter?: { now: ShelterTimes; ifApplied: ShelterTimes };
}
