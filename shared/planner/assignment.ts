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
    this.freedom = new Uint8Array(m.parties.length);
    this.occupants = new Occupants(m.hotels.length, m.parties.length);
  }

  /**
   * Who sits in each hotel, in the order they were placed: a household moved away and back goes
   * last, as in a Set, and swapPass's round-robin over a hotel depends on that order.
   */
  private readonly occupants: Occupants;

  /** Send a placed household to the back of its hotel's order, as removing and placing it again does. */
  requeue(p: number): void {
    const h = this.hotelOf[p]!;
    if (h < 0) return;
    this.occupants.delete(h, p);
    this.occupants.add(h, p);
  }

  /** The households in `hotel`, in the order they were placed. */
  occupantsOf(hotel: number): number[] {
    return this.occupants.list(hotel);
  }

  /**
   * Visit `hotel`'s households in order while `visit` may move households in and out, exactly as
   * iterating a Set does (one moved away and back is visited again, at the end); stops when
   * `visit` answers true.
   */
  eachOccupant(hotel: number, visit: (q: number) => boolean): void {
    this.occupants.each(hotel, visit);
  }

  place(p: number, hotel: number, combo: Combo, cost: number): void {
    tick(1);
    if (this.hotelOf[p]! >= 0) this.remove(p);
    take(combo, this.avail, 1);
    this.hotelOf[p] = hotel;
    this.combo[p] = combo;
    this.cost[p] = cost;
    this.occupants.add(hotel, p);
  }

  placeColumn(p: number, c: Column): void {
    this.place(p, c.hotel, c.combo, c.cost);
  }

  remove(p: number): void {
    const c = this.combo[p];
    const h = this.hotelOf[p]!;
    if (!c || h < 0) return;
    take(c, this.avail, -1);
    this.occupants.delete(h, p);
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

/**
 * Households per hotel as doubly linked lists over party indices, in the order they joined (a
 * party is in one hotel at most): adding and removing are a few array writes, where a Set of a
 * hotel whose households keep leaving and coming back spends its time rehashing.
 */
export class Occupants {
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  /** When each party joined its list (ever increasing): the order a Set iterator follows. */
  private readonly joined: Float64Array;
  private readonly listOf: Int32Array;
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  private clock = 0;

  constructor(hotels: number, parties: number) {
    this.next = new Int32Array(parties).fill(-1);
    this.prev = new Int32Array(parties).fill(-1);
    this.joined = new Float64Array(parties);
    this.listOf = new Int32Array(parties).fill(-1);
    this.head = new Int32Array(hotels).fill(-1);
    this.tail = new Int32Array(hotels).fill(-1);
  }

  add(h: number, p: number): void {
    if (this.listOf[p] === h) return;
    if (this.listOf[p]! >= 0) this.delete(this.listOf[p]!, p);
    const t = this.tail[h]!;
    this.prev[p] = t;
    this.next[p] = -1;
    if (t >= 0) this.next[t] = p;
    else this.head[h] = p;
    this.tail[h] = p;
    this.listOf[p] = h;
    this.joined[p] = ++this.clock;
  }

  delete(h: number, p: number): void {
    if (this.listOf[p] !== h) return;
    const [a, b] = [this.prev[p]!, this.next[p]!];
    if (a >= 0) this.next[a] = b;
    else this.head[h] = b;
    if (b >= 0) this.prev[b] = a;
    else this.tail[h] = a;
    this.listOf[p] = -1;
  }

  list(h: number): number[] {
    const out: number[] = [];
    for (let p = this.head[h]!; p >= 0; p = this.next[p]!) out.push(p);
    return out;
  }

  /** Iterate as a Set iterator does: next is the first party still here that joined after the current one did. */
  each(h: number, visit: (p: number) => boolean): void {
    let cur = this.head[h]!;
    while (cur >= 0) {
      const since = this.joined[cur]!;
      const nxt = this.next[cur]!;
      const nxtJoined = nxt >= 0 ? this.joined[nxt]! : 0;
      if (visit(cur)) return;
      if (this.listOf[cur] === h && this.joined[cur] === since) cur = this.next[cur]!;
      else if (nxt >= 0 && this.listOf[nxt] === h && this.joined[nxt] === nxtJoined) cur = nxt;
      else {
        // Those who joined after `since` are the list's tail end: find where it starts.
        let first = -1;
        for (let p = this.tail[h]!; p >= 0 && this.joined[p]! > since; p = this.prev[p]!) first = p;
        cur = first;
      }
    }
  }
}
