/**
 * The room stage: who stays in which hotel and rooms. Locked stays and honoured pins first, then (on
 * a re-plan) everyone who can stay where the previous plan put them, then the rest by a
 * price-guided construction (vulnerable households first), then local search.
 */
import { now } from './time.js';
import { Assignment, Freedom } from './assignment.js';
import { buildClasses, hotelAllowed, stayCost, type Column } from './columns.js';
import { cheapestFreeCombo, fits, minimalCombos, take, type Combo } from './combos.js';
import { kmSiteHotel, type Model, type PartyInfo } from './model.js';
import { ejectPass, insertUnhoused, movePass, swapPass } from './improve.js';
import { regretConstruct } from './vogel.js';
import { repackPass } from './repack.js';

export interface RoomInputs {
  /** Locked stays: kept exactly. */
  locked: Map<number, { hotel: number; combo: Combo }>;
  /** Manual hotel pins. */
  pins: Map<number, number>;
  /** Hotels a party may use at all (e.g. the stops of a locked trip it rides). */
  allowed: Map<number, Set<number>>;
  /** The previous plan's hotel and rooms per party. */
  previous: Map<number, { hotel: number; combo: Combo | null }>;
  /**
   * Where a hotel can no longer hold everyone the previous plan put there, who keeps their rooms
   * first: households holding the fewest rooms (the fewest households move), or the usual priority
   * (vulnerable, then fewest hotel options, then largest: those hardest to house elsewhere stay).
   */
  keepOrder: KeepOrder;
  deadline: number;
}

export type KeepOrder = 'fewest-rooms' | 'priority';

export interface RoomResult {
  a: Assignment;
  /** Parties whose pin could not be honoured, with why. */
  pinFailures: Map<number, string>;
  /** Parties that could not stay at their previous hotel. */
  displaced: Set<number>;
}

/** Priority order: vulnerable first, then parties with fewer options, then larger parties. */
function priority(a: Assignment, ps: PartyInfo[]): number[] {
  return ps
    .map((p) => p.idx)
    .sort((x, y) => {
      const px = a.m.parties[x]!;
      const py = a.m.parties[y]!;
      // Accessible rooms are the scarcest: wheelchair households first, largest first (most vulnerable guests per room).
      const wx = px.wheel > 0 ? px.size : 0;
      const wy = py.wheel > 0 ? py.size : 0;
      return Number(py.vulnerable) - Number(px.vulnerable) || wy - wx || a.hotelOptions(x) - a.hotelOptions(y) || py.size - px.size || x - y;
    });
}

