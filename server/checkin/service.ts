/**
 * Reception at a receiving hotel: who is coming (on which vehicle, when), check-in with room
 * numbers (whole household or guest by guest), no-show or "went elsewhere", check-out.
 * Every action is one transaction with its event; a retried request is caught by its
 * Idempotency-Key, and a check-in of a household already checked in is a clean 409.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { guests, guestStatuses, hotels, incidents, parties, stays, tripRiders, trips, vehicles } from '../db/schema.js';
import { checkInSchema, checkOutSchema, noShowSchema } from '../../shared/checkin.js';
import { zodFieldErrors } from '../../shared/errors.js';
import type { ArrivalHousehold, HotelArrivals } from '../../shared/api.js';
import { AppError, validationError } from '../http/errors.js';
import { commitWithEvents, type Actor, type EventBus } from '../events/log.js';
import { groupBy, isoUtc } from '../incidents/export.js';
import { releaseRooms } from '../stays/repo.js';
import { releaseSeatsOfParties } from '../stays/riders.js';
import type { z } from 'zod';

function parse<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const r = schema.safeParse(raw);
  if (!r.success) throw validationError(zodFieldErrors(r.error, ['body']), 'request');
  return r.data;
}

export class CheckinService {
  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
  ) {}

  async arrivals(incidentId: string, hotelId: string): Promise<HotelArrivals> {
    const [hotel] = await this.db.select().from(hotels).where(and(eq(hotels.incidentId, incidentId), eq(hotels.id, hotelId)));
    if (!hotel) throw new AppError('not_found', 'No such hotel.');
    const [inc] = await this.db.select({ lastSeq: incidents.lastSeq }).from(incidents).where(eq(incidents.id, incidentId));
    const stayRows = await this.db.select().from(stays).where(and(eq(stays.incidentId, incidentId), eq(stays.hotelId, hotelId), inArray(stays.status, ['planned', 'checked_in', 'checked_out', 'no_show'])));
    const partyIds = [...new Set(stayRows.map((s) => s.partyId))];
    if (partyIds.length === 0) return { hotel: presentHotel(hotel), seq: inc?.lastSeq ?? 0, households: [] };
    const [partyRows, guestRows, riderRows] = await Promise.all([
      this.db.select().from(parties).where(and(eq(parties.incidentId, incidentId), inArray(parties.id, partyIds))),
      this.db.select().from(guests).where(and(eq(guests.incidentId, incidentId), inArray(guests.partyId, partyIds))),
      this.db
        .select({ partyId: tripRiders.partyId, trip: trips, vehicle: vehicles })
        .from(tripRiders)
        .innerJoin(trips, eq(trips.id, tripRiders.tripId))
        .innerJoin(vehicles, and(eq(vehicles.incidentId, trips.incidentId), eq(vehicles.id, trips.vehicleId)))
        .where(and(eq(tripRiders.incidentId, incidentId), inArray(tripRiders.partyId, partyIds), inArray(tripRiders.status, ['planned', 'boarded', 'dropped']))),
    ]);
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
        status: s.status === 'planned' ? p.status : s.status,
        notes: p.notes,
        needs: p.needs,
        language: p.language,
        rooms: s.rooms,
        roomNumbers: s.roomNumbers,
        guests: (guestsByParty.get(p.id) ?? []).sort((a, b) => a.position - b.position).map((g) => ({ id: g.id, name: g.name, age: g.age, needs: g.needs, checkedIn: Boolean(g.checkedInAt), roomNumber: g.roomNumber })),
        trip: ride
          ? { id: ride.trip.id, vehicleId: ride.vehicle.id, vehicleKind: ride.vehicle.kind, provider: ride.vehicle.provider, departAt: isoUtc(ride.trip.departAt), eta: stopIdx >= 0 ? (ride.trip.arrivals[stopIdx] ?? null) : null, status: ride.trip.status }
          : null,
        checkedInAt: s.checkedInAt ? isoUtc(s.checkedInAt) : null,
      };
    });
    households.sort((a, b) => (a.trip?.eta ?? '9').localeCompare(b.trip?.eta ?? '9') || a.name.localeCompare(b.name));
    return { hotel: presentHotel(hotel), seq: inc?.lastSeq ?? 0, households };
  }

  async checkIn(incidentId: string, hotelId: string, raw: unknown, actor: Actor) {
    const req = parse(checkInSchema, raw);
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const { party, stay } = await this.lockStay(tx, incidentId, hotelId, req.partyId, ['planned', 'checked_in']);
      const all = await tx.select().from(guests).where(and(eq(guests.incidentId, incidentId), eq(guests.partyId, party.id)));
      const arriving = req.guestIds ?? all.filter((g) => !g.checkedInAt).map((g) => g.id);
      const unknown = arriving.filter((id) => !all.some((g) => g.id === id));
      if (unknown.length) throw validationError(unknown.map((id) => ({ path: 'body.guestIds', message: `guest ${id} is not in household ${party.name}` })), 'check-in');
      const already = all.filter((g) => arriving.includes(g.id) && g.checkedInAt);
      if (already.length === arriving.length) throw new AppError('conflict', `${party.name} ${arriving.length > 1 ? 'are' : 'is'} already checked in.`, { partyId: party.id });
      for (const type of Object.keys(req.roomNumbers)) if (!stay.rooms.some((r) => r.type === type)) throw validationError([{ path: `body.roomNumbers.${type}`, message: `this household has no ${type} room; its rooms are ${stay.rooms.map((r) => `${r.count} ${r.type}`).join(', ')}` }], 'check-in');
      const now = new Date();
      const roomNumbers = { ...(stay.roomNumbers ?? {}), ...req.roomNumbers };
      const firstRoom = Object.values(roomNumbers)[0]?.[0] ?? null;
      await tx.update(guests).set({ checkedInAt: now, roomNumber: firstRoom }).where(and(eq(guests.incidentId, incidentId), inArray(guests.id, arriving)));
      const everyone = all.every((g) => g.checkedInAt || arriving.includes(g.id));
      await tx.update(stays).set({ status: 'checked_in', roomNumbers, checkedInAt: stay.checkedInAt ?? now }).where(eq(stays.id, stay.id));
      await tx.update(parties).set({ status: 'checked_in' }).where(and(eq(parties.incidentId, incidentId), eq(parties.id, party.id)));
      await tx.update(tripRiders).set({ status: 'dropped', droppedAt: now }).where(and(eq(tripRiders.incidentId, incidentId), eq(tripRiders.partyId, party.id), inArray(tripRiders.status, ['planned', 'boarded'])));
      const [ev] = await emit(incidentId, actor, [
        { type: 'guest.checked_in', payload: { partyId: party.id, name: party.name, hotelId, guestIds: arriving, wholeHousehold: everyone, roomNumbers, hotelIds: [hotelId] } },
      ]);
      await tx.insert(guestStatuses).values(arriving.map((guestId) => ({ incidentId, partyId: party.id, guestId, status: 'checked_in', at: now, eventSeq: ev!.seq })));
      return { partyId: party.id, checkedIn: arriving, wholeHousehold: everyone, seq: ev!.seq };
    });
  }

  async noShow(incidentId: string, hotelId: string, raw: unknown, actor: Actor) {
    const req = parse(noShowSchema, raw);
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const { party, stay } = await this.lockStay(tx, incidentId, hotelId, req.partyId, ['planned']);
      await releaseRooms(tx, incidentId, hotelId, stay.rooms);
      await tx.update(stays).set({ status: 'no_show', endedAt: new Date() }).where(eq(stays.id, stay.id));
      await releaseSeatsOfParties(tx, incidentId, [party.id]);
      const status = req.kind === 'went_elsewhere' ? 'self_evacuated' : 'no_show';
      await tx.update(parties).set({ status }).where(and(eq(parties.incidentId, incidentId), eq(parties.id, party.id)));
      const [ev] = await emit(incidentId, actor, [{ type: 'party.no_show', payload: { partyId: party.id, name: party.name, hotelId, kind: req.kind, note: req.note ?? null, hotelIds: [hotelId] } }]);
      await tx.insert(guestStatuses).values({ incidentId, partyId: party.id, status, eventSeq: ev!.seq });
      return { partyId: party.id, status, seq: ev!.seq };
    });
  }

  async checkOut(incidentId: string, hotelId: string, raw: unknown, actor: Actor) {
    const req = parse(checkOutSchema, raw);
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const { party, stay } = await this.lockStay(tx, incidentId, hotelId, req.partyId, ['checked_in']);
      const now = new Date();
      await releaseRooms(tx, incidentId, hotelId, stay.rooms);
      await tx.update(stays).set({ status: 'checked_out', checkedOutAt: now, endedAt: now }).where(eq(stays.id, stay.id));
      await tx.update(parties).set({ status: 'checked_out' }).where(and(eq(parties.incidentId, incidentId), eq(parties.id, party.id)));
      const [ev] = await emit(incidentId, actor, [{ type: 'guest.checked_out', payload: { partyId: party.id, name: party.name, hotelId, hotelIds: [hotelId] } }]);
      await tx.insert(guestStatuses).values({ incidentId, partyId: party.id, status: 'checked_out', at: now, eventSeq: ev!.seq });
      return { partyId: party.id, seq: ev!.seq };
    });
  }

  /** The household's active stay at this hotel, locked; anything else is "not here". */
  private async lockStay(tx: Tx, incidentId: string, hotelId: string, partyId: string, statuses: string[]) {
    const [party] = await tx.select().from(parties).where(and(eq(parties.incidentId, incidentId), eq(parties.id, partyId))).for('update');
    const [stay] = party ? await tx.select().from(stays).where(and(eq(stays.incidentId, incidentId), eq(stays.partyId, partyId), eq(stays.hotelId, hotelId), inArray(stays.status, ['planned', 'checked_in']))).for('update') : [];
    if (!party || !stay) throw new AppError('not_found', 'That household is not expected at this hotel (it may have been re-routed). Refresh the list.', { partyId });
    if (!statuses.includes(stay.status)) throw new AppError('conflict', `${party.name} is ${stay.status.replace('_', ' ')}; that action does not apply.`, { partyId, status: stay.status });
    return { party, stay };
  }
}

function presentHotel(h: typeof hotels.$inferSelect): HotelArrivals['hotel'] {
  return { id: h.id, name: h.name, address: h.address, phone: h.phone, perks: h.perks };
}
