/**
 * Room mixes for seed hotels. A relocation hotel offers what it has free tonight: mostly doubles and
 * twins, some family rooms, the odd single, and very few accessible rooms. Drawing the mix from a
 * bed target keeps total capacity (the number that matters to the planner) under control.
 */
import type { Rng } from './rng.js';
import type { RoomTypeInput } from './types.js';

export type Tier = 'budget' | 'mid' | 'premium';

const BASE_RATE: Record<Tier, number> = { budget: 6500, mid: 8900, premium: 12500 };
const MAX_COUNT = 30;
export const MIN_RATE = 5500;
export const MAX_RATE = 16000;

interface Shape {
  type: string;
  sleeps: number;
  share: number;
  rate: number;
}

const SHAPES: readonly Shape[] = [
  { type: 'single', sleeps: 1, share: 0.06, rate: 0.75 },
  { type: 'double', sleeps: 2, share: 0.42, rate: 1 },
  { type: 'twin', sleeps: 2, share: 0.2, rate: 0.97 },
  { type: 'family', sleeps: 4, share: 0.24, rate: 1.45 },
  { type: 'family-5', sleeps: 5, share: 0.08, rate: 1.6 },
];

/** Hotel-style prices: 8400, 8900, 12900 ... between MIN_RATE and MAX_RATE pence. */
function price(x: number): number {
  const p = Math.round(x / 500) * 500 - 100;
  return Math.min(MAX_RATE, Math.max(MIN_RATE, p));
}

/**
 * A room mix with roughly `beds` ordinary beds plus `accessible` accessible rooms. Premium hotels
 * have no five-bed rooms; every ordinary type that appears has 2..30 rooms.
 */
export function roomMix(rng: Rng, beds: number, tier: Tier, accessible: number): RoomTypeInput[] {
  const base = BASE_RATE[tier] * rng.float(0.92, 1.1);
  const shapes = SHAPES.filter((s) => !(tier === 'premium' && s.type === 'family-5'));
  const counts = shapes.map((s) => {
    const n = Math.round((s.share * rng.float(0.6, 1.4) * beds) / s.sleeps);
    return n < 2 ? 0 : Math.min(MAX_COUNT, n);
  });
  // Top up (or trim) doubles and twins so the hotel lands near its target despite rounding and caps.
  let total = counts.reduce((sum, c, i) => sum + c * shapes[i]!.sleeps, 0);
  for (let i = 0; total < beds - 1 && i < 4 * MAX_COUNT; i++) {
    const k = [1, 2, 3, 4, 0].find((j) => j < shapes.length && counts[j]! < MAX_COUNT);
    if (k === undefined) break;
    const add = counts[k] === 0 ? 2 : 1;
    counts[k] = counts[k]! + add;
    total += add * shapes[k]!.sleeps;
  }
  const rooms: RoomTypeInput[] = [];
  shapes.forEach((s, i) => {
    const count = counts[i]!;
    if (count > 0) rooms.push({ type: s.type, sleeps: s.sleeps, count, accessible: false, rateMinor: price(base * s.rate) });
  });
  if (accessible > 0) {
    const family = accessible >= 3 && tier !== 'premium' ? 1 : 0;
    rooms.push({ type: 'accessible-double', sleeps: 2, count: accessible - family, accessible: true, rateMinor: price(base) });
    if (family) rooms.push({ type: 'accessible-family', sleeps: 4, count: family, accessible: true, rateMinor: price(base * 1.45) });
  }
  return rooms;
}

/** Total beds of a room list (accessible included): the capacity a planner can fill. */
export function bedsOf(rooms: readonly Pick<RoomTypeInput, 'sleeps' | 'count'>[]): number {
  return rooms.reduce((sum, r) => sum + r.sleeps * r.count, 0);
}
