/**
 * The shelter objective (contract tiers 4-9): rooms and seats chosen together. Starting from the
 * cheapest rooms the planner found (stay cost C*), a large-neighbourhood search moves the
 * households on the latest-arriving trips to hotels nearer their pick-up site (making room there by
 * moving other households when needed), re-schedules the fleet for the new hotels and keeps the
 * change when the plan is better by the contract's shelter ordering: stay cost within
 * (1 + costTolerancePct/100) x C*, then earlier last arrival, earlier last vulnerable arrival, lower
 * mean arrival, lower stay cost. Each round sees the fleet through the schedule it produced, so
 * households who would ride a late second wave are the ones pulled in near.
 */
import type { Trip } from '../plan.js';
import { Freedom, type Assignment } from './assignment.js';
import type { Combo } from './combos.js';
import { trueStayCost } from './columns.js';
import { insertUnhoused } from './improve.js';
import { kmSiteHotel, type Model } from './model.js';
import { MINUTE_MS, now, parseIso } from './time.js';
import type { TransportResult } from './transport.js';

export interface ShelterKey {
  unserved: number;
  within: boolean;
  last: number;
  vulnerableLast: number;
  mean: number;
  cost: number;
  transport: number;
}

/** Arrival time (ms) per party from a set of trips (NaN for parties on none). */
export function arrivalsOf(m: Model, hotelOf: Int32Array, trips: readonly Trip[]): Float64Array {
  const out = new Float64Array(m.parties.length).fill(NaN);
  for (const t of trips) {
    for (const id of t.partyIds) {
      const p = m.partyIndex.get(id);
      if (p === undefined) continue;
      const h = hotelOf[p]!;
      const i = h >= 0 ? t.stops.indexOf(m.hotels[h]!.hotel.id) : -1;
      if (i >= 0) out[p] = parseIso(t.arrivals[i]!);
    }
  }
  return out;
}

/** The shelter ordering's figures for an assignment and its schedule. */
export function shelterKey(m: Model, a: Assignment, riders: readonly number[], tr: TransportResult, extra: readonly Trip[], cap: number): ShelterKey {
  const arr = arrivalsOf(m, a.hotelOf, [...extra, ...tr.trips]);
  let last = -Infinity;
  let vLast = -Infinity;
  let sum = 0;
  let n = 0;
  for (const p of riders) {
    const t = arr[p]!;
    if (!Number.isFinite(t)) continue;
    const info = m.parties[p]!;
    last = Math.max(last, t);
    if (info.vulnerable) vLast = Math.max(vLast, t);
    sum += t * info.size;
    n += info.size;
  }
  const cost = assignmentStayCost(m, a);
  return { unserved: tr.unserved.size, within: cost <= cap + 0.5, last, vulnerableLast: vLast, mean: n ? sum / n : 0, cost, transport: tr.costMinor };
}

/** The contract's stay cost of an assignment (its own costs may carry the shelter search's km weights). */
export function assignmentStayCost(m: Model, a: Assignment): number {
  let cost = 0;
  for (let p = 0; p < m.parties.length; p++) {
    const h = a.hotelOf[p]!;
    const c = a.combo[p];
    if (h >= 0 && c) cost += trueStayCost(m, c, m.parties[p]!.size, kmSiteHotel(m, m.parties[p]!.site, h));
  }
  return cost;
}

/** Negative when `x` is better under the shelter ordering (housing equal). */
export function compareShelter(x: ShelterKey, y: ShelterKey): number {
  if (x.unserved !== y.unserved) return x.unserved - y.unserved;
  if (x.within !== y.within) return x.within ? -1 : 1;
  const sec = (a: number, b: number) => (Math.abs(a - b) >= 1000 ? a - b : 0);
  return (
    sec(x.last, y.last) ||
    sec(x.vulnerableLast, y.vulnerableLast) ||
    (Math.abs(x.mean - y.mean) > 1000 ? x.mean - y.mean : 0) ||
    (Math.abs(x.cost - y.cost) > 0.5 ? x.cost - y.cost : 0) ||
    x.transport - y.transport
  );
}

