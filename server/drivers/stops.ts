/**
 * What happens to the people on a trip when it stops somewhere or ends, in the caller's
 * transaction: the driver's arrival and departure, and a duty manager marking a trip complete
 * (the driver's phone may have had no signal at the last stops). Nobody may stay "aboard" a trip
 * that has ended, and nobody may stay booked on a vehicle that left without them.
 */
import { vehicleName } from '../../shared/drivers.js';
import type { Tx } from '../db/client.js';
import type { Actor } from '../events/log.js';
import { releaseSeatsOfParties } from '../stays/riders.js';
import { membersOf, moveGuests, recordMoves, syncJourney } from '../whereabouts/repo.js';
import { closeCured, nameList, openAttention, type Emit } from '../attention/repo.js';
import * as repo from './repo.js';
import { partyContacts } from '../vehicles/repo.js';

type Trip = repo.TripRow;

/**
 * The households aboard `trip` for `hotelId` get off there: riders dropped, their guests
 * "arrived", one `trip.arrived` event naming them. `completed` says whether this was the trip's end.
 */
export async function dropAtStop(tx: Tx, emit: Emit, incidentId: string, actor: Actor, trip: Trip, hotelId: string, completed: boolean, now = new Date()) {
  const riders = await repo.boardedFor(tx, trip.id, hotelId);
  const partyIds = riders.map((r) => r.partyId);
  if (partyIds.length) await repo.dropRiders(tx, trip.id, partyIds, now);
  const moved = await moveGuests(tx, incidentId, { partyIds, from: ['aboard'] }, 'arrived', now);
  const [ev] = await emit(incidentId, actor, [
    {
      type: 'trip.arrived',
      payload: { tripId: trip.id, vehicleId: trip.vehicleId, hotelId, partyIds, guestIds: moved.map((m) => m.guestId), completed, hotelIds: [hotelId] },
    },
  ]);
  await recordMoves(tx, incidentId, moved, 'arrived', ev!.seq, now);
  await syncJourney(tx, incidentId, partyIds);
  // Aboard a vehicle that went out of service and got them there after all (or whose arrival was
  // recorded once they were fetched): their "transport lost" item is done with.
  await closeCured(tx, emit, incidentId, actor, partyIds, ['transport_lost'], `set down at the hotel by ${trip.vehicleId}`);
  return { partyIds, seq: ev!.seq };
}

/**
 * Households booked on `trip` but not aboard when it left (or ended without them): their seats
 * are freed, they keep their hotel and wait for transport again, and each becomes a `left_behind`
 * exception naming who is missing. Returns their guests, for the event that tells why.
 */
export async function leaveBehind(tx: Tx, incidentId: string, trip: Trip, riders: readonly { partyId: string }[]) {
  const partyIds = riders.map((r) => r.partyId);
  await releaseSeatsOfParties(tx, incidentId, partyIds);
  return { partyIds, guests: await membersOf(tx, incidentId, partyIds) };
}

/** What a left-behind item names: the households' contacts, the muster point and the vehicle. */
async function leftAt(tx: Tx, incidentId: string, trip: Trip, partyIds: readonly string[]) {
  const partyRows = await partyContacts(tx, incidentId, [...partyIds]);
  const site = await repo.findSite(tx, incidentId, trip.fromSiteId);
  const vehicle = await repo.findVehicle(tx, incidentId, trip.vehicleId);
  return { partyRows, siteName: site?.name ?? trip.fromSiteId, vName: vehicle ? vehicleName(vehicle) : trip.vehicleId };
}

/** The exceptions for households left behind by `trip`, after the event that says so. */
export async function reportLeftBehind(tx: Tx, emit: Emit, incidentId: string, actor: Actor, trip: Trip, left: Awaited<ReturnType<typeof leaveBehind>>) {
  await syncJourney(tx, incidentId, left.partyIds);
  if (!left.partyIds.length) return;
  const { partyRows, siteName, vName } = await leftAt(tx, incidentId, trip, left.partyIds);
  await openAttention(
    tx,
    emit,
    incidentId,
    actor,
    partyRows.map((p) => {
      const gs = left.guests.filter((g) => g.partyId === p.id);
      return {
        kind: 'left_behind' as const,
        partyId: p.id,
        guestIds: gs.map((g) => g.id),
        place: { kind: 'site' as const, id: trip.fromSiteId, name: siteName },
        tripId: trip.id,
        summary: `${p.name} (${nameList(gs.map((g) => g.name))}) not aboard when ${vName} left ${siteName}; they keep their hotel and wait for transport.`,
        suggestion: p.phone
          ? `Ring ${p.name} on ${p.phone}; then re-plan to give them a seat, or mark them own way if they left.`
          : `Look for ${p.name} at ${siteName}; re-plan to give them a seat, or mark them own way.`,
        dedupeKey: `left_behind:${p.id}:${trip.id}`,
      };
    }),
  );
}

/**
 * Members of households carried by `trip` who were not on it when it left (found at the muster
 * point after the household was ticked aboard, so nobody ticked them): the household rides on, and
 * they stay waiting with a bed and no seat. Each household's are named in a `left_behind` item, so
 * nobody is left at a muster point out of view; once the household is set down, a re-plan seats them.
 */
export async function reportMembersLeftBehind(tx: Tx, emit: Emit, incidentId: string, actor: Actor, trip: Trip, carried: readonly string[]) {
  const left = await membersOf(tx, incidentId, carried, ['waiting']);
  if (!left.length) return;
  const { partyRows, siteName, vName } = await leftAt(tx, incidentId, trip, [...new Set(left.map((g) => g.partyId))]);
  await openAttention(
    tx,
    emit,
    incidentId,
    actor,
    partyRows.map((p) => {
      const gs = left.filter((g) => g.partyId === p.id);
      return {
        kind: 'left_behind' as const,
        partyId: p.id,
        guestIds: gs.map((g) => g.id),
        place: { kind: 'site' as const, id: trip.fromSiteId, name: siteName },
        tripId: trip.id,
        summary: `${nameList(gs.map((g) => g.name))} (${p.name}) not aboard when ${vName} left ${siteName} with the rest of the household: they need a ride to its hotel.`,
        suggestion: `Once ${vName} has set the household down, re-plan to give them a seat; or send a taxi now${p.phone ? `; ring ${p.name} on ${p.phone}` : ''}.`,
        dedupeKey: `left_behind:${p.id}:${trip.id}:members:${gs
          .map((g) => g.id)
          .sort()
          .join(',')}`,
      };
    }),
  );
}
