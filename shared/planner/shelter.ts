/**
 * The shelter objective (contract tiers 4-9): rooms and seats chosen together. Starting from the
 * cheapest rooms the planner found (stay cost C*), a large-neighbourhood search moves the
 * households on the latest-arriving trips to hotels nearer their pick-up site (making room there by
 * moving other households when needed, or trading hotels with a household that lands early enough
 * to ride the longer leg), re-schedules the fleet for the new hotels and keeps the
 * change when the plan is better by the contract's shelter ordering: stay cost within
 * (1 + costTolerancePct/100) x C*, then earlier last arrival, earlier last vulnerable arrival, lower
 * mean arrival, lower stay cost. Each round sees the fleet through the schedule it produced, so
 * households who would ride a late second wave are the ones pulled in near.
 */
import type { Trip } from '../plan.js';
import { Freedom, type Assignment } from './assignment.js';
import { fits, type Combo } from './combos.js';
import { trueStayCost } from './columns.js';
import { insertUnhoused } from './improve.js';
import { driveMs, kmSiteHotel, type Model, type PartyInfo } from './model.js';
import { earliestDeparture, initialVehicles } from './route.js';
import { MINUTE_MS, now, parseIso, tick } from './time.js';
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
  tick(4 * trips.length);
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

/** The rooms of every household now, and a way back to them. */
export function snapshotRooms(a: Assignment): { hotelOf: Int32Array; restore: () => void } {
  const hotelOf = Int32Array.from(a.hotelOf);
  const combo = [...a.combo];
  const cost = Float64Array.from(a.cost);
  const restore = () => {
    const changed: number[] = [];
    for (let p = 0; p < hotelOf.length; p++) if (a.hotelOf[p] !== hotelOf[p] || a.combo[p] !== combo[p]) changed.push(p);
    for (const p of changed) a.remove(p);
    for (const p of changed) if (hotelOf[p]! >= 0 && combo[p]) a.place(p, hotelOf[p]!, combo[p]!, cost[p]!);
  };
  return { hotelOf, restore };
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
    const saved = snapshotRooms(a);
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
      // Every other round: trade hotels with a household that lands well before, nearer this one's site.
      const swapFirst = round % 2 === 1;
      if (swapFirst && swapNearer(m, a, p, nearer, arr)) {
        moved++;
        continue;
      }
      const combo0 = a.combo[p]!;
      const cost0 = a.cost[p]!;
      a.allowed.set(p, nearer);
      a.remove(p);
      insertUnhoused(a, [p], deadline);
      a.allowed.delete(p);
      if (a.hotelOf[p]! < 0) {
        a.place(p, h0, combo0, cost0);
        // No rooms to be made nearer: trade hotels with a household that lands well before (unless tried).
        if (!swapFirst && swapNearer(m, a, p, nearer, arr)) moved++;
      } else moved++;
    }
    // Households moved to make room must stay housed and keep their rider status.
    let lost = false;
    for (let p = 0; p < m.parties.length; p++) if (saved.hotelOf[p]! >= 0 && a.hotelOf[p]! < 0) lost = true;
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
    if (!accept) saved.restore();
  }
  return best;
}

/**
 * Wheelchair households ride the few wheelchair spaces, whose vehicles reach each pick-up site only
 * so early: one whose accessible room is far lands late however the fleet is scheduled. Lower the
 * latest of their earliest possible arrivals (first wheelchair space at the site + the drive) by
 * moving the latest one to a nearer hotel with rooms free, or swapping hotels with another
 * wheelchair household when both land sooner than it did: the change that adds least stay cost
 * first, one at a time, while the stay cost stays within `cap`. Changes `a`; answers whether anything moved.
 */
