/**
 * The transport stage: load households onto vehicles in waves. The vehicle that can be loaded
 * soonest goes next; it takes the farthest hotel's households first and fills up with nearby hotels
 * (multi-stop). A target last-arrival time is then tightened by bisection: under a target, a
 * vehicle only takes what it can deliver in time, which sends the far hotels on the early vehicles
 * and keeps late vehicles on short runs. A taxi replaces a coach that would mostly run empty.
 */
import { haversineKm } from '../geo.js';
import type { Trip } from '../plan.js';
import { driveMs, kmSiteHotel, type Model } from './model.js';
import { buildLoad, type LoadContext, type LoadParams } from './load.js';
import { buildTrip, earliestDeparture, initialVehicles, type VehicleState } from './route.js';
import { greedyOrder, greedyTrips } from './naive.js';
import { MINUTE_MS, now, tick } from './time.js';
import { wheelchairRuns, type WheelRuns } from './wheel-runs.js';
import { repairCritical } from './critical.js';
import { countOf } from '../plural.js';

export interface TransportInput {
  hotelOf: Int32Array;
  /** Parties to carry (housed and not on a locked trip). */
  riders: number[];
  lockedTrips: readonly Trip[];
  /** Manual vehicle pins: party -> vehicle. */
  vehiclePins: Map<number, number>;
  deadline: number;
}

export interface TransportResult {
  trips: Trip[];
  /** Parties no vehicle could take, with why. */
  unserved: Map<number, string>;
  lastArrivalMs: number;
  costMinor: number;
}

interface Params extends LoadParams {
  taxiSlackMin: number;
  /**
   * Under a target, a vehicle with wheelchair spaces goes to the pick-up site whose waiting
   * wheelchair household has the least time to spare (the target minus its drive), not to the site
   * it can reach first: wheelchair spaces are few, and a far hotel's wheelchair household left for
   * a late run misses the target however the rest is done.
   */
  wheelchairByUrgency?: boolean;
}

const FREE_SETTINGS: Params[] = [
  { maxStops: 4, maxDetourMin: 20, seed: 'far', taxiSlackMin: 10 },
  { maxStops: 1, maxDetourMin: 0, seed: 'far', taxiSlackMin: 10 },
];
/** Each with or without the wheelchair runs (wheel-runs.ts). */
const TARGET_SETTINGS: (readonly [Params, boolean])[] = [
  [{ maxStops: 6, maxDetourMin: 40, seed: 'far', taxiSlackMin: 10 }, false],
  [{ maxStops: 6, maxDetourMin: 40, seed: 'far', taxiSlackMin: 10, wheelchairByUrgency: true }, false],
  [{ maxStops: 6, maxDetourMin: 40, seed: 'far', taxiSlackMin: 10 }, true],
];
/** Stop bisecting once the target is known to within this. */
const TARGET_TOLERANCE_MS = 2 * MINUTE_MS;

/** Nearest hotels to each hotel (multi-stop candidates), computed once per schedule. */
function neighbours(m: Model, hotels: number[], k: number): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const h of hotels) {
    const a = m.hotels[h]!.hotel;
    const list = hotels.filter((x) => x !== h).map((x) => [x, haversineKm(a, m.hotels[x]!.hotel)] as const);
    list.sort((x, y) => x[1] - y[1]);
    out.set(
      h,
      list.slice(0, k).map((x) => x[0]),
    );
  }
  return out;
}

const better = (a: TransportResult, b: TransportResult | null) =>
  !b ||
  a.unserved.size < b.unserved.size ||
  (a.unserved.size === b.unserved.size &&
    (a.lastArrivalMs < b.lastArrivalMs - 1 || (Math.abs(a.lastArrivalMs - b.lastArrivalMs) <= 1 && a.costMinor < b.costMinor)));

