/**
 * Local search on the room assignment, in the contract's order of importance: first house more
 * (vulnerable) guests by inserting the unhoused, ejecting a less important household when that is
 * the only way; then lower the stay cost by moving one household or swapping two. Stable (re-plan)
 * and fixed households are never moved for cost.
 */
import { now, tick, workDone } from './time.js';
import { fits, type Combo } from './combos.js';
import type { Column } from './columns.js';
import { Freedom, type Assignment } from './assignment.js';

const EPS = 1e-6;

/** Whether `c` would fit if the rooms of `freed` were released (no mutation). */
function fitsFreeing(c: Combo, avail: Int32Array, freed: Combo): boolean {
  for (let i = 0; i < c.slots.length; i++) {
    const s = c.slots[i]!;
    let free = avail[s]!;
    const j = freed.slots.indexOf(s);
    if (j >= 0) free += freed.counts[j]!;
    if (free < c.counts[i]!) return false;
  }
  return true;
}

function better(a: [number, number], b: [number, number]): boolean {
  return a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
}

/**
 * Try to house each unhoused party. If nothing fits, make room at one of its hotels: move
 * occupants holding the missing rooms to other hotels, and as a last step eject one occupant
 * worth less under the contract's first two tiers. Undone entirely if it does not work out.
 */
export function insertUnhoused(a: Assignment, unhoused: number[], deadline: number): void {
  for (const p of unhoused) {
    if (a.hotelOf[p]! >= 0) continue;
    const c = a.bestFit(p);
    if (c) {
      a.placeColumn(p, c);
      continue;
    }
    if (now() > deadline) continue;
    const allowed = a.allowed.get(p);
    const tried = new Set<number>();
    for (const col of a.columns(p)) {
      if (tried.size > 30) break;
      if (tried.has(col.hotel) || (allowed && !allowed.has(col.hotel))) continue;
      tried.add(col.hotel);
      if (
        a
          .columnsAt(p, col.hotel)
          .slice(0, 4)
          .some((pc) => makeRoom(a, p, pc))
      )
        break;
    }
  }
}

/** Free the rooms of column `pc` for party `p` by moving (or, once, ejecting) occupants; place `p`. */
function makeRoom(a: Assignment, p: number, pc: Column): boolean {
  const undo: { q: number; hotel: number; combo: Combo; cost: number }[] = [];
  const wp = a.worth(p);
  let ejected = -1;
  const missing = () => pc.combo.slots.findIndex((s, i) => a.avail[s]! < pc.combo.counts[i]!);
  for (let guard = 0; guard < 8; guard++) {
    const i = missing();
    if (i < 0) break;
    const slot = pc.combo.slots[i]!;
    const holders = a.occupantsOf(pc.hotel).filter((q) => a.freedom[q] !== Freedom.Fixed && q !== ejected && a.combo[q]!.slots.includes(slot));
    holders.sort((x, y) => a.m.parties[x]!.size - a.m.parties[y]!.size);
    let freed = false;
    for (const q of holders.slice(0, 40)) {
      const qc = a.bestFit(q, Infinity, pc.hotel);
      if (!qc) continue;
      undo.push({ q, hotel: a.hotelOf[q]!, combo: a.combo[q]!, cost: a.cost[q]! });
      a.remove(q);
      a.placeColumn(q, qc);
      freed = true;
      break;
    }
    if (freed) continue;
    const victim = ejected < 0 ? holders.find((q) => better(wp, a.worth(q))) : undefined;
    if (victim === undefined) break;
    undo.push({ q: victim, hotel: a.hotelOf[victim]!, combo: a.combo[victim]!, cost: a.cost[victim]! });
    a.remove(victim);
    ejected = victim;
  }
  if (missing() < 0) {
    a.placeColumn(p, pc);
    for (const u of undo) if (a.hotelOf[u.q] !== u.hotel) a.freedom[u.q] = Freedom.Free;
    return true;
  }
  for (const u of undo.reverse()) {
    a.remove(u.q);
    a.place(u.q, u.hotel, u.combo, u.cost);
  }
  return false;
}

