/**
 * Regret-based construction (Vogel's method on household classes): repeatedly house one household
 * of the class that would lose the most if its cheapest free column were taken by someone else
 * (second-best cost minus best cost). Greedy "cheapest first" gives the nearest rooms to whoever
 * comes first; regret gives them to whoever needs them most, which is what the LP optimum does.
 */
import type { Assignment } from './assignment.js';
import { fits } from './combos.js';

/** House `ps` (already in priority order; vulnerable tier first) by regret within each tier. */
export function regretConstruct(a: Assignment, ps: number[]): void {
  const tiers = [ps.filter((p) => a.m.parties[p]!.vulnerable), ps.filter((p) => !a.m.parties[p]!.vulnerable)];
  for (const tier of tiers) {
    const queue = new Map<number, number[]>();
    for (const p of tier) {
      if (a.allowed.has(p)) {
        const c = a.bestFit(p);
        if (c) a.placeColumn(p, c);
        continue;
      }
      const k = a.classes.of[p]!;
      const q = queue.get(k);
      if (q) q.push(p);
      else queue.set(k, [p]);
    }
    const p1 = new Map<number, number>();
    const p2 = new Map<number, number>();
    for (;;) {
      let bestK = -1;
      let bestRegret = -Infinity;
      for (const [k, q] of queue) {
        if (!q.length) continue;
        const cols = a.classes.list[k]!.columns;
        let i = p1.get(k) ?? 0;
        while (i < cols.length && !fits(cols[i]!.combo, a.avail)) i++;
        if (i >= cols.length) {
          queue.set(k, []);
          continue;
        }
        let j = Math.max(p2.get(k) ?? 0, i + 1);
        while (j < cols.length && !fits(cols[j]!.combo, a.avail)) j++;
        p1.set(k, i);
        p2.set(k, j);
        const size = a.classes.list[k]!.size;
        const regret = (j < cols.length ? cols[j]!.cost - cols[i]!.cost : 1e12) + size * 1e-6;
        if (regret > bestRegret) {
          bestRegret = regret;
          bestK = k;
        }
      }
      if (bestK < 0) break;
      const p = queue.get(bestK)!.shift()!;
      a.placeColumn(p, a.classes.list[bestK]!.columns[p1.get(bestK)!]!);
    }
  }
}
