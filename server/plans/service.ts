/**
 * Plans: propose from the current state, show the diff against what is in force, apply in one
 * transaction. Applying is optimistic: if anything changed since the proposal was computed (the
 * incident's event sequence moved on), it is refused with 409 and a description of what changed.
 */
import { and, desc, eq, gt, inArray, notLike, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { events, incidents, parties, plans, roomTypes, stays, tripRiders, trips, vehicles, type PartyStatus } from '../db/schema.js';
import type { Plan } from '../../shared/plan.js';
import type { PlanView } from '../../shared/api.js';
import { diffPlans, type PlanDiff } from '../../shared/plan-diff.js';
import type { Scenario } from '../../shared/scenario.js';
import { AppError, validationError } from '../http/errors.js';
import { zodFieldErrors } from '../../shared/errors.js';
import { planMoveSchema } from '../../shared/operations.js';
import { commitWithEvents, type Actor, type EventBus } from '../events/log.js';
import { exportScenario } from '../incidents/export.js';
import { addRoomDelta, adjustRoomsBulk } from '../stays/repo.js';
import { insertBatched } from '../incidents/import.js';
import { loadInForce } from './current.js';
import { computePlan } from './planner-port.js';

/** Households in these states are not (or no longer) the planner's to place. */
const OUT_OF_PLAN: PartyStatus[] = ['self_evacuated', 'no_show', 'checked_out'];

export class PlanService {
  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
  ) {}

  /** The incident as a scenario for planning: only households still to be placed, only vehicles in service. */
  async planningScenario(db: Db | Tx, incidentId: string): Promise<Scenario> {
    const scenario = await exportScenario(db, incidentId);
    const [out, broken] = await Promise.all([
      db.select({ id: parties.id }).from(parties).where(and(eq(parties.incidentId, incidentId), inArray(parties.status, OUT_OF_PLAN))),
      db.select({ id: vehicles.id }).from(vehicles).where(and(eq(vehicles.incidentId, incidentId), eq(vehicles.status, 'out_of_service'))),
    ]);
    const skip = new Set(out.map((p) => p.id));
    const down = new Set(broken.map((v) => v.id));
    return { ...scenario, parties: scenario.parties.filter((p) => !skip.has(p.id)), vehicles: scenario.vehicles.filter((v) => !down.has(v.id)) };
  }

  async propose(incidentId: string, userId: string): Promise<PlanView> {
    const [inc] = await this.db.select({ lastSeq: incidents.lastSeq }).from(incidents).where(eq(incidents.id, incidentId));
    if (!inc) throw new AppError('not_found', 'No such incident.');
    const scenario = await this.planningScenario(this.db, incidentId);
    const inForce = await loadInForce(this.db, incidentId);
    const plan = await computePlan({ scenario, previous: inForce.plan.stays.length ? inForce.plan : undefined, locked: inForce.locked, pins: inForce.pins });
    const [row] = await this.db.insert(plans).values({ incidentId, createdBy: userId, baseSeq: inc.lastSeq, plan, pins: inForce.pins }).returning();
    return { id: row!.id, incidentId, status: row!.status, createdAt: row!.createdAt.toISOString(), baseSeq: inc.lastSeq, plan, diff: diffPlans(inForce.plan, plan), stale: false };
  }

  /**
   * A manual change to a proposal: re-plan with this household pinned to a hotel and/or vehicle,
   * keeping everyone else as stable as possible. A move that breaks a rule is refused with the reason.
   */
  async move(incidentId: string, planId: string, raw: unknown, userId: string): Promise<PlanView> {
    const parsed = planMoveSchema.safeParse(raw);
    if (!parsed.success) throw validationError(zodFieldErrors(parsed.error, ['body']), 'move');
    const move = parsed.data;
    const row = await this.find(this.db, incidentId, planId);
    if (row.status !== 'proposed') throw new AppError('conflict', `This plan was already ${row.status}; compute a new one before moving households.`);
    const scenario = await this.planningScenario(this.db, incidentId);
    const party = scenario.parties.find((p) => p.id === move.partyId);
    if (!party) throw validationError([{ path: 'body.partyId', message: `no household ${move.partyId} waiting to be placed in this incident` }], 'move');
    if (move.hotelId && !scenario.hotels.some((h) => h.id === move.hotelId)) throw validationError([{ path: 'body.hotelId', message: `no hotel ${move.hotelId} in this incident` }], 'move');
    if (move.vehicleId && !scenario.vehicles.some((v) => v.id === move.vehicleId)) throw validationError([{ path: 'body.vehicleId', message: `no vehicle ${move.vehicleId} in service in this incident` }], 'move');
    const inForce = await loadInForce(this.db, incidentId);
    if (inForce.locked.stays.some((s) => s.partyId === move.partyId)) throw new AppError('conflict', `${party.name} can no longer be moved: checked in, or on a vehicle that is boarding or has left.`);
    const pins = [...row.pins.filter((p) => p.partyId !== move.partyId), { partyId: move.partyId, ...(move.hotelId ? { hotelId: move.hotelId } : {}), ...(move.vehicleId ? { vehicleId: move.vehicleId } : {}) }];
    const plan = await computePlan({ scenario, previous: row.plan, locked: inForce.locked, pins });
    const stay = plan.stays.find((s) => s.partyId === move.partyId);
    const trip = plan.trips.find((t) => t.partyIds.includes(move.partyId));
    if ((move.hotelId && stay?.hotelId !== move.hotelId) || (move.vehicleId && trip?.vehicleId !== move.vehicleId)) {
      const why = plan.unassigned.find((u) => u.partyId === move.partyId)?.reason ?? 'that hotel or vehicle cannot take this household under the rules';
      const target = move.hotelId ? scenario.hotels.find((h) => h.id === move.hotelId)!.name : `vehicle ${move.vehicleId}`;
      throw new AppError('bad_request', `${party.name} cannot go to ${target}: ${why.replace(/^.*pin not honoured: /, '').replace(/\)$/, '')}.`, { partyId: move.partyId });
    }
    const [created] = await this.db.insert(plans).values({ incidentId, createdBy: userId, baseSeq: row.baseSeq, plan, pins }).returning();
    await this.db.update(plans).set({ status: 'superseded' }).where(eq(plans.id, row.id));
    return { id: created!.id, incidentId, status: created!.status, createdAt: created!.createdAt.toISOString(), baseSeq: row.baseSeq, plan, diff: diffPlans(inForce.plan, plan), stale: (await planningChangesSince(this.db, incidentId, row.baseSeq, 1)).length > 0 };
  }

  async get(incidentId: string, planId: string): Promise<PlanView> {
    const row = await this.find(this.db, incidentId, planId);
    const inForce = await loadInForce(this.db, incidentId);
    return { id: row.id, incidentId, status: row.status, createdAt: row.createdAt.toISOString(), baseSeq: row.baseSeq, plan: row.plan, diff: diffPlans(inForce.plan, row.plan), stale: (await planningChangesSince(this.db, incidentId, row.baseSeq, 1)).length > 0 };
  }

  async latest(incidentId: string) {
    const [row] = await this.db.select({ id: plans.id }).from(plans).where(eq(plans.incidentId, incidentId)).orderBy(desc(plans.createdAt)).limit(1);
    return row ? this.get(incidentId, row.id) : null;
  }

  private async find(db: Db | Tx, incidentId: string, planId: string) {
    const [row] = await db.select().from(plans).where(and(eq(plans.id, planId), eq(plans.incidentId, incidentId)));
    if (!row) throw new AppError('not_found', 'No such plan.');
    return row;
  }

  /** Apply a proposal: exactly as computed, or not at all. */
  async apply(incidentId: string, planId: string, actor: Actor): Promise<{ applied: true; seq: number; diff: PlanDiff }> {
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const [inc] = await tx.select({ lastSeq: incidents.lastSeq }).from(incidents).where(eq(incidents.id, incidentId)).for('update');
      if (!inc) throw new AppError('not_found', 'No such incident.');
      const row = await this.find(tx, incidentId, planId);
      if (row.status !== 'proposed') throw new AppError('conflict', `This plan was already ${row.status}. Compute a new one.`);
      if (inc.lastSeq !== row.baseSeq) {
        const changes = await planningChangesSince(tx, incidentId, row.baseSeq, 20);
        if (changes.length) throw staleError(changes);
      }
      const inForce = await loadInForce(tx, incidentId);
      const diff = diffPlans(inForce.plan, row.plan);
      const affectedHotels = await this.writePlan(tx, incidentId, row.id, row.plan, inForce);
      const pinned = row.pins.filter((p) => p.hotelId).map((p) => p.partyId);
      if (pinned.length) await tx.update(stays).set({ pinned: true }).where(and(eq(stays.incidentId, incidentId), inArray(stays.partyId, pinned), eq(stays.status, 'planned')));
      await tx.update(plans).set({ status: 'superseded' }).where(and(eq(plans.incidentId, incidentId), eq(plans.status, 'applied')));
      await tx.update(plans).set({ status: 'applied', appliedAt: new Date() }).where(eq(plans.id, row.id));
      const [ev] = await emit(incidentId, actor, [
        {
          type: 'plan.applied',
          payload: {
            planId: row.id,
            housed: row.plan.stays.length,
            unassigned: row.plan.unassigned.length,
            moved: diff.moved.map((m) => m.partyId),
            partyIds: [...diff.newlyAssigned, ...diff.moved, ...diff.unassigned, ...diff.retimed].map((x) => x.partyId),
            hotelFill: await hotelFill(tx, incidentId),
            newlyAssigned: diff.newlyAssigned.length,
            hotelIds: [...affectedHotels],
            metrics: row.plan.metrics,
          },
        },
      ]);
      return { applied: true as const, seq: ev!.seq, diff };
    });
  }

  /** Replace what is not locked by the proposal; every room and seat is taken under the DB's capacity checks. */
  private async writePlan(tx: Tx, incidentId: string, planId: string, plan: Plan, inForce: Awaited<ReturnType<typeof loadInForce>>): Promise<Set<string>> {
    const affected = new Set<string>();
    const lockedParties = new Set(inForce.locked.stays.map((s) => s.partyId));
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
    for (let i = 0; i < cancelled.length; i += 1000) await tx.update(stays).set({ status: 'cancelled', endedAt: new Date() }).where(inArray(stays.id, cancelled.slice(i, i + 1000)));
    await insertBatched([...next.values()].map((s) => ({ incidentId, partyId: s.partyId, hotelId: s.hotelId, rooms: s.rooms, planId })), (c) => tx.insert(stays).values(c));
    // 2. Trips: those that have not left are rebuilt from the proposal, seats counted at insert
    //    (the CHECK on seats_used <= seats guards every one).
    const open = inForce.tripRows.filter((t) => (t.status === 'planned' || t.status === 'boarding') && !inForce.lockedTripIds.has(t.id));
    if (open.length) {
      const ids = open.map((t) => t.id);
      await tx.update(tripRiders).set({ status: 'cancelled' }).where(and(inArray(tripRiders.tripId, ids), inArray(tripRiders.status, ['planned', 'boarded'])));
      await tx.update(trips).set({ status: 'cancelled', seatsUsed: 0, wheelchairUsed: 0 }).where(inArray(trips.id, ids));
    }
    const lockedKeys = new Set(inForce.locked.trips.map((t) => `${t.vehicleId}@${Date.parse(t.departAt)}`));
    const sizes = await partySeats(tx, incidentId);
    const vehicleRows = await tx.select().from(vehicles).where(eq(vehicles.incidentId, incidentId));
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
      return { incidentId, vehicleId: t.vehicleId, fromSiteId: t.fromSiteId, stops: t.stops, departAt: new Date(t.departAt), arrivals: t.arrivals, seats: v.seats, wheelchairSpaces: v.wheelchairSpaces, seatsUsed: seated, wheelchairUsed: wheel, planId };
    });
    const idByKey = new Map<string, string>();
    await insertBatched(tripRows, async (c) => {
      const rows = await tx.insert(trips).values(c).returning({ id: trips.id, vehicleId: trips.vehicleId, departAt: trips.departAt });
      for (const r of rows) idByKey.set(`${r.vehicleId}@${r.departAt.getTime()}`, r.id);
    });
    const riders = newTrips.flatMap((t) => {
      const tripId = idByKey.get(`${t.vehicleId}@${Date.parse(t.departAt)}`)!;
      return t.partyIds.map((partyId) => ({ tripId, incidentId, partyId, hotelId: hotelOf.get(partyId) ?? t.stops[0]! }));
    });
    await insertBatched(riders, (c) => tx.insert(tripRiders).values(c));
    // 3. Household statuses follow: placed households are "assigned", the rest wait.
    const placed = plan.stays.map((s) => s.partyId);
    if (placed.length) await tx.update(parties).set({ status: 'assigned' }).where(and(eq(parties.incidentId, incidentId), inArray(parties.id, placed), inArray(parties.status, ['waiting', 'assigned'])));
    const waiting = plan.unassigned.map((u) => u.partyId);
    if (waiting.length) await tx.update(parties).set({ status: 'waiting' }).where(and(eq(parties.incidentId, incidentId), inArray(parties.id, waiting), eq(parties.status, 'assigned')));
    return affected;
  }
}

