/**
 * Bounds for the benchmark, computed independently of the planner (no planner code is used).
 * The stay LP has one column per household x hotel x minimal room combination and one constraint per
 * room type. Households with the same site, size, accessible need and pets are aggregated (the LP
 * is unchanged by it). We bound the LP through its Lagrangian dual: for any room prices the value is
 * a valid bound by weak duality, and subgradient steps drive it towards the LP optimum. So every
 * figure printed is a true bound; a gap is the planner's gap plus any dual slack left.
 */
import { roadKm } from '../shared/geo.js';
import { hasPets, isVulnerable, wheelchairCount, type Scenario } from '../shared/scenario.js';

export interface Col {
  cost: number;
  slots: number[];
  counts: number[];
}
export interface Cls {
  n: number;
  size: number;
  vulnerable: boolean;
  cols: Col[];
}

function minimal(
  types: { slot: number; sleeps: number; count: number; accessible: boolean; rate: number }[],
  size: number,
  acc: boolean,
  limit: number,
): Omit<Col, 'cost'>[] & { rate?: number }[] {
  const out: (Omit<Col, 'cost'> & { rate: number })[] = [];
  const counts = types.map(() => 0);
  const rec = (i: number, beds: number, rate: number, hasAcc: boolean, minS: number) => {
    if (out.length > 400) return;
    if (beds >= size) {
      if (beds - minS < size && (hasAcc || !acc)) {
        const slots: number[] = [];
        const cs: number[] = [];
        counts.forEach((c, j) => c && (slots.push(types[j]!.slot), cs.push(c)));
        out.push({ slots, counts: cs, rate });
      }
      return;
    }
    if (i >= types.length) return;
    const t = types[i]!;
    for (let n = Math.min(t.count, Math.ceil((size - beds) / t.sleeps)); n >= 0; n--) {
      counts[i] = n;
      rec(i + 1, beds + n * t.sleeps, rate + n * t.rate, hasAcc || (n > 0 && t.accessible), n ? Math.min(minS, t.sleeps) : minS);
    }
    counts[i] = 0;
  };
  rec(0, 0, 0, false, Infinity);
  out.sort((a, b) => a.rate - b.rate);
  return out.slice(0, limit);
}

export function buildLp(s: Scenario, combosPerHotel: number): { classes: Cls[]; cap: number[]; totalGuests: number } {
  const pol = s.incident.policy;
  const cap: number[] = [];
  const hotelTypes = s.hotels.map((h) =>
    h.roomTypes
      .filter((r) => r.count > 0)
      .map((r) => ({ slot: cap.push(r.count) - 1, sleeps: r.sleeps, count: r.count, accessible: r.accessible, rate: r.rateMinor }))
      .sort((a, b) => b.sleeps - a.sleeps),
  );
  const sites = new Map(s.sites.map((x) => [x.id, x]));
  const byKey = new Map<string, Cls>();
  let totalGuests = 0;
  for (const p of s.parties) {
    const w = wheelchairCount(p);
    // A household no vehicle can carry cannot be housed (rules 7 and 8).
    if (!s.vehicles.some((v) => v.seats >= p.guests.length - w && v.wheelchairSpaces >= w)) continue;
    totalGuests += p.guests.length;
    const key = `${p.siteId}|${p.guests.length}|${w > 0}|${hasPets(p)}|${isVulnerable(p)}`;
    let c = byKey.get(key);
    if (!c) {
      c = { n: 0, size: p.guests.length, vulnerable: isVulnerable(p), cols: [] };
      const site = sites.get(p.siteId)!;
      s.hotels.forEach((h, hi) => {
        const km = roadKm(site, h, pol);
        if (km > pol.maxDistanceKm || (hasPets(p) && !h.petsAllowed)) return;
        for (const cb of minimal(hotelTypes[hi]!, p.guests.length, w > 0, combosPerHotel)) {
          c!.cols.push({ cost: (cb as { rate: number }).rate + p.guests.length * km * pol.travelCostMinorPerPersonKm, slots: cb.slots, counts: cb.counts });
        }
      });
      c.cols.sort((x, y) => x.cost - y.cost);
      byKey.set(key, c);
    }
    c.n++;
  }
  return { classes: [...byKey.values()], cap, totalGuests };
}

