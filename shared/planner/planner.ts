/**
 * The planner: scenario (+ previous plan, locked stays/trips, manual pins) -> relocation-plan/1.
 * Pure and synchronous so the server, a worker, the CLI, the benchmark and the browser can all run
 * it. Rooms first (they decide who is housed and the stay cost), then transport for the housed.
 */
import { elapsedNow, MINUTE_MS, now, parseIso, withClock, withWorkClock } from './time.js';
import { RETIME_MINUTES } from '../plan-diff.js';
import { PLAN_FORMAT, type Plan, type PlanChange, type Stay, type Trip, type Unassigned } from '../plan.js';
import type { PlanObjective, Scenario } from '../scenario.js';
import type { Assignment } from './assignment.js';
import { stayCost } from './columns.js';
import { comparePlans, orderingOf } from './compare.js';
import { greedyOrder, greedyStays } from './naive.js';
import { assignmentStayCost, compareShelter, nearerAccessibleRooms, nearerHouseholds, shelterKey, shelterSearch, snapshotRooms } from './shelter.js';
import { comboRooms, type Combo } from './combos.js';
import { unassignedReason } from './explain.js';
import { planMetrics } from './metrics.js';
import { buildModel, carriable, kmSiteHotel, type Model, type PartyInfo } from './model.js';
import { assignRooms, improveAll, repriced, type KeepOrder } from './rooms.js';
import { keepPreviousTrips } from './keep-trips.js';
import { insertRiders } from './insert.js';
import { scheduleTransport, type TransportResult } from './transport.js';
import { initialVehicles } from './route.js';

/** A manual change to respect: keep this household at this hotel and/or on this vehicle. */
export interface Pin {
  partyId: string;
  hotelId?: string;
  vehicleId?: string;
}

export interface PlanOptions {
  previous?: Plan | null;
  locked?: Pick<Plan, 'stays' | 'trips'> | null;
  pins?: readonly Pin[];
  /**
   * Soft limit for the whole solve; defaults grow with the number of households. Up to 1,500
   * households in nominal ms of the work clock (time.ts), so the plan does not depend on the machine.
   */
  timeBudgetMs?: number;
  /** Clock for solveMs, and for deadlines above 1,500 households, in ms (default wall time; the benchmark passes CPU time). */
  clock?: () => number;
  /** Overrides the scenario's `policy.objective` (the CLI's --objective). */
  objective?: PlanObjective;
  /** Overrides the scenario's `policy.costTolerancePct`. */
  costTolerancePct?: number;
  /**
   * Transport only: every previous stay is kept as it is (rooms are not re-planned) and the fleet
   * is re-scheduled for them, the full re-schedule always tried (a vehicle dropped out, or the
   * night slipped). Locked trips stay as they are.
   */
  transportOnly?: boolean;
}

/** The incident's objective's plan and the cheapest plan, both from one run of the planner. */
export interface PlanPair {
  shelter: Plan;
  cost: Plan;
}

/** Turn a stay's `rooms` into a combination of the hotel's room slots (null if a type is unknown). */
export function stayCombo(m: Model, hotel: number, rooms: Stay['rooms']): Combo | null {
  const slots: number[] = [];
  const counts: number[] = [];
  let rate = 0;
  let beds = 0;
  for (const r of rooms) {
    const s = m.hotels[hotel]!.rooms.find((x) => m.rooms[x]!.type === r.type);
    if (s === undefined) return null;
    slots.push(s);
    counts.push(r.count);
    rate += m.rooms[s]!.rate * r.count;
    beds += m.rooms[s]!.sleeps * r.count;
  }
  return { slots, counts, rate, beds };
}

/** Plan a relocation: who stays where, who rides what, when; every metric filled in. */
export function planRelocation(scenario: Scenario, opts: PlanOptions = {}): Plan {
  return withClock(opts.clock, () => deterministic(scenario, () => solveBest(scenario, opts).plan));
}

