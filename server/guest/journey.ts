/**
 * Where each household's journey stands now: its current hotel stay and the ride that takes it
 * there. The guest status page and every guest message read this one function, so a message
 * rendered after a change says what the page says.
 */
import type { Db, Tx } from '../db/client.js';
import type { hotels, stays, tripRiders, trips, vehicles } from '../db/schema.js';
import { groupBy } from '../../shared/collections.js';
import { journeyRides, journeyStays } from './repo.js';

export interface Journey {
  stay: typeof stays.$inferSelect;
  hotel: typeof hotels.$inferSelect;
}
export interface Ride {
  rider: typeof tripRiders.$inferSelect;
  trip: typeof trips.$inferSelect;
  vehicle: typeof vehicles.$inferSelect;
  from: string;
}
export interface CurrentJourney {
  current: Journey | undefined;
  ride: Ride | undefined;
}

/** The current stay (else the last one) and ride of each household, newest first. */
export async function currentJourneys(db: Db | Tx, incidentId: string, partyIds: string[]): Promise<Map<string, CurrentJourney>> {
  if (!partyIds.length) return new Map();
  return journeysOf(partyIds, await journeyStays(db, incidentId, partyIds), await journeyRides(db, incidentId, partyIds));
}

/** `currentJourneys` from the households' stays and rides as `journeyStays` and `journeyRides` read them. */
export function journeysOf(partyIds: readonly string[], stayRows: readonly Journey[], rideRows: readonly Ride[]): Map<string, CurrentJourney> {
  const out = new Map<string, CurrentJourney>();
  // Grouped once: a plan applied to 10,000 households asks for all of them at once.
  const staysOf = groupBy(stayRows, (s) => s.stay.partyId);
  const ridesOf = groupBy(rideRows, (r) => r.rider.partyId);
  for (const partyId of partyIds) {
    const mine = staysOf.get(partyId) ?? [];
    const rides = ridesOf.get(partyId) ?? [];
    const current = mine.find((s) => s.stay.status !== 'checked_out') ?? mine[0];
    const ride = rides.find((r) => r.rider.status !== 'dropped') ?? (current ? rides.find((r) => r.rider.hotelId === current.stay.hotelId) : undefined);
    out.set(partyId, { current, ride });
  }
  return out;
}