/** Move each free party to its cheapest column that fits, while that lowers its cost. */
export function movePass(a: Assignment, parties: number[], deadline: number): number {
  let gained = 0;
  for (const p of parties) {
    if (a.freedom[p] !== Freedom.Free || a.hotelOf[p]! < 0) continue;
    const old = a.cost[p]!;
    if (old <= (a.columns(p)[0]?.cost ?? old) + EPS) continue;
    const h = a.hotelOf[p]!;
    const combo = a.combo[p]!;
    a.remove(p);
    const c = a.bestFit(p, old - EPS);
    if (c) {
      a.placeColumn(p, c);
      gained += old - c.cost;
    } else a.place(p, h, combo, old);
    if ((p & 255) === 0 && now() > deadline) break;
  }
  return gained;
}

/**
 * Swap pass: a party whose cheaper column is blocked by an occupant takes that occupant's rooms,
 * and the occupant takes its own best remaining column (often the first party's old rooms).
 */
export function swapPass(a: Assignment, parties: number[], deadline: number, hotelsPerParty = 6, occupantsPerHotel = 40): number {
  let gained = 0;
  for (let i = 0; i < parties.length; i++) {
    const p = parties[i]!;
    if ((i & 63) === 0 && now() > deadline) break;
    if (a.freedom[p] !== Freedom.Free || a.hotelOf[p]! < 0) continue;
    const oldP = a.cost[p]!;
    const cols = a.columns(p);
    if (oldP <= (cols[0]?.cost ?? oldP) + EPS) continue;
    const allowed = a.allowed.get(p);
    const seen = new Set<number>();
    let swapped = false;
    for (const col of cols) {
      if (swapped || col.cost >= oldP - EPS || seen.size >= hotelsPerParty) break;
      if (col.hotel === a.hotelOf[p] || seen.has(col.hotel) || (allowed && !allowed.has(col.hotel))) continue;
      seen.add(col.hotel);
      let n = 0;
      // Occupants of one class holding the same rooms at the same cost fare alike: once one could
      // not trade with p, the next such is not tried again. The work trying would count is counted
      // and it goes to the back of the hotel's order, as trying it would have sent it.
      const failed: { cls: number; combo: Combo; cost: number; work: number }[] = [];
      a.eachOccupant(col.hotel, (q) => {
        if (++n > occupantsPerHotel) return true;
        tick(1);
        if (a.freedom[q] !== Freedom.Free) return false;
        const qCombo = a.combo[q]!;
        if (!fitsFreeing(col.combo, a.avail, qCombo)) return false;
        const pH = a.hotelOf[p]!;
        const pCombo = a.combo[p]!;
        const qH = a.hotelOf[q]!;
        const oldQ = a.cost[q]!;
        const qCls = a.classes.of[q]!;
        // Only an occupant free to go anywhere is alike to another of its class.
        const comparable = !a.allowed.has(q);
        const alike = comparable ? failed.find((f) => f.cls === qCls && f.combo === qCombo && f.cost === oldQ) : undefined;
        if (alike) {
          tick(alike.work);
          a.requeue(q);
          a.requeue(p);
          return false;
        }
        const work = workDone();
        a.remove(p);
        a.remove(q);
        if (fits(col.combo, a.avail)) {
          a.placeColumn(p, col);
          const qc = a.bestFit(q, oldQ + oldP - col.cost - EPS);
          if (qc) {
            a.placeColumn(q, qc);
            gained += oldP + oldQ - col.cost - qc.cost;
            swapped = true;
            return true;
          }
          a.remove(p);
        }
        a.place(q, qH, qCombo, oldQ);
        a.place(p, pH, pCombo, oldP);
        if (comparable) failed.push({ cls: qCls, combo: qCombo, cost: oldQ, work: workDone() - work });
        return false;
      });
    }
  }
  return gained;
}

