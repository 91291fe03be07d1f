/**
 * `npm run bench:plan [-- --quick] [-- --no-100k]`: the planner, both objectives, against bounds and
 * the hand greedy (shared/planner/naive.ts).
 * - housed vs the column-model LP bound (every household class's minimal room combinations per
 *   hotel as columns, room types as rows), solved exactly by HiGHS up to 10,000 guests; at 100,000
 *   its Lagrangian dual (weaker, marked "~");
 * - housed vs the integer optimum of the same column model under tiers 1-2 (most vulnerable guests,
 *   then most guests), HiGHS branch-and-bound, on the cases up to 1,000 guests (60 s per stage);
 * - stay cost vs that LP's lowest stay cost for the planner's number of guests housed, and (in
 *   brackets) for plans at least as good on tiers 1-2 (as many guests and vulnerable guests housed);
 * - last arrival vs the seats-and-wheelchair-spaces relaxation (shared/planner/bound.ts) and vs the
 *   greedy's; the greedy must never beat the planner on tiers 1-2.
 * Three 600-700-guest shapes (storm-like, scarce, needs-heavy), 10,000 and 100,000 guests (in a
 * worker thread, as the server runs large plans).
 */
import { generateScenario, type Shape } from '../seed/generate.js';
import {
  computeMetrics,
  lastArrivalBound,
  losesOnHousing,
  naivePlan,
  planRelocation as planWall,
  validatePlan,
  type PlanOptions,
} from '../shared/planner/index.js';
import type { Plan } from '../shared/plan.js';
import { scenarioSchema, type PlanObjective, type Scenario } from '../shared/scenario.js';
import { runPlannerInWorker } from '../server/planner/worker.js';
import { stayBounds } from './lp-bound.js';
import { exactMip, exactStayBounds } from './lp-highs.js';
import { replanCase } from './replan-case.js';

const args = new Set(process.argv.slice(2));
/**
 * The machine is shared: ms figures are this process's CPU time, and above 1,500 households so are
 * the planner's deadlines, so others' load does not cut its search (below, deadlines count work).
 */
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
  worker?: boolean;
}

const gen =
  (guests: number, shape: Shape = 'normal', seed = 1) =>
  () =>
    scenarioSchema.parse(generateScenario({ guests, shape, seed }));
const cases: Case[] = [
  { name: '669 storm-like', make: gen(669), replan: true },
  { name: '650 scarce', make: gen(650, 'scarce') },
  { name: '640 needs-heavy', make: gen(640, 'needs-heavy') },
  ...(quick ? [] : [{ name: '10k normal', make: gen(10_000) }]),
  ...(quick || args.has('--no-100k') ? [] : [{ name: '100k normal', make: gen(100_000), worker: true }]),
];
const OBJECTIVES: PlanObjective[] = ['shelter', 'cost'];
/** The integer optimum per case (it does not depend on the objective). */
const mips: Record<string, Awaited<ReturnType<typeof exactMip>>> = {};

const pct = (a: number, b: number) => `${((a / b - 1) * 100).toFixed(2)}%`;
const hhmm = (iso: string | null) => (iso ? iso.slice(11, 16) : '-');
const mins = (s: Scenario, iso: string | null) => (iso ? (Date.parse(iso) - Date.parse(s.incident.startedAt)) / 60_000 : NaN);

const rows: string[][] = [
  [
    'case',
    'objective',
    'guests',
    'ms (warm) [wall]',
    'vuln. housed / greedy',
    'housed / LP UB',
    'housed / MIP (tiers 1-2)',
    'stay cost vs LP LB (tiers 1-2)',
    'last min (HH:MM)',
    'bound min',
    'last/bound',
    'greedy last',
    'sooner than greedy',
    'vuln. last',
    'mean min',
    'transport',
    'greedy housed',
    'beaten?',
    'valid',
  ],
];
const replans: string[][] = [
  ['case', 'hotel', 're-plan ms (warm)', 'displaced', 'moved', 'moved/displaced', 'locked trips kept', 'housed re/scratch', 'stay cost vs scratch', 'valid'],
];

