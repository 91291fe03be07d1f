/**
 * Household status changes made by duty managers (or, later, by the household's own link):
 * self-evacuated, needs help, no-show, back to waiting. Leaving the plan gives the household's
 * planned room and seat back at once.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { guestStatuses, parties, stays, type PartyStatus } from '../db/schema.js';
import { partyStatusUpdateSchema } from '../../shared/operations.js';
import { zodFieldErrors } from '../../shared/errors.js';
import { AppError, validationError } from '../http/errors.js';
import { commitWithEvents, type Actor, type EventBus } from '../events/log.js';
import { releaseRooms } from '../stays/repo.js';
import { releaseSeatsOfParties } from '../stays/riders.js';

const LEAVES_PLAN: PartyStatus[] = ['self_evacuated', 'no_show'];

export class PartyService {
  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
  ) {}

  async setStatus(incidentId: string, partyId: string, raw: unknown, actor: Actor) {
    const parsed = partyStatusUpdateSchema.safeParse(raw);
    if (!parsed.success) throw validationError(zodFieldErrors(parsed.error, ['body']), 'status change');
    const { status, note } = parsed.data;
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const [party] = await tx.select().from(parties).where(and(eq(parties.incidentId, incidentId), eq(parties.id, partyId))).for('update');
      if (!party) throw new AppError('not_found', `No household ${partyId} in this incident.`);
      if (party.status === 'checked_in' || party.status === 'checked_out') throw new AppError('conflict', `${party.name} is already ${party.status.replace('_', ' ')}; change that at reception first.`, { current: party.status });
      const hotelIds = LEAVES_PLAN.includes(status) ? await this.leavePlan(tx, incidentId, partyId) : [];
      await tx.update(parties).set({ status }).where(and(eq(parties.incidentId, incidentId), eq(parties.id, partyId)));
      const [ev] = await emit(incidentId, actor, [{ type: 'party.status_changed', payload: { partyId, name: party.name, from: party.status, to: status, note: note ?? null, hotelIds } }]);
      await tx.insert(guestStatuses).values({ incidentId, partyId, status, eventSeq: ev!.seq });
      return { partyId, status, seq: ev!.seq };
    });
  }

  private async leavePlan(tx: Tx, incidentId: string, partyId: string): Promise<string[]> {
    const active = await tx.select().from(stays).where(and(eq(stays.incidentId, incidentId), eq(stays.partyId, partyId), inArray(stays.status, ['planned'])));
    for (const s of active) {
      await releaseRooms(tx, incidentId, s.hotelId, s.rooms);
      await tx.update(stays).set({ status: 'cancelled', endedAt: new Date() }).where(eq(stays.id, s.id));
    }
    await releaseSeatsOfParties(tx, incidentId, [partyId]);
    return active.map((s) => s.hotelId);
  }
}