/**
 * Up to 1,500 households every deadline runs on the work clock (time.ts): the same input gives
 * the same plan on a quiet machine and a busy one. Above, on time, so that the largest incidents
 * keep their answer times.
 */
function deterministic<T>(scenario: Scenario, f: () => T): T {
  return onWorkClock(scenario) ? withWorkClock(f) : f();
}

/** Whether the incident is small enough for its plan to be computed on the work clock. */
const onWorkClock = (scenario: Scenario) => scenario.parties.length <= 1500;

/**
 * Both alternatives a duty manager chooses between ("cheapest" and "fastest within N%") from ONE
 * run: the shelter search starts from the cheapest rooms and their schedule, which is the cost
 * objective's plan, so that plan is kept on the way instead of being searched for twice. On a
 * re-plan the two objectives take the same path and the two plans are the same plan.
 */
export function planBoth(scenario: Scenario, opts: Omit<PlanOptions, 'objective'> = {}): PlanPair {
  return withClock(opts.clock, () =>
    deterministic(scenario, () => {
      const r = solveBest(scenario, { ...opts, objective: 'shelter' });
      return { shelter: r.plan, cost: r.cheapest ?? r.plan };
    }),
  );
}

/**
 * A re-plan keeps at their hotel first the households holding fewest rooms (fewest households
 * move). When that displaced someone and left anyone without rooms, it is solved again in the usual
 * priority (those hardest to house elsewhere stay), and the better plan under the contract's
 * ordering (tiers 1-2, then households moved) is kept. Above 1,500 households, once, in the usual
 * priority.
 */
function solveBest(scenario: Scenario, opts: PlanOptions): Solved {
  const started = elapsedNow();
  const small = onWorkClock(scenario);
  const first = solve(scenario, opts, small ? 'fewest-rooms' : 'priority');
  // Only where someone is left without rooms can the usual order house more (beds are short).
  if (!opts.previous || !small || !first.displaced || !first.plan.unassigned.length) return first;
  // The alternative, on half the budget.
  const second = solve(scenario, opts, 'priority', 0.5);
  const ordering = orderingOf(scenario, {
    ...(opts.objective ? { objective: opts.objective } : {}),
    ...(opts.costTolerancePct !== undefined ? { costTolerancePct: opts.costTolerancePct } : {}),
  });
  const best = comparePlans(scenario, second.plan, first.plan, { previous: opts.previous, ordering }) < 0 ? second : first;
  best.plan.metrics.solveMs = Math.round(elapsedNow() - started);
  return best;
}

interface Solved {
  plan: Plan;
  cheapest: Plan | null;
  /** Households the room stage could not keep at their previous hotel. */
  displaced: number;
}