interface Saved {
  hotel: number;
  combo: Combo | null;
  cost: number;
}

/**
 * Improve `a` (and its schedule) for the shelter objective until `deadline`. `schedule` runs the
 * transport stage for the current hotels; `cap` is the most stay cost tier 4 allows.
 */
export function shelterSearch(
  m: Model,
  a: Assignment,
  riders: readonly number[],
  schedule: (deadline: number) => TransportResult,
  extra: readonly Trip[],
  cap: number,
  deadline: number,
  first: TransportResult,
  evalMs: number,
): TransportResult {
  // Every candidate gets the same schedule effort as `first`, so that rounds compare like with like.
  let best = first;
  let bestKey = shelterKey(m, a, riders, best, extra, cap);
  let lastRun = Number.isFinite(evalMs) ? evalMs : 0;
  const tried = new Map<number, number>();
  for (let round = 0; round < 40; round++) {
    if (now() + (Number.isFinite(evalMs) ? lastRun * 1.5 : 0) > deadline) break;
    const arr = arrivalsOf(m, a.hotelOf, [...extra, ...best.trips]);
    const late = riders
      .filter((p) => a.freedom[p] === Freedom.Free && !a.allowed.has(p) && Number.isFinite(arr[p]!) && (tried.get(p) ?? 0) < 3)
      .sort((x, y) => arr[y]! - arr[x]!);
    if (!late.length) break;
    // The households arriving within a few minutes of the last one, a handful per round.
    const cut = arr[late[0]!]! - 8 * MINUTE_MS;
    const batch = late.filter((p) => arr[p]! >= cut).slice(0, 6 + (round % 3) * 4);
    const saved = new Map<number, Saved>();
    const save = () => {
      for (let p = 0; p < m.parties.length; p++) if (!saved.has(p)) saved.set(p, { hotel: a.hotelOf[p]!, combo: a.combo[p]!, cost: a.cost[p]! });
    };
    save();
    let moved = 0;
    for (const p of batch) {
      tried.set(p, (tried.get(p) ?? 0) + 1);
      const info = m.parties[p]!;
      const h0 = a.hotelOf[p]!;
      if (h0 < 0) continue;
      const km0 = kmSiteHotel(m, info.site, h0);
      const nearer = new Set<number>();
      for (const c of a.columns(p)) if (c.km < km0 * 0.8 - 0.5) nearer.add(c.hotel);
      if (!nearer.size) continue;
      const combo0 = a.combo[p]!;
      const cost0 = a.cost[p]!;
      a.allowed.set(p, nearer);
      a.remove(p);
      insertUnhoused(a, [p], deadline);
      a.allowed.delete(p);
      if (a.hotelOf[p]! < 0) a.place(p, h0, combo0, cost0);
      else moved++;
    }
    // Households moved to make room must stay housed and keep their rider status.
    let lost = false;
    for (const [p, s] of saved) if (s.hotel >= 0 && a.hotelOf[p]! < 0) lost = true;
    let accept = false;
    if (moved && !lost) {
      const t0 = now();
      const tr = schedule(Number.isFinite(evalMs) ? now() + evalMs * 1.5 : Infinity);
      lastRun = now() - t0;
      const key = shelterKey(m, a, riders, tr, extra, cap);
      if (compareShelter(key, bestKey) < 0) {
        best = tr;
        bestKey = key;
        accept = true;
      }
    }
    if (!accept) {
      const changed: number[] = [];
      for (const [p, s] of saved) if (a.hotelOf[p] !== s.hotel || a.combo[p] !== s.combo) changed.push(p);
      for (const p of changed) a.remove(p);
      for (const p of changed) {
        const s = saved.get(p)!;
        if (s.hotel >= 0 && s.combo) a.place(p, s.hotel, s.combo, s.cost);
      }
    }
  }
  return best;
}
