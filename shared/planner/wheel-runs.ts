/**
 * Wheelchair runs: wheelchair spaces are the fleet's scarcest capacity (often one per vehicle, on a
 * dozen vehicles), so the households that need them are sequenced on those vehicles before anything
 * else is loaded. Each such vehicle gets an ordered list of wheelchair households, chosen to land
 * the last of them as early as possible, counting each run as a direct drive (ready + drive to the
 * pick-up site + boarding, then the drive to the hotel, then the stop).
 *
 * The method: bisection on a target time. For a target, a local search (move one household to any
 * place in any run, or swap two) minimises the minutes households land after the target; the
 * target is met when none lands after it. Far hotels want the earliest vehicles, while near hotels
 * want vehicles that can shuttle: minimising lateness lets the search trade a near household's
 * spare minutes for a far one's, which minimising the latest arrival directly cannot. Each search
 * starts from the best runs so far. The loader (transport.ts) then runs these trips first on their
 * vehicles, filling their seats with households bound for the same hotel.
 */
import type { Trip } from '../plan.js';
import { driveMs, kmSiteHotel, type Model } from './model.js';
import { earliestDeparture, initialVehicles, standAt, type VehicleState } from './route.js';
import { greedyOrder, greedyTrips } from './naive.js';
import { MINUTE_MS, now, tick } from './time.js';

/** Vehicle index -> wheelchair households (party indices) in the order it carries them. */
export type WheelRuns = Map<number, number[]>;

/** Latest arrival (ms) of the runs, each household carried direct; exported for the tests. */
export function runsLatestArrival(m: Model, hotelOf: Int32Array, runs: WheelRuns, lockedTrips: readonly Trip[] = []): number {
  const start = initialVehicles(m, lockedTrips);
  let last = -Infinity;
  for (const [v, seq] of runs) last = Math.max(last, ...runArrivals(m, hotelOf, start[v]!, seq));
  return last;
}

/** Arrival of each household of one vehicle's run from state `from`, in order (the first `len` of `seq`, into `out`). */
export function runArrivals(
  m: Model,
  hotelOf: Int32Array,
  from: VehicleState,
  seq: readonly number[],
  len = seq.length,
  out: number[] = new Array<number>(len),
): number[] {
  const st: VehicleState = { ...from };
  const veh = m.vehicles[st.idx]!;
  for (let i = 0; i < len; i++) {
    const info = m.parties[seq[i]!]!;
    if (veh.wheelchairSpaces < info.wheel || veh.seats < info.seated || !Number.isFinite(st.readyMs)) {
      out[i] = st.readyMs = Infinity;
      continue;
    }
    const h = hotelOf[seq[i]!]!;
    const arrive = earliestDeparture(m, st, info.site) + driveMs(m, kmSiteHotel(m, info.site, h));
    standAt(m, st, h);
    st.readyMs = arrive + m.policy.stopMinutes * MINUTE_MS;
    out[i] = arrive;
  }
  return out;
}

/**
 * Sequence the wheelchair households among `riders` on the vehicles with wheelchair spaces.
 * Households pinned to a vehicle by hand are left to the loader. Null when there is nothing to
 * sequence.
 */
export function wheelchairRuns(
  m: Model,
  hotelOf: Int32Array,
  riders: readonly number[],
  lockedTrips: readonly Trip[],
  vehiclePins: ReadonlyMap<number, number>,
  deadline: number,
): WheelRuns | null {
  const fits = (p: number, v: number) => m.vehicles[v]!.wheelchairSpaces >= m.parties[p]!.wheel && m.vehicles[v]!.seats >= m.parties[p]!.seated;
  const fleet = m.vehicles.flatMap((v, i) => (v.wheelchairSpaces > 0 ? [i] : []));
  const jobs = riders.filter((p) => m.parties[p]!.wheel > 0 && hotelOf[p]! >= 0 && !vehiclePins.has(p) && fleet.some((v) => fits(p, v)));
  if (!jobs.length) return null;
  // The shelter search schedules the fleet many times over; the runs change only when a wheelchair
  // household changes hotel (locked trips and pins are the same throughout one solve).
  const key = `${lockedTrips.length}|${jobs.map((p) => `${p}:${hotelOf[p]}`).join(',')}`;
  let memo = MEMO.get(m);
  if (!memo) MEMO.set(m, (memo = new Map()));
  const known = memo.get(key);
  if (known) return known;
  const runs = sequence(m, hotelOf, jobs, fleet, fits, lockedTrips, deadline);
  if (memo.size > 200) memo.clear();
  memo.set(key, runs);
  return runs;
}

