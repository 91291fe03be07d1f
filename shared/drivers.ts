/**
 * Drivers' contracts: the per-vehicle link a duty manager hands to a driver, what the driver's
 * phone sees (the manifest of the vehicle's current trip) and what it sends (boarded, departed,
 * arrived at a stop, position). Drivers have no account: the signed link is their key.
 */
import { z } from 'zod';
import { entityIdSchema } from './fields.js';
import type { EtaSource, TripStatus, VehicleStatus } from './statuses.js';
import type { Whereabouts } from './whereabouts.js';

const partyId = entityIdSchema;
const tripId = z.uuid({ message: 'expected a trip id' });

/** A vehicle as duty managers and guests read it: "Coastal Coaches coach V03". */
export function vehicleName(v: { provider: string; kind: string; id: string }): string {
  return `${v.provider} ${v.kind.replace('_', ' ')} ${v.id}`.trim();
}

export const driverBoardSchema = z.object({ tripId, partyId, boarded: z.boolean().default(true) });
export type DriverBoardRequest = z.input<typeof driverBoardSchema>;

export const driverDepartSchema = z.object({ tripId });
export type DriverDepartRequest = z.input<typeof driverDepartSchema>;

export const driverArriveSchema = z.object({ tripId, hotelId: entityIdSchema });
export type DriverArriveRequest = z.input<typeof driverArriveSchema>;

export const driverPositionSchema = z.object({
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  accuracyM: z.number().nonnegative().max(100_000).optional(),
});
export type DriverPositionRequest = z.input<typeof driverPositionSchema>;

export type RiderStatus = 'planned' | 'boarded' | 'dropped';

export interface DriverHousehold {
  partyId: string;
  name: string;
  unit: string;
  passCode: string;
  /** The lead guest's phone, to ring a household that is not at the door. */
  phone?: string;
  size: number;
  needs: string[];
  notes: string;
  /** Each member and where they are: a household is boarded whole, but only those at the door ride. */
  guests: { name: string; age: string; needs: string[]; whereabouts: Whereabouts }[];
  hotelId: string;
  status: RiderStatus;
}

/** Who of a household rides when it is ticked aboard (boarding moves those waiting, or said never to have come). */
export const RIDES_WHEN_BOARDED: readonly Whereabouts[] = ['waiting', 'no_show', 'aboard'];

/**
 * Members not with the household at the door: reported missing, or already at the hotel (checked
 * in, or set down there by an earlier vehicle while this one collects those left behind). Once this
 * vehicle has set the household down, those it set down rode with it.
 */
export function notRiding(h: Pick<DriverHousehold, 'guests' | 'status'>): DriverHousehold['guests'] {
  return h.guests.filter((g) => !RIDES_WHEN_BOARDED.includes(g.whereabouts) && (g.whereabouts !== 'arrived' || h.status !== 'dropped'));
}

export interface DriverStop {
  hotelId: string;
  name: string;
  address: string;
  phone: string;
  lat: number;
  lng: number;
  /** Planned arrival (ISO). */
  eta: string | null;
  arrivedAt: string | null;
}

export interface DriverTrip {
  id: string;
  status: TripStatus;
  departAt: string;
  departedAt: string | null;
  completedAt: string | null;
  from: { id: string; name: string; lat: number; lng: number };
  stops: DriverStop[];
  households: DriverHousehold[];
  seats: number;
  seatsUsed: number;
  wheelchairSpaces: number;
  wheelchairUsed: number;
}

export interface DriverView {
  incident: { id: string; name: string; timezone: string };
  vehicle: { id: string; kind: string; provider: string; seats: number; wheelchairSpaces: number; status: VehicleStatus };
  /** The trip in hand: the earliest that has not finished; null when there is none. */
  trip: DriverTrip | null;
  /** Later trips of the same vehicle, in order. */
  upcoming: { id: string; departAt: string; from: string; stops: string[]; households: number }[];
  /** Trips already finished today, most recent last. */
  done: number;
}

/** What a duty manager gets for each vehicle: the link to give its driver. */
/** The answer to withdrawing a vehicle's driver link: the new generation (the old link is refused). */
export interface DriverLinkRevoked {
  vehicleId: string;
  generation: number;
  revokedAt: string;
}

export interface DriverLink {
  vehicleId: string;
  kind: string;
  provider: string;
  status: VehicleStatus;
  /** Path (with hash route) to open on the driver's phone, e.g. `/#/drive/<token>`. */
  path: string;
  token: string;
  /** QR of the absolute link as an SVG path over a `size` x `size` grid, when the request said its origin. */
  qr: { size: number; path: string } | null;
  currentTrip: { id: string; departAt: string; status: TripStatus; households: number } | null;
  trips: number;
}

/** A live ETA of a vehicle bound for a hotel (`GET .../hotels/:hotelId/etas` -> `{ etas }`): reception groups arrivals by it. */
export interface HotelEta {
  tripId: string;
  vehicleId: string;
  status: TripStatus;
  plannedEta: string | null;
  eta: string | null;
  source: EtaSource;
  position: { lat: number; lng: number; at: string } | null;
}