/** A household that could move into the hotel being emptied, with the column and what it would change. */
interface Candidate {
  p: number;
  c: Column;
  change: number;
}

/**
 * Eject-and-refill: a household holding rooms that others would use more cheaply leaves for its
 * cheapest free column elsewhere; households whose columns at the freed hotel are cheaper than
 * their own move in, the cheapest saving first, and the hotels they leave are refilled the same way
 * (a short cascade). Kept when the total stay cost falls. A seven-guest family in four nearby doubles
 * can so give way to four couples from the same site, which no single move or swap finds.
 */
export function ejectPass(a: Assignment, parties: number[], deadline: number, depth = 3): number {
  let gained = 0;
  const journal: { p: number; hotel: number; combo: Combo; cost: number }[] = [];
  const move = (p: number, c: Column) => {
    journal.push({ p, hotel: a.hotelOf[p]!, combo: a.combo[p]!, cost: a.cost[p]! });
    a.remove(p);
    a.placeColumn(p, c);
  };
  const undo = () => {
    for (let i = journal.length - 1; i >= 0; i--) {
      const u = journal[i]!;
      a.remove(u.p);
      a.place(u.p, u.hotel, u.combo, u.cost);
    }
  };
  const free = parties.filter((p) => a.freedom[p] === Freedom.Free && a.hotelOf[p]! >= 0);
  // Free households by class, and the classes with columns at each hotel (members share columns).
  const members = new Map<number, number[]>();
  for (const p of free) {
    const k = a.classes.of[p]!;
    const l = members.get(k);
    if (l) l.push(p);
    else members.set(k, [p]);
  }
  const classesAt = a.m.hotels.map(() => [] as number[]);
  for (const [k, l] of members) {
    const seen = new Set<number>();
    for (const c of a.columns(l[0]!)) {
      if (seen.has(c.hotel)) continue;
      seen.add(c.hotel);
      classesAt[c.hotel]!.push(k);
    }
  }
  for (const q of free) {
    if (now() > deadline) break;
    const h = a.hotelOf[q]!;
    if (h < 0 || a.freedom[q] !== Freedom.Free) continue;
    journal.length = 0;
    const oldQ = a.cost[q]!;
    const combo = a.combo[q]!;
    a.remove(q);
    const qc = a.bestFit(q, Infinity, h);
    a.place(q, h, combo, oldQ);
    if (!qc) continue;
    move(q, qc);
    let delta = qc.cost - oldQ;
    const queue = [h];
    const touched = new Set([q]);
    for (let d = 0; d < depth && queue.length; d++) {
      const hh = queue.shift()!;
      const cand: Candidate[] = [];
      for (const k of classesAt[hh]!) {
        const l = members.get(k)!;
        tick(1 + (l.length >> 2));
        const c = a.columnsAt(l[0]!, hh).find((x) => fits(x.combo, a.avail));
        if (!c) continue;
        for (const p of l) {
          if (touched.has(p) || a.hotelOf[p] === hh || c.cost >= a.cost[p]! - EPS || a.freedom[p] !== Freedom.Free) continue;
          const allowed = a.allowed.get(p);
          if (!allowed || allowed.has(hh)) cand.push({ p, c, change: c.cost - a.cost[p]! });
        }
      }
      // Most saved first (the change of cost computed once per candidate, not at every comparison).
      cand.sort((x, y) => x.change - y.change || x.p - y.p);
      for (const { p, c: c0 } of cand) {
        const c = fits(c0.combo, a.avail) ? c0 : a.columnsAt(p, hh).find((x) => x.cost < a.cost[p]! - EPS && fits(x.combo, a.avail));
        if (!c) continue;
        const from = a.hotelOf[p]!;
        delta += c.cost - a.cost[p]!;
        move(p, c);
        touched.add(p);
        if (!queue.includes(from)) queue.push(from);
      }
    }
    if (delta < -EPS) gained -= delta;
    else undo();
  }
  return gained;
}