const MEMO = new WeakMap<Model, Map<string, WheelRuns>>();

function sequence(
  m: Model,
  hotelOf: Int32Array,
  jobs: readonly number[],
  fleet: readonly number[],
  fits: (p: number, v: number) => boolean,
  lockedTrips: readonly Trip[],
  deadline: number,
): WheelRuns {
  const start = initialVehicles(m, lockedTrips);
  const leg = new Map(jobs.map((p) => [p, driveMs(m, kmSiteHotel(m, m.parties[p]!.site, hotelOf[p]!))]));
  /** Arrival of each household of one vehicle's run, in order (Infinity from one that does not fit). */
  const arrivals = (v: number, seq: readonly number[], len = seq.length, out?: number[]) => {
    tick(4 + 4 * len);
    return runArrivals(m, hotelOf, start[v]!, seq, len, out);
  };
  const latest = (runs: WheelRuns) => Math.max(...fleet.map((v) => Math.max(-Infinity, ...arrivals(v, runs.get(v)!))));

  // A first schedule: farthest hotel first, each on the vehicle that lands it soonest.
  let best: WheelRuns = new Map(fleet.map((v) => [v, []]));
  const state = new Map(fleet.map((v) => [v, { ...start[v]! }]));
  for (const p of [...jobs].sort((x, y) => leg.get(y)! - leg.get(x)!)) {
    let bestV = -1;
    let bestAt = Infinity;
    for (const v of fleet) {
      const at = fits(p, v) ? earliestDeparture(m, state.get(v)!, m.parties[p]!.site) + leg.get(p)! : Infinity;
      if (at < bestAt) [bestV, bestAt] = [v, at];
    }
    best.get(bestV)!.push(p);
    standAt(m, state.get(bestV)!, hotelOf[p]!);
    state.get(bestV)!.readyMs = bestAt + m.policy.stopMinutes * MINUTE_MS;
  }
  // The hand greedy's order (naive.ts) as another start: the runs are never later than its.
  const greedy: WheelRuns = new Map(fleet.map((v) => [v, []]));
  const mine = new Set(jobs);
  for (const t of greedyTrips(
    m,
    hotelOf,
    greedyOrder(m).filter((p) => mine.has(p)),
    lockedTrips,
  ).trips)
    for (const id of t.partyIds) greedy.get(m.vehicleIndex.get(t.vehicleId)!)!.push(m.partyIndex.get(id)!);
  if (latest(greedy) < latest(best)) best = greedy;
  let hi = latest(best);
  // No run lands a household before its own earliest arrival (best vehicle, nothing before it).
  let lo = -Infinity;
  for (const p of jobs) lo = Math.max(lo, Math.min(...fleet.map((v) => arrivals(v, [p])[0]!)));
  if (hi <= lo) return trim(best);

  const origin = Math.min(...fleet.map((v) => start[v]!.readyMs));
  const costAt = (target: number) => {
    const cost = runCoster(m, hotelOf, start, jobs.length, target, origin);
    return (v: number, seq: readonly number[], len: number) => {
      tick(4 + 4 * len);
      return cost(v, seq, len);
    };
  };
  const lateness = (runs: WheelRuns, target: number) =>
    fleet.reduce((n, v) => n + arrivals(v, runs.get(v)!).reduce((k, at) => k + Math.max(0, at - target), 0), 0);
  while (hi - lo > MINUTE_MS && now() < deadline) {
    const mid = (lo + hi) / 2;
    const runs = improve(fleet, best, costAt(mid), fits, deadline);
    if (lateness(runs, mid) <= 0) [best, hi] = [runs, latest(runs)];
    else lo = mid;
  }
  const polished = improve(fleet, best, costAt(hi), fits, deadline);
  return trim(latest(polished) <= hi ? polished : best);
}