/** Schedule the riders: free runs for an upper bound, then bisection on the target last arrival. */
export function scheduleTransport(m: Model, inp: TransportInput): TransportResult {
  const unserved = new Map<number, string>();
  const riders: number[] = [];
  for (const p of inp.riders) {
    const info = m.parties[p]!;
    const pin = inp.vehiclePins.get(p);
    const fitsV = (v: number) => m.vehicles[v]!.seats >= info.seated && m.vehicles[v]!.wheelchairSpaces >= info.wheel;
    if (pin !== undefined && !fitsV(pin)) inp.vehiclePins.delete(p);
    if (m.vehicles.some((_, v) => fitsV(v))) riders.push(p);
    else unserved.set(p, `no vehicle has ${countOf(info.seated, 'seat')} and ${countOf(info.wheel, 'wheelchair space')}`);
  }
  const carriers = new Int32Array(m.parties.length);
  for (const p of riders) {
    const info = m.parties[p]!;
    for (const v of m.vehicles) if (v.seats >= info.seated && v.wheelchairSpaces >= info.wheel) carriers[p]!++;
  }
  const cx: LoadContext = {
    m,
    carriers,
    hotelOf: inp.hotelOf,
    vehiclePins: inp.vehiclePins,
    nb: neighbours(m, [...new Set(riders.map((p) => inp.hotelOf[p]!))], 25),
    listed: { stamp: new Int32Array(m.hotels.length), n: 0 },
    taken: { stamp: new Int32Array(m.parties.length), n: 0 },
  };
  // Wheelchair users first: accessible space is the scarcest capacity, so it never goes to others.
  const order = [...riders].sort((x, y) => carriers[x]! - carriers[y]! || m.parties[y]!.wheel - m.parties[x]!.wheel || m.parties[y]!.size - m.parties[x]!.size);
  let best: TransportResult | null = null;
  const started = now();
  // Both free runs always: the multi-stop one is usually best, the direct one is the safety net.
  for (const prm of FREE_SETTINGS) {
    const r = runSchedule(cx, inp, order, prm, Infinity);
    if (better(r, best)) best = r;
  }
  // The wheelchair households sequenced first on the vehicles with wheelchair spaces, when the
  // deadline leaves room for one more schedule (it always does up to ~1,500 households).
  const freeMs = now() - started;
  const runs =
    now() + freeMs < inp.deadline ? wheelchairRuns(m, inp.hotelOf, riders, inp.lockedTrips, inp.vehiclePins, Math.min(inp.deadline, now() + 50)) : null;
  if (runs && now() + freeMs / 2 < inp.deadline) {
    const r = runSchedule(cx, inp, order, FREE_SETTINGS[0]!, Infinity, runs);
    if (better(r, best)) best = r;
  }
  // The hand greedy's schedule too (one hotel per trip, vehicle free first): on very large
  // incidents, where the bisection below gets no time, it can land the last household sooner.
  if (!inp.vehiclePins.size) {
    const order = greedyOrder(m);
    const mine = new Set(riders);
    const g = greedyTrips(
      m,
      inp.hotelOf,
      order.filter((p) => mine.has(p)),
      inp.lockedTrips,
    );
    const r: TransportResult = { trips: g.trips, lastArrivalMs: g.lastArrivalMs, costMinor: g.costMinor, unserved: new Map() };
    for (const p of g.unserved) r.unserved.set(p, 'no vehicle that can carry this household is free to reach its pick-up site');
    if (better(r, best)) best = r;
  }
  if (best && riders.length && !best.unserved.size) {
    let lo = lowerBound(m, inp, riders);
    let hi = best.lastArrivalMs;
    let runMs = 0;
    while (hi - lo > TARGET_TOLERANCE_MS && now() + runMs < inp.deadline) {
      const mid = (lo + hi) / 2;
      const started = now();
      let ok = false;
      for (const [prm, withRuns] of TARGET_SETTINGS) {
        if (withRuns && !runs) continue;
        const r = runSchedule(cx, inp, order, prm, mid, withRuns ? runs : null);
        if (!r.unserved.size) {
          ok = true;
          if (better(r, best)) best = r;
          break;
        }
      }
      runMs = Math.max(runMs, now() - started);
      if (ok) hi = Math.min(mid, best!.lastArrivalMs);
      else lo = mid;
    }
  }
  // The runs that land last moved onto vehicles with seats or time to spare (critical.ts): part of
  // every schedule, so the searches that judge rooms by their schedule see it too.
  if (best && best.trips.length && now() < inp.deadline) {
    const r = repairCritical(m, inp.hotelOf, best.trips, inp.lockedTrips, new Set(inp.vehiclePins.keys()), inp.deadline);
    if (r && r.lastArrivalMs < best.lastArrivalMs - 1000) best = { ...best, ...r };
  }
  for (const [p, why] of best?.unserved ?? []) unserved.set(p, why);
  return { trips: best?.trips ?? [], lastArrivalMs: best?.lastArrivalMs ?? -Infinity, costMinor: best?.costMinor ?? 0, unserved };
}