/** Assign rooms to the `eligible` parties (those a vehicle can carry). */
export function assignRooms(m: Model, eligible: PartyInfo[], inp: RoomInputs): RoomResult {
  const classes = buildClasses(m, eligible);
  const a = new Assignment(m, classes);
  const pinFailures = new Map<number, string>();
  const displaced = new Set<number>();
  for (const [p, set] of inp.allowed) a.allowed.set(p, set);
  const cost = (p: number, hotel: number, combo: Combo) =>
    stayCost(m, combo, m.parties[p]!.size, kmSiteHotel(m, m.parties[p]!.site, hotel), m.parties[p]!.wheel > 0);

  for (const [p, s] of inp.locked) {
    a.place(p, s.hotel, s.combo, cost(p, s.hotel, s.combo));
    a.freedom[p] = Freedom.Fixed;
  }
  const order = priority(a, eligible);
  for (const p of order) {
    const h = inp.pins.get(p);
    if (h === undefined || a.hotelOf[p]! >= 0) continue;
    const info = m.parties[p]!;
    const name = m.hotels[h]!.hotel.name;
    if (!hotelAllowed(m, info, h)) {
      pinFailures.set(p, info.pets && !m.hotels[h]!.hotel.petsAllowed ? `${name} does not take pets` : `${name} is beyond ${m.policy.maxDistanceKm} km`);
      continue;
    }
    const combo = cheapestFreeCombo(m, h, info.size, info.wheel > 0, a.avail);
    if (!combo) {
      pinFailures.set(p, `${name} has no free rooms that bed ${info.size}${info.wheel ? ' with an accessible room' : ''}`);
      continue;
    }
    a.place(p, h, combo, cost(p, h, combo));
    a.freedom[p] = Freedom.Fixed;
  }
  // Stability: first keep exactly the previous rooms, then any rooms at the previous hotel. Where
  // a hotel lost rooms, `keepOrder` decides who stays (the planner tries both: planner.ts).
  const prevOrder = order.filter((p) => a.hotelOf[p]! < 0 && inp.previous.has(p));
  if (inp.keepOrder === 'fewest-rooms') {
    // A stable sort: among households holding as many rooms, the usual priority stays.
    const held = new Map(prevOrder.map((p) => [p, inp.previous.get(p)!.combo?.counts.reduce((n, c) => n + c, 0) ?? Infinity]));
    prevOrder.sort((x, y) => held.get(x)! - held.get(y)!);
  }
  for (const pass of [0, 1]) {
    for (const p of prevOrder) {
      if (a.hotelOf[p]! >= 0) continue;
      const prev = inp.previous.get(p)!;
      const info = m.parties[p]!;
      const allowed = a.allowed.get(p);
      if (!hotelAllowed(m, info, prev.hotel) || (allowed && !allowed.has(prev.hotel))) continue;
      const keep =
        prev.combo && fits(prev.combo, a.avail) && prev.combo.beds >= info.size && (info.wheel === 0 || prev.combo.slots.some((s) => m.rooms[s]!.accessible));
      const combo = pass === 0 ? (keep ? prev.combo : null) : cheapestFreeCombo(m, prev.hotel, info.size, info.wheel > 0, a.avail);
      if (!combo) continue;
      a.place(p, prev.hotel, combo, cost(p, prev.hotel, combo));
      a.freedom[p] = Freedom.Stable;
    }
  }
  // One kept household holding more than it needs can leave another nowhere to stay: the rooms of
  // a hotel are shared out again among those kept there and the one left out, when all then fit.
  for (const p of prevOrder) if (a.hotelOf[p]! < 0) keepByResharing(a, p, inp.previous, cost);
  for (const p of prevOrder) if (a.hotelOf[p]! < 0) displaced.add(p);

  // Construction for everyone else: plain greedy, then by regret; keep the better.
  const rest = order.filter((p) => a.hotelOf[p]! < 0);
  construct(a, rest);
  const greedy = snapshot(a, rest);
  if (rest.length > 30) {
    for (const p of rest) a.remove(p);
    regretConstruct(a, rest);
    let best = betterSnap(greedy, snapshot(a, rest)) ? greedy : null;
    // Rooms short: also try wasting the fewest beds (more guests beat a lower cost).
    if (greedy.housed[1] < rest.reduce((n, p) => n + m.parties[p]!.size, 0)) {
      const current = best ?? snapshot(a, rest);
      for (const p of rest) a.remove(p);
      construct(a, rest, true);
      const tight = snapshot(a, rest);
      best = betterSnap(current, tight) ? current : null;
    }
    if (best) {
      for (const p of rest) a.remove(p);
      for (const [p, c] of best.cols) a.placeColumn(p, c);
    }
  }
  improveAll(a, order, inp.deadline);
  return { a, pinFailures, displaced };
}

/**
 * Re-plan stability at one hotel: household `p` could not stay at its previous hotel, whose rooms
 * went to the households kept there. When the hotel's rooms, shared out again among them and `p`
 * (each kept one's previous rooms tried first, then the fewest beds that do), bed them all, they
 * all stay; otherwise nothing changes. A short depth-first search, bounded.
 */
function keepByResharing(a: Assignment, p: number, previous: RoomInputs['previous'], cost: (p: number, hotel: number, combo: Combo) => number): void {
  const m = a.m;
  const h = previous.get(p)!.hotel;
  const info = m.parties[p]!;
  const allowed = a.allowed.get(p);
  if (!hotelAllowed(m, info, h) || (allowed && !allowed.has(h))) return;
  const kept = a.occupantsOf(h).filter((q) => a.freedom[q] === Freedom.Stable);
  if (!kept.length) return;
  const before = kept.map((q) => a.combo[q]!);
  const group = [p, ...kept].sort((x, y) => m.parties[y]!.size - m.parties[x]!.size);
  const options = group.map((q) => {
    const own = q === p ? null : a.combo[q]!;
    const list = [...minimalCombos(m, h, m.parties[q]!.size, m.parties[q]!.wheel > 0)].sort((x, y) => x.beds - y.beds || x.rate - y.rate);
    return own ? [own, ...list.filter((c) => c !== own)] : list;
  });
  for (const q of kept) a.remove(q);
  const chosen: Combo[] = [];
  let budget = 5000;
  const search = (i: number): boolean => {
    if (i === group.length) return true;
    for (const c of options[i]!) {
      if (--budget < 0) return false;
      if (!fits(c, a.avail)) continue;
      take(c, a.avail, 1);
      chosen[i] = c;
      if (search(i + 1)) return true;
      take(c, a.avail, -1);
    }
    return false;
  };
  const found = search(0);
  // The search leaves the rooms it chose taken; give them back before placing (place takes them again).
  if (found) for (const c of chosen) take(c, a.avail, -1);
  const placed = found ? group.map((q, i) => [q, chosen[i]!] as const) : kept.map((q, i) => [q, before[i]!] as const);
  for (const [q, c] of placed) {
    a.place(q, h, c, cost(q, h, c));
    a.freedom[q] = Freedom.Stable;
  }
}

