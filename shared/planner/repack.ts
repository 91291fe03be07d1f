/**
 * Housing repair when rooms are short: re-pack one hotel at a time. The hotel's free households and
 * every unhoused household that may stay there (pets, distance, locked-trip stops) form a pool; a
 * bounded depth-first search picks the subset and rooms that house the most vulnerable guests, then
 * the most guests (each household in its fewest beds); households left out try every other hotel.
 * Kept only when the whole assignment houses more (tiers 1-2), so a household of five in three
 * doubles can give way to a household of four and a couple, or two households of three to three
 * couples. Insertion with single moves and ejections (improve.ts) cannot find these: each step on its
 * own houses fewer.
 */
import { now, tick } from './time.js';
import { Freedom, type Assignment } from './assignment.js';
import { fits } from './combos.js';
import type { Column } from './columns.js';

/** Search nodes per hotel: enough for the pools of a scarce night, bounded for a large one. */
const NODES = 4000;

interface Group {
  members: number[];
  size: number;
  vulnerable: boolean;
}

/** Lexicographic (vulnerable guests, guests) of a set of households. */
function worthOf(a: Assignment, ps: Iterable<number>): [number, number] {
  let v = 0;
  let g = 0;
  for (const p of ps) {
    const [x, y] = a.worth(p);
    v += x;
    g += y;
  }
  return [v, g];
}

const gt = (x: readonly [number, number], y: readonly [number, number]) => x[0] > y[0] || (x[0] === y[0] && x[1] > y[1]);

/** A party's columns at a hotel in fewest-beds order (ties: cheaper). */
function tightAt(a: Assignment, p: number, hotel: number, memo: Map<number, Column[]>): Column[] {
  const k = a.classes.of[p]!;
  let cols = memo.get(k);
  if (!cols) memo.set(k, (cols = [...a.columnsAt(p, hotel)].sort((x, y) => x.combo.beds - y.combo.beds || x.cost - y.cost)));
  return cols;
}

/**
 * Re-pack hotels while that houses more; `unhoused` are the eligible households without rooms.
 * Returns how many re-packs were kept.
 */
export function repackPass(a: Assignment, unhoused: number[], deadline: number, rounds = 3): number {
  const m = a.m;
  let kept = 0;
  for (let round = 0; round < rounds; round++) {
    let gained = 0;
    for (let h = 0; h < m.hotels.length; h++) {
      if (now() > deadline) return kept;
      const out = unhoused.filter((p) => a.hotelOf[p]! < 0 && a.columnsAt(p, h).length > 0 && (!a.allowed.has(p) || a.allowed.get(p)!.has(h)));
      if (!out.length) continue;
      if (repackHotel(a, h, out)) {
        gained++;
        kept++;
      }
    }
    if (!gained) break;
  }
  return kept;
}

function repackHotel(a: Assignment, h: number, out: number[]): boolean {
  const m = a.m;
  const inside = a.occupantsOf(h).filter((p) => a.freedom[p] === Freedom.Free);
  if (!inside.length) return false;
  const saved = inside.map((p) => ({ p, combo: a.combo[p]!, cost: a.cost[p]! }));
  const before = worthOf(a, inside);
  // Groups: households with the same size, accessible need and tier use the same rooms here.
  const byKey = new Map<string, Group>();
  const memo = new Map<number, Column[]>();
  const cheapest = (p: number) => a.columnsAt(p, h)[0]?.cost ?? Infinity;
  for (const p of [...inside, ...out]) {
    const info = m.parties[p]!;
    const key = `${info.size}|${info.wheel > 0 ? 1 : 0}|${info.vulnerable ? 1 : 0}`;
    let g = byKey.get(key);
    if (!g) byKey.set(key, (g = { members: [], size: info.size, vulnerable: info.vulnerable }));
    g.members.push(p);
  }
  const isInside = new Set(inside);
  // Members: those already here first (fewer moves), then the cheapest to house here.
  for (const g of byKey.values()) g.members.sort((x, y) => Number(isInside.has(y)) - Number(isInside.has(x)) || cheapest(x) - cheapest(y) || x - y);
  const groups = [...byKey.values()].sort((x, y) => Number(y.vulnerable) - Number(x.vulnerable) || y.size - x.size);
  for (const p of inside) a.remove(p);
  let beds = 0;
  for (const s of m.hotels[h]!.rooms) beds += a.avail[s]! * m.rooms[s]!.sleeps;
  // Remaining pool worth from group i on, for the bound.
  const restV = new Array<number>(groups.length + 1).fill(0);
  const restG = new Array<number>(groups.length + 1).fill(0);
  for (let i = groups.length - 1; i >= 0; i--) {
    const g = groups[i]!;
    restV[i] = restV[i + 1]! + (g.vulnerable ? g.size * g.members.length : 0);
    restG[i] = restG[i + 1]! + g.size * g.members.length;
  }
  let best: [number, number] = [-1, -1];
  let bestPick: [number, Column][] = [];
  const pick: [number, Column][] = [];
  let cur: [number, number] = [0, 0];
  let nodes = NODES;
  const rec = (i: number): void => {
    if (--nodes < 0) return;
    tick(1);
    if (gt(cur, best)) [best, bestPick] = [[cur[0], cur[1]], [...pick]];
    if (i >= groups.length) return;
    // Bound: every remaining bed filled, vulnerable guests first.
    const ubV = cur[0] + Math.min(beds, restV[i]!);
    const ubG = cur[1] + Math.min(beds, restG[i]!);
    if (!gt([ubV, ubG], best)) return;
    const g = groups[i]!;
    const placed: number[] = [];
    for (const p of g.members) {
      const c = tightAt(a, p, h, memo).find((x) => fits(x.combo, a.avail));
      if (!c) break;
      a.placeColumn(p, c);
      beds -= c.combo.beds;
      pick.push([p, c]);
      placed.push(p);
      cur = [cur[0] + (g.vulnerable ? g.size : 0), cur[1] + g.size];
    }
    for (let k = placed.length; k >= 0; k--) {
      rec(i + 1);
      if (k === 0 || nodes < 0) break;
      const p = placed[k - 1]!;
      beds += a.combo[p]!.beds;
      a.remove(p);
      pick.pop();
      cur = [cur[0] - (g.vulnerable ? g.size : 0), cur[1] - g.size];
    }
    for (const p of placed) {
      if (a.hotelOf[p]! < 0) continue;
      beds += a.combo[p]!.beds;
      a.remove(p);
      pick.pop();
      cur = [cur[0] - (g.vulnerable ? g.size : 0), cur[1] - g.size];
    }
  };
  rec(0);
  const restore = () => {
    for (const p of [...inside, ...out]) a.remove(p);
    for (const s of saved) a.place(s.p, h, s.combo, s.cost);
  };
  if (!gt(best, before) && !(best[0] === before[0] && best[1] === before[1])) {
    restore();
    return false;
  }
  for (const [p, c] of bestPick) a.placeColumn(p, c);
  // Households no longer here try every other hotel.
  const left = inside.filter((p) => a.hotelOf[p]! < 0);
  for (const p of left) {
    const c = a.bestFit(p, Infinity, h);
    if (c) a.placeColumn(p, c);
  }
  const after = worthOf(
    a,
    [...inside, ...out].filter((p) => a.hotelOf[p]! >= 0),
  );
  if (gt(after, before)) return true;
  restore();
  return false;
}