/** One run of the planner; `share` scales its time budget. */
function solve(scenario: Scenario, opts: PlanOptions, keepOrder: KeepOrder, share = 1): Solved {
  const started = elapsedNow();
  const t0 = now();
  const m = buildModel(scenario);
  const ordering = orderingOf(scenario, {
    ...(opts.objective ? { objective: opts.objective } : {}),
    ...(opts.costTolerancePct !== undefined ? { costTolerancePct: opts.costTolerancePct } : {}),
  });
  if (opts.transportOnly && opts.previous)
    opts = { ...opts, locked: { stays: keptStays(opts.previous, opts.locked ?? null), trips: opts.locked?.trips ?? [] } };
  // The joint rooms-and-seats search runs on fresh plans; a re-plan keeps households where they were.
  const shelter = ordering.objective === 'shelter' && !opts.previous;
  // Re-plans start from a good plan and must answer fast; a fresh plan of up to 1,500 households
  // gets 1 s of the work clock for the joint search (shelter) or for the room search to settle
  // (cost): over 31 incidents 1.5 s landed the last household no sooner on the whole, and 0.75 s
  // landed one 32 minutes later (decision 0002, "the same plans, sooner").
  const budget =
    share *
    (opts.timeBudgetMs ??
      (opts.transportOnly && opts.previous
        ? 150 + m.parties.length * 0.1
        : opts.previous
          ? 50 + m.parties.length * 0.04
          : m.parties.length <= 1500
            ? FRESH_SMALL_BUDGET_MS
            : 100 + m.parties.length * 0.12));
  const lockedStays = new Map<number, { hotel: number; combo: Combo; stay: Stay }>();
  for (const s of opts.locked?.stays ?? []) {
    const p = m.partyIndex.get(s.partyId);
    const h = m.hotelIndex.get(s.hotelId);
    const combo = h === undefined ? null : stayCombo(m, h, s.rooms);
    if (p !== undefined && h !== undefined && combo) lockedStays.set(p, { hotel: h, combo, stay: s });
  }
  const lockedTrips = (opts.locked?.trips ?? []).filter((t) => m.vehicleIndex.has(t.vehicleId));
  const onLockedTrip = new Map<number, Set<number>>();
  for (const t of lockedTrips) {
    const stops = new Set(t.stops.map((s) => m.hotelIndex.get(s)).filter((h): h is number => h !== undefined));
    for (const pid of t.partyIds) {
      const p = m.partyIndex.get(pid);
      if (p !== undefined) onLockedTrip.set(p, stops);
    }
  }
  const hotelPins = new Map<number, number>();
  const vehiclePins = new Map<number, number>();
  for (const pin of opts.pins ?? []) {
    const p = m.partyIndex.get(pin.partyId);
    if (p === undefined || lockedStays.has(p)) continue;
    const h = pin.hotelId === undefined ? undefined : m.hotelIndex.get(pin.hotelId);
    const v = pin.vehicleId === undefined ? undefined : m.vehicleIndex.get(pin.vehicleId);
    if (h !== undefined) hotelPins.set(p, h);
    if (v !== undefined && !onLockedTrip.has(p)) vehiclePins.set(p, v);
  }
  const previous = new Map<number, { hotel: number; combo: Combo | null }>();
  for (const s of opts.previous?.stays ?? []) {
    const p = m.partyIndex.get(s.partyId);
    const h = m.hotelIndex.get(s.hotelId);
    if (p !== undefined && h !== undefined) previous.set(p, { hotel: h, combo: stayCombo(m, h, s.rooms) });
  }
  const eligible = m.parties.filter((p) => lockedStays.has(p.idx) || onLockedTrip.has(p.idx) || carriable(m, p));
  const guard = !opts.previous && !lockedStays.size && !onLockedTrip.size && !hotelPins.size;
  let greedy: ReturnType<typeof greedyStays> | null = null;
  const roomsFor = (mv: Model, deadline: number) => {
    const r = assignRooms(mv, eligible, { locked: lockedStays, pins: hotelPins, allowed: onLockedTrip, previous, keepOrder, deadline });
    if (guard) neverBelowGreedy(mv, r.a, eligible, deadline, (greedy ??= greedyStays(m)));
    return r;
  };
  const ridersOf = (x: Assignment) => eligible.filter((p) => x.hotelOf[p.idx]! >= 0 && !onLockedTrip.has(p.idx)).map((p) => p.idx);
  // The cheapest rooms set the shelter objective's cost line too: up to ~1,500 households they get
  // the cost objective's time, so the line is drawn from rooms as cheap as that objective's.
  let rooms = roomsFor(m, t0 + budget * (shelter && m.parties.length > 1500 ? 0.25 : opts.previous ? 0.45 : 0.6));
  // Beds short on a fresh plan: room stages under other km weights may house more (tiers 1-2 come
  // before any cost, in both objectives); the one housing most, its rooms made cheap again, is kept.
  if (guard && m.parties.length <= 1500 && eligible.some((p) => rooms.a.hotelOf[p.idx]! < 0)) {
    for (const [k, acc] of SHELTER_WEIGHTS) {
      const r = roomsFor({ ...m, kmWeight: k, accKmWeight: acc }, now() + budget * 0.08);
      if (compareHousing(housingOf(r.a, eligible), housingOf(rooms.a, eligible)) <= 0) continue;
      const again = repriced(m, eligible, r.a, now() + budget * 0.08);
      rooms = { ...r, a: compareHousing(housingOf(again, eligible), housingOf(r.a, eligible)) < 0 ? r.a : again };
    }
  }
  let a = rooms.a;
  let riders = ridersOf(a);
  let transport: TransportResult & { kept: Trip[] };
  let cheapest: Plan | null = null;
  if (!shelter || !riders.length)
    transport = planTransport(m, a.hotelOf, riders, lockedTrips, vehiclePins, opts.previous ?? null, t0, budget, !!opts.transportOnly);
  else {
    // Tier 4: the cheapest rooms found set the cost line; then rooms and seats are chosen together.
    const cap = assignmentStayCost(m, a) * (1 + ordering.costTolerancePct / 100);
    const scheduleFor = (x: Assignment, rs: number[]) => (deadline: number) =>
      scheduleTransport(m, { hotelOf: x.hotelOf, riders: rs, lockedTrips, vehiclePins: new Map(vehiclePins), deadline });
    const slice = budget * 0.08;
    // Up to ~1,500 households every candidate is scheduled to the end (the bisection converges in a
    // few dozen ms), so the answer does not depend on how busy the machine is; above, by deadline.
    const full = riders.length <= 1500;
    let evalStart = now();
    let tr = scheduleFor(a, riders)(full ? Infinity : t0 + budget * 0.55);
    const evalMs = Math.max(3, now() - evalStart);
    let key = shelterKey(m, a, riders, tr, lockedTrips, cap);
    // The cheapest rooms and their schedule are the cost objective's plan: kept as it stands now.
    cheapest = assemble(scenario, m, a, rooms, { ...tr, kept: [] }, lockedStays, lockedTrips, opts, hotelPins, started);
    const housing = (x: Assignment) => housingOf(x, eligible);
    const base = housing(a);
    // Room stages that weigh distance more (wheelchair households most: they ride the few
    // wheelchair spaces, cycle after cycle), each scheduled and judged by the shelter ordering.
    for (const [k, acc] of SHELTER_WEIGHTS) {
      if (!full && now() + (evalMs + slice) * 1.2 > t0 + budget * 0.75) break;
      const mv: Model = { ...m, kmWeight: k, accKmWeight: acc };
      const r = roomsFor(mv, now() + slice);
      const h = housing(r.a);
      if (h[0] < base[0] || (h[0] === base[0] && h[1] < base[1])) continue;
      const rs = ridersOf(r.a);
      evalStart = now();
      const t = scheduleFor(r.a, rs)(full ? Infinity : now() + evalMs);
      const kk = shelterKey(m, r.a, rs, t, lockedTrips, cap);
      if (h[0] > base[0] || h[1] > base[1] || compareShelter(kk, key) < 0) [rooms, a, riders, tr, key] = [r, r.a, rs, t, kk];
    }
    // When beds are short: of households of equal worth, those nearest the rooms housed.
    if (full || now() + (evalMs + slice) * 1.2 < t0 + budget * 0.8) {
      const before = snapshotRooms(a);
      if (nearerHouseholds(a.m, a, eligible, cap)) {
        const rs = ridersOf(a);
        const t = scheduleFor(a, rs)(full ? Infinity : now() + evalMs);
        const kk = shelterKey(m, a, rs, t, lockedTrips, cap);
        if (compareShelter(kk, key) < 0) [riders, tr, key] = [rs, t, kk];
        else before.restore();
      }
    }
    // Wheelchair households whose accessible rooms are far, nearer (swapping rooms among them).
    if (full || now() + (evalMs + slice) * 1.2 < t0 + budget * 0.8) {
      const before = snapshotRooms(a);
      if (nearerAccessibleRooms(a.m, a, riders, lockedTrips, cap, now() + slice)) {
        const t = scheduleFor(a, riders)(full ? Infinity : now() + evalMs);
        const kk = shelterKey(m, a, riders, t, lockedTrips, cap);
        if (compareShelter(kk, key) < 0) [tr, key] = [t, kk];
        else before.restore();
      }
    }
    transport = {
      ...shelterSearch(
        a.m,
        a,
        riders,
        scheduleFor(a, riders),
        lockedTrips,
        cap,
        full ? Math.max(now() + budget * 0.5, t0 + budget) : t0 + budget,
        tr,
        full ? Infinity : evalMs,
      ),
      kept: [],
    };
  }
  return { plan: assemble(scenario, m, a, rooms, transport, lockedStays, lockedTrips, opts, hotelPins, started), cheapest, displaced: rooms.displaced.size };
}