/** Beds taken per hotel after a change (lets the console replay hotel fill from the log). */
async function hotelFill(tx: Tx, incidentId: string): Promise<Record<string, number>> {
  const rows = await tx
    .select({ hotelId: roomTypes.hotelId, beds: sql<number>`sum(${roomTypes.used} * ${roomTypes.sleeps})::int` })
    .from(roomTypes)
    .where(eq(roomTypes.incidentId, incidentId))
    .groupBy(roomTypes.hotelId);
  return Object.fromEntries(rows.map((r) => [r.hotelId, r.beds]));
}

/** Seats and wheelchair spaces each household needs. */
async function partySeats(tx: Tx, incidentId: string): Promise<Map<string, { seated: number; wheel: number }>> {
  const rows = await tx.execute<{ party_id: string; n: number; wheel: number }>(
    sql`select party_id, count(*)::int as n, count(*) filter (where 'wheelchair' = any(needs))::int as wheel from guests where incident_id = ${incidentId} group by party_id`,
  );
  const list = (rows as unknown as { rows?: { party_id: string; n: number; wheel: number }[] }).rows ?? (rows as unknown as { party_id: string; n: number; wheel: number }[]);
  return new Map(list.map((r) => [r.party_id, { seated: r.n - r.wheel, wheel: r.wheel }]));
}


