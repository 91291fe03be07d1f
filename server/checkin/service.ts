/**
 * Reception at a receiving hotel: who is coming (on which vehicle, when), check-in with room
 * numbers (whole household or guest by guest), no-show or "went elsewhere", check-out.
 * Every action is one transaction with its event; a retried request is caught by its
 * Idempotency-Key, and a check-in of a household already checked in is a clean 409.
 */
import type { Db, Tx } from '../db/client.js';
import { canonicalRoomNumber, checkInSchema, checkOutSchema, noShowSchema } from '../../shared/checkin.js';
import { vehicleName } from '../../shared/drivers.js';
import type { ArrivalHousehold, HotelArrivals } from '../../shared/api.js';
import type { PartyStatus } from '../../shared/statuses.js';
import { AppError, parseOr400, validationError } from '../http/errors.js';
import { commitWithEvents, type Actor, type EventBus } from '../events/log.js';
import { groupBy } from '../../shared/collections.js';
import { isoUtc } from '../../shared/time.js';
import { releaseRooms } from '../stays/repo.js';
import { releaseSeatsOfParties } from '../stays/riders.js';
import {
  canMove,
  householdWhereabouts,
  isWhereabouts,
  journeyOf,
  WHEREABOUTS_LABEL,
  type HouseholdJourney,
  type Whereabouts,
} from '../../shared/whereabouts.js';
import { moveGuests, recordHouseholdStatus, recordMoves, recordMovesSql, syncJourney, type Moved } from '../whereabouts/repo.js';
import { closeCured, nameList, openAttention } from '../attention/repo.js';
import * as repo from './repo.js';

const whereaboutsOf = (g: { whereabouts: string }): Whereabouts => (isWhereabouts(g.whereabouts) ? g.whereabouts : 'waiting');