/** Guests housed from vulnerable households (tier 1), and all guests housed (tier 2). */
function housingOf(x: Assignment, eligible: readonly PartyInfo[]): readonly [number, number] {
  let v = 0;
  let h = 0;
  for (const p of eligible) if (x.hotelOf[p.idx]! >= 0) [v, h] = [v + (p.vulnerable ? p.size : 0), h + p.size];
  return [v, h];
}

/** Positive when `x` houses more than `y` under tiers 1-2. */
const compareHousing = (x: readonly [number, number], y: readonly [number, number]) => x[0] - y[0] || x[1] - y[1];

/** The plan of an assignment and its schedule: households the fleet could not carry are unassigned. */
function assemble(
  scenario: Scenario,
  m: Model,
  a: Assignment,
  rooms: ReturnType<typeof assignRooms>,
  transport: TransportResult & { kept: Trip[] },
  lockedStays: Map<number, { hotel: number; combo: Combo; stay: Stay }>,
  lockedTrips: Trip[],
  opts: PlanOptions,
  hotelPins: Map<number, number>,
  started: number,
): Plan {
  const stays: Stay[] = [];
  const unassigned: Unassigned[] = [];
  for (const p of m.parties) {
    const locked = lockedStays.get(p.idx);
    const h = locked || !transport.unserved.has(p.idx) ? a.hotelOf[p.idx]! : -1;
    if (locked) stays.push(locked.stay);
    else if (h >= 0) stays.push({ partyId: p.party.id, hotelId: m.hotels[h]!.hotel.id, rooms: comboRooms(m, a.combo[p.idx]!) });
    else {
      const pinWhy = rooms.pinFailures.get(p.idx);
      const why = transport.unserved.get(p.idx) ?? unassignedReason(m, p.idx, a.avail);
      unassigned.push({ partyId: p.party.id, reason: pinWhy ? `${why} (pin not honoured: ${pinWhy})` : why });
    }
  }
  const plan: Plan = { format: PLAN_FORMAT, stays, trips: [...lockedTrips, ...transport.kept, ...transport.trips], unassigned, metrics: {} };
  if (opts.previous) plan.changes = describeChanges(m, plan, opts.previous, rooms.displaced, rooms.pinFailures, hotelPins);
  plan.metrics = planMetrics(scenario, plan, elapsedNow() - started);
  return plan;
}

