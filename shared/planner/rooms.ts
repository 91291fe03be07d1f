/**
 * The room stage: who stays in which hotel and rooms. Locked stays and honoured pins first, then (on
 * a re-plan) everyone who can stay where the previous plan put them, then the rest by a
 * price-guided construction (vulnerable households first), then local search.
 */
import { Assignment, Freedom } from './assignment.js';
import { buildClasses, hotelAllowed, stayCost } from './columns.js';
import { cheapestFreeCombo, fits, type Combo } from './combos.js';
import { kmSiteHotel, type Model, type PartyInfo } from './model.js';
import { insertUnhoused, movePass, swapPass } from './improve.js';
import { roomPrices } from './prices.js';

export interface RoomInputs {
  /** Locked stays: kept exactly. */
  locked: Map<number, { hotel: number; combo: Combo }>;
  /** Manual hotel pins. */
  pins: Map<number, number>;
  /** Hotels a party may use at all (e.g. the stops of a locked trip it rides). */
  allowed: Map<number, Set<number>>;
  /** The previous plan's hotel and rooms per party. */
  previous: Map<number, { hotel: number; combo: Combo | null }>;
  deadline: number;
}

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
      return Number(py.vulnerable) - Number(px.vulnerable) || a.columns(x).length - a.columns(y).length || py.size - px.size || x - y;
    });
}

/** Assign rooms to the `eligible` parties (those a vehicle can carry). */
export function assignRooms(m: Model, eligible: PartyInfo[], inp: RoomInputs): RoomResult {
  const classes = buildClasses(m, eligible);
  const a = new Assignment(m, classes);
  const pinFailures = new Map<number, string>();
  const displaced = new Set<number>();
  for (const [p, set] of inp.allowed) a.allowed.set(p, set);
  const cost = (p: number, hotel: number, combo: Combo) => stayCost(m, combo, m.parties[p]!.size, kmSiteHotel(m, m.parties[p]!.site, hotel));

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
  // Stability: first keep exactly the previous rooms, then any rooms at the previous hotel.
  const prevOrder = order.filter((p) => a.hotelOf[p]! < 0 && inp.previous.has(p));
  for (const pass of [0, 1]) {
    for (const p of prevOrder) {
      if (a.hotelOf[p]! >= 0) continue;
      const prev = inp.previous.get(p)!;
      const info = m.parties[p]!;
      const allowed = a.allowed.get(p);
      if (!hotelAllowed(m, info, prev.hotel) || (allowed && !allowed.has(prev.hotel))) continue;
      const combo = pass === 0 ? (prev.combo && fits(prev.combo, a.avail) ? prev.combo : null) : cheapestFreeCombo(m, prev.hotel, info.size, info.wheel > 0, a.avail);
      if (!combo) continue;
      a.place(p, prev.hotel, combo, cost(p, prev.hotel, combo));
      a.freedom[p] = Freedom.Stable;
    }
  }
  for (const p of prevOrder) if (a.hotelOf[p]! < 0) displaced.add(p);

  // Price-guided construction for everyone else.
  const rest = order.filter((p) => a.hotelOf[p]! < 0);
  const counts = new Int32Array(classes.list.length);
  for (const p of rest) counts[classes.of[p]!]!++;
  const lambda = roomPrices(m, classes, counts, a.avail, m.parties.length > 20_000 ? 25 : 40);
  const reduced = classes.list.map((cl) => {
    const v = cl.columns.map((c) => {
      let r = c.cost;
      for (let i = 0; i < c.combo.slots.length; i++) r += lambda[c.combo.slots[i]!]! * c.combo.counts[i]!;
      return r;
    });
    return cl.columns.map((_, j) => j).sort((x, y) => v[x]! - v[y]!);
  });
  const ptr = new Int32Array(classes.list.length);
  for (const p of rest) {
    if (a.allowed.has(p)) {
      const c = a.bestFit(p);
      if (c) a.placeColumn(p, c);
      continue;
    }
    const k = classes.of[p]!;
    const cols = classes.list[k]!.columns;
    const ord = reduced[k]!;
    while (ptr[k]! < ord.length && !fits(cols[ord[ptr[k]!]!]!.combo, a.avail)) ptr[k]!++;
    const j = ord[ptr[k]!];
    if (j !== undefined) a.placeColumn(p, cols[j]!);
  }
  improveAll(a, order, inp.deadline);
  return { a, pinFailures, displaced };
}

/** Alternate insertion, move and swap passes until nothing improves or time runs out. */
export function improveAll(a: Assignment, order: number[], deadline: number): void {
  const unhoused = () => order.filter((p) => a.hotelOf[p]! < 0);
  insertUnhoused(a, unhoused(), deadline);
  for (let round = 0; round < 8 && performance.now() < deadline; round++) {
    const byCost = order.filter((p) => a.hotelOf[p]! >= 0).sort((x, y) => slack(a, y) - slack(a, x));
    const g1 = movePass(a, byCost, deadline);
    const g2 = swapPass(a, byCost, deadline);
    const left = unhoused();
    if (left.length) insertUnhoused(a, left, deadline);
    if (g1 + g2 < 1e-6) break;
  }
}

/** How much a party's stay costs above its cheapest column (0 for fixed parties). */
function slack(a: Assignment, p: number): number {
  return a.cost[p]! - (a.columns(p)[0]?.cost ?? a.cost[p]!);
}
