/**
 * Plans: propose from the current state, show the diff against what is in force, apply in one
 * transaction. Applying is optimistic: if anything changed since the proposal was computed (the
 * incident's event sequence moved on), it is refused with 409 and a description of what changed.
 */
import type { Db, Tx } from '../db/client.js';
import type { Plan } from '../../shared/plan.js';
import { groupBy } from '../../shared/collections.js';
import { countOf } from '../../shared/plural.js';
import type { PlanAlternative, PlanApplyResult, PlanView } from '../../shared/api.js';
import { closeCured, openAttention, type Emit } from '../attention/repo.js';
import { membersOf } from '../whereabouts/repo.js';
import { diffPlans } from '../../shared/plan-diff.js';
import type { PlanObjective, Scenario } from '../../shared/scenario.js';
import { AppError, parseOr400, validationError } from '../http/errors.js';
import { planMoveSchema } from '../../shared/operations.js';
import { commitWithEvents, lockIncident, type Actor, type EventBus } from '../events/log.js';
import { OUT_OF_PLAN_STATUSES } from '../../shared/statuses.js';
import { exportScenario } from '../incidents/export.js';
import { addRoomDelta, adjustRoomsBulk } from '../stays/repo.js';
import { cancelTrips } from '../stays/riders.js';
import { loadInForce, offTheirTrips, settledParties, strayParties, withoutParties, type InForce } from './current.js';
import * as repo from './repo.js';
import { computePlan, computePlanPair } from './planner-port.js';
import { loadShelterInput } from '../shelter/service.js';
import { offeredAfterRun, offeredFrom, projectShelter, withProposal, type ShelterProjection } from '../../shared/live-shelter.js';
import { z } from 'zod';

export const proposeSchema = z.object({
  /** "full" (default): rooms and vehicles; "transport": every stay kept, vehicles re-planned from now. */
  mode: z.enum(['full', 'transport'], { message: 'expected "full" or "transport"' }).default('full'),
});