/** Transport only: the previous plan's stays, with the locked ones (checked in, riding) as they are. */
function keptStays(previous: Plan, locked: Pick<Plan, 'stays' | 'trips'> | null): Stay[] {
  const fixed = new Map((locked?.stays ?? []).map((s) => [s.partyId, s]));
  return previous.stays.map((s) => fixed.get(s.partyId) ?? s);
}

/**
 * How much sooner the last arrival must be for a re-plan to re-time households whose rides it
 * could keep: as much as the night may slip before the console offers a transport re-plan.
 */
const RESCHEDULE_GAIN_MS = 15 * 60_000;

/** A fresh plan's time budget up to 1,500 households (ms of the planner's clock). */
const FRESH_SMALL_BUDGET_MS = 1000;

/** Room-stage km weights the shelter search tries: [everyone, wheelchair households]. */
const SHELTER_WEIGHTS: readonly (readonly [number, number])[] = [
  [1, 20],
  [3, 20],
  [8, 30],
  [20, 40],
];

/**
 * Tiers 1-2 never lose to the hand greedy (naive.ts): when its rooms house more vulnerable guests,
 * or as many and more guests, start again from its rooms and improve their cost from there.
 */
function neverBelowGreedy(m: Model, a: Assignment, eligible: PartyInfo[], deadline: number, g: ReturnType<typeof greedyStays>): void {
  let gv = 0;
  let gh = 0;
  let av = 0;
  let ah = 0;
  for (const p of eligible) {
    if (g.hotelOf[p.idx]! >= 0) [gv, gh] = [gv + (p.vulnerable ? p.size : 0), gh + p.size];
    if (a.hotelOf[p.idx]! >= 0) [av, ah] = [av + (p.vulnerable ? p.size : 0), ah + p.size];
  }
  if (gv < av || (gv === av && gh <= ah)) return;
  for (const p of eligible) a.remove(p.idx);
  for (const p of eligible) {
    const h = g.hotelOf[p.idx]!;
    const c = g.combo[p.idx];
    if (h >= 0 && c) a.place(p.idx, h, c, stayCost(m, c, p.size, kmSiteHotel(m, p.site, h), p.wheel > 0));
  }
  const isEligible = new Set(eligible.map((p) => p.idx));
  const order = greedyOrder(m).filter((p) => isEligible.has(p));
  improveAll(a, order, deadline);
}