/**
 * Events that cannot change what a plan may do: costs, message deliveries, a reply marked handled,
 * feedback. Background jobs write them all the time; they must not make a fresh proposal stale.
 */
const NOT_PLANNING = ['ledger.%', 'message.%', 'guest.reply_handled', 'guest.feedback_given'];

/** The events since `baseSeq` that change the planning situation (rooms, fleet, households, trips). */
export async function planningChangesSince(db: Db | Tx, incidentId: string, baseSeq: number, limit: number) {
  return db
    .select()
    .from(events)
    .where(and(eq(events.incidentId, incidentId), gt(events.seq, baseSeq), ...NOT_PLANNING.map((p) => notLike(events.type, p))))
    .orderBy(events.seq)
    .limit(limit);
}

function staleError(since: (typeof events.$inferSelect)[]): AppError {
  const what = since.map((e) => `${e.actorName}: ${e.type.replace(/[._]/g, ' ')} at ${e.at.toISOString().slice(11, 16)}`);
  return new AppError('conflict', `The situation changed since this plan was computed (${what.slice(0, 3).join('; ')}${what.length > 3 ? '; ...' : ''}). Compute a new plan.`, {
    changes: since.map((e) => ({ seq: e.seq, type: e.type, actor: e.actorName, at: e.at.toISOString() })),
  });
}