export function nearerAccessibleRooms(m: Model, a: Assignment, riders: readonly number[], extra: readonly Trip[], cap: number, deadline: number): boolean {
  const wheelers = riders.filter((p) => m.parties[p]!.wheel > 0 && a.hotelOf[p]! >= 0 && a.freedom[p] === Freedom.Free && !a.allowed.has(p));
  const first = firstCarrierDeparture(m, extra, wheelers);
  const ownAt = (p: number, h: number) => first.get(p)! + driveMs(m, kmSiteHotel(m, m.parties[p]!.site, h));
  const fitAt = (p: number, h: number) => a.columnsAt(p, h).find((c) => fits(c.combo, a.avail)) ?? null;
  let cost = assignmentStayCost(m, a);
  const stuck = new Set<number>();
  let moved = false;
  for (let guard = 0; guard < wheelers.length * 2 && now() < deadline; guard++) {
    let w = -1;
    for (const p of wheelers) if (!stuck.has(p) && (w < 0 || ownAt(p, a.hotelOf[p]!) > ownAt(w, a.hotelOf[w]!))) w = p;
    if (w < 0) break;
    const hw = a.hotelOf[w]!;
    const limit = ownAt(w, hw);
    const was = { combo: a.combo[w]!, cost: a.cost[w]! };
    // Candidates: [new latest of the pair, extra stay cost, apply].
    let best: { score: number; extra: number; apply: () => void } | null = null;
    a.remove(w);
    for (const c of a.columns(w)) {
      if (c.hotel === hw || ownAt(w, c.hotel) >= limit || !fits(c.combo, a.avail)) continue;
      const extraCost =
        trueStayCost(m, c.combo, m.parties[w]!.size, kmSiteHotel(m, m.parties[w]!.site, c.hotel)) -
        trueStayCost(m, was.combo, m.parties[w]!.size, kmSiteHotel(m, m.parties[w]!.site, hw));
      const score = ownAt(w, c.hotel);
      if (!best || extraCost < best.extra || (extraCost === best.extra && score < best.score))
        best = { score, extra: extraCost, apply: () => a.placeColumn(w, c) };
    }
    for (const q of wheelers) {
      const hq = a.hotelOf[q]!;
      if (q === w || hq === hw || ownAt(w, hq) >= limit || ownAt(q, hw) >= limit) continue;
      const score = Math.max(ownAt(w, hq), ownAt(q, hw));
      const qWas = { combo: a.combo[q]!, cost: a.cost[q]! };
      a.remove(q);
      const cw = fitAt(w, hq);
      if (cw) a.placeColumn(w, cw);
      const cq = cw ? fitAt(q, hw) : null;
      if (cw) a.remove(w);
      a.place(q, hq, qWas.combo, qWas.cost);
      if (!cw || !cq) continue;
      const stay = (p: number, c: Combo, h: number) => trueStayCost(m, c, m.parties[p]!.size, kmSiteHotel(m, m.parties[p]!.site, h));
      const extraCost = stay(w, cw.combo, hq) + stay(q, cq.combo, hw) - stay(w, was.combo, hw) - stay(q, qWas.combo, hq);
      if (!best || extraCost < best.extra || (extraCost === best.extra && score < best.score))
        best = {
          score,
          extra: extraCost,
          apply: () => {
            a.remove(q);
            a.placeColumn(w, cw);
            a.placeColumn(q, cq);
          },
        };
    }
    if (best && cost + best.extra <= cap + 0.5) {
      best.apply();
      cost += best.extra;
      moved = true;
    } else {
      a.place(w, hw, was.combo, was.cost);
      stuck.add(w);
    }
  }
  return moved;
}

/**
 * When beds are short, which households of equal worth are housed is free under tiers 1-2 (the
 * same vulnerable guests, the same guests), and the shelter ordering prefers those nearest the
 * rooms: a housed household gives its hotel to an unhoused one of the same worth whose pick-up site
 * is nearer it (the nearest such first, the longest drives first), while the stay cost stays within
 * `cap`. Wheelchair households gain most: accessible rooms are few, and one far from its household
 * holds a wheelchair space for two long legs. Changes `a`; answers whether anything changed.
 */
