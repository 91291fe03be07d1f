/**
 * Exact stay-LP bounds with HiGHS (WebAssembly): the same LP as lp-bound.ts (one column per
 * household class x hotel x minimal room combination, room-type counts as constraints), solved to
 * optimality. Stage 1 maximises guests housed; stage 2 minimises stay cost for plans housing at
 * least the planner's number of guests. A fresh HiGHS instance per solve (it grows otherwise).
 */
import highsLoader from 'highs';
import type { Scenario } from '../shared/scenario.js';
import { buildLp } from './lp-bound.js';

function lpText(sense: 'Maximize' | 'Minimize', obj: string[], rows: string[]): string {
  const wrap = (terms: string[]) => {
    const out: string[] = [];
    for (let i = 0; i < terms.length; i += 8) out.push(' ' + terms.slice(i, i + 8).join(' '));
    return out.join('\n');
  };
  return `${sense}\n obj:\n${wrap(obj)}\nSubject To\n${rows.join('\n')}\nEnd\n`;
}

export interface ExactBounds {
  housedUpper: number;
  /** Most vulnerable guests any plan can house (contract tier 1). */
  vulnerableUpper: number;
  /** Most guests housed among plans housing `vulnerableUpper` vulnerable guests (tiers 1 then 2). */
  housedUpperVulnerableFirst: number;
  costLower: number;
  columns: number;
  ms: number;
}

/** Solve both stages exactly; `housedTarget` is the planner's guests housed. */
export async function exactStayBounds(s: Scenario, housedTarget: number): Promise<ExactBounds> {
  const t0 = performance.now();
  const { classes, cap } = buildLp(s, 30);
  const byRoom: string[][] = cap.map(() => []);
  const classRows: string[] = [];
  const housedTerms: string[] = [];
  const vulnTerms: string[] = [];
  const costTerms: string[] = [];
  let j = 0;
  classes.forEach((c, k) => {
    const terms: string[] = [];
    for (const col of c.cols) {
      const x = `x${j++}`;
      terms.push(`+ ${x}`);
      housedTerms.push(`+ ${c.size} ${x}`);
      if (c.vulnerable) vulnTerms.push(`+ ${c.size} ${x}`);
      costTerms.push(`+ ${col.cost.toFixed(4)} ${x}`);
      col.slots.forEach((r, i) => byRoom[r]!.push(`+ ${col.counts[i]} ${x}`));
    }
    if (terms.length) classRows.push(` c${k}: ${terms.join(' ').replace(/((?:\S+ ){24})/g, '$1\n ')} <= ${c.n}`);
  });
  const roomRows = byRoom.flatMap((t, r) => (t.length ? [` r${r}: ${t.join(' ').replace(/((?:\S+ ){24})/g, '$1\n ')} <= ${cap[r]}`] : []));
  const wrapRow = (t: string[]) => t.join(' ').replace(/((?:\S+ ){24})/g, '$1\n ');
  const h0 = await highsLoader();
  const v = vulnTerms.length ? h0.solve(lpText('Maximize', vulnTerms, [...classRows, ...roomRows])).ObjectiveValue : 0;
  const vulnerableUpper = Math.floor(v + 1e-6);
  const hv = await highsLoader();
  const vf = vulnTerms.length ? Math.floor(hv.solve(lpText('Maximize', housedTerms, [...classRows, ...roomRows, ` vuln: ${wrapRow(vulnTerms)} >= ${vulnerableUpper}`])).ObjectiveValue + 1e-6) : Number.NaN;
  const h1 = await highsLoader();
  const a = h1.solve(lpText('Maximize', housedTerms, [...classRows, ...roomRows]));
  const housedUpper = Math.floor(a.ObjectiveValue + 1e-6);
  const H = Math.min(housedTarget, housedUpper);
  const h2 = await highsLoader();
  const b = h2.solve(lpText('Minimize', costTerms, [...classRows, ...roomRows, ` housed: ${housedTerms.join(' ').replace(/((?:\S+ ){24})/g, '$1\n ')} >= ${H}`]));
  return { housedUpper, vulnerableUpper, housedUpperVulnerableFirst: Number.isNaN(vf) ? housedUpper : vf, costLower: b.ObjectiveValue, columns: j, ms: performance.now() - t0 };
}