export class PlanService {
  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
  ) {}

  /**
   * The incident as the planner sees it: only households still to be placed (not out of the plan,
   * not settled in their rooms already: `settledParties`), only vehicles in service, the settled
   * households' rooms taken off their hotels' counts; and the plan in force without them.
   */
  async planningInput(db: Db | Tx, incidentId: string): Promise<{ scenario: Scenario; inForce: InForce }> {
    const scenario = await exportScenario(db, incidentId);
    const out = new Set(await repo.partyIdsWithStatus(db, incidentId, [...OUT_OF_PLAN_STATUSES]));
    const full = await loadInForce(db, incidentId);
    const who = await this.whereabouts(db, incidentId);
    const settled = settledParties(full, who);
    const held = new Map<string, number>();
    for (const s of full.stayRows)
      if (settled.has(s.partyId)) for (const r of s.rooms) held.set(`${s.hotelId}|${r.type}`, (held.get(`${s.hotelId}|${r.type}`) ?? 0) + r.count);
    return {
      scenario: {
        ...scenario,
        parties: scenario.parties.filter((p) => !out.has(p.id) && !settled.has(p.id)),
        hotels: scenario.hotels.map((h) => ({
          ...h,
          roomTypes: h.roomTypes.map((r) => ({ ...r, count: Math.max(0, r.count - (held.get(`${h.id}|${r.type}`) ?? 0)) })),
        })),
        vehicles: scenario.vehicles.filter((v) => !who.down.has(v.id)),
      },
      inForce: offTheirTrips(withoutParties(full, settled), strayParties(full, who.waiting)),
    };
  }

  /** Households settled in their rooms (`settledParties`) by the plan in force: the planner, and proposals' diffs, leave them out. */
  private async settled(db: Db | Tx, incidentId: string, inForce: InForce): Promise<Set<string>> {
    return settledParties(inForce, await this.whereabouts(db, incidentId));
  }

  /** Households with someone waiting, with someone checked in or on their own way, and the vehicles out of service. */
  private async whereabouts(db: Db | Tx, incidentId: string) {
    return {
      waiting: new Set(await repo.partyIdsWith(db, incidentId, ['waiting'])),
      onTheirWay: new Set(await repo.partyIdsWith(db, incidentId, ['own_way', 'checked_in'])),
      down: new Set(await repo.vehicleIdsOutOfService(db, incidentId)),
    };
  }

  /**
   * Propose a plan under the incident's objective, and the other objective's plan beside it
   * ("cheapest" vs "fastest within N%"): both from one run of the planner, both stored, either can
   * be applied by its id. `{ mode: "transport" }`: keep every stay and re-plan only the vehicles,
   * from now (a vehicle dropped out, or the night slipped); the answer says what it would gain on
   * the live projection of the last arrival.
   */
  async propose(incidentId: string, userId: string, raw: unknown = {}): Promise<PlanView> {
    const { mode } = parseOr400(proposeSchema, raw ?? {}, 'body', 'proposal');
    const lastSeq = await repo.lastSeq(this.db, incidentId);
    if (lastSeq === undefined) throw new AppError('not_found', 'No such incident.');
    const { scenario, inForce } = await this.planningInput(this.db, incidentId);
    if (mode === 'transport') return this.proposeTransport(incidentId, userId, lastSeq, scenario, inForce);
    const objective: PlanObjective = scenario.incident.policy.objective ?? 'shelter';
    const other: PlanObjective = objective === 'shelter' ? 'cost' : 'shelter';
    const pair = await computePlanPair({
      scenario: fromNow(scenario, Date.now(), inForce),
      previous: inForce.plan.stays.length ? inForce.plan : undefined,
      locked: inForce.locked,
      pins: inForce.pins,
    });
    const plan = objective === 'shelter' ? pair.shelter : pair.cost;
    const alt = objective === 'shelter' ? pair.cost : pair.shelter;
    const row = await repo.insertPlan(this.db, { incidentId, createdBy: userId, baseSeq: lastSeq, plan, pins: inForce.pins });
    const altRow = await repo.insertPlan(this.db, { incidentId, createdBy: userId, baseSeq: lastSeq, plan: alt, pins: inForce.pins });
    const tolerance = scenario.incident.policy.costTolerancePct ?? 5;
    const describe = (id: string, p: Plan, o: PlanObjective): PlanAlternative => {
      const m = p.metrics;
      const room = m.roomCostMinorPerNight ?? 0;
      const transport = m.transportCostMinor ?? 0;
      return {
        id,
        objective: o,
        label: o === 'cost' ? 'cheapest' : `fastest within ${tolerance}%`,
        roomCostMinorPerNight: room,
        transportCostMinor: transport,
        totalMinor: Math.round(room + transport),
        peopleHoused: m.peopleHoused ?? 0,
        lastArrivalAt: m.lastArrivalAt ?? null,
        vulnerableLastArrivalAt: m.vulnerableLastArrivalAt ?? null,
      };
    };
    const alternatives = [describe(row.id, plan, objective), describe(altRow.id, alt, other)].sort(
      (a, b) => (a.objective === 'cost' ? -1 : 1) - (b.objective === 'cost' ? -1 : 1),
    );
    return {
      id: row.id,
      incidentId,
      status: row.status,
      createdAt: row.createdAt.toISOString(),
      baseSeq: lastSeq,
      plan,
      diff: diffPlans(inForce.plan, plan),
      stale: false,
      alternatives,
    };
  }

  /**
   * Vehicles only, every stay kept, locked trips as they are; vehicles are not offered before now
   * (within the 12 h a live night is judged by). Judged by the live projection: the last arrival
   * now, and if this were applied now.
   */
  private async proposeTransport(incidentId: string, userId: string, baseSeq: number, scenario: Scenario, inForce: InForce): Promise<PlanView> {
    if (!inForce.plan.stays.length) throw new AppError('conflict', 'No plan is in force yet: compute and apply a plan first.');
    const now = Date.now();
    const live = await loadShelterInput(this.db, incidentId, now);
    if (!live) throw new AppError('not_found', 'No such incident.');
    const plan = await computePlan({
      scenario: fromNow(scenario, now, inForce),
      previous: inForce.plan,
      locked: inForce.locked,
      pins: inForce.pins,
      transportOnly: true,
    });
    const row = await repo.insertPlan(this.db, { incidentId, createdBy: userId, baseSeq, plan, pins: inForce.pins });
    const times = (p: ShelterProjection) => ({ lastArrivalAt: p.lastArrivalAt, vulnerableLastArrivalAt: p.vulnerableLastArrivalAt });
    const shelter = { now: times(projectShelter(live)), ifApplied: times(projectShelter(withProposal(live, plan))) };
    return {
      id: row.id,
      incidentId,
      status: row.status,
      createdAt: row.createdAt.toISOString(),
      baseSeq,
      plan,
      diff: diffPlans(inForce.plan, plan),
      stale: false,
      mode: 'transport',
      shelter,
    };
  }

  /**
   * A manual change to a proposal: re-plan with this household pinned to a hotel and/or vehicle,
   * keeping everyone else as stable as possible. A move that breaks a rule is refused with the reason.
   */
  async move(incidentId: string, planId: string, raw: unknown, userId: string): Promise<PlanView> {
    const move = parseOr400(planMoveSchema, raw, 'body', 'move');
    const row = await this.find(this.db, incidentId, planId);
    if (row.status !== 'proposed') throw new AppError('conflict', `This plan was already ${row.status}; compute a new one before moving households.`);
    const { scenario, inForce } = await this.planningInput(this.db, incidentId);
    const party = scenario.parties.find((p) => p.id === move.partyId);
    if (!party) throw validationError([{ path: 'body.partyId', message: `no household ${move.partyId} waiting to be placed in this incident` }], 'move');
    if (move.hotelId && !scenario.hotels.some((h) => h.id === move.hotelId))
      throw validationError([{ path: 'body.hotelId', message: `no hotel ${move.hotelId} in this incident` }], 'move');
    if (move.vehicleId && !scenario.vehicles.some((v) => v.id === move.vehicleId))
      throw validationError([{ path: 'body.vehicleId', message: `no vehicle ${move.vehicleId} in service in this incident` }], 'move');
    if (inForce.locked.stays.some((s) => s.partyId === move.partyId))
      throw new AppError('conflict', `${party.name} can no longer be moved: checked in, or on a vehicle that is boarding or has left.`);
    const pins = [
      ...row.pins.filter((p) => p.partyId !== move.partyId),
      { partyId: move.partyId, ...(move.hotelId ? { hotelId: move.hotelId } : {}), ...(move.vehicleId ? { vehicleId: move.vehicleId } : {}) },
    ];
    const plan = await computePlan({ scenario: fromNow(scenario, Date.now(), inForce), previous: row.plan, locked: inForce.locked, pins });
    const stay = plan.stays.find((s) => s.partyId === move.partyId);
    const trip = plan.trips.find((t) => t.partyIds.includes(move.partyId));
    if ((move.hotelId && stay?.hotelId !== move.hotelId) || (move.vehicleId && trip?.vehicleId !== move.vehicleId)) {
      // The planner's own words: why the pin was not honoured (placed elsewhere, or not at all).
      const why =
        plan.changes?.find((c) => c.partyId === move.partyId && /pin .*not honoured/.test(c.reason))?.reason ??
        plan.unassigned.find((u) => u.partyId === move.partyId)?.reason ??
        (move.vehicleId
          ? `it has no trip from ${scenario.sites.find((x) => x.id === party.siteId)?.name ?? party.siteId} with ${countOf(party.guests.length, 'free seat')}${party.guests.some((g) => g.needs.includes('wheelchair')) ? ' and a wheelchair space' : ''} to this household's hotel`
          : 'that hotel cannot take this household under the rules');
      const target = move.hotelId ? scenario.hotels.find((h) => h.id === move.hotelId)!.name : `vehicle ${move.vehicleId}`;
      throw new AppError('bad_request', `${party.name} cannot go to ${target}: ${why.replace(/^.*pin not honoured: /, '').replace(/\)$/, '')}.`, {
        partyId: move.partyId,
      });
    }
    // The plan may have been applied (or moved by a colleague) while this one was computed: decided
    // under the incident's lock, which an apply holds to its commit, so a plan in force is never
    // marked superseded and a move is never made on a plan that is no longer a proposal.
    const created = await this.db.transaction(async (tx) => {
      await lockIncident(tx, incidentId);
      const now = await this.find(tx, incidentId, planId);
      if (now.status !== 'proposed') throw new AppError('conflict', `This plan was ${now.status} meanwhile; compute a new one before moving households.`);
      const inserted = await repo.insertPlan(tx, { incidentId, createdBy: userId, baseSeq: row.baseSeq, plan, pins });
      await repo.markSuperseded(tx, row.id);
      return inserted;
    });
    return {
      id: created.id,
      incidentId,
      status: created.status,
      createdAt: created.createdAt.toISOString(),
      baseSeq: row.baseSeq,
      plan,
      diff: diffPlans(inForce.plan, plan),
      stale: (await planningChangesSince(this.db, incidentId, row.baseSeq, 1)).length > 0,
    };
  }

  async get(incidentId: string, planId: string): Promise<PlanView> {
    const row = await this.find(this.db, incidentId, planId);
    const full = await loadInForce(this.db, incidentId);
    const inForce = withoutParties(full, await this.settled(this.db, incidentId, full));
    return {
      id: row.id,
      incidentId,
      status: row.status,
      createdAt: row.createdAt.toISOString(),
      baseSeq: row.baseSeq,
      plan: row.plan,
      diff: diffPlans(inForce.plan, row.plan),
      stale: (await planningChangesSince(this.db, incidentId, row.baseSeq, 1)).length > 0,
    };
  }

  async latest(incidentId: string) {
    const id = await repo.latestPlanId(this.db, incidentId);
    return id ? this.get(incidentId, id) : null;
  }

  private async find(db: Db | Tx, incidentId: string, planId: string) {
    const row = await repo.plan(db, incidentId, planId);
    if (!row) throw new AppError('not_found', 'No such plan.');
    return row;
  }

  /** Apply a proposal: exactly as computed, or not at all. */
  async apply(incidentId: string, planId: string, actor: Actor): Promise<PlanApplyResult> {
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      // The incident's lock first: no other change of it commits between the staleness check and ours.
      const lastSeq = await lockIncident(tx, incidentId);
      if (lastSeq === undefined) throw new AppError('not_found', 'No such incident.');
      const row = await this.find(tx, incidentId, planId);
      if (row.status !== 'proposed') throw new AppError('conflict', `This plan was already ${row.status}. Compute a new one.`);
      if (lastSeq !== row.baseSeq) {
        const changes = await planningChangesSince(tx, incidentId, row.baseSeq, 20);
        if (changes.length) throw staleError(changes);
      }
      const inForce = await loadInForce(tx, incidentId);
      const settled = await this.settled(tx, incidentId, inForce);
      const diff = diffPlans(withoutParties(inForce, settled).plan, row.plan);
      const affectedHotels = await this.writePlan(tx, incidentId, row.id, row.plan, inForce, settled);
      const pinned = row.pins.filter((p) => p.hotelId).map((p) => p.partyId);
      if (pinned.length) await repo.pinPlannedStays(tx, incidentId, pinned);
      await repo.supersedeApplied(tx, incidentId);
      await repo.markApplied(tx, row.id, new Date());
      const [ev] = await emit(incidentId, actor, [
        {
          type: 'plan.applied',
          payload: {
            planId: row.id,
            housed: row.plan.stays.length,
            unassigned: row.plan.unassigned.length,
            moved: diff.moved.map((m) => m.partyId),
            partyIds: [...diff.newlyAssigned, ...diff.moved, ...diff.unassigned, ...diff.retimed].map((x) => x.partyId),
            hotelFill: await repo.hotelFill(tx, incidentId),
            newlyAssigned: diff.newlyAssigned.length,
            hotelIds: [...affectedHotels],
            metrics: row.plan.metrics,
          },
        },
      ]);
      await this.queueUnplaced(tx, emit, incidentId, actor, row.plan);
      return { applied: true as const, seq: ev!.seq, diff };
    });
  }

  /**
   * Households the plan could not place become `unplaced` exceptions with the planner's reason;
   * households it placed have their open `unplaced` item closed (the bed was found), and those it
   * gives a ride have their open `transport_lost` item closed (their vehicle dropped out, and a
   * re-plan seated them on another).
   */
  private async queueUnplaced(tx: Tx, emit: Emit, incidentId: string, actor: Actor, plan: Plan): Promise<void> {
    await closeCured(
      tx,
      emit,
      incidentId,
      actor,
      plan.stays.map((s) => s.partyId),
      ['unplaced'],
      'placed by the plan',
    );
    await closeCured(
      tx,
      emit,
      incidentId,
      actor,
      [...new Set(plan.trips.flatMap((t) => t.partyIds))],
      ['transport_lost'],
      'seated on another vehicle by the plan',
    );
    if (!plan.unassigned.length) return;
    const ids = plan.unassigned.map((u) => u.partyId);
    // One after the other: a transaction is one connection (node-postgres refuses overlapping queries from pg@9).
    const rows = await repo.partiesById(tx, incidentId, ids);
    const members = groupBy(await membersOf(tx, incidentId, ids), (g) => g.partyId);
    const siteRows = await repo.siteNames(tx, incidentId);
    const byId = new Map(rows.map((r) => [r.id, r]));
    await openAttention(
      tx,
      emit,
      incidentId,
      actor,
      plan.unassigned.map((u) => {
        const p = byId.get(u.partyId);
        const gs = (members.get(u.partyId) ?? []).filter((g) => ['waiting', 'missing', 'no_show'].includes(g.whereabouts));
        const site = siteRows.find((x) => x.id === p?.siteId);
        return {
          kind: 'unplaced' as const,
          partyId: u.partyId,
          guestIds: gs.map((g) => g.id),
          place: site ? { kind: 'site' as const, id: site.id, name: site.name } : null,
          summary: `${p?.name ?? u.partyId} (${gs.length} ${gs.length === 1 ? 'person' : 'people'}) has no bed: ${u.reason}`,
          suggestion: 'Ring more hotels (or ask one for an accessible or pet-friendly room), record the offer, then re-plan.',
          dedupeKey: `unplaced:${u.partyId}`,
        };
      }),
    );
  }

  /** Replace what is not locked by the proposal; every room and seat is taken under the DB's capacity checks. */
  private async writePlan(
    tx: Tx,
    incidentId: string,
    planId: string,
    plan: Plan,
    inForce: Awaited<ReturnType<typeof loadInForce>>,
    settled: ReadonlySet<string>,
  ): Promise<Set<string>> {
    const affected = new Set<string>();
    // Locked stays, and those of households the planner was not given (settled): kept as they are.
    const lockedParties = new Set([...inForce.locked.stays.map((s) => s.partyId), ...settled]);
    const next = new Map(plan.stays.map((s) => [s.partyId, s]));
    // 1. Stays: keep those identical to the proposal, cancel the rest; rooms change by net amounts.
    const deltas = new Map<string, { hotelId: string; type: string; delta: number }>();
    const cancelled: string[] = [];
    for (const s of inForce.stayRows) {
      if (lockedParties.has(s.partyId)) continue;
      const n = next.get(s.partyId);
      if (n && n.hotelId === s.hotelId && JSON.stringify(n.rooms) === JSON.stringify(s.rooms)) {
        next.delete(s.partyId);
        continue;
      }
      addRoomDelta(deltas, s.hotelId, s.rooms, -1);
      cancelled.push(s.id);
      affected.add(s.hotelId);
    }
    for (const partyId of lockedParties) next.delete(partyId);
    for (const s of next.values()) {
      addRoomDelta(deltas, s.hotelId, s.rooms, 1);
      affected.add(s.hotelId);
    }
    await adjustRoomsBulk(tx, incidentId, deltas);
    await repo.cancelStays(tx, cancelled, () => new Date());
    await repo.insertStays(
      tx,
      [...next.values()].map((s) => ({ incidentId, partyId: s.partyId, hotelId: s.hotelId, rooms: s.rooms, planId })),
    );
    // 2. Trips: those that have not left are rebuilt from the proposal, seats counted at insert
    //    (the CHECK on seats_used <= seats guards every one).
    const open = inForce.tripRows.filter((t) => (t.status === 'planned' || t.status === 'boarding') && !inForce.lockedTripIds.has(t.id));
    if (open.length) {
      await cancelTrips(
        tx,
        open.map((t) => t.id),
      );
    }
    const lockedKeys = new Set(inForce.locked.trips.map((t) => `${t.vehicleId}@${Date.parse(t.departAt)}`));
    const sizes = await repo.partySeats(tx, incidentId);
    const vehicleRows = await repo.vehiclesOf(tx, incidentId);
    const vehicleById = new Map(vehicleRows.map((v) => [v.id, v]));
    const hotelOf = new Map(plan.stays.map((s) => [s.partyId, s.hotelId]));
    const newTrips = plan.trips.filter((t) => !lockedKeys.has(`${t.vehicleId}@${Date.parse(t.departAt)}`));
    const tripRows = newTrips.map((t) => {
      const v = vehicleById.get(t.vehicleId);
      if (!v) throw new AppError('bad_request', `The plan uses vehicle ${t.vehicleId}, which is not in this incident.`);
      let seated = 0;
      let wheel = 0;
      for (const p of t.partyIds) {
        seated += sizes.get(p)?.seated ?? 0;
        wheel += sizes.get(p)?.wheel ?? 0;
      }
      return {
        incidentId,
        vehicleId: t.vehicleId,
        fromSiteId: t.fromSiteId,
        stops: t.stops,
        departAt: new Date(t.departAt),
        arrivals: t.arrivals,
        seats: v.seats,
        wheelchairSpaces: v.wheelchairSpaces,
        seatsUsed: seated,
        wheelchairUsed: wheel,
        planId,
      };
    });
    const idByKey = await repo.insertTrips(tx, tripRows);
    const riders = newTrips.flatMap((t) => {
      const tripId = idByKey.get(`${t.vehicleId}@${Date.parse(t.departAt)}`)!;
      return t.partyIds.map((partyId) => ({ tripId, incidentId, partyId, hotelId: hotelOf.get(partyId) ?? t.stops[0]! }));
    });
    await repo.insertRiders(tx, riders);
    // 3. Household statuses follow: placed households are "assigned", the rest wait.
    const placed = plan.stays.map((s) => s.partyId);
    if (placed.length) await repo.setStatusWhere(tx, incidentId, placed, ['waiting', 'assigned'], 'assigned');
    const waiting = plan.unassigned.map((u) => u.partyId);
    if (waiting.length) await repo.setStatusWhere(tx, incidentId, waiting, ['assigned'], 'waiting');
    return affected;
  }
}

