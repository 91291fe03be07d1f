/**
 * Shadow prices for room types from the Lagrangian dual of the stay LP (subgradient steps, Polyak
 * step length towards a known plan's cost). Each class of households picks its cheapest column at
 * cost + prices; prices rise where demand exceeds the free rooms. Building the assignment on these
 * reduced costs keeps early households from taking rooms that later ones need more, which a plain
 * greedy pass cannot see. Returns the prices of the best dual value found.
 */
import type { Classes } from './columns.js';
import type { Model } from './model.js';

/** Room-type prices for `counts` parties per class against the free rooms `avail`; `upper` is a known plan cost. */
export function roomPrices(m: Model, classes: Classes, counts: Int32Array, avail: Int32Array, upper: number, iterations: number, deadline: number): Float64Array {
  const R = m.rooms.length;
  const lambda = new Float64Array(R);
  const best = new Float64Array(R);
  const use = new Float64Array(R);
  let bestVal = -Infinity;
  let maxPerGuest = 0;
  for (const cl of classes.list) for (const c of cl.columns) maxPerGuest = Math.max(maxPerGuest, c.cost / cl.size);
  // Leaving a household out costs more than any room: the dual stays bounded when rooms are short.
  const skip = maxPerGuest * 3 + 1;
  let theta = 1;
  let stall = 0;
  for (let t = 0; t < iterations && performance.now() < deadline; t++) {
    use.fill(0);
    let val = 0;
    classes.list.forEach((cl, k) => {
      const n = counts[k]!;
      if (!n) return;
      let bv = cl.size * skip;
      let arg = -1;
      const cols = cl.columns;
      for (let j = 0; j < cols.length; j++) {
        const c = cols[j]!;
        if (c.cost >= bv) break; // columns are sorted by cost and prices are never negative
        let v = c.cost;
        for (let i = 0; i < c.combo.slots.length; i++) v += lambda[c.combo.slots[i]!]! * c.combo.counts[i]!;
        if (v < bv) [bv, arg] = [v, j];
      }
      val += n * bv;
      if (arg >= 0) {
        const c = cols[arg]!;
        for (let i = 0; i < c.combo.slots.length; i++) use[c.combo.slots[i]!]! += n * c.combo.counts[i]!;
      }
    });
    let norm = 0;
    for (let r = 0; r < R; r++) {
      val -= lambda[r]! * avail[r]!;
      const g = use[r]! - avail[r]!;
      if (g > 0 || lambda[r]! > 0) norm += g * g;
    }
    if (val > bestVal + 1e-9) {
      bestVal = val;
      best.set(lambda);
      stall = 0;
    } else if (++stall >= 8) {
      theta /= 2;
      stall = 0;
    }
    if (norm === 0) break;
    const step = (theta * Math.max(upper - val, 1e-3 * Math.abs(upper))) / norm;
    for (let r = 0; r < R; r++) lambda[r] = Math.max(0, lambda[r]! + step * (use[r]! - avail[r]!));
  }
  return best;
}