for (const c of cases) {
  const s = c.make();
  const guests = s.parties.reduce((n, p) => n + p.guests.length, 0);
  const naive = naivePlan(s);
  const n = computeMetrics(s, naive);
  for (const objective of OBJECTIVES) {
    let plan: Plan & { wallMs?: number };
    let warm = '';
    if (c.worker) {
      const t = performance.now();
      plan = await runPlannerInWorker({ scenario: s, objective });
      plan.wallMs = Math.round(performance.now() - t);
    } else {
      plan = planCpu(s, { objective });
      warm = ` (${planCpu(s, { objective }).metrics.solveMs})`;
    }
    const m = computeMetrics(s, plan);
    const ok = validatePlan(s, plan).ok && validatePlan(s, naive).ok;
    let ub: number;
    let lb: number;
    let mark = '';
    let lbTiers = Number.NaN;
    let mip = '-';
    if (guests <= 10_000) {
      const e = await exactStayBounds(s, m.peopleHoused);
      [ub, lb] = [e.housedUpper, e.costLower];
      lbTiers = (await exactStayBounds(s, m.peopleHoused, m.vulnerableHoused)).costLower;
      if (guests <= 1000) {
        const x = (mips[c.name] ??= await exactMip(s, undefined, 60));
        mip = `${m.peopleHoused} / ${x.optimal ? '' : '>='}${x.housed} (${((m.peopleHoused / x.housed) * 100).toFixed(2)}%)`;
      }
    } else {
      const b = stayBounds(s, m.peopleHoused, { costGuess: m.stayCostMinor, iterations: 400, combosPerHotel: 8 });
      [ub, lb, mark] = [b.housedUpper, b.costLower, '~'];
    }
    const bound = lastArrivalBound(s, plan);
    const last = mins(s, m.lastArrivalAt);
    const nl = mins(s, n.lastArrivalAt);
    rows.push([
      c.name,
      objective,
      String(guests),
      `${plan.metrics.solveMs}${warm} [${plan.wallMs}]${c.worker ? ' worker' : ''}`,
      `${m.vulnerableHoused} / ${n.vulnerableHoused}`,
      `${m.peopleHoused} / ${mark}${ub} (${((m.peopleHoused / ub) * 100).toFixed(2)}%)`,
      mip,
      `${pct(m.stayCostMinor, lb)} ${mark}${Number.isNaN(lbTiers) ? '' : `(${pct(m.stayCostMinor, lbTiers)})`}`,
      `${last.toFixed(0)} (${hhmm(m.lastArrivalAt)})`,
      mins(s, bound).toFixed(0),
      (last / mins(s, bound)).toFixed(2),
      nl.toFixed(0),
      `${((1 - last / nl) * 100).toFixed(1)}%`,
      mins(s, m.vulnerableLastArrivalAt).toFixed(0),
      String(m.meanArrivalMinutes ?? '-'),
      (m.transportCostMinor / 100).toFixed(0),
      String(n.peopleHoused),
      losesOnHousing(m, n) ? 'YES' : 'no',
      ok ? 'yes' : 'NO',
    ]);
    console.error(`done: ${rows[rows.length - 1]!.join(' | ')}`);
    if (c.replan && objective === 'shelter') {
      // Wall time: the process's CPU clock also counts other threads (HiGHS's, V8's collector
      // freeing what the bounds above left), which tripled this ~20-60 ms figure in some runs.
      const r = replanCase(s, plan, planWall);
      replans.push([
        c.name,
        r.hotelId,
        `${r.replanMs} (${r.replanWarmMs})`,
        String(r.displaced),
        String(r.moved),
        r.displaced ? (r.moved / r.displaced).toFixed(2) : '-',
        `${r.lockedKept}/${r.locked}`,
        `${r.housedReplan}/${r.housedScratch}`,
        pct(r.costReplan, r.costScratch),
        r.valid ? 'yes' : 'NO',
      ]);
    }
  }
}

const table = (t: string[][]) => {
  const w = t[0]!.map((_, i) => Math.max(...t.map((r) => r[i]!.length)));
  return t
    .map((r, k) => `| ${r.map((x, i) => x.padEnd(w[i]!)).join(' | ')} |` + (k === 0 ? `\n|${w.map((x) => '-'.repeat(x + 2)).join('|')}|` : ''))
    .join('\n');
};
console.log(table(rows));
console.log(
  '\nMIP: the integer column model (whole households in whole rooms) solved by HiGHS: most vulnerable guests, then most guests; ">=" = stopped at 60 s, best integer plan found.',
);
console.log(
  'LP UB/LB: column-model LP solved by HiGHS up to 10k guests; "~" = its Lagrangian dual (400 subgradient steps, 8 cheapest combinations per hotel and size), weaker, at 100k.',
);
console.log(
  'bound = seats, wheelchair spaces, nearest beds and accessible rooms relaxation of rule 9 (shared/planner/bound.ts) for the households the plan houses; minutes from the incident start.',
);
console.log(
  'ms = planner CPU time (its own clock) of a first run and a second (warm) run; [wall] = wall time on this shared machine; 100k runs in a worker thread (wall clock). Re-plan ms: wall time.\n',
);
console.log(table(replans));
