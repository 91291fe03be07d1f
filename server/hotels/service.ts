/**
 * Hotel offers recorded while on the phone: a new hotel, more or fewer rooms, rates, pets, perks.
 * Withdrawing rooms that were already planned displaces the newest planned stays of that type
 * (never a checked-in one, nor one of a household already on a vehicle or at the door: they are
 * arriving); those households go back to waiting for the next re-plan.
 *
 * Any other change that unsuits a stay (rooms that now sleep fewer, a room no longer accessible,
 * no more pets) is judged by the planner's validator, as a household's correction is (decision
 * 0021): a merely planned stay gives its rooms and seat back and waits for the next plan; a
 * household on its way or checked in keeps its rooms and every duty manager gets a "Needs not
 * met" item to ring the hotel.
 */
import type { Db, Tx } from '../db/client.js';
import { groupBy } from '../../shared/collections.js';
import { hotelOfferSchema, hotelUpdateSchema, type HotelOfferResult, type HotelUpdateResult } from '../../shared/operations.js';
import type { Scenario } from '../../shared/scenario.js';
import type { Violation } from '../../shared/planner/validate.js';
import { reasonsInWords, staysUnsuited } from '../../shared/planner/unsuited.js';
import type { Whereabouts } from '../../shared/whereabouts.js';
import { AppError, parseOr400 } from '../http/errors.js';
import { commitWithEvents, type Actor, type EventBus } from '../events/log.js';
import { exportScenario } from '../incidents/export.js';
import { cancelStay, releaseRooms } from '../stays/repo.js';
import { releaseSeatsOfParties } from '../stays/riders.js';
import * as repo from './repo.js';
import { membersOf, syncJourney } from '../whereabouts/repo.js';
import { openAttention, type AttentionDraft } from '../attention/repo.js';

type HotelChange = ReturnType<typeof hotelUpdateSchema.parse>;

