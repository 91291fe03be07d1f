/**
 * `npm run bench`: every benchmark at a small size, one after the other (they would disturb each
 * other's figures if run at once), in under 5 minutes, and one Markdown table of figure, target and
 * met or not written to bench/RESULTS.md. Each benchmark prints its figures as `RESULT {...}` lines
 * (bench/lib/result.ts). A benchmark that fails or
 * runs out of time is listed as such with the end of its output, and the others still run.
 * Notes below the marker line in bench/RESULTS.md (full-size runs, explanations) are kept.
 *   --only name,name   run some of them
 *   BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) for the PostgreSQL ones
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { flag } from './args.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = path.join(ROOT, 'bench/RESULTS.md');
const MARKER = '<!-- Notes below this line are kept by `npm run bench`. -->';

interface Row {
  figure: string;
  value: number;
  unit: string;
  target?: string;
  met?: boolean;
  note?: string;
}
interface Step {
  name: string;
  what: string;
  size: string;
  args: string[];
  env?: Record<string, string>;
  timeoutMs: number;
}

const tsx = ['--import', 'tsx'];
const steps: Step[] = [
  {
    name: 'memory',
    what: 'Embedded server (PGlite) RSS, all processes',
    size: 'storm seed (~600 guests)',
    args: [...tsx, 'bench/memory.ts'],
    timeoutMs: 120_000,
  },
  {
    name: 'checkin',
    what: 'Reception check-in over HTTP (PostgreSQL, 1 app process)',
    size: '3,000 guests',
    args: [...tsx, 'bench/checkin.ts'],
    env: { BENCH_GUESTS: '3000' },
    timeoutMs: 150_000,
  },
  {
    name: 'status',
    what: 'Guest status pages (PostgreSQL, 1 and 2 app processes)',
    size: '2,000 tokens, 8 s per run',
    args: [...tsx, 'bench/status.ts', '--small'],
    timeoutMs: 120_000,
  },
  {
    name: 'export',
    what: 'Ledger export (PostgreSQL)',
    size: '20,000 lines',
    args: ['--max-old-space-size=256', '--expose-gc', ...tsx, 'bench/export.ts'],
    env: { BENCH_LINES: '20000', BENCH_SINGLE: '500', BENCH_DATABASE_URL: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    timeoutMs: 90_000,
  },
  {
    name: 'map',
    what: 'Console map in headless Chromium',
    size: '2,000 guests (708 households), 100 hotels, 60 vehicles',
    args: [...tsx, 'bench/map.ts', '--small'],
    timeoutMs: 120_000,
  },
  {
    name: 'plan',
    what: 'Planner (the full run with bounds is `npm run bench:plan`)',
    size: 'storm seed, 600 guests',
    args: [...tsx, 'bench/plan-small.ts'],
    timeoutMs: 60_000,
  },
];

function run(step: Step): Promise<{ out: string; code: number | null; ms: number; timedOut: boolean }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, step.args, {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '', ...step.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    const take = (d: Buffer) => {
      out += d.toString();
      process.stdout.write(
        d
          .toString()
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => `  [${step.name}] ${l}\n`)
          .join(''),
      );
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGTERM'); // its own process group: the app processes it started go too
      } catch {
        /* already gone */
      }
    }, step.timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ out, code, ms: performance.now() - t0, timedOut });
    });
  });
}

const only = flag('only')?.split(',');
const started = new Date();
const loadBefore = os.loadavg();
const logDir = mkdtempSync(path.join(os.tmpdir(), 'rc-bench-'));
const sections: { step: Step; rows: Row[]; status: string; seconds: number }[] = [];
for (const step of steps) {
  if (only && !only.includes(step.name)) continue;
  if (!existsSync(path.join(ROOT, step.args.at(-1)!.startsWith('--') ? step.args.at(-2)! : step.args.at(-1)!))) {
    sections.push({ step, rows: [], status: 'not present', seconds: 0 });
    continue;
  }
  console.log(`\n== ${step.name}: ${step.what} (${step.size})`);
  const r = await run(step);
  writeFileSync(path.join(logDir, `${step.name}.log`), r.out);
  const rows: Row[] = r.out
    .split('\n')
    .filter((l) => l.startsWith('RESULT '))
    .map((l) => JSON.parse(l.slice(7)) as Row);
  const status = r.timedOut
    ? `stopped after ${Math.round(step.timeoutMs / 1000)} s`
    : r.code === 0
      ? 'ok'
      : `failed (exit ${r.code}): ${r.out.trim().split('\n').slice(-3).join(' / ').slice(0, 300)}`;
  sections.push({ step, rows, status, seconds: r.ms / 1000 });
}
const total = (Date.now() - started.getTime()) / 1000;
const loadAfter = os.loadavg();

let commit = '';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
} catch {
  /* not a git checkout */
}
const fmt = (v: number) => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-GB') : String(Math.round(v * 100) / 100));
const lines: string[] = [
  '# Benchmark results',
  '',
  `Written by \`npm run bench\` (every benchmark at a small size) on ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, commit ${commit || 'unknown'}, ` +
    `${os.cpus().length} cores, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before and ${loadAfter.map((l) => l.toFixed(2)).join(' ')} after; ${Math.round(total)} s in all.`,
  'The machine is shared, so figures are noisy: compare runs of the same setup. Targets are the full-size ones from the issue;',
  'at the small size "met" is a first sign, not the proof (full-size runs are in the notes below).',
  '',
  '| benchmark | size | figure | value | target | met |',
  '|---|---|---|---|---|---|',
];
for (const s of sections) {
  if (!s.rows.length) lines.push(`| ${s.step.name} | ${s.step.size} | ${s.status === 'ok' ? 'no figures printed' : s.status.replace(/\|/g, '/')} | | | |`);
  for (const r of s.rows)
    lines.push(
      `| ${s.step.name} | ${s.step.size} | ${r.figure}${r.note ? ` (${r.note})` : ''} | ${fmt(r.value)} ${r.unit} | ${r.target ?? ''} | ${r.met === undefined ? '' : r.met ? 'met' : '**not met**'} |`,
    );
  if (s.rows.length && s.status !== 'ok') lines.push(`| ${s.step.name} | | ${s.status.replace(/\|/g, '/')} | | | |`);
}
lines.push('', `Run times: ${sections.map((s) => `${s.step.name} ${Math.round(s.seconds)} s`).join(', ')}.`, '', MARKER);
const kept = existsSync(RESULTS) ? (readFileSync(RESULTS, 'utf8').split(MARKER)[1] ?? '\n') : '\n';
writeFileSync(RESULTS, lines.join('\n') + kept);
console.log(`\nWrote ${path.relative(ROOT, RESULTS)} (${Math.round(total)} s; full outputs in ${logDir})`);