/**
 * The cost of the first `len` households of a run on vehicle `v` (from state `start[v]`) for the
 * wheelchair runs' local search: minutes landed after `target` weigh most, then every arrival a
 * little (its minutes after `origin`: earlier is better). The search costs thousands of runs that
 * differ from the one costed before on the same vehicle only from some household on (one inserted,
 * swapped, a tail exchanged), so each vehicle's last run is kept with its state and cost after each
 * household, and a run is costed from where it first differs: the same arithmetic in the same
 * order as costing it from the start (runArrivals), so the same figures. `jobs`: the most
 * households a run can hold.
 */
export function runCoster(
  m: Model,
  hotelOf: Int32Array,
  start: readonly VehicleState[],
  jobs: number,
  target: number,
  origin: number,
): (v: number, seq: readonly number[], len: number) => number {
  const last = new Map<number, RunPrefix>();
  return (v, seq, len) => {
    let r = last.get(v);
    if (!r) last.set(v, (r = runPrefix(start[v]!, jobs + 1)));
    let j = 0;
    for (const n = Math.min(len, r.len); j < n && r.seq[j] === seq[j];) j++;
    const veh = m.vehicles[v]!;
    // The vehicle as it stands after the shared first part. Its `pos` stays the start's: it is read
    // only where it stands at neither a hotel nor a site, which is only before its first household.
    const st: VehicleState = { ...start[v]!, readyMs: r.ready[j]!, hotel: r.hotel[j]!, site: r.site[j]! };
    let c = r.cost[j]!;
    for (let i = j; i < len; i++) {
      const p = seq[i]!;
      const info = m.parties[p]!;
      let at: number;
      if (veh.wheelchairSpaces < info.wheel || veh.seats < info.seated || !Number.isFinite(st.readyMs)) at = st.readyMs = Infinity;
      else {
        // As runArrivals.
        at = earliestDeparture(m, st, info.site) + driveMs(m, kmSiteHotel(m, info.site, hotelOf[p]!));
        [st.hotel, st.site] = [hotelOf[p]!, -1];
        st.readyMs = at + m.policy.stopMinutes * MINUTE_MS;
      }
      c += runTerm(at, target, origin);
      r.seq[i] = p;
      [r.ready[i + 1], r.hotel[i + 1], r.site[i + 1], r.cost[i + 1]] = [st.readyMs, st.hotel, st.site, c];
    }
    r.len = len;
    return c;
  };
}

/** One household's share of a run's cost: its minutes after the target, much, and after `origin`, a little. */
export const runTerm = (at: number, target: number, origin: number) => (at === Infinity ? 1e15 : Math.max(0, at - target) * 1000 + (at - origin) / MINUTE_MS);

/** One vehicle's last costed run: its households, and after the first i of them its state (ready, hotel, site) and cost so far. */
interface RunPrefix {
  len: number;
  seq: Int32Array;
  ready: Float64Array;
  hotel: Int32Array;
  site: Int32Array;
  cost: Float64Array;
}

function runPrefix(from: VehicleState, capacity: number): RunPrefix {
  const r: RunPrefix = {
    len: 0,
    seq: new Int32Array(capacity),
    ready: new Float64Array(capacity + 1),
    hotel: new Int32Array(capacity + 1),
    site: new Int32Array(capacity + 1),
    cost: new Float64Array(capacity + 1),
  };
  [r.ready[0], r.hotel[0], r.site[0]] = [from.readyMs, from.hotel, from.site];
  return r;
}

function trim(runs: WheelRuns): WheelRuns {
  for (const [v, seq] of runs) if (!seq.length) runs.delete(v);
  return runs;
}

/**
 * First-improvement local search over the runs for an additive cost (the sum of each vehicle's
 * cost of the first `len` households of a sequence): move one household anywhere, swap two
 * households of different runs, or exchange the tails of two runs. Candidates are written into
 * two reused buffers and copied only when kept.
 */