/** Where a person is past the muster point: their household is on its way or there, and keeps its rooms. */
const GONE: readonly string[] = ['aboard', 'arrived', 'checked_in', 'checked_out', 'own_way'] satisfies readonly Whereabouts[];

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
      // Room types, then stays, then trips: the order every path that gives rooms back takes.
      await repo.lockRoomTypes(tx, incidentId, hotelId);
      // Stays the change unsuits go first (and may free the rooms a lower count needs).
      const unsuited = change.petsAllowed !== undefined || change.roomTypes ? await this.unsuitedBy(tx, incidentId, hotelId, change) : [];
      const onTheirWay = unsuited.length ? await this.onTheirWay(tx, incidentId, unsuited) : new Set<string>();
      const why = new Map<string, Violation[]>();
      const released: string[] = [];
      const kept: string[] = [];
      for (const u of unsuited) {
        why.set(u.stay.partyId, u.broken);
        if (onTheirWay.has(u.stay.partyId)) kept.push(u.stay.partyId);
        // Let go by a racing change since it was read: not freed twice.
        else if (await cancelStay(tx, u.stay.id)) {
          await releaseRooms(tx, incidentId, hotelId, u.stay.rooms);
          released.push(u.stay.partyId);
        }
      }
      if (released.length) {
        await releaseSeatsOfParties(tx, incidentId, released);
        await syncJourney(tx, incidentId, released);
      }
      if (change.petsAllowed !== undefined || change.perks || change.email !== undefined) {
        await repo.updateHotel(tx, incidentId, hotelId, {
          ...(change.petsAllowed !== undefined ? { petsAllowed: change.petsAllowed } : {}),
          ...(change.perks ? { perks: change.perks } : {}),
          ...(change.email !== undefined ? { email: change.email } : {}),
        });
      }
      const withdrawn: string[] = [];
      const roomChanges: { type: string; from: number; to: number }[] = [];
      let termsChanged = false;
      for (const rt of change.roomTypes ?? []) {
        const cur = await repo.lockRoomType(tx, incidentId, hotelId, rt.type);
        if (!cur) {
          await repo.appendRoomType(tx, incidentId, hotelId, rt);
          roomChanges.push({ type: rt.type, from: 0, to: rt.count });
          continue;
        }
        if (rt.count < cur.used) withdrawn.push(...(await this.displace(tx, incidentId, hotelId, rt.type, cur.used - rt.count)));
        await repo.updateRoomType(tx, incidentId, hotelId, rt.type, { count: rt.count, sleeps: rt.sleeps, accessible: rt.accessible, rateMinor: rt.rateMinor });
        if (rt.count !== cur.count) roomChanges.push({ type: rt.type, from: cur.count, to: rt.count });
        if (rt.sleeps !== cur.sleeps || rt.accessible !== cur.accessible || rt.rateMinor !== cur.rateMinor) termsChanged = true;
      }
      const displaced = [...released, ...withdrawn];
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
      if (displaced.length || kept.length) {
        const ids = [...displaced, ...kept];
        const names = new Map((await repo.partyNames(tx, incidentId, ids)).map((p) => [p.id, p.name]));
        const members = groupBy(await membersOf(tx, incidentId, ids), (g) => g.partyId);
        const fewer = roomChanges
          .filter((c) => c.to < c.from)
          .map((c) => `${c.from - c.to} ${c.type} ${c.from - c.to === 1 ? 'room' : 'rooms'}`)
          .join(', ');
        const place = { kind: 'hotel' as const, id: hotelId, name: hotel.name };
        const drafts: AttentionDraft[] = displaced.map((id) => ({
          kind: 'unplaced' as const,
          partyId: id,
          guestIds: (members.get(id) ?? []).filter((g) => !['checked_in', 'checked_out', 'own_way'].includes(g.whereabouts)).map((g) => g.id),
          place,
          summary: why.has(id)
            ? `${names.get(id) ?? id} lost their room: ${reasonsInWords(why.get(id)!, hotel.name)}.`
            : `${names.get(id) ?? id} lost their room: ${hotel.name} withdrew ${fewer || 'rooms'}.`,
          suggestion: why.has(id)
            ? 'Re-plan to find them a hotel that suits them (their transport was released too).'
            : 'Re-plan to find them another hotel (their transport was released too).',
          dedupeKey: `unplaced:${id}`,
        }));
        for (const id of kept)
          drafts.push({
            kind: 'needs_unmet',
            partyId: id,
            guestIds: (members.get(id) ?? []).map((g) => g.id),
            place,
            summary: `${hotel.name} changed what it offers after ${names.get(id) ?? id} left for it: ${reasonsInWords(why.get(id)!, hotel.name)}.`,
            suggestion: `Ring ${hotel.name}${hotel.phone ? ` on ${hotel.phone}` : ''} to change their room, or arrange another hotel.`,
            dedupeKey: `needs_unmet:${id}:${ev!.seq}`,
          });
        await openAttention(tx, emit, incidentId, actor, drafts);
      }
      return { hotelId, displacedPartyIds: displaced, needsUnmetPartyIds: kept, seq: ev!.seq };
    });
  }

  /**
   * Stays at the hotel (planned or checked in) that break a stay rule once the change is made and
   * did not before, judged by the planner's validator on the incident as it is and as it will be.
   */
  private async unsuitedBy(tx: Tx, incidentId: string, hotelId: string, change: HotelChange) {
    const held = await repo.activeStaysAt(tx, incidentId, hotelId);
    if (!held.length) return [];
    const before = await exportScenario(tx, incidentId, { oneConnection: true });
    const after: Scenario = { ...before, hotels: before.hotels.map((h) => (h.id === hotelId ? asChanged(h, change) : h)) };
    const broken = staysUnsuited(
      before,
      after,
      held.map((s) => ({ partyId: s.partyId, hotelId: s.hotelId, rooms: s.rooms })),
    );
    return held.filter((s) => broken.has(s.partyId)).map((stay) => ({ stay, broken: broken.get(stay.partyId)! }));
  }

  /** Households that are not at the muster point to be re-planned: checked in, aboard, at the door, making their own way. */
  private async onTheirWay(tx: Tx, incidentId: string, unsuited: readonly { stay: { partyId: string; status: string } }[]): Promise<Set<string>> {
    const ids = unsuited.map((u) => u.stay.partyId);
    const byStatus = new Set(await repo.partyIdsWithStatus(tx, incidentId, ['on_vehicle', 'arrived']));
    const gone = new Set((await membersOf(tx, incidentId, ids)).filter((g) => GONE.includes(g.whereabouts)).map((g) => g.partyId));
    return new Set(
      unsuited.filter((u) => u.stay.status === 'checked_in' || byStatus.has(u.stay.partyId) || gone.has(u.stay.partyId)).map((u) => u.stay.partyId),
    );
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

/** The hotel as the change leaves it: pets, and room types changed in place or added at the end. */
function asChanged(h: Scenario['hotels'][number], change: HotelChange): Scenario['hotels'][number] {
  const listed = new Map((change.roomTypes ?? []).map((r) => [r.type, r]));
  const roomTypes = h.roomTypes.map((r) => listed.get(r.type) ?? r);
  for (const r of change.roomTypes ?? []) if (!h.roomTypes.some((x) => x.type === r.type)) roomTypes.push(r);
  return { ...h, petsAllowed: change.petsAllowed ?? h.petsAllowed, roomTypes };
}
