/**
 * Household status changes made by duty managers (or, later, by the household's own link):
 * self-evacuated, needs help, no-show, back to waiting. Leaving the plan gives the household's
 * planned room and seat back at once.
 *
 * Corrections of a household (a misspelt name, a new phone, a wheelchair user nobody mentioned, a
 * child found later): the household's facts change in one transaction with its event. A room and
 * seat that no longer suit it are given back when they were only planned (it waits for the next
 * plan, and every duty manager sees why); when it is already on its way or at the hotel they are
 * kept, and the unmet need becomes an item to act on. Nobody leaves the list unless still waiting.
 */
import type { Db, Tx } from '../db/client.js';
import type { PartyStatus } from '../db/schema.js';
import { canMove, isWhereabouts, JOURNEY_TO_WHEREABOUTS, WHEREABOUTS_LABEL, type Whereabouts } from '../../shared/whereabouts.js';
import { moveGuests, recordHouseholdStatus, recordMoves, syncJourney } from '../whereabouts/repo.js';
import { closeCured, closeFound, curedByLeaving, forgetGuests, nameList, openAttention } from '../attention/repo.js';
import { partyStatusUpdateSchema, type HouseholdChangeResult } from '../../shared/operations.js';
import {
  guestIdsTwice,
  hasPets,
  householdVersion,
  wheelchairCount,
  partySchema,
  sitesNamed,
  unknownSite,
  type Party,
  type Scenario,
} from '../../shared/scenario.js';
import { validatePlan, type Violation } from '../../shared/planner/validate.js';
import { reasonsInWords } from '../../shared/planner/unsuited.js';
import type { Plan } from '../../shared/plan.js';
import { AppError, parseOr400, validationError } from '../http/errors.js';
import { exportScenario } from '../incidents/export.js';
import { guestIdErrors, guestIdsUsed, siteList } from '../incidents/repo.js';
import { loadInForce } from '../plans/current.js';
import { commitWithEvents, type Actor, type EventBus } from '../events/log.js';
import { leavePlan, lockRoomsOf, plannedStaysOf } from '../stays/repo.js';
import { lockRides, moveSeats } from '../stays/riders.js';
import { OUT_OF_PLAN_STATUSES } from '../../shared/statuses.js';
import { PLANNING_FIELDS } from '../../shared/events.js';
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
      // People aboard a vehicle are the driver's to set down (or untick before it leaves): a household
      // said to have made its own way, or not to be coming, would give back the rooms and seat of
      // people sitting on our vehicle.
      const aboard = LEAVES_PLAN.includes(status) ? members.filter((g) => g.w === 'aboard') : [];
      if (aboard.length)
        throw new AppError(
          'conflict',
          `${nameList(aboard.map((g) => g.name))} ${aboard.length > 1 ? 'are' : 'is'} aboard a vehicle; the driver sets them down at the hotel, or unticks them before it leaves, first.`,
          { current: party.status, guestIds: aboard.map((g) => g.id) },
        );
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
      // A member reported missing stays missing whatever is said of the household (whereabouts/repo.ts): so does their item.
      const stillMissing = members.some((g) => g.w === 'missing' && !moved.some((m) => m.guestId === g.id));
      if (to && to !== 'waiting')
        await closeCured(
          tx,
          emit,
          incidentId,
          actor,
          [partyId],
          curedByLeaving(stillMissing),
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
      // Back at the muster point: a no-show's "missing" item is done with (a member reported missing is not moved, nor their item).
      if (status === 'waiting' && moved.length) await closeFound(tx, emit, incidentId, actor, [partyId], `back to waiting${note ? `: ${note}` : ''}`);
      return { partyId, status, seq: ev!.seq };
    });
  }

  /**
   * Correct a household (`PUT .../parties/:partyId`, the scenario's party shape, its id unchanged):
   * guests listed with an id it has are updated, new ids added, and those left out removed, but
   * only people still waiting (a guest typed twice); nobody on the road or at a hotel leaves the
   * list. A household on its way keeps its muster point and takes no newcomers (they are added as a
   * household of their own), as does one out of the plan (no-show, own way, checked out). Nothing
   * changed: nothing written, no event. `ifMatch` (the form's `householdVersion`): a colleague's
   * correction since the form was opened is a 409, never overwritten.
   */
  async change(incidentId: string, partyId: string, raw: unknown, actor: Actor, ifMatch?: string): Promise<HouseholdChangeResult> {
    const next = parseOr400(partySchema, raw, 'body', 'household');
    if (next.id !== partyId) throw validationError([{ path: 'body.id', message: `the booking reference is ${partyId}; it cannot be changed` }], 'household');
    const twice = guestIdsTwice(next);
    if (twice.length) throw validationError(twice, 'household');
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const party = await repo.lockParty(tx, incidentId, partyId);
      if (!party) throw new AppError('not_found', `No household ${partyId} in this incident.`);
      // Room types, then trips: the order a withdrawal or a status change takes them in.
      await lockRoomsOf(tx, incidentId, await plannedStaysOf(tx, incidentId, partyId));
      const rides = await lockRides(tx, incidentId, [partyId], ['planned', 'boarded']);
      const before = await repo.guestRows(tx, incidentId, partyId);
      const seen = ifMatch?.replace(/^W\//, '').replace(/"/g, '').trim();
      if (seen && seen !== householdVersion({ ...party, guests: before }))
        throw new AppError(
          'conflict',
          `${party.name} were changed by a colleague after you opened them: open the household again to see the change, then correct it.`,
          { partyId },
        );
      const siteRows = await siteList(tx, incidentId);
      const site = unknownSite(next.siteId, new Set(siteRows.map((x) => x.id)), sitesNamed(siteRows));
      if (site) throw validationError([{ path: 'body.siteId', message: site }], 'household');
      const listed = new Set(next.guests.map((g) => g.id));
      const removed = before.filter((g) => !listed.has(g.id));
      const added = next.guests.filter((g) => !before.some((b) => b.id === g.id));
      const notWaiting = removed.filter((g) => g.whereabouts !== 'waiting');
      if (notWaiting.length) {
        const w = whereaboutsOf(notWaiting[0]!);
        throw new AppError(
          'conflict',
          `${nameList(notWaiting.map((g) => g.name))} ${notWaiting.length > 1 ? 'are' : 'is'} ${WHEREABOUTS_LABEL[w]}: only someone still waiting can be taken off the list (a guest typed twice, say).`,
          { partyId, guestIds: notWaiting.map((g) => g.id) },
        );
      }
      // An id another household uses, or one that was someone's taken off the list (their timeline
      // and money name it), is not given to a newcomer.
      const addedIds = added.map((g) => g.id);
      const used = await guestIdsUsed(tx, incidentId, addedIds);
      if (used.size)
        throw validationError(
          guestIdErrors(used, next.guests, (_, i) => `body.guests[${i}].id`),
          'household',
        );
      const onTheirWay = before.some((g) => GONE.includes(whereaboutsOf(g)));
      if (onTheirWay && added.length)
        throw new AppError(
          'conflict',
          `${party.name} have left their muster point: add ${nameList(added.map((g) => g.name))} as a household of their own, so the next plan brings them too.`,
          { partyId },
        );
      if (added.length && (OUT_OF_PLAN_STATUSES as readonly string[]).includes(party.status))
        throw new AppError(
          'conflict',
          `${party.name} are marked ${party.status.replace(/_/g, ' ')}: add ${nameList(added.map((g) => g.name))} as a household of their own, so the next plan brings them.`,
          { partyId },
        );
      if (onTheirWay && next.siteId !== party.siteId)
        throw validationError([{ path: 'body.siteId', message: `${party.name} have left their muster point; it cannot change now` }], 'household');

      const fields = changedFields(party, before, next);
      if (!fields.length) return { partyId, fields, released: false, seq: null };
      const stay = await repo.stayInForce(tx, incidentId, partyId);
      // Only what the plan's rules read (size, wheelchairs, pets, muster point) can unsuit a room or a seat.
      const ruled = fields.some((f) => PLANNING_FIELDS.includes(f));
      const broken = stay && ruled ? await this.unsuitedNow(tx, incidentId, next) : [];
      // A planned room and seat go back (counted as the household was), as when a hotel withdraws
      // rooms; people on their way keep theirs, unless their vehicle has no room for the change.
      const released = broken.length > 0 && stay!.status === 'planned' && !onTheirWay;
      if (released) await leavePlan(tx, incidentId, partyId);
      else if (broken.some((v) => v.rule === 8))
        throw new AppError(
          'conflict',
          `${party.name} are aboard a vehicle with no seat or wheelchair space left for this change: take them off it (untick them aboard) first, then correct them.`,
          { partyId },
        );
      await repo.writeHousehold(
        tx,
        incidentId,
        partyId,
        {
          name: next.name,
          unit: next.unit,
          siteId: next.siteId,
          needs: next.needs,
          notes: next.notes,
          phone: next.phone,
          email: next.email,
          language: next.language ?? null,
        },
        next.guests,
        removed.map((g) => g.id),
      );
      if (released) await syncJourney(tx, incidentId, [partyId]);
      else if (stay) {
        const [was, now] = [seatsOf(before), seatsOf(next.guests)];
        await moveSeats(
          tx,
          rides.map((r) => r.tripId),
          now.seated - was.seated,
          now.wheel - was.wheel,
        );
      }
      const [ev] = await emit(incidentId, actor, [
        {
          type: 'party.changed',
          payload: {
            partyId,
            name: next.name,
            fields,
            addedGuestIds: added.map((g) => g.id),
            removedGuestIds: removed.map((g) => g.id),
            released,
            hotelIds: stay ? [stay.hotelId] : [],
          },
        },
      ]);
      await forgetGuests(
        tx,
        emit,
        incidentId,
        actor,
        partyId,
        removed.map((g) => g.id),
      );
      if (broken.length) {
        const why = reasonsInWords(broken, stay!.hotelName);
        const place = { kind: 'hotel' as const, id: stay!.hotelId, name: stay!.hotelName };
        await openAttention(tx, emit, incidentId, actor, [
          released
            ? {
                kind: 'unplaced',
                partyId,
                guestIds: next.guests.map((g) => g.id),
                place,
                summary: `${next.name} changed (${fields.join(', ')}): ${why}. Their room and seat were given back.`,
                suggestion: 'Re-plan to find them a hotel and a vehicle that suit them.',
                dedupeKey: `unplaced:${partyId}`,
              }
            : {
                kind: 'needs_unmet',
                partyId,
                guestIds: next.guests.map((g) => g.id),
                place,
                summary: `${next.name} changed (${fields.join(', ')}) after leaving for ${stay!.hotelName}: ${why}.`,
                suggestion: `Ring ${stay!.hotelName}${stay!.hotelPhone ? ` on ${stay!.hotelPhone}` : ''} to change their room, or arrange another hotel.`,
                dedupeKey: `needs_unmet:${partyId}:${ev!.seq}`,
              },
        ]);
      }
      return { partyId, fields, released, seq: ev!.seq };
    });
  }

  /** What the plan in force breaks once the household is `next` (read in this transaction, one query at a time). */
  private async unsuitedNow(tx: Tx, incidentId: string, next: Party): Promise<Violation[]> {
    const scenario = await exportScenario(tx, incidentId, { oneConnection: true });
    const { plan, planTrips } = await loadInForce(tx, incidentId);
    const open = new Set(planTrips.flatMap((t, i) => (t.status === 'planned' || t.status === 'boarding' ? [i] : [])));
    return unsuited(scenario, next, plan, open);
  }
}