/** Who changed hotel against the previous plan, and the reason a duty manager can repeat. */
function describeChanges(
  m: Model,
  plan: Plan,
  previous: Plan,
  displaced: Set<number>,
  pinFailures: Map<number, string>,
  pins: Map<number, number>,
): PlanChange[] {
  const now = new Map(plan.stays.map((s) => [s.partyId, s.hotelId]));
  const before = new Map(previous.stays.map((s) => [s.partyId, s.hotelId]));
  const out: PlanChange[] = [];
  for (const p of m.parties) {
    const id = p.party.id;
    const from = before.get(id) ?? null;
    const to = now.get(id) ?? null;
    const pinWhy = pinFailures.get(p.idx);
    if (pinWhy) {
      out.push({ partyId: id, fromHotelId: from, toHotelId: to, reason: `pin to ${m.hotels[pins.get(p.idx)!]?.hotel.name ?? '?'} not honoured: ${pinWhy}` });
      continue;
    }
    if (from === to) continue;
    const fromName = from ? (m.hotels[m.hotelIndex.get(from) ?? -1]?.hotel.name ?? from) : null;
    let reason: string;
    if (!to) reason = plan.unassigned.find((u) => u.partyId === id)?.reason ?? 'no longer housed';
    else if (!from) reason = 'newly housed';
    else if (pins.has(p.idx) && !pinFailures.has(p.idx)) reason = 'moved by a manual pin';
    else if (displaced.has(p.idx)) reason = `${fromName} no longer has rooms for this household (rooms withdrawn, taken or hotel no longer suitable)`;
    else reason = `moved out of ${fromName} to make room for a household that could be housed nowhere else`;
    out.push({ partyId: id, fromHotelId: from, toHotelId: to, reason });
  }
  return out;
}

