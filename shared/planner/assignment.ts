/**
 * The mutable room assignment the planner builds and improves: free rooms per room type, each
 * party's hotel and rooms, and who sits in which hotel (for swaps and ejections).
 */
import { fits, take, type Combo } from './combos.js';
import type { Classes, Column } from './columns.js';
import type { Model } from './model.js';
import { tick } from './time.js';

/** How freely the planner may move a party. */
export const Freedom = {
  Free: 0,
  /** Locked stay or honoured pin: never touched. */
  Fixed: 1,
  /** Kept at its previous hotel on a re-plan: only ejected to house more guests. */
  Stable: 2,
} as const;

export class Assignment {
  readonly avail: Int32Array;
  readonly hotelOf: Int32Array;
  readonly combo: (Combo | null)[];
  readonly cost: Float64Array;
  readonly occupants: Set<number>[];
  readonly freedom: Uint8Array;
  /** Hotels a party may use (locked trips, pins); absent = any. */
  readonly allowed = new Map<number, Set<number>>();

  constructor(
    readonly m: Model,
    readonly classes: Classes,
  ) {
    this.avail = Int32Array.from(m.rooms, (r) => r.count);
    this.hotelOf = new Int32Array(m.parties.length).fill(-1);
    this.combo = new Array<Combo | null>(m.parties.length).fill(null);
    this.cost = new Float64Array(m.parties.length);
    this.occupants = m.hotels.map(() => new Set<number>());
    this.freedom = new Uint8Array(m.parties.length);
  }

  place(p: number, hotel: number, combo: Combo, cost: number): void {
    tick(1);
    take(combo, this.avail, 1);
    this.hotelOf[p] = hotel;
    this.combo[p] = combo;
    this.cost[p] = cost;
    this.occupants[hotel]!.add(p);
  }

  placeColumn(p: number, c: Column): void {
    this.place(p, c.hotel, c.combo, c.cost);
  }

  remove(p: number): void {
    const c = this.combo[p];
    const h = this.hotelOf[p]!;
    if (!c || h < 0) return;
    take(c, this.avail, -1);
    this.occupants[h]!.delete(p);
    this.hotelOf[p] = -1;
    this.combo[p] = null;
    this.cost[p] = 0;
  }

  private readonly byHotel = new Map<number, Map<number, Column[]>>();

  /** A party's columns at one hotel (cheapest first). */
  columnsAt(p: number, hotel: number): Column[] {
    const k = this.classes.of[p]!;
    let idx = this.byHotel.get(k);
    if (!idx) {
      idx = new Map();
      for (const c of this.columns(p)) {
        const l = idx.get(c.hotel);
        if (l) l.push(c);
        else idx.set(c.hotel, [c]);
      }
      this.byHotel.set(k, idx);
    }
    return idx.get(hotel) ?? [];
  }

  /** How many hotels the party's class may use at all. */
  hotelOptions(p: number): number {
    return this.classes.list[this.classes.of[p]!]?.hotelOptions ?? 0;
  }

  columns(p: number): Column[] {
    return this.classes.list[this.classes.of[p]!]?.columns ?? [];
  }

  /** Cheapest column that fits the free rooms now, cheaper than `below` (skipping `skipHotel`). */
  bestFit(p: number, below = Infinity, skipHotel = -1): Column | null {
    const allowed = this.allowed.get(p);
    const cols = this.columns(p);
    let i = 0;
    let found: Column | null = null;
    for (; i < cols.length; i++) {
      const c = cols[i]!;
      if (c.cost >= below) break;
      if (c.hotel !== skipHotel && (!allowed || allowed.has(c.hotel)) && fits(c.combo, this.avail)) {
        found = c;
        break;
      }
    }
    tick(2 + (i >> 2));
    return found;
  }

  /** Lexicographic worth of housing a party: (vulnerable guests, guests). */
  worth(p: number): [number, number] {
    const info = this.m.parties[p]!;
    return [info.vulnerable ? info.size : 0, info.size];
  }
}