/** Where a person is past the muster point: such a household cannot grow, move muster point or lose them. */
const GONE: readonly Whereabouts[] = ['aboard', 'arrived', 'checked_in', 'checked_out', 'own_way'];

const whereaboutsOf = (g: { whereabouts: string }): Whereabouts => (isWhereabouts(g.whereabouts) ? g.whereabouts : 'waiting');

/** Seats and wheelchair spaces a household takes on a vehicle. */
function seatsOf(guests: readonly { needs: readonly string[] }[]): { seated: number; wheel: number } {
  const wheel = wheelchairCount({ guests });
  return { seated: guests.length - wheel, wheel };
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** What a correction changes, in the words of the event and the activity feed. */
function changedFields(
  party: { name: string; unit: string; siteId: string; needs: string[]; notes: string; phone: string; email: string; language: string | null },
  before: readonly { id: string; name: string; age: string; needs: string[] }[],
  next: Party,
): string[] {
  const out: string[] = [];
  const differs = (label: string, a: string, b: string) => a !== b && out.push(label);
  differs('name', party.name, next.name);
  differs('unit', party.unit, next.unit);
  differs('phone', party.phone, next.phone);
  differs('email', party.email, next.email);
  differs('language', party.language ?? '', next.language ?? '');
  differs('notes', party.notes, next.notes);
  differs('muster point', party.siteId, next.siteId);
  if (hasPets(party) !== hasPets(next)) out.push('pets');
  else if (!sameList(party.needs, next.needs)) out.push('needs');
  const sameGuests =
    before.length === next.guests.length &&
    before.every((b, i) => {
      const g = next.guests[i]!;
      return b.id === g.id && b.name === g.name && b.age === g.age && sameList(b.needs, g.needs);
    });
  if (!sameGuests) out.push('guests');
  return out;
}

/**
 * What the plan in force breaks once the household is `next`, judged by the planner's own
 * validator: rules about its stay, its seat, or the seats of the trip it rides, that did not
 * already fail before the correction.
 */
function unsuited(scenario: Scenario, next: Party, plan: Plan, openTrips: ReadonlySet<number>): Violation[] {
  const after: Scenario = { ...scenario, parties: scenario.parties.map((p) => (p.id === next.id ? next : p)) };
  const trip = plan.trips.findIndex((t, i) => openTrips.has(i) && t.partyIds.includes(next.id));
  // Seats count only on a trip still to leave: on one gone, the people are where they are.
  const onTrip = (v: Violation) => trip >= 0 && v.tripIndex === trip;
  const mine = (v: Violation) => (v.rule === 8 ? onTrip(v) : v.rule === 7 ? onTrip(v) && v.partyId === next.id : v.partyId === next.id);
  const key = (v: Violation) => `${v.rule}|${v.message}`;
  const was = new Set(validatePlan(scenario, plan).violations.filter(mine).map(key));
  return validatePlan(after, plan).violations.filter((v) => mine(v) && !was.has(key(v)));
}
