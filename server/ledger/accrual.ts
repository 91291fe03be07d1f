/**
 * Costs that arise by themselves. Lodging: each checked-in stay owes each of its nights
 * (shared/ledger.ts `stayNights`) at the agreed room rates, posted once per (stay, night) under
 * the unique source key `lodging:<stay>:<night>`, so running the job again posts nothing new.
 * Transport: a trip costs costPerTripMinor + road km x costPerKmMinor, posted once per trip
 * (`trip:<trip>`) as it completes: when its driver reports the last stop (the ledger job runs on
 * `trip.arrived`/`trip.completed` and on its timer) or a duty manager marks it completed. A trip
 * still on the road is reported separately with its estimated cost, never in the total.
 */
import type { Db, Tx } from '../db/client.js';
import { dropAtStop, leaveBehind, reportLeftBehind, reportMembersLeftBehind } from '../drivers/stops.js';
import { AppError } from '../http/errors.js';
import { commitWithEvents, type Actor, type EventBus, type NewEvent } from '../events/log.js';
import { roadKm, type LatLng } from '../../shared/geo.js';
import { formatMinor, stayNights } from '../../shared/ledger.js';
import {
  appendEntries,
  checkedInStays,
  completedTripIds,
  departedTrips,
  hotelNames,
  lockHead,
  lockTrip,
  markTripCompleted,
  ridersOnBooks,
  roomRates,
  sourceKeysLike,
  tripLegRows,
  type EntryDraft,
  type TripRow,
} from './repo.js';
import { loadIncident } from './context.js';
import { eventPayload } from './service.js';

export interface AccrualResult {
  posted: number;
  totalMinor: number;
  nights: string[];
  headSeq: number;
}

/** A trip's vehicle and road km: from where the vehicle was (previous trip's last stop, else its depot) to the pick-up, then stop to stop. */
async function tripLegs(q: Db | Tx, policy: Parameters<typeof roadKm>[2], trip: TripRow) {
  const { vehicle, siteRows, hotelRows, vehicleTrips } = await tripLegRows(q, trip.incidentId, trip.vehicleId);
  const prevTrip = vehicleTrips.filter((t) => t.departAt < trip.departAt).pop();
  const site = new Map(siteRows.map((s) => [s.id, s as LatLng]));
  const hotel = new Map(hotelRows.map((h) => [h.id, h as LatLng]));
  const lastStop = prevTrip?.stops[prevTrip.stops.length - 1];
  let at: LatLng | undefined = (lastStop && hotel.get(lastStop)) || (vehicle ? site.get(vehicle.depotSiteId) : undefined);
  let km = 0;
  for (const p of [site.get(trip.fromSiteId), ...trip.stops.map((s) => hotel.get(s))]) {
    if (at && p) km += roadKm(at, p, policy);
    at = p ?? at;
  }
  // Names as an insurer reads them: the muster point and hotels, not their ids.
  const name = new Map<string, string>([...siteRows.map((s) => [s.id, s.name] as const), ...hotelRows.map((h) => [h.id, h.name] as const)]);
  return { vehicle, km, nameOf: (id: string) => name.get(id) ?? id };
}

/** Trips on the road: what they will cost when they complete (not in any total until then). */
export interface RunningTransport {
  trips: { tripId: string; vehicleId: string; departedAt: string; estimatedMinor: number }[];
  estimatedMinor: number;
}