/**
 * Transport for the housed. On a re-plan the previous trips are kept for every household whose
 * hotel did not change (drivers keep their runs); the rest are fitted into those runs where the
 * night ends soonest (insert.ts, for a few households), or scheduled after them. When time allows,
 * a few vehicles' runs from the same pick-ups are also re-scheduled with them, and the whole fleet
 * too; of the ways that carry the most households and end the night within RESCHEDULE_GAIN_MS of
 * the soonest, the one re-timing the fewest households already told their ride wins.
 */
function planTransport(
  m: Model,
  hotelOf: Int32Array,
  riders: number[],
  locked: Trip[],
  pins: Map<number, number>,
  previous: Plan | null,
  t0: number,
  budget: number,
  alwaysFull = false,
): TransportResult & { kept: Trip[] } {
  const deadline = t0 + budget;
  if (!previous) return { ...scheduleTransport(m, { hotelOf, riders, lockedTrips: locked, vehiclePins: pins, deadline }), kept: [] };
  // Every vehicle's runs are timed from where it stands once its trips on the road are done.
  const starts = initialVehicles(m, locked);
  const kept = keepPreviousTrips(m, previous, hotelOf, riders, locked, pins, starts);
  const onKept = new Set(kept.flatMap((t) => t.partyIds).map((id) => m.partyIndex.get(id)!));
  const rest = riders.filter((p) => !onKept.has(p));
  const after = (runs: Trip[], left: number[]): Way => ({
    ...scheduleTransport(m, { hotelOf, riders: left, lockedTrips: [...locked, ...runs], vehiclePins: new Map(pins), deadline }),
    kept: runs,
  });
  // The households without a ride fitted into the kept runs, or scheduled after them.
  const hotelIds = new Map(riders.map((p) => [m.parties[p]!.party.id, m.hotels[hotelOf[p]!]!.hotel.id]));
  // Above 1,500 households (budgets in time, not work) fitting is cut short at 30% of the budget: with
  // every vehicle's second wave kept, fitting 26 households into 1,117 runs took 0.2-0.4 s at 10,000 guests.
  const fitted = insertRiders(m, kept, rest, hotelIds, starts, pins, m.parties.length <= 1500 ? Infinity : t0 + budget * 0.3);
  const ways: Way[] = [after(fitted.trips, fitted.left)];
  if (fitted.left.length !== rest.length) ways.push(after(kept, rest));
  if (alwaysFull || now() <= t0 + budget * 0.3) {
    // Up to 1,500 households (budgets count work); above, one such schedule of thousands of
    // households took as long as the whole re-plan did before (10,000 guests: 0.3-0.5 s -> 0.7-1.3 s).
    // And only for a few households needing a ride (found, or off a coach): with a hotel's rooms
    // withdrawn (20 displaced) they changed nothing (20 moved for 20 either way) and took the
    // re-plan from ~40 to ~60-110 ms.
    if (m.parties.length <= 1500 && rest.length <= MAX_RELEASED_FOR) ways.push(...releasedWays(m, kept, rest, after, () => now() <= t0 + budget * 0.5));
    ways.push({ ...scheduleTransport(m, { hotelOf, riders, lockedTrips: locked, vehiclePins: pins, deadline }), kept: [] });
  }
  return steadiest(ways, previous);
}

type Way = TransportResult & { kept: Trip[] };

/** At most this many vehicles' kept runs are re-scheduled with the households that need a ride. */
const MAX_RELEASED = 16;

/** Vehicles' runs are released only for up to this many households needing a ride. */
const MAX_RELEASED_FOR = 12;

/**
 * Ways between keeping every run and re-scheduling the fleet: the kept runs of the first 1, 2, 3,
 * 4, 6, 8, 12 and 16 vehicles able to carry someone who needs a ride, soonest run from that
 * household's pick-up first, re-scheduled with those households (the other vehicles keep their
 * runs and may take them after), while `more()` allows. A family found at a roll call usually rides
 * best on a run about to leave from where they are, making room by moving a few households of
 * that run, not the whole night: on the storm and nine generated nights with people found at 45,
 * 60, 75 and 90 minutes, households re-timed fell from 5,388 to 1,548 (decision 0002). Each way
 * searches to the deadline like any schedule: first schedules alone re-timed twice as many.
 */
