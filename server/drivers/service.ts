/**
 * Drivers on the road: the manifest of the vehicle's current trip, households ticked off as they
 * board, departure, arrival at each hotel, and the phone's position. Each change is one
 * transaction with its event ('party.boarded', 'trip.departed', 'trip.arrived', all naming the
 * hotels concerned so reception hears of it); repeating an action that already happened answers
 * `{ already: true }` and changes nothing, so a driver's phone may safely retry from its queue.
 */
import type { Db } from '../db/client.js';
import {
  driverArriveSchema,
  driverBoardSchema,
  driverDepartSchema,
  driverPositionSchema,
  type DriverLink,
  type DriverLinkRevoked,
  type DriverTrip,
  type DriverView,
  type HotelEta,
} from '../../shared/drivers.js';
import { AppError, parseOr400, validationError } from '../http/errors.js';
import { commitWithEvents, type EventBus } from '../events/log.js';
import { groupBy } from '../../shared/collections.js';
import { isWhereabouts } from '../../shared/whereabouts.js';
import { isoUtc } from '../../shared/time.js';
import { qrPath } from '../passes/qr.js';
import * as repo from './repo.js';
import { currentRiders } from '../vehicles/repo.js';
import { dropAtStop, leaveBehind, reportLeftBehind, reportMembersLeftBehind } from './stops.js';
import { closeFound } from '../attention/repo.js';
import { linkSecretSource, signDriverToken, verifyDriverToken, type DriverClaim } from './token.js';
import { fromDeparture, liveEta } from './eta.js';
import { zoneOrUtc } from '../../shared/fields.js';
import { membersOf, moveGuests, recordMoves, syncJourney } from '../whereabouts/repo.js';
import { findIncident } from '../incidents/repo.js';

/** Why a household is no longer on a trip, from its status, in a driver's words. */
function whyOffTrip(status: string | undefined): string {
  if (status === 'checked_in' || status === 'checked_out') return 'it is already checked in at its hotel';
  if (status === 'self_evacuated') return 'it made its own way';
  if (status === 'no_show') return 'it was marked as not coming';
  return 'it was re-planned';
}

const GONE = 'This trip is no longer on this vehicle (it was re-planned or cancelled). Refresh the page.';

export type { HotelEta };

