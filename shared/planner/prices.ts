/**
 * Shadow prices for room types by subgradient steps on the Lagrangian of the stay LP: each class of
 * households picks its cheapest column at cost + prices, and prices rise where demand exceeds free
 * rooms. Building the assignment on these reduced costs keeps early households from taking the
 * rooms that later ones need most, which a plain greedy pass does not see.
 */
import type { Classes } from './columns.js';
import type { Model } from './model.js';

/** Room-type prices for the parties in `counts` (parties per class) against the free rooms `avail`. */
export function roomPrices(m: Model, classes: Classes, counts: Int32Array, avail: Int32Array, iterations = 40): Float64Array {
  const lambda = new Float64Array(m.rooms.length);
  let rateSum = 0;
  for (const r of m.rooms) rateSum += r.rate;
  const scale = m.rooms.length ? Math.max(1, rateSum / m.rooms.length) : 1;
  const demand = new Float64Array(m.rooms.length);
  for (let t = 0; t < iterations; t++) {
    demand.fill(0);
    classes.list.forEach((cl, k) => {
      const n = counts[k]!;
      if (!n) return;
      let best = -1;
      let bestVal = Infinity;
      cl.columns.forEach((c, j) => {
        let v = c.cost;
        for (let i = 0; i < c.combo.slots.length; i++) v += lambda[c.combo.slots[i]!]! * c.combo.counts[i]!;
        if (v < bestVal) {
          bestVal = v;
          best = j;
        }
      });
      // Skipping a household is worth a large per-guest penalty; never cheaper than a priced room for long.
      if (best < 0 || bestVal > cl.size * scale * 20) return;
      const c = cl.columns[best]!;
      for (let i = 0; i < c.combo.slots.length; i++) demand[c.combo.slots[i]!]! += n * c.combo.counts[i]!;
    });
    const theta = 0.6 * Math.pow(0.9, t);
    let moved = false;
    for (let r = 0; r < lambda.length; r++) {
      const g = demand[r]! - avail[r]!;
      if (g === 0 || (g < 0 && lambda[r] === 0)) continue;
      lambda[r] = Math.max(0, lambda[r]! + (theta * scale * g) / Math.max(1, avail[r]!));
      moved = true;
    }
    if (!moved) break;
  }
  return lambda;
}