function releasedWays(m: Model, kept: Trip[], rest: number[], after: (runs: Trip[], left: number[]) => Way, more: () => boolean): Way[] {
  if (!rest.length) return [];
  // Vehicles that can carry one of them, by their first kept run from that household's pick-up
  // (then by their first kept run from anywhere): a wheelchair user's family needs a wheelchair space.
  const order = new Map<string, [number, number]>();
  for (const t of kept) {
    const veh = m.vehicles[m.vehicleIndex.get(t.vehicleId)!]!;
    const at = parseIso(t.departAt);
    let fromHere = Infinity;
    let canCarry = false;
    for (const p of rest) {
      const info = m.parties[p]!;
      if (veh.seats < info.seated || veh.wheelchairSpaces < info.wheel) continue;
      canCarry = true;
      if (info.party.siteId === t.fromSiteId) fromHere = at;
    }
    if (!canCarry) continue;
    const was = order.get(t.vehicleId) ?? [Infinity, Infinity];
    order.set(t.vehicleId, [Math.min(was[0], fromHere), Math.min(was[1], at)]);
  }
  const vehicles = [...order].sort((a, b) => a[1][0] - b[1][0] || a[1][1] - b[1][1]).map(([id]) => id);
  const out: Way[] = [];
  for (const k of new Set([1, 2, 3, 4, 6, 8, 12, MAX_RELEASED].map((n) => Math.min(n, vehicles.length)))) {
    if (!k || !more()) break;
    const freed = new Set(vehicles.slice(0, k));
    const runs = kept.filter((t) => !freed.has(t.vehicleId));
    const again = kept.filter((t) => freed.has(t.vehicleId)).flatMap((t) => t.partyIds.map((id) => m.partyIndex.get(id)!));
    out.push(after(runs, [...rest, ...again]));
  }
  return out;
}

/**
 * Households already told their vehicle and time keep them where the night allows (decision
 * 0002): of the ways carrying the most households, those ending within RESCHEDULE_GAIN_MS of the
 * soonest; of those, the one re-timing the fewest households that had a ride (a new vehicle, or a
 * pick-up moved by more than the plan diff's tolerance), then the soonest.
 */
function steadiest(ways: Way[], previous: Plan): Way {
  const last = (w: Way) => Math.max(w.lastArrivalMs, ...w.kept.map((t) => parseIso(t.arrivals[t.arrivals.length - 1]!)));
  const fewestUnserved = Math.min(...ways.map((w) => w.unserved.size));
  const carrying = ways.filter((w) => w.unserved.size === fewestUnserved);
  const soonest = Math.min(...carrying.map(last));
  const was = new Map<string, { vehicleId: string; at: number }>();
  for (const t of previous.trips) for (const id of t.partyIds) was.set(id, { vehicleId: t.vehicleId, at: parseIso(t.departAt) });
  const retimed = (w: Way) => {
    let n = 0;
    for (const t of [...w.kept, ...w.trips]) {
      const at = parseIso(t.departAt);
      for (const id of t.partyIds) {
        const before = was.get(id);
        if (before && (before.vehicleId !== t.vehicleId || Math.abs(before.at - at) > RETIME_MINUTES * MINUTE_MS)) n++;
      }
    }
    return n;
  };
  let best: { way: Way; key: [number, number] } | null = null;
  for (const w of carrying) {
    if (last(w) > soonest + RESCHEDULE_GAIN_MS) continue;
    const key: [number, number] = [retimed(w), last(w)];
    if (!best || key[0] < best.key[0] || (key[0] === best.key[0] && key[1] < best.key[1])) best = { way: w, key };
  }
  return best!.way;
}
