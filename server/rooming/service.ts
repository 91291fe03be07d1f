/**
 * Rooming lists, built from the state in force: every household with an active stay (planned or
 * checked in) at the hotel, its guests, rooms, needs and notes, and the vehicle bringing it.
 * Reads only; the same function serves the download and the projector that emails the front desk.
 */
import { isWhereabouts } from '../../shared/whereabouts.js';
import type { Db, Tx } from '../db/client.js';
import { findIncident } from '../incidents/repo.js';
import { hotel as findHotel, staysAt } from '../checkin/repo.js';
import { comingParts, helplinePhone } from './repo.js';
import type { RoomingHousehold, RoomingList } from '../../shared/rooming.js';
import { labelledRoomNumbers } from '../../shared/room-numbers.js';
import { AppError } from '../http/errors.js';
import { groupBy } from '../../shared/collections.js';
import { isoUtc } from '../../shared/time.js';

/** The list for one hotel; "not found" when the incident has no such hotel. */
export async function loadRoomingList(q: Db | Tx, incidentId: string, hotelId: string, now = new Date()): Promise<RoomingList> {
  const inc = await findIncident(q, incidentId);
  const hotel = await findHotel(q, incidentId, hotelId);
  if (!inc || !hotel) throw new AppError('not_found', 'No such hotel.');
  const helpline = await helplinePhone(q, incidentId);
  const stayRows = await staysAt(q, incidentId, hotelId, ['planned', 'checked_in']);
  const partyIds = stayRows.map((s) => s.partyId);
  const { partyRows, guestRows, rideRows } = partyIds.length
    ? await comingParts(q, incidentId, hotelId, partyIds)
    : { partyRows: [], guestRows: [], rideRows: [] };
  const partyById = new Map(partyRows.map((p) => [p.id, p]));
  const guestsByParty = groupBy(guestRows, (g) => g.partyId);
  const rideByParty = new Map(rideRows.map((r) => [r.partyId, r]));
  const households: RoomingHousehold[] = [];
  for (const s of stayRows) {
    const p = partyById.get(s.partyId);
    if (!p) continue;
    const ride = rideByParty.get(p.id);
    const stop = ride ? ride.trip.stops.indexOf(hotelId) : -1;
    households.push({
      partyId: p.id,
      name: p.name,
      unit: p.unit,
      passCode: p.passCode,
      phone: p.phone,
      notes: p.notes,
      needs: p.needs,
      status: s.status,
      rooms: s.rooms,
      roomNumbers: labelledRoomNumbers(s.roomNumbers),
      vehicle: ride ? { id: ride.vehicle.id, kind: ride.vehicle.kind, provider: ride.vehicle.provider } : null,
      departAt: ride ? isoUtc(ride.trip.departAt) : null,
      arrivalAt: ride && stop >= 0 ? (ride.trip.arrivals[stop] ?? null) : null,
      guests: (guestsByParty.get(p.id) ?? []).map((g) => ({
        id: g.id,
        name: g.name,
        age: g.age,
        needs: g.needs,
        roomNumber: g.roomNumber,
        whereabouts: isWhereabouts(g.whereabouts) ? g.whereabouts : 'waiting',
      })),
    });
  }
  households.sort((a, b) => (a.arrivalAt ?? '9').localeCompare(b.arrivalAt ?? '9') || a.name.localeCompare(b.name) || a.partyId.localeCompare(b.partyId));
  return {
    incident: { id: inc.id, name: inc.name, timezone: inc.timezone, helpline: helpline ?? '' },
    hotel: { id: hotel.id, name: hotel.name, address: hotel.address, phone: hotel.phone, email: hotel.email },
    generatedAt: now.toISOString(),
    seq: inc.lastSeq,
    households,
  };
}
