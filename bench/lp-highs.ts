/**
 * Exact stay-LP bounds with HiGHS (WebAssembly): the same LP as lp-bound.ts (one column per
 * household class x hotel x minimal room combination, room-type counts as constraints), solved to
 * optimality. Stage 1 maximises guests housed; stage 2 minimises stay cost for plans housing at
 * least the planner's number of guests. A fresh HiGHS instance per solve (it grows otherwise).
 */
import highsLoader from 'highs';
import type { Scenario } from '../shared/scenario.js';
import { buildLp } from './lp-bound.js';

function lpText(sense: 'Maximize' | 'Minimize', obj: string[], rows: string[], ints: string[] = []): string {
  const wrap = (terms: string[]) => {
    const out: string[] = [];
    for (let i = 0; i < terms.length; i += 8) out.push(' ' + terms.slice(i, i + 8).join(' '));
    return out.join('\n');
  };
  return `${sense}\n obj:\n${wrap(obj)}\nSubject To\n${rows.join('\n')}\n${ints.length ? `General\n${wrap(ints)}\n` : ''}End\n`;
}

const wrapRow = (t: string[]) => t.join(' ').replace(/((?:\S+ ){24})/g, '$1\n ');

/** The column model's rows (households per class, rooms per type) and objective terms, one variable per column. */
function columnModel(s: Scenario): { rows: string[]; housedTerms: string[]; vulnTerms: string[]; costTerms: string[]; ints: string[]; columns: number } {
  const { classes, cap } = buildLp(s, 30);
  const byRoom: string[][] = cap.map(() => []);
  const classRows: string[] = [];
  const housedTerms: string[] = [];
  const vulnTerms: string[] = [];
  const costTerms: string[] = [];
  const ints: string[] = [];
  let j = 0;
  classes.forEach((c, k) => {
    const terms: string[] = [];
    for (const col of c.cols) {
      const x = `x${j++}`;
      ints.push(x);
      terms.push(`+ ${x}`);
      housedTerms.push(`+ ${c.size} ${x}`);
      if (c.vulnerable) vulnTerms.push(`+ ${c.size} ${x}`);
      costTerms.push(`+ ${col.cost.toFixed(4)} ${x}`);
      col.slots.forEach((r, i) => byRoom[r]!.push(`+ ${col.counts[i]} ${x}`));
    }
    if (terms.length) classRows.push(` c${k}: ${wrapRow(terms)} <= ${c.n}`);
  });
  const rows = [...classRows, ...byRoom.flatMap((t, r) => (t.length ? [` r${r}: ${wrapRow(t)} <= ${cap[r]}`] : []))];
  return { rows, housedTerms, vulnTerms, costTerms, ints, columns: j };
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

/**
 * Solve both stages exactly; `housedTarget` is the planner's guests housed, `vulnerableTarget` its
 * vulnerable guests housed: the cost bound is then over plans at least as good on tiers 1 and 2.
 */
export async function exactStayBounds(s: Scenario, housedTarget: number, vulnerableTarget = 0): Promise<ExactBounds> {
  const t0 = performance.now();
  const { rows, housedTerms, vulnTerms, costTerms, columns: j } = columnModel(s);
  const h0 = await highsLoader();
  const v = vulnTerms.length ? h0.solve(lpText('Maximize', vulnTerms, rows)).ObjectiveValue : 0;
  const vulnerableUpper = Math.floor(v + 1e-6);
  const hv = await highsLoader();
  const vf = vulnTerms.length
    ? Math.floor(hv.solve(lpText('Maximize', housedTerms, [...rows, ` vuln: ${wrapRow(vulnTerms)} >= ${vulnerableUpper}`])).ObjectiveValue + 1e-6)
    : Number.NaN;
  const h1 = await highsLoader();
  const a = h1.solve(lpText('Maximize', housedTerms, rows));
  const housedUpper = Math.floor(a.ObjectiveValue + 1e-6);
  const H = Math.min(housedTarget, housedUpper);
  const h2 = await highsLoader();
  const V = Math.min(vulnerableTarget, vulnerableUpper);
  const vRow = V > 0 ? [` vulnerable: ${wrapRow(vulnTerms)} >= ${V}`] : [];
  const b = h2.solve(lpText('Minimize', costTerms, [...rows, ` housed: ${wrapRow(housedTerms)} >= ${H}`, ...vRow]));
  return {
    housedUpper,
    vulnerableUpper,
    housedUpperVulnerableFirst: Number.isNaN(vf) ? housedUpper : vf,
    costLower: b.ObjectiveValue,
    columns: j,
    ms: performance.now() - t0,
  };
}

export interface MipHoused {
  /** Most vulnerable guests any integer plan houses (contract tier 1). */
  vulnerable: number;
  /** Most guests housed by integer plans housing `vulnerable` vulnerable guests (tiers 1 then 2). */
  housed: number;
  /** Most guests housed by any integer plan, vulnerable or not (the LP bound's integer twin). */
  housedAny: number;
  /** Lowest stay cost of an integer plan housing at least the targets given (NaN when not asked). */
  cost: number;
  /** HiGHS's proven lower bound on `cost` (equal when solved to optimality). */
  costLower: number;
  /** Whether every stage was solved to proven optimality within the time limit. */
  optimal: boolean;
  ms: number;
}

/**
 * The integer version of the column model: whole households in whole rooms, the same columns (up to
 * 30 minimal combinations per hotel). Stages: most vulnerable guests; most guests given that many
 * vulnerable ones (the contract's tiers 1-2); most guests regardless; and, given `target` (the
 * planner's guests and vulnerable guests housed), the lowest stay cost of a plan housing as many.
 * Each stage stops after `timeLimitS` seconds (then `optimal` is false and the best found is given).
 */
export async function exactMip(s: Scenario, target?: { housed: number; vulnerable: number }, timeLimitS = 60): Promise<MipHoused> {
  const t0 = performance.now();
  const { rows, housedTerms, vulnTerms, costTerms, ints } = columnModel(s);
  let optimal = true;
  const solve = async (sense: 'Maximize' | 'Minimize', obj: string[], extra: string[]) => {
    if (!obj.length) return { value: 0, bound: 0 };
    const sol = (await highsLoader()).solve(lpText(sense, obj, [...rows, ...extra], ints), { time_limit: timeLimitS, mip_rel_gap: 0 });
    if (sol.Status !== 'Optimal') optimal = false;
    const info = (sol as { Info?: { mip_dual_bound?: number } }).Info;
    return { value: sol.ObjectiveValue, bound: sol.Status === 'Optimal' ? sol.ObjectiveValue : (info?.mip_dual_bound ?? Number.NaN) };
  };
  const vulnRow = (v: number) => (vulnTerms.length && v > 0 ? [` vuln: ${wrapRow(vulnTerms)} >= ${v}`] : []);
  const vulnerable = Math.round((await solve('Maximize', vulnTerms, [])).value);
  const housed = Math.round((await solve('Maximize', housedTerms, vulnRow(vulnerable))).value);
  const housedAny = Math.round((await solve('Maximize', housedTerms, [])).value);
  let cost = Number.NaN;
  let costLower = Number.NaN;
  if (target) {
    const c = await solve('Minimize', costTerms, [
      ` housed: ${wrapRow(housedTerms)} >= ${Math.min(target.housed, housedAny)}`,
      ...vulnRow(Math.min(target.vulnerable, vulnerable)),
    ]);
    [cost, costLower] = [c.value, c.bound];
  }
  return { vulnerable, housed, housedAny, cost, costLower, optimal, ms: performance.now() - t0 };
}
