/**
 * The planner: scenario (+ previous plan, locked stays/trips, manual pins) -> relocation-plan/1.
 * Pure and synchronous so the server, a worker, the CLI, the benchmark and the browser can all run
 * it. Rooms first (they decide who is housed and the stay cost), then transport for the housed.
 */
import { now, withClock } from './time.js';
import { PLAN_FORMAT, type Plan, type PlanChange, type Stay, type Trip, type Unassigned } from '../plan.js';
import type { Scenario } from '../scenario.js';
import { comboRooms, type Combo } from './combos.js';
import { unassignedReason } from './explain.js';
import { computeMetrics } from './metrics.js';
import { buildModel, carriable, type Model } from './model.js';
import { assignRooms } from './rooms.js';
import { keepPreviousTrips } from './keep-trips.js';
import { scheduleTransport, type TransportResult } from './transport.js';

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
  /** Soft limit for the whole solve; defaults grow with the number of households. */
  timeBudgetMs?: number;
  /** Clock for deadlines and solveMs in ms (default wall time; the benchmark passes CPU time). */
  clock?: () => number;
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
  return withClock(opts.clock, () => solve(scenario, opts));
}

function solve(scenario: Scenario, opts: PlanOptions): Plan {
  const t0 = now();
  const m = buildModel(scenario);
  // Re-plans start from a good plan and must answer fast; a fresh plan gets more search.
  const budget = opts.timeBudgetMs ?? (opts.previous ? 50 + m.parties.length * 0.04 : 100 + m.parties.length * 0.12);
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
  const rooms = assignRooms(m, eligible, {
    locked: lockedStays,
    pins: hotelPins,
    allowed: onLockedTrip,
    previous,
    deadline: t0 + budget * 0.45,
  });
  const a = rooms.a;
  const riders = eligible.filter((p) => a.hotelOf[p.idx]! >= 0 && !onLockedTrip.has(p.idx)).map((p) => p.idx);
  const transport = planTransport(m, a.hotelOf, riders, lockedTrips, vehiclePins, opts.previous ?? null, t0, budget);
  for (const p of transport.unserved.keys()) if (!lockedStays.has(p)) a.remove(p);

  const stays: Stay[] = [];
  const unassigned: Unassigned[] = [];
  for (const p of m.parties) {
    const h = a.hotelOf[p.idx]!;
    const locked = lockedStays.get(p.idx);
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
  const metrics = computeMetrics(scenario, plan);
  plan.metrics = {
    peopleHoused: metrics.peopleHoused,
    peopleUnassigned: metrics.peopleUnassigned,
    roomCostMinorPerNight: metrics.roomCostMinorPerNight,
    travelCostMinor: metrics.travelCostMinor,
    transportCostMinor: metrics.transportCostMinor,
    lastArrivalAt: metrics.lastArrivalAt,
    solveMs: Math.round(now() - t0),
  };
  return plan;
}

/** Who changed hotel against the previous plan, and the reason a duty manager can repeat. */
function describeChanges(m: Model, plan: Plan, previous: Plan, displaced: Set<number>, pinFailures: Map<number, string>, pins: Map<number, number>): PlanChange[] {
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
    const fromName = from ? m.hotels[m.hotelIndex.get(from) ?? -1]?.hotel.name ?? from : null;
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
 * hotel did not change (drivers keep their runs) and only the rest is scheduled after them; a full
 * re-schedule is also tried when time allows, and the earlier last arrival wins.
 */
function planTransport(m: Model, hotelOf: Int32Array, riders: number[], locked: Trip[], pins: Map<number, number>, previous: Plan | null, t0: number, budget: number): TransportResult & { kept: Trip[] } {
  const deadline = t0 + budget;
  if (!previous) return { ...scheduleTransport(m, { hotelOf, riders, lockedTrips: locked, vehiclePins: pins, deadline }), kept: [] };
  const kept = keepPreviousTrips(m, previous, hotelOf, riders, locked, pins);
  const onKept = new Set(kept.flatMap((t) => t.partyIds).map((id) => m.partyIndex.get(id)!));
  const rest = riders.filter((p) => !onKept.has(p));
  const inc = { ...scheduleTransport(m, { hotelOf, riders: rest, lockedTrips: [...locked, ...kept], vehiclePins: new Map(pins), deadline }), kept };
  if (now() > t0 + budget * 0.3) return inc;
  const full = { ...scheduleTransport(m, { hotelOf, riders, lockedTrips: locked, vehiclePins: pins, deadline }), kept: [] };
  const last = (r: TransportResult & { kept: Trip[] }) => Math.max(r.lastArrivalMs, ...r.kept.map((t) => Date.parse(t.arrivals[t.arrivals.length - 1]!)));
  return full.unserved.size <= inc.unserved.size && last(full) < last(inc) ? full : inc;
}