export class CheckinService {
  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
  ) {}

  async arrivals(incidentId: string, hotelId: string): Promise<HotelArrivals> {
    const hotel = await repo.hotel(this.db, incidentId, hotelId);
    if (!hotel) throw new AppError('not_found', 'No such hotel.');
    const facts = await repo.incidentFacts(this.db, incidentId);
    const [lastSeq, currency, timezone] = [facts?.lastSeq ?? 0, facts?.currency ?? 'GBP', facts?.timezone ?? 'UTC'];
    const stayRows = await repo.staysAt(this.db, incidentId, hotelId, ['planned', 'checked_in', 'checked_out', 'no_show']);
    const partyIds = [...new Set(stayRows.map((s) => s.partyId))];
    if (partyIds.length === 0) return { hotel: presentHotel(hotel), currency, timezone, seq: lastSeq, households: [] };
    const [partyRows, guestRows, riderRows] = await repo.arrivingParts(this.db, incidentId, partyIds, ['planned', 'boarded', 'dropped']);
    const partyById = new Map(partyRows.map((p) => [p.id, p]));
    const guestsByParty = groupBy(guestRows, (g) => g.partyId);
    const rideByParty = new Map(riderRows.map((r) => [r.partyId, r]));
    // The latest stay per household at this hotel (a household re-routed here twice shows once).
    const latest = new Map<string, (typeof stayRows)[number]>();
    for (const s of stayRows) if (!latest.has(s.partyId) || latest.get(s.partyId)!.createdAt < s.createdAt) latest.set(s.partyId, s);
    const households: ArrivalHousehold[] = [...latest.values()].map((s) => {
      const p = partyById.get(s.partyId)!;
      const ride = rideByParty.get(s.partyId);
      const stopIdx = ride ? ride.trip.stops.indexOf(hotelId) : -1;
      return {
        partyId: p.id,
        name: p.name,
        unit: p.unit,
        passCode: p.passCode,
        // Past `planned`, the stay's status (checked_in, checked_out, no_show) is the household's own.
        status: s.status === 'planned' ? p.status : (s.status as PartyStatus),
        whereabouts: householdWhereabouts((guestsByParty.get(p.id) ?? []).map(whereaboutsOf)).label,
        notes: p.notes,
        needs: p.needs,
        language: p.language,
        rooms: s.rooms,
        roomNumbers: s.roomNumbers,
        phone: p.phone,
        guests: (guestsByParty.get(p.id) ?? [])
          .sort((a, b) => a.position - b.position)
          .map((g) => ({
            id: g.id,
            name: g.name,
            age: g.age,
            needs: g.needs,
            checkedIn: g.whereabouts === 'checked_in' || g.whereabouts === 'checked_out',
            roomNumber: g.roomNumber,
            whereabouts: g.whereabouts,
          })),
        trip: ride
          ? {
              id: ride.trip.id,
              vehicleId: ride.vehicle.id,
              vehicleKind: ride.vehicle.kind,
              provider: ride.vehicle.provider,
              departAt: isoUtc(ride.trip.departAt),
              eta: stopIdx >= 0 ? (ride.trip.arrivals[stopIdx] ?? null) : null,
              status: ride.trip.status,
            }
          : null,
        checkedInAt: s.checkedInAt ? isoUtc(s.checkedInAt) : null,
      };
    });
    households.sort((a, b) => (a.trip?.eta ?? '9').localeCompare(b.trip?.eta ?? '9') || a.name.localeCompare(b.name));
    return { hotel: presentHotel(hotel), currency, timezone, seq: lastSeq, households };
  }

  async checkIn(incidentId: string, hotelId: string, raw: unknown, actor: Actor) {
    const req = parseOr400(checkInSchema, raw, 'body', 'request');
    // A phone that lost the answer sends the check-in again: when everyone it names is already in,
    // one read answers it, with no transaction or locks. Anything else is decided under the locks.
    const seen = await repo.checkedInHere(this.db, incidentId, hotelId, req.partyId);
    if (seen) {
      const named = req.guestIds ?? seen.guests.map((g) => g.id);
      if (named.length > 0 && named.every((id) => seen.guests.some((g) => g.id === id && g.whereabouts === 'checked_in')))
        throw alreadyIn(seen.name, req.partyId, named.length);
    }
    // Two round trips in the transaction on PostgreSQL (the locked read; the event with every write
    // and the commit): the incident's lock, which numbers events, is held only while the server runs
    // the last one (decision 0017).
    // A room is one household's: a number already given to another household here is a slip.
    const named = [...new Set([...Object.values(req.roomNumbers).flat(), ...Object.values(req.guestRooms ?? {})])];
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      // Two receptionists giving one room at once: check-ins naming rooms at this hotel take turns
      // from here to their commit, so the second sees the first's numbers (taken before any row lock).
      if (named.length) await repo.lockHotelRooms(tx, incidentId, hotelId);
      const held = await repo.lockForCheckIn(tx, incidentId, hotelId, req.partyId, CURED_BY_CHECK_IN);
      if (!held) throw notHere(req.partyId);
      const { party, stay, guests: all } = held;
      const unknown = (req.guestIds ?? []).filter((id) => !all.some((g) => g.id === id));
      if (unknown.length)
        throw validationError(
          unknown.map((id) => ({ path: 'body.guestIds', message: `guest ${id} is not in household ${party.name}` })),
          'check-in',
        );
      const arriving = req.guestIds ?? all.filter((g) => canMove(whereaboutsOf(g), 'checked_in')).map((g) => g.id);
      const already = all.filter((g) => arriving.includes(g.id) && g.whereabouts === 'checked_in');
      if (already.length === arriving.length) throw alreadyIn(party.name, party.id, arriving.length);
      const refused = all.filter((g) => arriving.includes(g.id) && g.whereabouts !== 'checked_in' && !canMove(whereaboutsOf(g), 'checked_in'));
      if (refused.length)
        throw new AppError('conflict', `${refused.map((g) => g.name).join(', ')} cannot be checked in: ${WHEREABOUTS_LABEL[whereaboutsOf(refused[0]!)]}.`, {
          partyId: party.id,
          guestIds: refused.map((g) => g.id),
        });
      for (const type of Object.keys(req.roomNumbers))
        if (!stay.rooms.some((r) => r.type === type))
          throw validationError(
            [
              {
                path: `body.roomNumbers.${type}`,
                message: `this household has no ${type} room; its rooms are ${stay.rooms.map((r) => `${r.count} ${r.type}`).join(', ')}`,
              },
            ],
            'check-in',
          );
      // A second part of the family adds its rooms to those the first part was given: never in place of them.
      const roomNumbers = mergeRoomNumbers(stay.roomNumbers, req.roomNumbers);
      for (const type of Object.keys(req.roomNumbers)) {
        const numbers = roomNumbers[type]!;
        const count = stay.rooms.filter((r) => r.type === type).reduce((n, r) => n + r.count, 0);
        if (numbers.length > count)
          throw validationError(
            [
              {
                path: `body.roomNumbers.${type}`,
                message: `this household has ${count} ${type} room${count === 1 ? '' : 's'}; ${numbers.length} numbers were given${numbers.length > req.roomNumbers[type]!.length ? ` with those it already has (${numbers.join(', ')})` : ''}`,
              },
            ],
            'check-in',
          );
      }
      for (const id of Object.keys(req.guestRooms ?? {}))
        if (!arriving.includes(id)) throw validationError([{ path: `body.guestRooms.${id}`, message: `guest ${id} is not being checked in now` }], 'check-in');
      const rooms = stay.rooms.reduce((n, r) => n + r.count, 0);
      const distinct = new Set([
        ...Object.values(roomNumbers).flat(),
        ...all.flatMap((g) => (g.whereabouts === 'checked_in' && g.roomNumber ? [canonicalRoomNumber(g.roomNumber)] : [])),
        ...Object.values(req.guestRooms ?? {}),
      ]);
      if (distinct.size > rooms)
        throw validationError(
          [{ path: 'body.guestRooms', message: `this household has ${rooms} room${rooms === 1 ? '' : 's'}; ${distinct.size} different numbers were given` }],
          'check-in',
        );
      const taken = await repo.roomsTakenAt(tx, incidentId, hotelId, named, stay.id);
      if (taken.length)
        throw new AppError(
          'conflict',
          `Room ${taken.map((t) => `${t.number} is already given to ${t.name}`).join('; room ')}. Check the number, or move ${taken.length > 1 ? 'them' : 'that household'} first.`,
          { partyId: party.id, rooms: taken.map((t) => t.number) },
        );
      const now = new Date();
      const given = Object.values(roomNumbers).flat();
      // The members' rows are locked, so who moves is known here: one write for all.
      const moved: Moved[] = all
        .filter((g) => arriving.includes(g.id) && canMove(whereaboutsOf(g), 'checked_in'))
        .map((g) => ({ guestId: g.id, partyId: party.id, from: whereaboutsOf(g) }));
      const movedIds = new Set(moved.map((m) => m.guestId));
      // A guest's own room when reception named it; the only room when there is one; else the household's rooms stand.
      const roomOf = (id: string) => req.guestRooms?.[id] ?? (given.length === 1 ? given[0]! : null);
      const notIn = all.filter((g) => !movedIds.has(g.id) && g.whereabouts !== 'checked_in');
      const everyone = notIn.length === 0;
      const journey = journeyOf(
        all.map((g) => (movedIds.has(g.id) ? 'checked_in' : whereaboutsOf(g))),
        party.status as HouseholdJourney,
        true,
      );
      // One statement writes it all: the event, the people's timeline lines and the check-in itself.
      const writes = repo.checkInWrites(incidentId, {
        partyId: party.id,
        stayId: stay.id,
        guests: moved.map((m) => ({ guestId: m.guestId, roomNumber: roomOf(m.guestId) })),
        roomNumbers,
        status: journey === party.status ? null : journey,
        at: now,
        // Those still at the muster point keep the household's ride (a family split at the muster point).
        keepRide: notIn.some((g) => whereaboutsOf(g) === 'waiting'),
      });
      const [ev] = await emit(
        incidentId,
        actor,
        [
          {
            type: 'guest.checked_in',
            payload: {
              partyId: party.id,
              name: party.name,
              hotelId,
              guestIds: moved.map((m) => m.guestId),
              wholeHousehold: everyone,
              roomNumbers,
              hotelIds: [hotelId],
            },
          },
        ],
        [...writes, recordMovesSql(incidentId, moved, 'checked_in', now)],
        // The usual case, a whole household with nothing open to close, ends here: commit with it.
        { last: everyone && held.openItems === 0 },
      );
      // The previous partial item is superseded: closed, and reopened for whoever is still not in.
      if (held.openItems > 0)
        await closeCured(
          tx,
          emit,
          incidentId,
          actor,
          [party.id],
          everyone ? CURED_BY_CHECK_IN : ['partial_checkin', 'not_checked_in'],
          everyone ? 'the whole household is checked in' : 'more of the household checked in',
        );
      if (!everyone) {
        // Reception names who is here: members the vehicle brought to the door and who are not
        // among them are not "at the hotel" any more but missing, until someone finds them.
        const gone = req.guestIds ? notIn.filter((g) => whereaboutsOf(g) === 'arrived').map((g) => g.id) : [];
        if (gone.length) {
          const lost = await moveGuests(tx, incidentId, { guestIds: gone }, 'missing', now);
          await recordMoves(tx, incidentId, lost, 'missing', ev!.seq, now);
          await syncJourney(tx, incidentId, [party.id]);
        }
        const hotel = await repo.hotel(tx, incidentId, hotelId);
        const hotelName = hotel?.name ?? hotelId;
        await openAttention(tx, emit, incidentId, actor, [
          {
            kind: 'partial_checkin',
            partyId: party.id,
            guestIds: notIn.map((g) => g.id),
            place: { kind: 'hotel', id: hotelId, name: hotelName },
            summary: `${party.name}: ${all.length - notIn.length} of ${all.length} checked in at ${hotelName}; ${nameList(notIn.map((g) => g.name))} not there.`,
            suggestion: party.phone
              ? `Ring ${party.name} on ${party.phone}: where ${notIn.length === 1 ? 'is' : 'are'} ${nameList(notIn.map((g) => g.name))}? Check the muster point and the vehicle.`
              : `Ask the family at ${hotelName} where ${nameList(notIn.map((g) => g.name))} are; check the muster point and the vehicle.`,
            dedupeKey: `partial_checkin:${party.id}:${notIn
              .map((g) => g.id)
              .sort()
              .join(',')}`,
          },
        ]);
      }
      return { partyId: party.id, checkedIn: moved.map((m) => m.guestId), wholeHousehold: everyone, seq: ev!.seq };
    });
  }

  async noShow(incidentId: string, hotelId: string, raw: unknown, actor: Actor) {
    const req = parseOr400(noShowSchema, raw, 'body', 'request');
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const { party, stay } = await this.lockStay(tx, incidentId, hotelId, req.partyId, ['planned']);
      // Not arrived is not known until their vehicle has been: a ride still due here refuses "no-show".
      const rides = req.kind === 'no_show' ? (await repo.arrivingParts(tx, incidentId, [party.id], ['planned', 'boarded']))[2] : [];
      const due = rides.find((r) => r.trip.stops.includes(hotelId) && r.trip.status !== 'completed' && r.trip.status !== 'cancelled');
      if (due)
        throw new AppError(
          'conflict',
          `The ${party.name} household ${due.trip.status === 'departed' ? 'is on' : 'is booked on'} ${vehicleName(due.vehicle)}, which has not reached this hotel yet: they cannot be a no-show before it arrives. If it is late, the duty managers are told.`,
          { partyId: party.id, tripId: due.trip.id },
        );
      // "Went elsewhere" is not said of people a vehicle is still carrying here.
      const aboard = (await repo.householdGuests(tx, incidentId, party.id)).filter((g) => g.whereabouts === 'aboard');
      if (aboard.length)
        throw new AppError(
          'conflict',
          `${nameList(aboard.map((g) => g.name))} ${aboard.length > 1 ? 'are' : 'is'} aboard a vehicle on the way here: they cannot have gone elsewhere before it arrives.`,
          { partyId: party.id, guestIds: aboard.map((g) => g.id) },
        );
      await releaseRooms(tx, incidentId, hotelId, stay.rooms);
      await repo.updateStay(tx, stay.id, { status: 'no_show', endedAt: new Date() });
      await releaseSeatsOfParties(tx, incidentId, [party.id]);
      const to = req.kind === 'went_elsewhere' ? 'own_way' : 'no_show';
      const moved = await moveGuests(tx, incidentId, { partyIds: [party.id] }, to);
      const [ev] = await emit(incidentId, actor, [
        {
          type: 'party.no_show',
          payload: {
            partyId: party.id,
            name: party.name,
            hotelId,
            kind: req.kind,
            note: req.note ?? null,
            guestIds: moved.map((m) => m.guestId),
            hotelIds: [hotelId],
          },
        },
      ]);
      await recordMoves(tx, incidentId, moved, to, ev!.seq);
      const [change] = await syncJourney(tx, incidentId, [party.id]);
      const status = change?.to ?? party.status;
      await recordHouseholdStatus(tx, { incidentId, partyId: party.id, status, eventSeq: ev!.seq });
      // People who never arrived are missing until someone finds them: a duty manager must act.
      if (req.kind === 'no_show') {
        const members = await repo.householdGuests(tx, incidentId, party.id);
        const hotelName = (await repo.hotel(tx, incidentId, hotelId))?.name ?? hotelId;
        const names = nameList(members.map((g) => g.name));
        await openAttention(tx, emit, incidentId, actor, [
          {
            kind: 'missing',
            partyId: party.id,
            guestIds: members.map((g) => g.id),
            place: { kind: 'hotel', id: hotelId, name: hotelName },
            summary: `${party.name} (${names}) did not arrive at ${hotelName}: reception marked them no-show and their rooms were given back.${req.note ? ` Note: ${req.note}` : ''}`,
            suggestion: party.phone
              ? `Ring ${party.name} on ${party.phone}: where are they? If they still need a bed, re-plan; if they are safe elsewhere, mark them own way.`
              : `Check the muster point and the vehicles for ${party.name}; if they still need a bed, re-plan.`,
            dedupeKey: `no_show:${party.id}:${hotelId}`,
          },
        ]);
      }
      return { partyId: party.id, status, seq: ev!.seq };
    });
  }

  async checkOut(incidentId: string, hotelId: string, raw: unknown, actor: Actor) {
    const req = parseOr400(checkOutSchema, raw, 'body', 'request');
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const { party, stay } = await this.lockStay(tx, incidentId, hotelId, req.partyId, ['checked_in']);
      // Checking out gives back the household's rooms: not while some of it is still on the way to
      // them (at the muster point, on the road, at the door). Someone missing does not hold them.
      const coming = (await repo.householdGuests(tx, incidentId, party.id)).filter((g) => ON_THE_WAY.includes(whereaboutsOf(g)));
      if (coming.length)
        throw new AppError(
          'conflict',
          `${nameList(coming.map((g) => `${g.name} (${WHEREABOUTS_LABEL[whereaboutsOf(g)]})`))} ${coming.length > 1 ? 'are' : 'is'} not checked in yet and still on the way to this household's rooms: check them in first, or ask a duty manager.`,
          { partyId: party.id, guestIds: coming.map((g) => g.id) },
        );
      const now = new Date();
      await releaseRooms(tx, incidentId, hotelId, stay.rooms);
      await repo.updateStay(tx, stay.id, { status: 'checked_out', checkedOutAt: now, endedAt: now });
      const moved = await moveGuests(tx, incidentId, { partyIds: [party.id] }, 'checked_out', now);
      const [ev] = await emit(incidentId, actor, [
        { type: 'guest.checked_out', payload: { partyId: party.id, name: party.name, hotelId, guestIds: moved.map((m) => m.guestId), hotelIds: [hotelId] } },
      ]);
      await recordMoves(tx, incidentId, moved, 'checked_out', ev!.seq, now);
      await syncJourney(tx, incidentId, [party.id]);
      await recordHouseholdStatus(tx, { incidentId, partyId: party.id, status: 'checked_out', at: now, eventSeq: ev!.seq });
      return { partyId: party.id, seq: ev!.seq };
    });
  }

  /** The household's active stay at this hotel, locked; anything else is "not here". */
  private async lockStay(tx: Tx, incidentId: string, hotelId: string, partyId: string, statuses: string[]) {
    const { party, stay } = await repo.lockPartyAndStay(tx, incidentId, hotelId, partyId);
    if (!party || !stay) throw notHere(partyId);
    if (!statuses.includes(stay.status))
      throw new AppError('conflict', `${party.name} is ${stay.status.replace('_', ' ')}; that action does not apply.`, { partyId, status: stay.status });
    return { party, stay };
  }
}