export interface Bounds {
  /** Upper bound on guests housed (LP relaxation, via its dual). */
  housedUpper: number;
  /** Lower bound on stay cost for any plan housing at least `housedTarget` guests. */
  costLower: number;
  iterations: number;
  columns: number;
}

/**
 * Upper bound on guests housed, and lower bound on the stay cost of any plan housing at least
 * `housedTarget` guests (pass the planner's figure).
 */
export function stayBounds(s: Scenario, housedTarget: number, opts: { iterations?: number; combosPerHotel?: number; costGuess?: number } = {}): Bounds {
  const { classes, cap, totalGuests } = buildLp(s, opts.combosPerHotel ?? 30);
  const iters = opts.iterations ?? 600;
  const R = cap.length;
  const use = new Float64Array(R);
  // (a) max guests: UB(l) = sum_k n_k max(0, max_c size - l.a_c) + l.cap
  let lam = new Float64Array(R);
  let ub = totalGuests;
  for (let t = 0; t < iters; t++) {
    use.fill(0);
    let val = 0;
    for (const c of classes) {
      let best = 0;
      let arg: Col | null = null;
      for (const col of c.cols) {
        let v = c.size;
        for (let i = 0; i < col.slots.length; i++) v -= lam[col.slots[i]!]! * col.counts[i]!;
        if (v > best) [best, arg] = [v, col];
      }
      val += c.n * best;
      if (arg) for (let i = 0; i < arg.slots.length; i++) use[arg.slots[i]!]! += c.n * arg.counts[i]!;
    }
    for (let r = 0; r < R; r++) val += lam[r]! * cap[r]!;
    ub = Math.min(ub, val);
    if (ub <= housedTarget + 1e-6) break;
    let norm = 0;
    for (let r = 0; r < R; r++) norm += (use[r]! - cap[r]!) ** 2;
    if (norm === 0) break;
    const step = (0.5 * Math.max(1, val - Math.min(housedTarget, ub) * 0.999) * Math.pow(0.995, t)) / norm;
    for (let r = 0; r < R; r++) lam[r] = Math.max(0, lam[r]! + step * (use[r]! - cap[r]!));
  }
  // (b) min cost housing >= H: L(l, mu) = sum_k n_k min(0, min_c cost + l.a_c - mu size) - l.cap + mu H
  const H = Math.min(housedTarget, Math.floor(ub + 1e-6));
  lam = new Float64Array(R);
  let maxPerGuest = 0;
  for (const c of classes) for (const col of c.cols) maxPerGuest = Math.max(maxPerGuest, col.cost / c.size);
  let mu = maxPerGuest * 1.5 + 1;
  let lb = 0;
  const guess = opts.costGuess ?? 0;
  let theta = 1;
  let stall = 0;
  for (let t = 0; t < iters; t++) {
    use.fill(0);
    let val = mu * H;
    let housed = 0;
    for (const c of classes) {
      let best = 0;
      let arg: Col | null = null;
      const off = mu * c.size;
      for (const col of c.cols) {
        if (col.cost - off >= best) break; // sorted by cost; prices are never negative
        let v = col.cost - off;
        for (let i = 0; i < col.slots.length; i++) v += lam[col.slots[i]!]! * col.counts[i]!;
        if (v < best) [best, arg] = [v, col];
      }
      val += c.n * best;
      if (arg) {
        housed += c.n * c.size;
        for (let i = 0; i < arg.slots.length; i++) use[arg.slots[i]!]! += c.n * arg.counts[i]!;
      }
    }
    for (let r = 0; r < R; r++) val -= lam[r]! * cap[r]!;
    if (val > lb + 1e-9) {
      lb = val;
      stall = 0;
    } else if (++stall >= 10) {
      theta /= 1.5;
      stall = 0;
    }
    let norm = (H - housed) ** 2;
    for (let r = 0; r < R; r++) {
      const g = use[r]! - cap[r]!;
      if (g > 0 || lam[r]! > 0) norm += g * g;
    }
    if (norm === 0) break;
    const target = guess > lb ? guess : lb * 1.01 + 1;
    const step = (theta * (target - val)) / norm;
    for (let r = 0; r < R; r++) lam[r] = Math.max(0, lam[r]! + step * (use[r]! - cap[r]!));
    mu = Math.max(0, mu + step * (H - housed));
  }
  return { housedUpper: Math.floor(ub + 1e-6), costLower: lb, iterations: iters, columns: classes.reduce((n, c) => n + c.cols.length, 0) };
}
