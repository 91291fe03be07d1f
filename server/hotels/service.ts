/**
 * Hotel offers recorded while on the phone: a new hotel, more or fewer rooms, rates, pets, perks.
 * Withdrawing rooms that were already planned displaces the newest planned stays of that type
 * (never a checked-in one, nor one of a household already on a vehicle or at the door: they are
 * arriving); those households go back to waiting for the next re-plan.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { hotels, parties, roomTypes, stays } from '../db/schema.js';
import { hotelOfferSchema, hotelUpdateSchema } from '../../shared/operations.js';
import { zodFieldErrors } from '../../shared/errors.js';
import { AppError, validationError } from '../http/errors.js';
import { commitWithEvents, type Actor, type EventBus } from '../events/log.js';
import { insertBatched } from '../incidents/import.js';
import { releaseSeatsOfParties } from '../stays/riders.js';

export class HotelService {
  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
  ) {}

  async offer(incidentId: string, raw: unknown, actor: Actor) {
    const parsed = hotelOfferSchema.safeParse(raw);
    if (!parsed.success) throw validationError(zodFieldErrors(parsed.error, ['body']), 'hotel offer');
    const h = parsed.data;
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const [pos] = await tx.select({ n: sql<number>`coalesce(max(${hotels.position}) + 1, 0)::int` }).from(hotels).where(eq(hotels.incidentId, incidentId));
      await tx.insert(hotels).values({ incidentId, id: h.id, name: h.name, lat: h.lat, lng: h.lng, address: h.address, phone: h.phone, petsAllowed: h.petsAllowed, perks: h.perks, position: pos?.n ?? 0 });
      await insertBatched(
        h.roomTypes.map((r, position) => ({ incidentId, hotelId: h.id, ...r, position })),
        (c) => tx.insert(roomTypes).values(c),
      );
      const [ev] = await emit(incidentId, actor, [{ type: 'hotel.offered', payload: { hotelId: h.id, name: h.name, rooms: h.roomTypes.reduce((n, r) => n + r.count, 0), hotelIds: [h.id] } }]);
      return { hotelId: h.id, seq: ev!.seq };
    });
  }

  async update(incidentId: string, hotelId: string, raw: unknown, actor: Actor) {
    const parsed = hotelUpdateSchema.safeParse(raw);
    if (!parsed.success) throw validationError(zodFieldErrors(parsed.error, ['body']), 'hotel change');
    const change = parsed.data;
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const [hotel] = await tx.select().from(hotels).where(and(eq(hotels.incidentId, incidentId), eq(hotels.id, hotelId))).for('update');
      if (!hotel) throw new AppError('not_found', `No hotel ${hotelId} in this incident.`);
      if (change.petsAllowed !== undefined || change.perks) {
        await tx.update(hotels).set({ ...(change.petsAllowed !== undefined ? { petsAllowed: change.petsAllowed } : {}), ...(change.perks ? { perks: change.perks } : {}) }).where(and(eq(hotels.incidentId, incidentId), eq(hotels.id, hotelId)));
      }
      const displaced: string[] = [];
      const roomChanges: { type: string; from: number; to: number }[] = [];
      for (const rt of change.roomTypes ?? []) {
        const [cur] = await tx.select().from(roomTypes).where(and(eq(roomTypes.incidentId, incidentId), eq(roomTypes.hotelId, hotelId), eq(roomTypes.type, rt.type))).for('update');
        if (!cur) {
          const [pos] = await tx.select({ n: sql<number>`coalesce(max(${roomTypes.position}) + 1, 0)::int` }).from(roomTypes).where(and(eq(roomTypes.incidentId, incidentId), eq(roomTypes.hotelId, hotelId)));
          await tx.insert(roomTypes).values({ incidentId, hotelId, ...rt, position: pos?.n ?? 0 });
          roomChanges.push({ type: rt.type, from: 0, to: rt.count });
          continue;
        }
        if (rt.count < cur.used) displaced.push(...(await this.displace(tx, incidentId, hotelId, rt.type, cur.used - rt.count)));
        await tx.update(roomTypes).set({ count: rt.count, sleeps: rt.sleeps, accessible: rt.accessible, rateMinor: rt.rateMinor }).where(and(eq(roomTypes.incidentId, incidentId), eq(roomTypes.hotelId, hotelId), eq(roomTypes.type, rt.type)));
        if (rt.count !== cur.count) roomChanges.push({ type: rt.type, from: cur.count, to: rt.count });
      }
      const [ev] = await emit(incidentId, actor, [
        { type: 'hotel.rooms_changed', payload: { hotelId, name: hotel.name, roomChanges, petsAllowed: change.petsAllowed, perksChanged: Boolean(change.perks), displacedPartyIds: displaced, hotelIds: [hotelId] } },
      ]);
      return { hotelId, displacedPartyIds: displaced, seq: ev!.seq };
    });
  }

  /** Cancel the newest planned stays holding `rooms` rooms of a type; checked-in or arriving guests are never displaced. */
  private async displace(tx: Parameters<Parameters<Db['transaction']>[0]>[0], incidentId: string, hotelId: string, type: string, rooms: number): Promise<string[]> {
    const candidates = await tx
      .select()
      .from(stays)
      .where(and(eq(stays.incidentId, incidentId), eq(stays.hotelId, hotelId), eq(stays.status, 'planned')))
      .orderBy(desc(stays.createdAt));
    // Households already on a vehicle (bound for this hotel) or dropped at its door keep their rooms:
    // re-planning them would send a second vehicle to the muster point for people who are not there.
    const arriving = await tx.select({ id: parties.id }).from(parties).where(and(eq(parties.incidentId, incidentId), inArray(parties.status, ['on_vehicle', 'arrived'])));
    const onTheirWay = new Set(arriving.map((p) => p.id));
    const out: string[] = [];
    let freed = 0;
    for (const s of candidates) {
      if (freed >= rooms) break;
      if (onTheirWay.has(s.partyId)) continue;
      const n = s.rooms.find((r) => r.type === type)?.count ?? 0;
      if (n === 0) continue;
      for (const r of s.rooms) await tx.update(roomTypes).set({ used: sql`${roomTypes.used} - ${r.count}` }).where(and(eq(roomTypes.incidentId, incidentId), eq(roomTypes.hotelId, hotelId), eq(roomTypes.type, r.type)));
      await tx.update(stays).set({ status: 'cancelled', endedAt: new Date() }).where(eq(stays.id, s.id));
      freed += n;
      out.push(s.partyId);
    }
    if (freed < rooms) throw new AppError('conflict', `Only ${freed} of the ${rooms} ${type} room(s) to withdraw are free or merely planned; the rest are held by guests checked in or already on their way.`, { hotelId, type });
    if (out.length) {
      await releaseSeatsOfParties(tx, incidentId, out);
      await tx.update(parties).set({ status: 'waiting' }).where(and(eq(parties.incidentId, incidentId), inArray(parties.id, out), eq(parties.status, 'assigned')));
    }
    return out;
  }
}