/** No plan can beat the latest of each party's earliest possible arrival (best vehicle, direct). */
function lowerBound(m: Model, inp: TransportInput, riders: number[]): number {
  const vs = initialVehicles(m, inp.lockedTrips);
  const firstDep = m.sites.map((_, s) => Math.min(...vs.map((v) => earliestDeparture(m, v, s))));
  let lb = -Infinity;
  for (const p of riders) {
    const info = m.parties[p]!;
    const h = m.hotels[inp.hotelOf[p]!]!.hotel;
    lb = Math.max(lb, firstDep[info.site]! + driveMs(m, haversineKm(m.sites[info.site]!, h) * m.policy.roadFactor));
  }
  return lb;
}

/** One schedule of the riders, `sorted` in the order households are queued at their pick-up sites. */
function runSchedule(cx: LoadContext, inp: TransportInput, sorted: number[], prm: Params, targetMs: number, runs: WheelRuns | null = null): TransportResult {
  const m = cx.m;
  // Wheelchair runs are pins in their order: each such vehicle carries its households first.
  const pinnedOf = new Map<number, number[]>();
  if (runs) {
    const pins = new Map(inp.vehiclePins);
    for (const [v, seq] of runs) {
      pinnedOf.set(v, [...seq]);
      for (const p of seq) pins.set(p, v);
    }
    cx = { ...cx, vehiclePins: pins };
  }
  const vs = initialVehicles(m, inp.lockedTrips);
  const siteCount = m.sites.length;
  const pending: Map<number, number[]>[] = m.sites.map(() => new Map());
  const seatsLeft = new Float64Array(siteCount);
  for (const p of sorted) {
    const info = m.parties[p]!;
    const pin = inp.vehiclePins.get(p);
    if (pin !== undefined) pinnedOf.set(pin, [...(pinnedOf.get(pin) ?? []), p]);
    const byHotel = pending[info.site]!;
    const list = byHotel.get(inp.hotelOf[p]!);
    if (list) list.push(p);
    else byHotel.set(inp.hotelOf[p]!, [p]);
    seatsLeft[info.site]! += info.size;
  }
  let left = sorted.length;
  const blocked = new Set<number>();
  const trips: Trip[] = [];
  let lastArrivalMs = -Infinity;
  let costMinor = 0;
  const dep = new Float64Array(vs.length * siteCount);
  // Per vehicle: its earliest departure over the sites it may serve now (pins restrict it to one).
  const vBest = new Float64Array(vs.length);
  const vSite = new Int32Array(vs.length);
  const recompute = (v: VehicleState) => {
    tick(4 + 2 * siteCount);
    const pins = pinnedOf.get(v.idx)?.filter((p) => pending[m.parties[p]!.site]!.get(inp.hotelOf[p]!)?.includes(p));
    let best = Infinity;
    let bs = -1;
    for (let s = 0; s < siteCount; s++) {
      if (!pending[s]!.size || blocked.has(v.idx * siteCount + s)) continue;
      if (pins && pins.length && m.parties[pins[0]!]!.site !== s) continue;
      const d = dep[v.idx * siteCount + s]!;
      if (d < best) {
        best = d;
        bs = s;
      }
    }
    if (prm.wheelchairByUrgency && targetMs < Infinity && m.vehicles[v.idx]!.wheelchairSpaces > 0 && !(pins && pins.length)) {
      const veh = m.vehicles[v.idx]!;
      let least = Infinity;
      for (let s = 0; s < siteCount; s++) {
        if (!pending[s]!.size || blocked.has(v.idx * siteCount + s)) continue;
        const d = dep[v.idx * siteCount + s]!;
        for (const [h, list] of pending[s]!) {
          const spare = targetMs - d - driveMs(m, kmSiteHotel(m, s, h));
          if (spare < 0 || spare >= least) continue;
          if (list.some((p) => m.parties[p]!.wheel > 0 && m.parties[p]!.wheel <= veh.wheelchairSpaces && m.parties[p]!.seated <= veh.seats)) {
            least = spare;
            bs = s;
            best = d;
          }
        }
      }
    }
    vBest[v.idx] = best;
    vSite[v.idx] = bs;
  };
  const refresh = (v: VehicleState) => {
    for (let s = 0; s < siteCount; s++) dep[v.idx * siteCount + s] = earliestDeparture(m, v, s);
    recompute(v);
  };
  vs.forEach(refresh);
  while (left > 0) {
    tick(16 + vBest.length);
    let vi = -1;
    let bestD = Infinity;
    for (let i = 0; i < vBest.length; i++) {
      const d = vBest[i]!;
      if (d < bestD) {
        vi = i;
        bestD = d;
      }
    }
    if (vi < 0) break;
    let bestV: VehicleState = vs[vi]!;
    const bestS = vSite[vi]!;
    if (targetMs < Infinity) {
      // No vehicle can leave this site earlier than now: if its farthest waiting hotel is out of reach, the target fails.
      let far = 0;
      for (const h of pending[bestS]!.keys()) far = Math.max(far, kmSiteHotel(m, bestS, h));
      if (bestD + driveMs(m, far) > targetMs) break;
    }
    // A coach that would run mostly empty gives way to a smaller vehicle free almost as soon.
    const need = seatsLeft[bestS]!;
    const veh0 = m.vehicles[bestV.idx]!;
    if (veh0.seats > need * 1.5 + 4 && !pinnedOf.has(bestV.idx)) {
      let alt: VehicleState | null = null;
      for (const v of vs) {
        const veh = m.vehicles[v.idx]!;
        if (
          veh.seats >= need &&
          veh.seats < (alt ? m.vehicles[alt.idx]!.seats : veh0.seats) &&
          !blocked.has(v.idx * siteCount + bestS) &&
          !pinnedOf.has(v.idx)
        ) {
          if (dep[v.idx * siteCount + bestS]! <= bestD + prm.taxiSlackMin * MINUTE_MS) alt = v;
        }
      }
      if (alt) bestV = alt;
    }
    const d = dep[bestV.idx * siteCount + bestS]!;
    // A vehicle with more pinned households to fetch goes straight to one hotel and back for them.
    const pinned = pinnedOf.get(bestV.idx) ?? [];
    const pinsLeft = pinned.filter((p) => pending[m.parties[p]!.site]!.get(inp.hotelOf[p]!)?.includes(p)).length;
    const load = buildLoad(cx, pending[bestS]!, bestV.idx, bestS, d, targetMs, pinsLeft > 1 ? { ...prm, maxStops: 1 } : prm, pinned);
    if (!load.parties.length) {
      blocked.add(bestV.idx * siteCount + bestS);
      recompute(bestV);
      continue;
    }
    const byHotel = pending[bestS]!;
    const sitesBefore = byHotel.size;
    for (const p of load.parties) {
      const h = inp.hotelOf[p]!;
      const list = byHotel.get(h)!.filter((x) => x !== p);
      if (list.length) byHotel.set(h, list);
      else byHotel.delete(h);
      seatsLeft[bestS]! -= m.parties[p]!.size;
      left--;
    }
    const built = buildTrip(
      m,
      bestV,
      bestS,
      load.stops,
      load.parties.map((p) => m.parties[p]!.party.id),
    );
    refresh(bestV);
    if (sitesBefore && !byHotel.size) vs.forEach(recompute);
    trips.push(built.trip);
    lastArrivalMs = Math.max(lastArrivalMs, built.lastArrivalMs);
    costMinor += built.costMinor;
  }
  const unserved = new Map<number, string>();
  for (const site of pending)
    for (const list of site.values()) for (const p of list) unserved.set(p, 'no vehicle that can carry this household is free to reach its pick-up site');
  return { trips, unserved, lastArrivalMs, costMinor };
}