function improve(
  fleet: readonly number[],
  from: WheelRuns,
  cost: (v: number, seq: readonly number[], len: number) => number,
  fits: (p: number, v: number) => boolean,
  deadline: number,
): WheelRuns {
  const runs: WheelRuns = new Map(fleet.map((v) => [v, [...from.get(v)!]]));
  const costs = new Map(fleet.map((v) => [v, cost(v, runs.get(v)!, runs.get(v)!.length)]));
  const EPS = 1e-6;
  const bufA: number[] = [];
  const bufB: number[] = [];
  for (let pass = 0; pass < 50 && now() < deadline; pass++) {
    let improved = false;
    for (const a of fleet) {
      for (let i = 0; i < runs.get(a)!.length && now() < deadline; i++) {
        const seqA = runs.get(a)!;
        const p = seqA[i]!;
        const without = seqA.filter((_, k) => k !== i);
        const costWithout = cost(a, without, without.length);
        let done = false;
        for (const b of fleet) {
          if (done || !fits(p, b)) continue;
          const base = b === a ? without : runs.get(b)!;
          for (let k = 0; k <= base.length && !done; k++) {
            if (b === a && k === i) continue;
            // `base` with p inserted at k.
            const len = base.length + 1;
            for (let j = 0; j < k; j++) bufA[j] = base[j]!;
            bufA[k] = p;
            for (let j = k; j < base.length; j++) bufA[j + 1] = base[j]!;
            const cb = cost(b, bufA, len);
            const delta = b === a ? cb - costs.get(a)! : cb + costWithout - costs.get(a)! - costs.get(b)!;
            if (delta < -EPS) {
              runs.set(b, bufA.slice(0, len));
              costs.set(b, cb);
              if (b !== a) {
                runs.set(a, without);
                costs.set(a, costWithout);
              }
              done = improved = true;
            }
          }
        }
        if (done) continue;
        for (const b of fleet) {
          if (done || b === a || !fits(p, b)) continue;
          const seqB = runs.get(b)!;
          for (let k = 0; k < seqB.length && !done; k++) {
            const q = seqB[k]!;
            if (!fits(q, a)) continue;
            for (let j = 0; j < seqA.length; j++) bufA[j] = j === i ? q : seqA[j]!;
            for (let j = 0; j < seqB.length; j++) bufB[j] = j === k ? p : seqB[j]!;
            const ca = cost(a, bufA, seqA.length);
            const cb = cost(b, bufB, seqB.length);
            if (ca + cb - costs.get(a)! - costs.get(b)! < -EPS) {
              runs.set(a, bufA.slice(0, seqA.length));
              runs.set(b, bufB.slice(0, seqB.length));
              costs.set(a, ca);
              costs.set(b, cb);
              done = improved = true;
            }
          }
        }
      }
    }
    // Exchange the tails of two runs (every household fits its new vehicle).
    for (const a of fleet) {
      for (const b of fleet) {
        if (b <= a || now() > deadline) continue;
        const ra = runs.get(a)!;
        const rb = runs.get(b)!;
        let done = false;
        for (let i = 0; i <= ra.length && !done; i++) {
          for (let k = 0; k <= rb.length && !done; k++) {
            if ((i === ra.length && k === rb.length) || (i === 0 && k === 0)) continue;
            // a keeps its first i and takes b's tail from k; b the other way round.
            const lenA = i + rb.length - k;
            const lenB = k + ra.length - i;
            let ok = true;
            for (let j = 0; j < lenA && ok; j++) ok = fits((bufA[j] = j < i ? ra[j]! : rb[k + j - i]!), a);
            for (let j = 0; j < lenB && ok; j++) ok = fits((bufB[j] = j < k ? rb[j]! : ra[i + j - k]!), b);
            if (!ok) continue;
            const ca = cost(a, bufA, lenA);
            const cb = cost(b, bufB, lenB);
            if (ca + cb - costs.get(a)! - costs.get(b)! < -EPS) {
              runs.set(a, bufA.slice(0, lenA));
              runs.set(b, bufB.slice(0, lenB));
              costs.set(a, ca);
              costs.set(b, cb);
              done = improved = true;
            }
          }
        }
      }
    }
    if (!improved) break;
  }
  return runs;
}