export class DriverService {
  /** Last position written per vehicle: phones may report every second, the database hears every few. */
  private readonly lastWrite = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    /** DRIVER_LINK_SECRET; when unset the secret is made once and kept in the database. */
    private readonly configuredSecret?: string,
  ) {
    // Made (or read) at start, not at the first driver's request.
    this.secret().catch(() => undefined);
  }

  private linkSecret?: () => Promise<string>;
  private secret(): Promise<string> {
    return (this.linkSecret ??= linkSecretSource(this.db, this.configuredSecret))();
  }

  /**
   * The claim of a genuine, current link. A forged or garbled one is "not found" (no hint whether
   * it ever existed); a genuine one that was revoked, or whose incident has ended, is refused (403)
   * saying so, so the driver knows to ask for a new one.
   */
  async claim(token: string): Promise<DriverClaim> {
    const c = verifyDriverToken(await this.secret(), token);
    if (!c) throw new AppError('not_found', 'This driver link is not valid. Ask the duty manager for a new one.');
    const state = await repo.linkState(this.db, c.incidentId, c.vehicleId);
    if (!state.incidentActive) throw new AppError('forbidden', 'This incident has ended, so its driver links no longer work.', { reason: 'incident_ended' });
    if (state.generation !== c.generation)
      throw new AppError('forbidden', 'This driver link was withdrawn by the duty manager. Ask them for the new link.', { reason: 'link_revoked' });
    return c;
  }

  /**
   * Withdraw one vehicle's driver link (a lost or shared phone): its generation moves on, so the
   * old link is refused from now on and the links list hands out a new one.
   */
  async revokeLink(incidentId: string, vehicleId: string, user: { id: string; name: string }): Promise<DriverLinkRevoked> {
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const vehicle = await repo.findVehicle(tx, incidentId, vehicleId);
      if (!vehicle) throw new AppError('not_found', 'No such vehicle.', { vehicleId });
      const row = await repo.bumpLinkGeneration(tx, incidentId, vehicleId, user.id);
      await emit(incidentId, { userId: user.id, name: user.name }, [
        { type: 'vehicle.driver_link_revoked', payload: { vehicleId, generation: row.generation } },
      ]);
      return { vehicleId, generation: row.generation, revokedAt: isoUtc(row.revokedAt ?? new Date()) };
    });
  }

  /**
   * One link per vehicle, for duty managers; with the absolute URL's QR when `origin` is known, and
   * the incident's time zone, in which the page shows departure times as the console does.
   */
  async links(incidentId: string, origin: string | null): Promise<{ links: DriverLink[]; timezone: string }> {
    const [vs, ts, incident] = await Promise.all([
      repo.incidentVehicles(this.db, incidentId),
      repo.incidentTrips(this.db, incidentId),
      findIncident(this.db, incidentId),
    ]);
    const riders = await repo.ridersOf(
      this.db,
      ts.map((t) => t.id),
    );
    const ridersByTrip = groupBy(riders, (r) => r.rider.tripId);
    const tripsByVehicle = groupBy(ts, (t) => t.vehicleId);
    const [secret, generations] = await Promise.all([this.secret(), repo.linkGenerations(this.db, incidentId)]);
    return {
      timezone: incident?.timezone ?? 'UTC',
      links: vs.map((v) => {
        const token = signDriverToken(secret, { incidentId, vehicleId: v.id, generation: generations.get(v.id) ?? 1 });
        const path = `/#/drive/${token}`;
        const mine = tripsByVehicle.get(v.id) ?? [];
        const cur = mine.find((t) => t.status !== 'completed');
        return {
          vehicleId: v.id,
          kind: v.kind,
          provider: v.provider,
          status: v.status,
          path,
          token,
          qr: origin ? qrPath(`${origin}${path}`, 'L') : null,
          currentTrip: cur ? { id: cur.id, departAt: isoUtc(cur.departAt), status: cur.status, households: (ridersByTrip.get(cur.id) ?? []).length } : null,
          trips: mine.length,
        };
      }),
    };
  }

  async view(token: string): Promise<DriverView> {
    const { incidentId, vehicleId } = await this.claim(token);
    const [incident, vehicle] = await Promise.all([findIncident(this.db, incidentId), repo.findVehicle(this.db, incidentId, vehicleId)]);
    if (!incident || !vehicle) throw new AppError('not_found', 'This driver link is no longer valid.');
    const all = await repo.vehicleTrips(this.db, incidentId, vehicleId);
    const riders = await repo.ridersOf(
      this.db,
      all.map((t) => t.id),
    );
    const ridersByTrip = groupBy(riders, (r) => r.rider.tripId);
    // A trip with nobody left on its manifest and not yet on the road is nothing to drive.
    const live = all.filter((t) => t.status === 'departed' || t.status === 'completed' || (ridersByTrip.get(t.id) ?? []).length > 0);
    const current = live.find((t) => t.status !== 'completed') ?? null;
    const later = current ? live.filter((t) => t.status !== 'completed' && t.id !== current.id) : [];
    const stopIds = [...new Set(live.flatMap((t) => t.stops))];
    const hotelRows = await repo.hotelsById(this.db, incidentId, stopIds);
    const hotelById = new Map(hotelRows.map((h) => [h.id, h]));
    return {
      incident: { id: incident.id, name: incident.name, timezone: zoneOrUtc(incident.timezone) },
      vehicle: {
        id: vehicle.id,
        kind: vehicle.kind,
        provider: vehicle.provider,
        seats: vehicle.seats,
        wheelchairSpaces: vehicle.wheelchairSpaces,
        status: vehicle.status,
      },
      trip: current ? await this.tripView(incidentId, current, ridersByTrip.get(current.id) ?? [], hotelById) : null,
      upcoming: await Promise.all(
        later.map(async (t) => ({
          id: t.id,
          departAt: isoUtc(t.departAt),
          from: (await repo.findSite(this.db, incidentId, t.fromSiteId))?.name ?? t.fromSiteId,
          stops: t.stops.map((s) => hotelById.get(s)?.name ?? s),
          households: (ridersByTrip.get(t.id) ?? []).length,
        })),
      ),
      done: live.filter((t) => t.status === 'completed').length,
    };
  }

  private async tripView(
    incidentId: string,
    t: repo.TripRow,
    riders: Awaited<ReturnType<typeof repo.ridersOf>>,
    hotelById: Map<string, Awaited<ReturnType<typeof repo.hotelsById>>[number]>,
  ): Promise<DriverTrip> {
    const [site, guestRows, arrivals] = await Promise.all([
      repo.findSite(this.db, incidentId, t.fromSiteId),
      repo.guestsOf(
        this.db,
        incidentId,
        riders.map((r) => r.party.id),
      ),
      repo.stopArrivals(this.db, incidentId, [t.id]),
    ]);
    const guestsByParty = groupBy(guestRows, (g) => g.partyId);
    const reached = arrivals.get(t.id) ?? new Map<string, string>();
    return {
      id: t.id,
      status: t.status as DriverTrip['status'],
      departAt: isoUtc(t.departAt),
      departedAt: t.departedAt ? isoUtc(t.departedAt) : null,
      completedAt: t.completedAt ? isoUtc(t.completedAt) : null,
      from: { id: t.fromSiteId, name: site?.name ?? t.fromSiteId, lat: site?.lat ?? 0, lng: site?.lng ?? 0 },
      stops: t.stops.map((id, i) => {
        const h = hotelById.get(id);
        return {
          hotelId: id,
          name: h?.name ?? id,
          address: h?.address ?? '',
          phone: h?.phone ?? '',
          lat: h?.lat ?? 0,
          lng: h?.lng ?? 0,
          // Once on the road, the plan's legs from when it really left (early or late), as reception sees them.
          eta: t.arrivals[i] && t.departedAt ? fromDeparture(t.arrivals[i], t.departAt, t.departedAt) : (t.arrivals[i] ?? null),
          arrivedAt: reached.get(id) ?? null,
        };
      }),
      households: riders.map(({ rider, party }) => {
        const gs = guestsByParty.get(party.id) ?? [];
        return {
          partyId: party.id,
          name: party.name,
          unit: party.unit,
          passCode: party.passCode,
          phone: party.phone,
          size: gs.length,
          needs: party.needs,
          notes: party.notes,
          guests: gs.map((g) => ({ name: g.name, age: g.age, needs: g.needs, whereabouts: isWhereabouts(g.whereabouts) ? g.whereabouts : 'waiting' })),
          hotelId: rider.hotelId,
          status: rider.status as 'planned' | 'boarded' | 'dropped',
        };
      }),
      seats: t.seats,
      seatsUsed: t.seatsUsed,
      wheelchairSpaces: t.wheelchairSpaces,
      wheelchairUsed: t.wheelchairUsed,
    };
  }

  /** Tick a household on (or off, after a mis-tap) as it boards; only before departure. */
  async board(token: string, raw: unknown) {
    const claim = await this.claim(token);
    const req = parseOr400(driverBoardSchema, raw, 'body', 'request');
    const actor = { userId: null, name: `driver of ${claim.vehicleId}` };
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const trip = await repo.lockTrip(tx, claim.incidentId, claim.vehicleId, req.tripId);
      if (!trip || trip.status === 'cancelled') throw new AppError('not_found', GONE, { tripId: req.tripId });
      const found = await repo.lockRider(tx, trip.id, req.partyId);
      if (!found || (!['planned', 'boarded'].includes(found.rider.status) && !(found.rider.status === 'dropped' && req.boarded))) {
        throw new AppError('not_found', `That household is no longer on this trip: ${whyOffTrip(found?.party.status)}. Refresh the page.`, {
          partyId: req.partyId,
        });
      }
      const { rider, party } = found;
      const want = req.boarded ? 'boarded' : 'planned';
      if (rider.status === want || rider.status === 'dropped') return { partyId: party.id, tripId: trip.id, status: rider.status, already: true };
      if (trip.status === 'departed' || trip.status === 'completed')
        throw new AppError('conflict', 'This vehicle has already left; boarding can no longer change.', { tripId: trip.id });
      const now = new Date();
      await repo.setRiderBoarded(tx, trip.id, party.id, want, req.boarded ? now : null);
      if (trip.status === 'planned' && req.boarded) await repo.updateTrip(tx, trip.id, { status: 'boarding' });
      // Those at the muster point get on (someone marked missing stays missing until seen); a mis-tap puts them back.
      const to = req.boarded ? 'aboard' : 'waiting';
      const moved = await moveGuests(tx, claim.incidentId, { partyIds: [party.id], from: req.boarded ? ['waiting', 'no_show'] : ['aboard'] }, to, now);
      const [ev] = await emit(claim.incidentId, actor, [
        {
          type: req.boarded ? 'party.boarded' : 'party.unboarded',
          payload: {
            partyId: party.id,
            name: party.name,
            tripId: trip.id,
            vehicleId: claim.vehicleId,
            hotelId: rider.hotelId,
            guestIds: moved.map((m) => m.guestId),
            hotelIds: [rider.hotelId],
          },
        },
      ]);
      await recordMoves(tx, claim.incidentId, moved, to, ev!.seq, now);
      await syncJourney(tx, claim.incidentId, [party.id]);
      // A no-show household getting on after all is found.
      if (req.boarded && moved.some((m) => m.from === 'no_show'))
        await closeFound(tx, emit, claim.incidentId, actor, [party.id], `ticked aboard ${claim.vehicleId}`);
      return { partyId: party.id, tripId: trip.id, status: want, already: false, seq: ev!.seq };
    });
  }

  /**
   * The vehicle leaves. Households not on board are taken off the trip (their seats freed, their
   * hotel kept) so the next plan finds them another vehicle: nobody is carried on paper only.
   */
  async depart(token: string, raw: unknown) {
    const claim = await this.claim(token);
    const req = parseOr400(driverDepartSchema, raw, 'body', 'request');
    const actor = { userId: null, name: `driver of ${claim.vehicleId}` };
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const trip = await repo.lockTrip(tx, claim.incidentId, claim.vehicleId, req.tripId);
      if (!trip || trip.status === 'cancelled') throw new AppError('not_found', GONE, { tripId: req.tripId });
      if (trip.status === 'departed' || trip.status === 'completed') return { tripId: trip.id, status: trip.status, already: true };
      const riders = await currentRiders(tx, [trip.id]);
      const ticked = riders.filter((r) => r.status === 'boarded');
      // A household ticked aboard of which nobody got on (every member reported missing) is not
      // carried on paper: it is left behind with the others not aboard.
      const aboard = new Set(
        (
          await membersOf(
            tx,
            claim.incidentId,
            ticked.map((r) => r.partyId),
            ['aboard'],
          )
        ).map((g) => g.partyId),
      );
      const boarded = ticked.filter((r) => aboard.has(r.partyId));
      const nobodyOn = ticked.filter((r) => !aboard.has(r.partyId));
      if (!boarded.length) throw new AppError('conflict', 'Nobody is on board yet: tick off the households as they board, then depart.', { tripId: trip.id });
      for (const r of nobodyOn) await repo.setRiderBoarded(tx, trip.id, r.partyId, 'planned', null);
      const left = await leaveBehind(tx, claim.incidentId, trip, [...riders.filter((r) => r.status === 'planned'), ...nobodyOn]);
      const now = new Date();
      await repo.updateTrip(tx, trip.id, { status: 'departed', departedAt: now });
      const [ev] = await emit(claim.incidentId, actor, [
        {
          type: 'trip.departed',
          payload: {
            tripId: trip.id,
            vehicleId: claim.vehicleId,
            fromSiteId: trip.fromSiteId,
            boardedPartyIds: boarded.map((r) => r.partyId),
            leftBehindPartyIds: left.partyIds,
            leftBehindGuestIds: left.guests.map((g) => g.id),
            hotelIds: [...new Set([...trip.stops, ...riders.map((r) => r.hotelId)])],
          },
        },
      ]);
      // Households not aboard keep their hotel and go back to waiting for transport, as an exception.
      await reportLeftBehind(tx, emit, claim.incidentId, actor, trip, left);
      await reportMembersLeftBehind(
        tx,
        emit,
        claim.incidentId,
        actor,
        trip,
        boarded.map((r) => r.partyId),
      );
      return { tripId: trip.id, status: 'departed', already: false, leftBehind: left.partyIds.length, seq: ev!.seq };
    });
  }

  /** The vehicle reaches a hotel: its households there are "arrived"; the last stop completes the trip. */
  async arrive(token: string, raw: unknown) {
    const claim = await this.claim(token);
    const req = parseOr400(driverArriveSchema, raw, 'body', 'request');
    const actor = { userId: null, name: `driver of ${claim.vehicleId}` };
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const trip = await repo.lockTrip(tx, claim.incidentId, claim.vehicleId, req.tripId);
      if (!trip || trip.status === 'cancelled') throw new AppError('not_found', GONE, { tripId: req.tripId });
      if (!trip.stops.includes(req.hotelId)) throw validationError([{ path: 'body.hotelId', message: `this trip does not stop at ${req.hotelId}` }], 'arrival');
      const reached = (await repo.stopArrivals(tx, claim.incidentId, [trip.id])).get(trip.id) ?? new Map<string, string>();
      if (reached.has(req.hotelId)) return { tripId: trip.id, hotelId: req.hotelId, status: trip.status, already: true };
      if (trip.status !== 'departed') throw new AppError('conflict', 'Depart first: the vehicle has not left yet.', { tripId: trip.id });
      const now = new Date();
      const completed = trip.stops.every((s) => s === req.hotelId || reached.has(s));
      if (completed) await repo.updateTrip(tx, trip.id, { status: 'completed', completedAt: now });
      const { partyIds, seq } = await dropAtStop(tx, emit, claim.incidentId, actor, trip, req.hotelId, completed, now);
      return { tripId: trip.id, hotelId: req.hotelId, status: completed ? 'completed' : 'departed', already: false, partyIds, seq };
    });
  }

  /** Where the vehicle is: stored (at most every few seconds) and pushed to the map as a volatile message. */
  async position(token: string, raw: unknown): Promise<{ accepted: boolean }> {
    const claim = await this.claim(token);
    const req = parseOr400(driverPositionSchema, raw, 'body', 'request');
    const key = `${claim.incidentId}:${claim.vehicleId}`;
    const now = Date.now();
    if (now - (this.lastWrite.get(key) ?? 0) < 2000) return { accepted: false };
    this.lastWrite.set(key, now);
    const at = new Date(now);
    if (!(await repo.storePosition(this.db, claim.incidentId, claim.vehicleId, req.lat, req.lng, at)))
      throw new AppError('not_found', 'This driver link is no longer valid.');
    this.bus.publishVolatile({
      kind: 'vehicle.position',
      incidentId: claim.incidentId,
      position: { vehicleId: claim.vehicleId, lat: req.lat, lng: req.lng, at: at.toISOString() },
    });
    return { accepted: true };
  }

  /** Live arrival estimates of the vehicles bound for one hotel (reception's list). */
  async hotelEtas(incidentId: string, hotelId: string): Promise<{ etas: HotelEta[] }> {
    const incident = await findIncident(this.db, incidentId);
    if (!incident) throw new AppError('not_found', 'No such incident.');
    const ts = (await repo.incidentTrips(this.db, incidentId)).filter((t) => t.stops.includes(hotelId));
    if (!ts.length) return { etas: [] };
    const vehicleIds = [...new Set(ts.map((t) => t.vehicleId))];
    const [vs, arrivals, hotelRows] = await Promise.all([
      repo.incidentVehicles(this.db, incidentId).then((all) => all.filter((v) => vehicleIds.includes(v.id))),
      repo.stopArrivals(
        this.db,
        incidentId,
        ts.map((t) => t.id),
      ),
      repo.hotelsById(this.db, incidentId, [...new Set(ts.flatMap((t) => t.stops))]),
    ]);
    const vehicleById = new Map(vs.map((v) => [v.id, v]));
    const hotelById = new Map(hotelRows.map((h) => [h.id, h]));
    const now = new Date();
    return {
      etas: ts.map((t) => {
        const v = vehicleById.get(t.vehicleId);
        const reached = arrivals.get(t.id) ?? new Map<string, string>();
        const idx = t.stops.indexOf(hotelId);
        const ahead = t.stops
          .slice(0, idx + 1)
          .filter((s) => !reached.has(s))
          .map((s) => hotelById.get(s))
          .filter((h) => h !== undefined);
        const position = v?.lat != null && v.lng != null && v.positionAt ? { lat: v.lat, lng: v.lng, at: v.positionAt } : null;
        const { eta, source } = liveEta({
          now,
          status: t.status,
          departAt: t.departAt,
          departedAt: t.departedAt,
          plannedEta: t.arrivals[idx] ?? null,
          arrivedAt: reached.get(hotelId) ?? null,
          position,
          ahead,
          policy: incident.policy,
        });
        return {
          tripId: t.id,
          vehicleId: t.vehicleId,
          status: t.status,
          plannedEta: t.arrivals[idx] ?? null,
          eta,
          source,
          position: position ? { lat: position.lat, lng: position.lng, at: position.at.toISOString() } : null,
        };
      }),
    };
  }
}