/**
 * Events that cannot change what a plan may do: costs, message deliveries, a reply marked handled,
 * feedback, attention items, links handed out or withdrawn (status, driver, roll call), background
 * job notices. Background jobs write them all the time; they must not make a fresh proposal stale.
 * Nor does a household's correction of its details only, nor an event whose change left every
 * planning input as it was (repo.eventsSince).
 */
const NOT_PLANNING = [
  'ledger.%',
  'message.%',
  'guest.reply_handled',
  'guest.feedback_given',
  'attention.%',
  'status_link.%',
  'vehicle.driver_link_revoked',
  'rollcall.links_withdrawn',
  'job.%',
];

/** The events since `baseSeq` that change the planning situation (rooms, fleet, households, trips). */
export async function planningChangesSince(db: Db | Tx, incidentId: string, baseSeq: number, limit: number) {
  return repo.eventsSince(db, incidentId, baseSeq, NOT_PLANNING, limit);
}

function staleError(since: repo.EventRow[]): AppError {
  const what = since.map((e) => `${e.actorName}: ${e.type.replace(/[._]/g, ' ')} at ${e.at.toISOString().slice(11, 16)}`);
  return new AppError(
    'conflict',
    `The situation changed since this plan was computed (${what.slice(0, 3).join('; ')}${what.length > 3 ? '; ...' : ''}). Compute a new plan.`,
    {
      changes: since.map((e) => ({ seq: e.seq, type: e.type, actor: e.actorName, at: e.at.toISOString() })),
    },
  );
}

