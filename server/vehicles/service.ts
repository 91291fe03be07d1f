/**
 * A vehicle breaks down or comes back: out of service takes it off every trip that has not left
 * (its households go back to waiting for a seat; their hotel stays), so the next re-plan re-routes them.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { tripRiders, trips, vehicles } from '../db/schema.js';
import { vehicleUpdateSchema } from '../../shared/operations.js';
import { zodFieldErrors } from '../../shared/errors.js';
import { AppError, validationError } from '../http/errors.js';
import { commitWithEvents, type Actor, type EventBus } from '../events/log.js';

export class VehicleService {
  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
  ) {}

  async setStatus(incidentId: string, vehicleId: string, raw: unknown, actor: Actor) {
    const parsed = vehicleUpdateSchema.safeParse(raw);
    if (!parsed.success) throw validationError(zodFieldErrors(parsed.error, ['body']), 'vehicle change');
    const { status, reason } = parsed.data;
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const [v] = await tx.select().from(vehicles).where(and(eq(vehicles.incidentId, incidentId), eq(vehicles.id, vehicleId))).for('update');
      if (!v) throw new AppError('not_found', `No vehicle ${vehicleId} in this incident.`);
      let strandedPartyIds: string[] = [];
      let hotelIds: string[] = [];
      if (status === 'out_of_service') {
        const open = await tx.select().from(trips).where(and(eq(trips.incidentId, incidentId), eq(trips.vehicleId, vehicleId), inArray(trips.status, ['planned', 'boarding'])));
        const ids = open.map((t) => t.id);
        if (ids.length) {
          const riders = await tx.select().from(tripRiders).where(and(inArray(tripRiders.tripId, ids), inArray(tripRiders.status, ['planned', 'boarded'])));
          strandedPartyIds = riders.map((r) => r.partyId);
          hotelIds = [...new Set(riders.map((r) => r.hotelId))];
          await tx.update(tripRiders).set({ status: 'cancelled' }).where(and(inArray(tripRiders.tripId, ids), inArray(tripRiders.status, ['planned', 'boarded'])));
          await tx.update(trips).set({ status: 'cancelled', seatsUsed: 0, wheelchairUsed: 0 }).where(inArray(trips.id, ids));
        }
      }
      await tx.update(vehicles).set({ status }).where(and(eq(vehicles.incidentId, incidentId), eq(vehicles.id, vehicleId)));
      const [ev] = await emit(incidentId, actor, [{ type: 'vehicle.status_changed', payload: { vehicleId, from: v.status, to: status, reason: reason ?? null, strandedPartyIds, hotelIds } }]);
      return { vehicleId, status, strandedPartyIds, seq: ev!.seq };
    });
  }
}
