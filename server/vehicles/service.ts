/**
 * A vehicle breaks down or comes back: out of service takes it off every trip that has not left
 * (its households go back to waiting for a seat; their hotel stays), so the next re-plan re-routes them.
 * Every household it was carrying or about to carry becomes a `transport_lost` exception; those on a
 * trip already on the road stay aboard (they are in the broken-down vehicle) and need a rescue.
 */
import { vehicleName } from '../../shared/drivers.js';
import type { Db } from '../db/client.js';
import { membersOf, moveGuests, recordMoves, syncJourney, type Moved } from '../whereabouts/repo.js';
import { nameList, openAttention, type AttentionDraft } from '../attention/repo.js';
import { vehicleOfferSchema, vehicleUpdateSchema, type VehicleOfferResult } from '../../shared/operations.js';
import { sitesNamed, vehicleIssues } from '../../shared/scenario.js';
import { findIncident } from '../incidents/repo.js';
import { AppError, parseOr400, validationError } from '../http/errors.js';
import { commitWithEvents, type Actor, type EventBus } from '../events/log.js';
import { cancelTrips } from '../stays/riders.js';
import * as repo from './repo.js';

export class VehicleService {
  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
  ) {}

  /**
   * Record a vehicle offered during the night: from then on every plan may use it. Its depot must be
   * one of the incident's sites and its time within 30 days of the incident's start (as on import);
   * an id already used is refused, never overwritten (its status is changed with PATCH).
   */
  async offer(incidentId: string, raw: unknown, actor: Actor): Promise<VehicleOfferResult> {
    const v = parseOr400(vehicleOfferSchema, raw, 'body', 'vehicle offer');
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const incident = await findIncident(tx, incidentId);
      if (!incident) throw new AppError('not_found', 'No such incident.');
      const siteRows = await repo.siteNames(tx, incidentId);
      const issues = vehicleIssues(v, new Set(siteRows.map((s) => s.id)), incident.startedAt.getTime(), sitesNamed(siteRows));
      if (issues.length)
        throw validationError(
          issues.map((i) => ({ path: `body.${i.field}`, message: i.message })),
          'vehicle offer',
        );
      if (await repo.vehicleExists(tx, incidentId, v.id))
        throw new AppError('conflict', `Vehicle ${v.id} is already recorded in this incident: choose another id, or change its status instead.`, {
          vehicleId: v.id,
        });
      await repo.insertVehicle(tx, incidentId, v);
      const [ev] = await emit(incidentId, actor, [
        {
          type: 'vehicle.offered',
          payload: {
            vehicleId: v.id,
            kind: v.kind,
            provider: v.provider,
            seats: v.seats,
            wheelchairSpaces: v.wheelchairSpaces,
            availableFrom: v.availableFrom,
          },
        },
      ]);
      return { vehicleId: v.id, seq: ev!.seq };
    });
  }

  async setStatus(incidentId: string, vehicleId: string, raw: unknown, actor: Actor) {
    const { status, reason } = parseOr400(vehicleUpdateSchema, raw, 'body', 'vehicle change');
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const v = await repo.lockVehicle(tx, incidentId, vehicleId);
      if (!v) throw new AppError('not_found', `No vehicle ${vehicleId} in this incident.`);
      let strandedPartyIds: string[] = [];
      let hotelIds: string[] = [];
      let moved: Moved[] = [];
      const drafts: AttentionDraft[] = [];
      const vName = vehicleName(v);
      if (status === 'out_of_service' && v.status !== 'out_of_service') {
        const open = await repo.openTrips(tx, incidentId, vehicleId);
        const notLeft = open.filter((t) => t.status !== 'departed').map((t) => t.id);
        const onRoad = open.filter((t) => t.status === 'departed').map((t) => t.id);
        const riders = await repo.currentRiders(
          tx,
          open.map((t) => t.id),
        );
        const stranded = riders.filter((r) => notLeft.includes(r.tripId));
        strandedPartyIds = stranded.map((r) => r.partyId);
        hotelIds = [...new Set(riders.map((r) => r.hotelId))];
        if (notLeft.length) {
          await cancelTrips(tx, notLeft);
          // Whoever had already boarded gets off: back to waiting at the muster point, hotel kept.
          moved = await moveGuests(tx, incidentId, { partyIds: strandedPartyIds, from: ['aboard'] }, 'waiting');
        }
        const affected = riders.map((r) => r.partyId);
        // One after the other: a transaction is one connection.
        const members = await membersOf(tx, incidentId, affected);
        const partyRows = await repo.partyContacts(tx, incidentId, affected);
        const siteRows = await repo.siteNames(tx, incidentId);
        const siteName = new Map(siteRows.map((s) => [s.id, s.name]));
        for (const r of riders) {
          const p = partyRows.find((x) => x.id === r.partyId);
          const trip = open.find((t) => t.id === r.tripId)!;
          const road = onRoad.includes(r.tripId) && r.status === 'boarded';
          const gs = members.filter((g) => g.partyId === r.partyId && (road ? g.whereabouts === 'aboard' : ['waiting', 'aboard'].includes(g.whereabouts)));
          if (onRoad.includes(r.tripId) && !road) continue;
          drafts.push({
            kind: 'transport_lost',
            partyId: r.partyId,
            guestIds: gs.map((g) => g.id),
            place: road
              ? { kind: 'vehicle', id: v.id, name: vName }
              : { kind: 'site', id: trip.fromSiteId, name: siteName.get(trip.fromSiteId) ?? trip.fromSiteId },
            tripId: r.tripId,
            summary: road
              ? `${p?.name ?? r.partyId} (${nameList(gs.map((g) => g.name))}) aboard ${vName}, which is out of service on the road${reason ? `: ${reason}` : ''}.`
              : `${p?.name ?? r.partyId} lost their seat: ${vName} is out of service${reason ? ` (${reason})` : ''}; they keep their hotel.`,
            suggestion: road
              ? `Send another vehicle to ${vName}'s last position; ring the driver.`
              : `Re-plan to give ${p?.name ?? 'them'} another vehicle${p?.phone ? `; ring them on ${p.phone} with the new time` : ''}.`,
            dedupeKey: `transport_lost:${r.partyId}:${r.tripId}`,
          });
        }
      }
      await repo.setVehicleStatus(tx, incidentId, vehicleId, status);
      const [ev] = await emit(incidentId, actor, [
        {
          type: 'vehicle.status_changed',
          payload: { vehicleId, from: v.status, to: status, reason: reason ?? null, strandedPartyIds, guestIds: moved.map((m) => m.guestId), hotelIds },
        },
      ]);
      await recordMoves(tx, incidentId, moved, 'waiting', ev!.seq);
      await syncJourney(tx, incidentId, strandedPartyIds);
      await openAttention(tx, emit, incidentId, actor, drafts);
      return { vehicleId, status, strandedPartyIds, seq: ev!.seq };
    });
  }
}