export class AccrualService {
  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
  ) {}

  /** Post the cost of every completed trip not costed yet (drivers complete trips too); returns how many were posted. */
  async costCompletedTrips(incidentId: string, actor: Actor): Promise<number> {
    const done = await completedTripIds(this.db, incidentId);
    if (!done.length) return 0;
    const have = await sourceKeysLike(this.db, incidentId, 'trip:');
    let posted = 0;
    for (const t of done) {
      if (have.has(`trip:${t.id}`)) continue;
      const r = await this.completeTrip(incidentId, t.id, actor);
      if (r.entry) posted++;
    }
    return posted;
  }

  /** Trips departed and not yet completed, with the cost each will post on completion. */
  async runningTransport(incidentId: string): Promise<RunningTransport> {
    const incident = await loadIncident(this.db, incidentId);
    const running = await departedTrips(this.db, incidentId);
    const out: RunningTransport['trips'] = [];
    for (const t of running) {
      const { vehicle, km } = await tripLegs(this.db, incident.policy, t);
      if (!vehicle) continue;
      out.push({
        tripId: t.id,
        vehicleId: t.vehicleId,
        departedAt: (t.departedAt ?? t.departAt).toISOString(),
        estimatedMinor: Math.round(vehicle.costPerTripMinor + vehicle.costPerKmMinor * km),
      });
    }
    return { trips: out, estimatedMinor: out.reduce((n, t) => n + t.estimatedMinor, 0) };
  }

  /** Post every lodging night owed up to `asOf` that is not posted yet. Idempotent. */
  async accrueLodging(incidentId: string, asOf: Date, actor: Actor): Promise<AccrualResult> {
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const incident = await loadIncident(tx, incidentId);
      const head = await lockHead(tx, incidentId);
      const stayRows = await checkedInStays(tx, incidentId);
      if (stayRows.length === 0) return { posted: 0, totalMinor: 0, nights: [], headSeq: head.seq };
      const rates = await roomRates(tx, incidentId);
      const rate = new Map(rates.map((r) => [`${r.hotelId}\u0000${r.type}`, r.rateMinor]));
      const hotelName = new Map((await hotelNames(tx, incidentId)).map((h) => [h.id, h.name]));
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
      await emit(incidentId, actor, [
        {
          type: 'ledger.lodging_accrued',
          payload: { posted: rows.length, totalMinor, nights, fromSeq: rows[0]!.seq, toSeq: rows[rows.length - 1]!.seq, asOf: asOf.toISOString(), hotelIds },
        },
      ]);
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
      const trip = await lockTrip(tx, incidentId, tripId);
      if (!trip) throw new AppError('not_found', 'No such trip.');
      if (trip.status === 'cancelled') throw new AppError('conflict', 'That trip was cancelled; it has no cost.');
      const events: NewEvent[] = [];
      if (trip.status !== 'completed') {
        // Whoever is still on the trip's books is accounted for: those not recorded aboard were
        // left behind (back to waiting, as an exception); those aboard got off at their stop.
        const riders = await ridersOnBooks(tx, trip.id);
        const left = await leaveBehind(
          tx,
          incidentId,
          trip,
          riders.filter((r) => r.status === 'planned'),
        );
        const now = new Date();
        await markTripCompleted(tx, trip.id, now, trip.departedAt ?? trip.departAt);
        const boarded = riders.filter((r) => r.status === 'boarded');
        const aboardAt = [...new Set(boarded.map((r) => r.hotelId))];
        // Not seen to leave: members of a ticked household still at the muster point did not go with it.
        if (trip.status !== 'departed')
          await reportMembersLeftBehind(
            tx,
            emit,
            incidentId,
            actor,
            trip,
            boarded.map((r) => r.partyId),
          );
        for (const hotelId of aboardAt) await dropAtStop(tx, emit, incidentId, actor, trip, hotelId, true, now);
        await reportLeftBehind(tx, emit, incidentId, actor, trip, left);
        events.push({ type: 'trip.completed', payload: { tripId: trip.id, vehicleId: trip.vehicleId, hotelIds: trip.stops } });
      }
      const key = `trip:${trip.id}`;
      const posted = (await sourceKeysLike(tx, incidentId, key)).has(key);
      let entry = null;
      if (!posted) {
        const { vehicle, km, nameOf } = await tripLegs(tx, incident.policy, trip);
        const amount = Math.round(vehicle!.costPerTripMinor + vehicle!.costPerKmMinor * km);
        [entry] = await appendEntries(tx, head, incident.currency, [
          {
            kind: 'charge',
            category: 'transport',
            amountMinor: amount,
            // When it really left (the plan's time only if nobody pressed "depart").
            occurredAt: trip.departedAt ?? trip.departAt,
            recordedBy: actor.userId,
            vehicleId: trip.vehicleId,
            tripId: trip.id,
            sourceKey: key,
            // km to the metre, so that the line recomputes to the penny from what it says.
            description: `Trip by ${trip.vehicleId} (${vehicle!.kind}${vehicle!.provider ? `, ${vehicle!.provider}` : ''}) from ${nameOf(trip.fromSiteId)} to ${trip.stops.map(nameOf).join(', ')}: ${formatMinor(vehicle!.costPerTripMinor)} + ${km.toFixed(3)} km x ${formatMinor(vehicle!.costPerKmMinor)}`,
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
