/**
 * Household status changes made by duty managers (or, later, by the household's own link):
 * self-evacuated, needs help, no-show, back to waiting. Leaving the plan gives the household's
 * planned room and seat back at once.
 */
import type { Db } from '../db/client.js';
import type { PartyStatus } from '../db/schema.js';
import { canMove, isWhereabouts, JOURNEY_TO_WHEREABOUTS, WHEREABOUTS_LABEL } from '../../shared/whereabouts.js';
import { moveGuests, recordHouseholdStatus, recordMoves, syncJourney } from '../whereabouts/repo.js';
import { closeCured, nameList, openAttention } from '../attention/repo.js';
import { partyStatusUpdateSchema } from '../../shared/operations.js';
import { AppError, parseOr400 } from '../http/errors.js';
import { commitWithEvents, type Actor, type EventBus } from '../events/log.js';
import { leavePlan } from '../stays/repo.js';
import * as repo from './repo.js';

const LEAVES_PLAN: PartyStatus[] = ['self_evacuated', 'no_show'];

export class PartyService {
  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
  ) {}

  async setStatus(incidentId: string, partyId: string, raw: unknown, actor: Actor) {
    const { status, note } = parseOr400(partyStatusUpdateSchema, raw, 'body', 'status change');
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const party = await repo.lockParty(tx, incidentId, partyId);
      if (!party) throw new AppError('not_found', `No household ${partyId} in this incident.`);
      const members = await repo.members(tx, incidentId, partyId);
      // The state machine decides, for every member: nobody is moved past where they may go.
      const to = JOURNEY_TO_WHEREABOUTS[status];
      const stuck = to
        ? members.filter((g) => g.w !== to && !canMove(isWhereabouts(g.w) ? g.w : 'waiting', to))
        : members.filter((g) => g.w === 'checked_in' || g.w === 'checked_out');
      if (stuck.length) {
        const w = isWhereabouts(stuck[0]!.w) ? stuck[0]!.w : 'waiting';
        throw new AppError(
          'conflict',
          `${nameList(stuck.map((g) => g.name))} ${stuck.length > 1 ? 'are' : 'is'} ${WHEREABOUTS_LABEL[w]}; ${w === 'checked_in' || w === 'checked_out' ? 'change that at reception first' : 'that change does not apply'}.`,
          { current: party.status, guestIds: stuck.map((g) => g.id) },
        );
      }
      const hotelIds = LEAVES_PLAN.includes(status) ? await leavePlan(tx, incidentId, partyId) : [];
      const moved = to ? await moveGuests(tx, incidentId, { partyIds: [partyId] }, to) : [];
      await repo.setPartyStatus(tx, incidentId, partyId, status);
      const [ev] = await emit(incidentId, actor, [
        {
          type: 'party.status_changed',
          payload: { partyId, name: party.name, from: party.status, to: status, note: note ?? null, guestIds: moved.map((m) => m.guestId), hotelIds },
        },
      ]);
      await recordMoves(tx, incidentId, moved, to ?? 'waiting', ev!.seq);
      if (to === 'waiting') await syncJourney(tx, incidentId, [partyId]);
      await recordHouseholdStatus(tx, { incidentId, partyId, status, eventSeq: ev!.seq });
      if (to && to !== 'waiting')
        await closeCured(
          tx,
          emit,
          incidentId,
          actor,
          [partyId],
          ['unplaced', 'left_behind', 'transport_lost', 'overdue', 'missing'],
          status === 'self_evacuated' ? 'made their own way' : 'marked no-show',
        );
      // "Needs help" is something to act on for every duty manager until someone has; back to
      // waiting means it was dealt with.
      if (status === 'needs_help' && party.status !== 'needs_help')
        await openAttention(tx, emit, incidentId, actor, [
          {
            kind: 'need_help',
            partyId,
            guestIds: members.map((g) => g.id),
            place: null,
            summary: `${party.name} need help (marked by ${actor.name})${note ? `: "${note}"` : ''}.`,
            suggestion: party.phone ? `Ring ${party.name} on ${party.phone}; send staff to them.` : `Send staff to ${party.name}.`,
            dedupeKey: `need_help:${partyId}:status:${ev!.seq}`,
          },
        ]);
      if (status === 'waiting' && party.status === 'needs_help')
        await closeCured(tx, emit, incidentId, actor, [partyId], ['need_help'], `back to waiting${note ? `: ${note}` : ''}`);
      return { partyId, status, seq: ev!.seq };
    });
  }
}