export function nearerHouseholds(m: Model, a: Assignment, eligible: readonly PartyInfo[], cap: number): boolean {
  const movable = (p: number) => a.freedom[p] === Freedom.Free && !a.allowed.has(p);
  const worthKey = (p: PartyInfo) => `${p.vulnerable ? 1 : 0}|${p.size}`;
  const waiting = new Map<string, PartyInfo[]>();
  for (const p of eligible) {
    if (a.hotelOf[p.idx]! >= 0 || !movable(p.idx)) continue;
    const list = waiting.get(worthKey(p));
    if (list) list.push(p);
    else waiting.set(worthKey(p), [p]);
  }
  if (!waiting.size) return false;
  const km = (p: PartyInfo, h: number) => kmSiteHotel(m, p.site, h);
  const housed = eligible.filter((p) => a.hotelOf[p.idx]! >= 0 && movable(p.idx) && waiting.has(worthKey(p)));
  housed.sort((x, y) => km(y, a.hotelOf[y.idx]!) - km(x, a.hotelOf[x.idx]!) || x.idx - y.idx);
  let cost = assignmentStayCost(m, a);
  let changed = false;
  for (const p of housed) {
    const h = a.hotelOf[p.idx]!;
    const mine = km(p, h);
    const list = waiting.get(worthKey(p))!;
    const nearer = list.filter((q) => q.site !== p.site && km(q, h) < mine - 1).sort((x, y) => km(x, h) - km(y, h) || x.idx - y.idx);
    if (!nearer.length) continue;
    const was = { combo: a.combo[p.idx]!, cost: a.cost[p.idx]! };
    const before = trueStayCost(m, was.combo, p.size, mine);
    a.remove(p.idx);
    let taken: PartyInfo | null = null;
    for (const q of nearer) {
      const c = a.columnsAt(q.idx, h).find((x) => fits(x.combo, a.avail));
      if (!c) continue;
      const extra = trueStayCost(m, c.combo, q.size, km(q, h)) - before;
      if (cost + extra > cap + 0.5) continue;
      a.placeColumn(q.idx, c);
      cost += extra;
      taken = q;
      break;
    }
    if (!taken) {
      a.place(p.idx, h, was.combo, was.cost);
      continue;
    }
    // The household that gave up its rooms waits in the other's place (it may take a farther one's).
    list[list.indexOf(taken)] = p;
    changed = true;
  }
  return changed;
}

/**
 * Per household, the earliest departure from its pick-up site of any vehicle that can carry it
 * (Infinity if none): a household of two wheelchair users waits for a vehicle with two spaces,
 * which may be the only one.
 */
function firstCarrierDeparture(m: Model, lockedTrips: readonly Trip[], parties: readonly number[]): Map<number, number> {
  const vs = initialVehicles(m, lockedTrips).filter((v) => m.vehicles[v.idx]!.wheelchairSpaces > 0);
  const bySite = m.sites.map((_, s) => vs.map((v) => earliestDeparture(m, v, s)));
  const out = new Map<number, number>();
  for (const p of parties) {
    const info = m.parties[p]!;
    let at = Infinity;
    vs.forEach((v, i) => {
      const veh = m.vehicles[v.idx]!;
      if (veh.wheelchairSpaces >= info.wheel && veh.seats >= info.seated) at = Math.min(at, bySite[info.site]![i]!);
    });
    out.set(p, at);
  }
  return out;
}

/**
 * Trade `p`'s hotel for one of `nearer` held by a household `q` that lands early enough to take
 * `p`'s farther hotel and still arrive before `p` does now: the late household rides a shorter leg,
 * the early one a longer leg it has time for. The trade nearest `p`'s site that both households'
 * rooms allow is made. Answers whether a trade was made (the schedule judges it).
 */
export function swapNearer(m: Model, a: Assignment, p: number, nearer: ReadonlySet<number>, arr: Float64Array): boolean {
  const info = m.parties[p]!;
  const hp = a.hotelOf[p]!;
  const drive = (x: number, h: number) => driveMs(m, kmSiteHotel(m, m.parties[x]!.site, h));
  const hotels = [...nearer].sort((x, y) => kmSiteHotel(m, info.site, x) - kmSiteHotel(m, info.site, y));
  for (const hq of hotels) {
    for (const q of a.occupantsOf(hq)) {
      if (a.freedom[q] !== Freedom.Free || a.allowed.has(q) || !Number.isFinite(arr[q]!)) continue;
      if (arr[q]! + drive(q, hp) - drive(q, hq) >= arr[p]! - 5 * MINUTE_MS) continue;
      const was = { p: { combo: a.combo[p]!, cost: a.cost[p]! }, q: { combo: a.combo[q]!, cost: a.cost[q]! } };
      a.remove(p);
      a.remove(q);
      const cp = a.columnsAt(p, hq).find((c) => fits(c.combo, a.avail));
      if (cp) a.placeColumn(p, cp);
      const cq = cp ? a.columnsAt(q, hp).find((c) => fits(c.combo, a.avail)) : undefined;
      if (cp && cq) {
        a.placeColumn(q, cq);
        return true;
      }
      if (cp) a.remove(p);
      a.place(p, hp, was.p.combo, was.p.cost);
      a.place(q, hq, was.q.combo, was.q.cost);
    }
  }
  return false;
}
