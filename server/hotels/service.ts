/**
 * Hotel offers recorded while on the phone: a new hotel, more or fewer rooms, rates, pets, perks.
 * Withdrawing rooms that were already planned displaces the newest planned stays of that type
 * (never a checked-in one, nor one of a household already on a vehicle or at the door: they are
 * arriving); those households go back to waiting for the next re-plan.
 */
import type { Db, Tx } from '../db/client.js';
import { groupBy } from '../../shared/collections.js';
import { hotelOfferSchema, hotelUpdateSchema, type HotelOfferResult, type HotelUpdateResult } from '../../shared/operations.js';
import { AppError, parseOr400 } from '../http/errors.js';
import { commitWithEvents, type Actor, type EventBus } from '../events/log.js';
import { cancelStay, releaseRooms } from '../stays/repo.js';
import { releaseSeatsOfParties } from '../stays/riders.js';
import * as repo from './repo.js';
import { membersOf, syncJourney } from '../whereabouts/repo.js';
import { openAttention } from '../attention/repo.js';

export class HotelService {
  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
  ) {}

  async offer(incidentId: string, raw: unknown, actor: Actor): Promise<HotelOfferResult> {
    const h = parseOr400(hotelOfferSchema, raw, 'body', 'hotel offer');
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      await repo.insertHotel(
        tx,
        incidentId,
        { id: h.id, name: h.name, lat: h.lat, lng: h.lng, address: h.address, phone: h.phone, email: h.email, petsAllowed: h.petsAllowed, perks: h.perks },
        h.roomTypes,
      );
      const [ev] = await emit(incidentId, actor, [
        { type: 'hotel.offered', payload: { hotelId: h.id, name: h.name, rooms: h.roomTypes.reduce((n, r) => n + r.count, 0), hotelIds: [h.id] } },
      ]);
      return { hotelId: h.id, seq: ev!.seq };
    });
  }

  async update(incidentId: string, hotelId: string, raw: unknown, actor: Actor): Promise<HotelUpdateResult> {
    const change = parseOr400(hotelUpdateSchema, raw, 'body', 'hotel change');
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const hotel = await repo.lockHotel(tx, incidentId, hotelId);
      if (!hotel) throw new AppError('not_found', `No hotel ${hotelId} in this incident.`);
      if (change.petsAllowed !== undefined || change.perks || change.email !== undefined) {
        await repo.updateHotel(tx, incidentId, hotelId, {
          ...(change.petsAllowed !== undefined ? { petsAllowed: change.petsAllowed } : {}),
          ...(change.perks ? { perks: change.perks } : {}),
          ...(change.email !== undefined ? { email: change.email } : {}),
        });
      }
      const displaced: string[] = [];
      const roomChanges: { type: string; from: number; to: number }[] = [];
      let termsChanged = false;
      for (const rt of change.roomTypes ?? []) {
        const cur = await repo.lockRoomType(tx, incidentId, hotelId, rt.type);
        if (!cur) {
          await repo.appendRoomType(tx, incidentId, hotelId, rt);
          roomChanges.push({ type: rt.type, from: 0, to: rt.count });
          continue;
        }
        if (rt.count < cur.used) displaced.push(...(await this.displace(tx, incidentId, hotelId, rt.type, cur.used - rt.count)));
        await repo.updateRoomType(tx, incidentId, hotelId, rt.type, { count: rt.count, sleeps: rt.sleeps, accessible: rt.accessible, rateMinor: rt.rateMinor });
        if (rt.count !== cur.count) roomChanges.push({ type: rt.type, from: cur.count, to: rt.count });
        if (rt.sleeps !== cur.sleeps || rt.accessible !== cur.accessible || rt.rateMinor !== cur.rateMinor) termsChanged = true;
      }
      // What the planner reads of a hotel: its rooms and their terms, and pets. Perks and the
      // front desk's address are not, so changing only those leaves a proposal fresh.
      const planningChanged =
        termsChanged || roomChanges.length > 0 || displaced.length > 0 || (change.petsAllowed !== undefined && change.petsAllowed !== hotel.petsAllowed);
      const [ev] = await emit(incidentId, actor, [
        {
          type: 'hotel.rooms_changed',
          payload: {
            hotelId,
            name: hotel.name,
            roomChanges,
            petsAllowed: change.petsAllowed,
            perksChanged: Boolean(change.perks),
            emailChanged: change.email !== undefined,
            displacedPartyIds: displaced,
            planningChanged,
            hotelIds: [hotelId],
          },
        },
      ]);
      if (displaced.length) {
        const rows = await repo.partyNames(tx, incidentId, displaced);
        const members = groupBy(await membersOf(tx, incidentId, displaced), (g) => g.partyId);
        const withdrawn = roomChanges
          .filter((c) => c.to < c.from)
          .map((c) => `${c.from - c.to} ${c.type} ${c.from - c.to === 1 ? 'room' : 'rooms'}`)
          .join(', ');
        await openAttention(
          tx,
          emit,
          incidentId,
          actor,
          rows.map((p) => ({
            kind: 'unplaced' as const,
            partyId: p.id,
            guestIds: (members.get(p.id) ?? []).filter((g) => !['checked_in', 'checked_out', 'own_way'].includes(g.whereabouts)).map((g) => g.id),
            place: { kind: 'hotel' as const, id: hotelId, name: hotel.name },
            summary: `${p.name} lost their room: ${hotel.name} withdrew ${withdrawn || 'rooms'}.`,
            suggestion: 'Re-plan to find them another hotel (their transport was released too).',
            dedupeKey: `unplaced:${p.id}`,
          })),
        );
      }
      return { hotelId, displacedPartyIds: displaced, seq: ev!.seq };
    });
  }

  /** Cancel the newest planned stays holding `rooms` rooms of a type; checked-in or arriving guests are never displaced. */
  private async displace(tx: Tx, incidentId: string, hotelId: string, type: string, rooms: number): Promise<string[]> {
    const candidates = await repo.plannedStaysNewestFirst(tx, incidentId, hotelId);
    // Households already on a vehicle (bound for this hotel) or dropped at its door keep their rooms:
    // re-planning them would send a second vehicle to the muster point for people who are not there.
    const onTheirWay = new Set(await repo.partyIdsWithStatus(tx, incidentId, ['on_vehicle', 'arrived']));
    const out: string[] = [];
    let freed = 0;
    for (const s of candidates) {
      if (freed >= rooms) break;
      if (onTheirWay.has(s.partyId)) continue;
      const n = s.rooms.find((r) => r.type === type)?.count ?? 0;
      if (n === 0) continue;
      // Let go by a racing change (the household left the plan, or was corrected) since it was read: not freed twice.
      if (!(await cancelStay(tx, s.id))) continue;
      await releaseRooms(tx, incidentId, hotelId, s.rooms);
      freed += n;
      out.push(s.partyId);
    }
    if (freed < rooms)
      throw new AppError(
        'conflict',
        `Only ${freed} of the ${rooms} ${type} room(s) to withdraw are free or merely planned; the rest are held by guests checked in or already on their way.`,
        { hotelId, type },
      );
    if (out.length) {
      await releaseSeatsOfParties(tx, incidentId, out);
      await syncJourney(tx, incidentId, out);
    }
    return out;
  }
}
