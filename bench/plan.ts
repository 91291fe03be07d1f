/**
 * `npm run bench:plan [-- --quick] [-- --shapes-10k]`: planner against bounds and the naive planner.
 * Bounds: exact stay LP by HiGHS up to 10,000 guests; at 100,000 the LP is too big for HiGHS in
 * WebAssembly here, so its Lagrangian dual (a weaker but valid bound) is used and marked "~".
 */
import { generateScenario, type Shape } from '../seed/generate.js';
import { stormScenario } from '../seed/storm.js';
import { computeMetrics, naivePlan, planRelocation as planWall, validatePlan, type PlanOptions } from '../shared/planner/index.js';
import type { Plan } from '../shared/plan.js';
import { scenarioSchema, type Scenario } from '../shared/scenario.js';
import { stayBounds } from './lp-bound.js';
import { exactStayBounds } from './lp-highs.js';
import { replanCase } from './replan-case.js';

const args = new Set(process.argv.slice(2));
/** The machine is shared: the planner's deadlines run on this process's CPU time so others' load does not cut its search. */
const cpuClock = () => process.cpuUsage().user / 1000;
export const planCpu = (s: Scenario, o: PlanOptions = {}): Plan & { wallMs?: number } => {
  const t = performance.now();
  const p = planWall(s, { clock: cpuClock, ...o });
  return Object.assign(p, { wallMs: Math.round(performance.now() - t) });
};
const quick = args.has('--quick');

interface Case {
  name: string;
  make: () => Scenario;
  replan?: boolean;
}

const gen = (guests: number, shape: Shape = 'normal', seed = 1) => () => scenarioSchema.parse(generateScenario({ guests, shape, seed }));
const cases: Case[] = [
  { name: 'storm (seed)', make: () => scenarioSchema.parse(stormScenario()), replan: true },
  { name: '600 normal', make: gen(600) },
  { name: '600 scarce-rooms', make: gen(600, 'scarce-rooms') },
  { name: '600 many-pets', make: gen(600, 'many-pets') },
  { name: '600 many-wheelchair', make: gen(600, 'many-wheelchair') },
  { name: '600 far-hotels', make: gen(600, 'far-hotels') },
  { name: '10k normal', make: gen(10_000), replan: true },
  ...(args.has('--shapes-10k') ? (['scarce-rooms', 'many-pets', 'many-wheelchair', 'far-hotels'] as const).map((sh) => ({ name: `10k ${sh}`, make: gen(10_000, sh) })) : []),
  ...(quick ? [] : [{ name: '100k normal', make: gen(100_000) }]),
];

const pct = (a: number, b: number) => `${((a / b - 1) * 100).toFixed(2)}%`;
const mins = (s: Scenario, iso: string | null) => (iso ? ((Date.parse(iso) - Date.parse(s.incident.startedAt)) / 60_000).toFixed(0) : '-');
const money = (minor: number) => (minor / 100).toFixed(0);

const rows: string[][] = [['case', 'guests', 'cpu ms cold (warm) [wall]', 'vuln. housed / UB', 'housed / UB / UB vuln-first', 'stay cost vs LB', 'last arr. min', 'naive last', 'earlier', 'transport', 'naive transport', 'naive housed', 'naive stay vs LB', 'valid']];
const replans: string[][] = [['case', 'hotel', 're-plan cpu ms (warm)', 'displaced', 'moved', 'moved/displaced', 'housed re/scratch', 'stay cost vs scratch']];

for (const c of cases) {
  const s = c.make();
  const guests = s.parties.reduce((n, p) => n + p.guests.length, 0);
  const cold = planCpu(s);
  const plan = guests <= 20_000 ? planCpu(s) : cold;
  const m = computeMetrics(s, plan);
  const naive = naivePlan(s);
  const n = computeMetrics(s, naive);
  const ok = validatePlan(s, plan).ok && validatePlan(s, naive).ok;
  let ub: number;
  let lb: number;
  let mark = '';
  let vub = '-';
  let ubv = '-';
  if (guests <= 10_000) {
    const e = await exactStayBounds(s, m.peopleHoused);
    [ub, lb] = [e.housedUpper, e.costLower];
    vub = String(e.vulnerableUpper);
    ubv = String(e.housedUpperVulnerableFirst);
  } else {
    const b = stayBounds(s, m.peopleHoused, { costGuess: m.stayCostMinor, iterations: 400, combosPerHotel: 8 });
    [ub, lb, mark] = [b.housedUpper, b.costLower, '~'];
  }
  const t0 = Date.parse(s.incident.startedAt);
  const earlier = m.lastArrivalAt && n.lastArrivalAt ? `${((1 - (Date.parse(m.lastArrivalAt) - t0) / (Date.parse(n.lastArrivalAt) - t0)) * 100).toFixed(1)}%` : '-';
  rows.push([c.name, String(guests), `${cold.metrics.solveMs} (${plan.metrics.solveMs}) [${cold.wallMs}]`, `${m.vulnerableHoused} / ${vub}`, `${m.peopleHoused} / ${mark}${ub} / ${ubv}`, `${pct(m.stayCostMinor, lb)} ${mark}`, mins(s, m.lastArrivalAt), mins(s, n.lastArrivalAt), earlier, money(m.transportCostMinor), money(n.transportCostMinor), String(n.peopleHoused), `${pct(n.stayCostMinor, lb)} ${mark}`, ok ? 'yes' : 'NO']);
  console.error(`done ${c.name}`);
  if (c.replan) {
    const r = replanCase(s, plan, planCpu);
    replans.push([c.name, r.hotelId, `${r.replanMs} (${r.replanWarmMs})`, String(r.displaced), String(r.moved), r.displaced ? (r.moved / r.displaced).toFixed(2) : '-', `${r.housedReplan}/${r.housedScratch}`, pct(r.costReplan, r.costScratch)]);
  }
}

const table = (t: string[][]) => {
  const w = t[0]!.map((_, i) => Math.max(...t.map((r) => r[i]!.length)));
  return t.map((r, k) => `| ${r.map((x, i) => x.padEnd(w[i]!)).join(' | ')} |` + (k === 0 ? `\n|${w.map((x) => '-'.repeat(x + 2)).join('|')}|` : '')).join('\n');
};
console.log(table(rows));
console.log('\nLB/UB: exact stay LP (HiGHS) up to 10k guests; "~" = Lagrangian dual of the same LP (400 subgradient steps, 8 cheapest combinations per hotel and size), weaker, used at 100k because the full LP is too large for HiGHS-wasm within the run.');
console.log('"earlier" = how much sooner the last household arrives than with the naive planner, counted from the incident start. ms = planner CPU time (its own clock) of a first run (cold JIT) and, up to 20k guests, a second run; [wall] = wall time of the first run on this shared machine.\n');
console.log(table(replans));