/**
 * The scenario as the planner should see it during a live night: no proposal (fresh, re-plan, move
 * or transport only) schedules a departure in the past, whether the vehicle is still to start
 * (`offeredFrom`) or has a trip on the road or done (`offeredAfterRun`: the planner has it wait at
 * that trip's last stop until then); and a vehicle already on its way to its first pick-up of the
 * plan in force is not assumed back at its depot, so computing again with nothing changed does not
 * push the night later. A night more than 12 hours old (an exercise, a replay) keeps its own clock.
 */
function fromNow(scenario: Scenario, now: number, inForce: InForce): Scenario {
  const sites = new Map(scenario.sites.map((s) => [s.id, s]));
  const pickups = [...new Set(scenario.parties.map((p) => p.siteId))].flatMap((id) => sites.get(id) ?? []);
  const hotels = new Map(scenario.hotels.map((h) => [h.id, h]));
  const byDeparture = (list: Plan['trips'], wins: (a: number, b: number) => boolean) => {
    const out = new Map<string, Plan['trips'][number]>();
    for (const t of list) {
      const f = out.get(t.vehicleId);
      if (!f || wins(Date.parse(t.departAt), Date.parse(f.departAt))) out.set(t.vehicleId, t);
    }
    return out;
  };
  const lastOnTheRoad = byDeparture(inForce.locked.trips, (a, b) => a > b);
  const firstPlanned = byDeparture(inForce.plan.trips, (a, b) => a < b);
  const policy = scenario.incident.policy;
  return {
    ...scenario,
    vehicles: scenario.vehicles.map((v) => {
      const run = lastOnTheRoad.get(v.id);
      if (run) return { ...v, availableFrom: offeredAfterRun(v.availableFrom, hotels.get(run.stops.at(-1) ?? ''), now, pickups, policy) };
      const f = firstPlanned.get(v.id);
      const planned = f && { departAt: f.departAt, from: sites.get(f.fromSiteId) };
      return { ...v, availableFrom: offeredFrom({ availableFrom: v.availableFrom, depot: sites.get(v.depotSiteId) }, now, planned, pickups, policy) };
    }),
  };
}