/** Members of a household still coming to its rooms: a check-out would give those rooms back under them. */
const ON_THE_WAY: readonly Whereabouts[] = ['waiting', 'aboard', 'arrived'];

/**
 * The attention items a whole household's check-in closes (a partial one closes the first two):
 * everyone is in a bed, so nobody is missing, and nobody needs the ride a vehicle left without
 * them or lost (`left_behind`, `transport_lost`: they came by other means).
 */
const CURED_BY_CHECK_IN = ['partial_checkin', 'not_checked_in', 'missing', 'left_behind', 'transport_lost'] as const;

function notHere(partyId: string): AppError {
  return new AppError('not_found', 'That household is not expected at this hotel (it may have been re-routed). Refresh the list.', { partyId });
}

function alreadyIn(name: string, partyId: string, people: number): AppError {
  return new AppError('conflict', `${name} ${people > 1 ? 'are' : 'is'} already checked in.`, { partyId });
}

function presentHotel(h: repo.HotelRow): HotelArrivals['hotel'] {
  return { id: h.id, name: h.name, address: h.address, phone: h.phone, perks: h.perks };
}

/** Room numbers per type with those named now added (each once, however typed): a later part of a family keeps the earlier part's rooms. */
export function mergeRoomNumbers(had: Record<string, string[]> | null, add: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [type, numbers] of Object.entries(had ?? {})) out[type] = [...new Set(numbers.map(canonicalRoomNumber))];
  for (const [type, numbers] of Object.entries(add)) out[type] = [...new Set([...(out[type] ?? []), ...numbers.map(canonicalRoomNumber)])];
  return out;
}
