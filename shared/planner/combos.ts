/**
 * Room combinations: the sets of a hotel's room types that bed a household. Only minimal sets are
 * listed (drop any one room and the beds no longer cover the party, or a wheelchair user's household
 * has no accessible room left), cheapest first, because a non-minimal set is never cheaper and never
 * frees more rooms.
 */
import type { Model } from './model.js';

export interface Combo {
  /** Global room-slot indices, one per room type used. */
  slots: number[];
  /** How many rooms of each slot. */
  counts: number[];
  /** Room cost per night. */
  rate: number;
  beds: number;
}

const MAX_COMBOS = 12;

/** Cheapest minimal combinations of `hotel`'s rooms that bed `size` guests (with an accessible room when asked). */
export function minimalCombos(m: Model, hotel: number, size: number, needAccessible: boolean): Combo[] {
  const key = (hotel * 4096 + Math.min(size, 4095)) * 2 + (needAccessible ? 1 : 0);
  const cached = m.comboCache.get(key) as Combo[] | undefined;
  if (cached) return cached;
  const slots = (m.hotels[hotel]?.rooms ?? []).filter((s) => (m.rooms[s]?.count ?? 0) > 0);
  slots.sort((a, b) => m.rooms[b]!.sleeps - m.rooms[a]!.sleeps);
  const found: Combo[] = [];
  const spare: Combo[] = [];
  const counts = new Array<number>(slots.length).fill(0);
  // Minimal: taking away any one room leaves the party without enough beds, or (when one is needed)
  // without an accessible room.
  const minimal = (beds: number, accessibleRooms: number): boolean =>
    counts.every((c, j) => {
      if (c === 0) return true;
      const r = m.rooms[slots[j]!]!;
      return beds - r.sleeps < size || (needAccessible && r.accessible && accessibleRooms === 1);
    });
  let budget = 20_000;
  const dfs = (i: number, beds: number, rate: number, accessibleRooms: number): void => {
    if (--budget < 0) return;
    const covered = beds >= size;
    if (covered && (accessibleRooms > 0 || !needAccessible)) {
      if (minimal(beds, accessibleRooms)) {
        const used: number[] = [];
        const cnt: number[] = [];
        counts.forEach((c, j) => {
          if (c > 0) {
            used.push(slots[j]!);
            cnt.push(c);
          }
        });
        // An accessible room beyond the beds needed (the household is bedded without it).
        const extra = needAccessible && counts.some((c, j) => c > 0 && m.rooms[slots[j]!]!.accessible && beds - m.rooms[slots[j]!]!.sleeps >= size);
        (extra ? spare : found).push({ slots: used, counts: cnt, rate, beds });
      }
      return;
    }
    if (i >= slots.length) return;
    const r = m.rooms[slots[i]!]!;
    // Rooms of this type while beds are short; once they are covered, one accessible room when one is still needed.
    const wanted = covered ? 0 : Math.ceil((size - beds) / r.sleeps);
    const maxN = Math.min(r.count, needAccessible && accessibleRooms === 0 && r.accessible ? Math.max(wanted, 1) : wanted);
    for (let n = maxN; n >= 0; n--) {
      counts[i] = n;
      dfs(i + 1, beds + n * r.sleeps, rate + n * r.rate, accessibleRooms + (r.accessible ? n : 0));
    }
    counts[i] = 0;
  };
  if (size > 0) dfs(0, 0, 0, 0);
  // Sets with an accessible room on top of beds enough only when the hotel has no other way to give
  // one (a party larger than its accessible room and the rooms beside it): they spend beds that
  // others may need, which tiers 1-2 weigh above any saving.
  if (!found.length) found.push(...spare);
  found.sort((a, b) => a.rate - b.rate || a.beds - b.beds || a.counts.length - b.counts.length);
  const out = found.slice(0, MAX_COMBOS);
  m.comboCache.set(key, out);
  return out;
}

/** Whether the free rooms `avail` hold this combination. */
export function fits(c: Combo, avail: Int32Array): boolean {
  for (let i = 0; i < c.slots.length; i++) if (avail[c.slots[i]!]! < c.counts[i]!) return false;
  return true;
}

export function take(c: Combo, avail: Int32Array, sign: 1 | -1): void {
  for (let i = 0; i < c.slots.length; i++) avail[c.slots[i]!]! -= sign * c.counts[i]!;
}

/**
 * Cheapest set of the hotel's currently free rooms that beds the party, searching beyond the listed
 * minimal combinations (used for pins, stability and explanations, where one hotel is fixed).
 */
export function cheapestFreeCombo(m: Model, hotel: number, size: number, needAccessible: boolean, avail: Int32Array): Combo | null {
  for (const c of minimalCombos(m, hotel, size, needAccessible)) if (fits(c, avail)) return c;
  const slots = (m.hotels[hotel]?.rooms ?? []).filter((s) => avail[s]! > 0);
  let freeBeds = 0;
  for (const s of slots) freeBeds += avail[s]! * m.rooms[s]!.sleeps;
  if (freeBeds < size || (needAccessible && !slots.some((s) => m.rooms[s]!.accessible))) return null;
  let best: Combo | null = null;
  const counts = new Array<number>(slots.length).fill(0);
  let budget = 20_000;
  const dfs = (i: number, beds: number, rate: number, acc: boolean): void => {
    if (--budget < 0 || (best && rate >= best.rate)) return;
    if (beds >= size && (acc || !needAccessible)) {
      const used: number[] = [];
      const cnt: number[] = [];
      counts.forEach((c, j) => {
        if (c > 0) {
          used.push(slots[j]!);
          cnt.push(c);
        }
      });
      best = { slots: used, counts: cnt, rate, beds };
      return;
    }
    if (i >= slots.length) return;
    const s = slots[i]!;
    const r = m.rooms[s]!;
    const need = beds >= size ? 1 : Math.ceil((size - beds) / r.sleeps);
    for (let n = Math.min(avail[s]!, need); n >= 0; n--) {
      counts[i] = n;
      dfs(i + 1, beds + n * r.sleeps, rate + n * r.rate, acc || (n > 0 && r.accessible));
    }
    counts[i] = 0;
  };
  dfs(0, 0, 0, false);
  return best;
}

/** The plan's `rooms` list for a combination. */
export function comboRooms(m: Model, c: Combo): { type: string; count: number }[] {
  return c.slots.map((s, i) => ({ type: m.rooms[s]!.type, count: c.counts[i]! }));
}