/**
 * The same stays as `from` (made under other km weights), priced and improved under `m`'s: who is
 * housed stays housed, and their rooms become as cheap as the passes find.
 */
export function repriced(m: Model, eligible: PartyInfo[], from: Assignment, deadline: number): Assignment {
  const a = new Assignment(m, buildClasses(m, eligible));
  for (const [p, set] of from.allowed) a.allowed.set(p, set);
  for (const p of eligible) {
    const h = from.hotelOf[p.idx]!;
    if (h < 0) continue;
    const combo = from.combo[p.idx]!;
    a.place(p.idx, h, combo, stayCost(m, combo, p.size, kmSiteHotel(m, p.site, h), p.wheel > 0));
    a.freedom[p.idx] = from.freedom[p.idx]!;
  }
  improveAll(a, priority(a, eligible), deadline);
  return a;
}

/** Alternate insertion, move and swap passes until nothing improves or time runs out. */
export function improveAll(a: Assignment, order: number[], deadline: number): void {
  const unhoused = () => order.filter((p) => a.hotelOf[p]! < 0);
  insertUnhoused(a, unhoused(), deadline);
  // Rooms short: re-pack hotels for more guests, then let the unhoused try again.
  if (unhoused().length && repackPass(a, unhoused(), a.m.parties.length <= 1500 ? Infinity : deadline)) insertUnhoused(a, unhoused(), deadline);
  for (let round = 0; round < 8 && now() < deadline; round++) {
    const byCost = order.filter((p) => a.hotelOf[p]! >= 0 && a.freedom[p] === Freedom.Free).sort((x, y) => slack(a, y) - slack(a, x));
    const g1 = movePass(a, byCost, deadline);
    const g2 = swapPass(a, byCost, deadline);
    const g3 = ejectPass(a, byCost, deadline);
    const left = unhoused();
    if (left.length) insertUnhoused(a, left, deadline);
    if (g1 + g2 + g3 < 1e-6) break;
  }
}

/** How much a party's stay costs above its cheapest column (0 for fixed parties). */
function slack(a: Assignment, p: number): number {
  if (a.freedom[p] !== Freedom.Free) return 0;
  return a.cost[p]! - (a.columns(p)[0]?.cost ?? a.cost[p]!);
}

interface Snap {
  housed: [number, number];
  cost: number;
  cols: Map<number, Column>;
}

function snapshot(a: Assignment, ps: number[]): Snap {
  const housed: [number, number] = [0, 0];
  let cost = 0;
  const cols = new Map<number, Column>();
  for (const p of ps) {
    if (a.hotelOf[p]! < 0) continue;
    const w = a.worth(p);
    housed[0] += w[0];
    housed[1] += w[1];
    cost += a.cost[p]!;
    cols.set(p, { hotel: a.hotelOf[p]!, combo: a.combo[p]!, km: 0, cost: a.cost[p]! });
  }
  return { housed, cost, cols };
}

const betterSnap = (x: Snap, y: Snap) =>
  x.housed[0] > y.housed[0] || (x.housed[0] === y.housed[0] && (x.housed[1] > y.housed[1] || (x.housed[1] === y.housed[1] && x.cost < y.cost)));

/** One pass in priority order; each party takes its first fitting column by cost (or by fewest beds when `tight`). */
function construct(a: Assignment, ps: number[], tight = false): void {
  const classes = a.classes;
  const built = new Map<number, number[] | null>();
  const orderOf = (k: number): number[] | null => {
    if (built.has(k)) return built.get(k)!;
    const cl = classes.list[k]!;
    let ord: number[] | null = null;
    if (tight) ord = cl.columns.map((_, j) => j).sort((x, y) => cl.columns[x]!.combo.beds - cl.columns[y]!.combo.beds || x - y);
    built.set(k, ord);
    return ord;
  };
  const ptr = new Int32Array(classes.list.length);
  for (const p of ps) {
    if (a.allowed.has(p)) {
      const c = a.bestFit(p);
      if (c) a.placeColumn(p, c);
      continue;
    }
    const k = classes.of[p]!;
    const cols = classes.list[k]!.columns;
    const ord = orderOf(k);
    const at = (i: number) => cols[ord ? ord[i]! : i];
    while (ptr[k]! < cols.length && !fits(at(ptr[k]!)!.combo, a.avail)) ptr[k]!++;
    const c = at(ptr[k]!);
    if (c) a.placeColumn(p, c);
  }
}
