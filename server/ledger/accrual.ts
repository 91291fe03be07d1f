/**
 * Costs that arise by themselves. Lodging: each checked-in stay owes each of its nights
 * (shared/ledger.ts `stayNights`) at the agreed room rates, posted once per (stay, night) under
 * the unique source key `lodging:<stay>:<night>`, so running the job again posts nothing new.
 * Transport: a trip costs costPerTripMinor + road km x costPerKmMinor, posted once per trip
 * (`trip:<trip>`) when a duty manager marks it completed.
 */
import { and, asc, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { hotels, roomTypes, sites, stays, trips, vehicles } from '../db/schema.js';
import { AppError } from '../http/errors.js';
import { commitWithEvents, type Actor, type EventBus } from '../events/log.js';
import { roadKm, type LatLng } from '../../shared/geo.js';
import { formatMinor, stayNights } from '../../shared/ledger.js';
import { appendEntries, lockHead, sourceKeysLike, type EntryDraft } from './repo.js';
import { loadIncident } from './context.js';
import { eventPayload } from './service.js';

export interface AccrualResult {
  posted: number;
  totalMinor: number;
  nights: string[];
  headSeq: number;
}

export class AccrualService {
  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
  ) {}

  /** Post every lodging night owed up to `asOf` that is not posted yet. Idempotent. */
  async accrueLodging(incidentId: string, asOf: Date, actor: Actor): Promise<AccrualResult> {
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const incident = await loadIncident(tx, incidentId);
      const head = await lockHead(tx, incidentId);
      const stayRows = await tx
        .select()
        .from(stays)
        .where(and(eq(stays.incidentId, incidentId), isNotNull(stays.checkedInAt), inArray(stays.status, ['checked_in', 'checked_out', 'cancelled'])))
        .orderBy(asc(stays.checkedInAt), asc(stays.id));
      if (stayRows.length === 0) return { posted: 0, totalMinor: 0, nights: [], headSeq: head.seq };
      const rates = await tx.select().from(roomTypes).where(eq(roomTypes.incidentId, incidentId));
      const rate = new Map(rates.map((r) => [`${r.hotelId}\u0000${r.type}`, r.rateMinor]));
      const hotelName = new Map((await tx.select({ id: hotels.id, name: hotels.name }).from(hotels).where(eq(hotels.incidentId, incidentId))).map((h) => [h.id, h.name]));
      const done = await sourceKeysLike(tx, incidentId, 'lodging:');
      const drafts: EntryDraft[] = [];
      for (const s of stayRows) {
        const end = s.checkedOutAt ?? s.endedAt ?? asOf;
        const nights = stayNights(s.checkedInAt!, end < asOf ? end : asOf, incident.timezone);
        for (const night of nights) {
          const key = `lodging:${s.id}:${night}`;
          if (done.has(key)) continue;
          const parts = s.rooms.map((r) => ({ ...r, rate: rate.get(`${s.hotelId}\u0000${r.type}`) ?? 0 }));
          const amount = parts.reduce((n, p) => n + p.count * p.rate, 0);
          const checkedIn = s.checkedInAt!;
          drafts.push({
            kind: 'charge',
            category: 'lodging',
            amountMinor: amount,
            occurredAt: night === nights[0] ? checkedIn : nightStart(night),
            recordedBy: null,
            partyId: s.partyId,
            hotelId: s.hotelId,
            night,
            sourceKey: key,
            description: `Lodging at ${hotelName.get(s.hotelId) ?? s.hotelId}, night of ${night}: ${parts.map((p) => `${p.count} x ${p.type} @ ${formatMinor(p.rate)}`).join(', ')}`,
            status: 'posted',
          });
        }
      }
      if (drafts.length === 0) return { posted: 0, totalMinor: 0, nights: [], headSeq: head.seq };
      const rows = await appendEntries(tx, head, incident.currency, drafts);
      const totalMinor = rows.reduce((n, r) => n + r.amountMinor, 0);
      const nights = [...new Set(rows.map((r) => r.night!))].sort();
      const hotelIds = [...new Set(rows.map((r) => r.hotelId!))];
      await emit(incidentId, actor, [{ type: 'ledger.lodging_accrued', payload: { posted: rows.length, totalMinor, nights, fromSeq: rows[0]!.seq, toSeq: rows[rows.length - 1]!.seq, asOf: asOf.toISOString(), hotelIds } }]);
      return { posted: rows.length, totalMinor, nights, headSeq: head.seq };
    });
  }

  /**
   * Mark a trip completed (if it is not already) and post its cost once. The km are the
   * vehicle's legs for this trip: from where it was (its previous trip's last stop, else its
   * depot) to the muster point, then stop to stop (the planner's own definition).
   */
  async completeTrip(incidentId: string, tripId: string, actor: Actor) {
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const incident = await loadIncident(tx, incidentId);
      const head = await lockHead(tx, incidentId);
      const [trip] = await tx.select().from(trips).where(and(eq(trips.incidentId, incidentId), eq(trips.id, tripId))).for('update');
      if (!trip) throw new AppError('not_found', 'No such trip.');
      if (trip.status === 'cancelled') throw new AppError('conflict', 'That trip was cancelled; it has no cost.');
      const events = [];
      if (trip.status !== 'completed') {
        await tx.update(trips).set({ status: 'completed', completedAt: new Date(), departedAt: trip.departedAt ?? trip.departAt }).where(eq(trips.id, trip.id));
        events.push({ type: 'trip.completed', payload: { tripId: trip.id, vehicleId: trip.vehicleId, hotelIds: trip.stops } });
      }
      const key = `trip:${trip.id}`;
      const posted = (await sourceKeysLike(tx, incidentId, key)).has(key);
      let entry = null;
      if (!posted) {
        const [vehicle] = await tx.select().from(vehicles).where(and(eq(vehicles.incidentId, incidentId), eq(vehicles.id, trip.vehicleId)));
        const siteRows = await tx.select().from(sites).where(eq(sites.incidentId, incidentId));
        const hotelRows = await tx.select({ id: hotels.id, lat: hotels.lat, lng: hotels.lng }).from(hotels).where(eq(hotels.incidentId, incidentId));
        const earlier = await tx
          .select({ stops: trips.stops, departAt: trips.departAt })
          .from(trips)
          .where(and(eq(trips.incidentId, incidentId), eq(trips.vehicleId, trip.vehicleId), inArray(trips.status, ['planned', 'boarding', 'departed', 'completed'])))
          .orderBy(asc(trips.departAt));
        const prevTrip = earlier.filter((t) => t.departAt < trip.departAt).pop();
        const site = new Map(siteRows.map((s) => [s.id, s as LatLng]));
        const hotel = new Map(hotelRows.map((h) => [h.id, h as LatLng]));
        const lastStop = prevTrip?.stops[prevTrip.stops.length - 1];
        let at: LatLng | undefined = (lastStop && hotel.get(lastStop)) || site.get(vehicle!.depotSiteId);
        let km = 0;
        for (const p of [site.get(trip.fromSiteId), ...trip.stops.map((s) => hotel.get(s))]) {
          if (at && p) km += roadKm(at, p, incident.policy);
          at = p ?? at;
        }
        const amount = Math.round(vehicle!.costPerTripMinor + vehicle!.costPerKmMinor * km);
        [entry] = await appendEntries(tx, head, incident.currency, [
          {
            kind: 'charge',
            category: 'transport',
            amountMinor: amount,
            occurredAt: trip.departAt,
            recordedBy: actor.userId,
            vehicleId: trip.vehicleId,
            tripId: trip.id,
            sourceKey: key,
            description: `Trip by ${trip.vehicleId} (${vehicle!.kind}${vehicle!.provider ? `, ${vehicle!.provider}` : ''}) from ${trip.fromSiteId} to ${trip.stops.join(', ')}: ${formatMinor(vehicle!.costPerTripMinor)} + ${km.toFixed(1)} km x ${formatMinor(vehicle!.costPerKmMinor)}`,
            status: 'posted',
          },
        ]);
        events.push({ type: 'ledger.trip_costed', payload: { ...eventPayload(entry!), km: Math.round(km * 10) / 10, hotelIds: trip.stops } });
      }
      await emit(incidentId, actor, events);
      return { tripId: trip.id, completed: true, entry, alreadyPosted: posted };
    });
  }
}

/** Noon (the night boundary) of a night's first date, as a UTC instant; close enough for "when" of later nights. */
function nightStart(night: string): Date {
  return new Date(`${night}T12:00:00Z`);
}
