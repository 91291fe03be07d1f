/**
 * `npm run bench:memory`: resident memory of the embedded server (PGlite), all its processes.
 *
 * Starts what `npm start` runs (the built JavaScript, with its Node flags and environment) as its
 * own process on a fresh data directory (the storm is loaded on first start), signs in as a duty
 * manager, opens the console, computes a plan twice through the API (timing each answer: the first
 * on the worker the console warmed, the second once it has planned the storm) and applies it, and
 * reads the RSS of the server and every process it started from /proc after each step, and again
 * 30 s later; then restarts on the same data directory (a second start: nothing to seed) and
 * measures again.
 * Target (issue: a laptop): <= 300 MB for all processes after start + storm + plan applied.
 *   --keep-data   keep the data directory (printed)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAppProcess, type AppProcess } from '../tests/helpers/process.js';
import { loginCookie } from '../tests/helpers/socket.js';
import { describeTree, mib, treeRss } from '../tests/helpers/proc.js';
import { report } from './lib/result.js';

const password = 'storm-demo-2026';
const dataRoot = mkdtempSync(path.join(os.tmpdir(), 'rc-bench-memory-'));
const dataDir = path.join(dataRoot, 'pglite');
delete process.env.DATABASE_URL;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** RSS settles a moment after a step (GC, PGlite's buffers): the highest of a few samples over 2 s. */
async function settled(app: AppProcess): Promise<{ bytes: number; processes: number }> {
  let best = { bytes: 0, processes: 0 };
  for (let i = 0; i < 4; i++) {
    await sleep(500);
    const r = treeRss(app.child.pid!);
    if (r.bytes > best.bytes) best = r;
  }
  if (best.processes > 1) console.log(`  processes: ${describeTree(app.child.pid!).join('; ')}`);
  const m = await app.memory!();
  console.log(
    `  (server process after GC: rss ${mib(m.rss)} MB, V8 heap used ${mib(m.heapUsed)} of ${mib(m.heapTotal)} MB, external ${mib(m.external)} MB, array buffers ${mib(m.arrayBuffers)} MB)`,
  );
  return best;
}

const env = { DATA_DIR: dataDir, SEED_DEMO: 'true', DEMO_PASSWORD: password, LOG_LEVEL: 'warn', MESSAGES_ENABLED: 'false' };
const rows: [string, number, number][] = [];
let app = await startAppProcess(env, { memoryProbe: true, npmStart: true });
try {
  const afterStart = await settled(app);
  rows.push(['first start (storm seeded)', mib(afterStart.bytes), afterStart.processes]);

  const cookie = await loginCookie(app.url, 'duty@demo.test', password);
  const call = async <T>(method: string, p: string): Promise<T> => {
    const res = await fetch(`${app.url}${p}`, { method, headers: { cookie, 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${(await res.text()).slice(0, 300)}`);
    return (await res.json()) as T;
  };
  const { incidents } = await call<{ incidents: { id: string }[] }>('GET', '/api/incidents');
  const base = `/api/incidents/${incidents[0]!.id}`;
  await call('GET', `${base}/state`);
  await call('GET', `${base}/summary`);
  // A person reads the console for a moment before computing (it warms the planner: PLANNER_PREWARM).
  await sleep(Number(process.env.READ_MS ?? 3000));
  // A duty manager's "Compute plan", twice: the first answer comes from a new planner worker, the
  // second from the same worker with its code compiled (server/planner/worker.ts).
  const timed = async () => {
    const t = performance.now();
    const p = await call<{ id: string }>('POST', `${base}/plans`);
    return { id: p.id, ms: Math.round(performance.now() - t) };
  };
  const cold = await timed();
  const again = await timed();
  console.log(`  fresh plan answered in ${cold.ms} ms (first, on the worker the console warmed), then ${again.ms} ms`);
  await call('POST', `${base}/plans/${again.id}/apply`);
  await call('GET', `${base}/state`);
  await call('GET', `${base}/summary`);
  const afterPlan = await settled(app);
  rows.push(['+ plan computed and applied, console loaded', mib(afterPlan.bytes), afterPlan.processes]);
  // What stays: the planner's worker and the plan's garbage are given back over the next seconds.
  await sleep(30_000);
  const idle = await settled(app);
  rows.push(['  the same, 30 s later (idle)', mib(idle.bytes), idle.processes]);

  await app.kill('SIGTERM');
  app = await startAppProcess(env, { memoryProbe: true, npmStart: true });
  const restart = await settled(app);
  rows.push(['second start (same data directory)', mib(restart.bytes), restart.processes]);

  console.log(
    `\nEmbedded server (PGlite) resident memory, all processes (load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}):`,
  );
  for (const [what, mb, n] of rows) console.log(`  ${what.padEnd(46)} ${String(mb).padStart(5)} MB  (${n} process${n === 1 ? '' : 'es'})`);
  const worst = Math.max(...rows.map((r) => r[1]));
  report({ figure: 'RSS after first start with the storm seeded', value: rows[0]![1], unit: 'MB', target: '<= 300' });
  report({ figure: 'RSS after a plan computed and applied', value: rows[1]![1], unit: 'MB', target: '<= 300' });
  report({ figure: 'RSS 30 s after the plan, idle', value: rows[2]![1], unit: 'MB', target: '<= 300' });
  report({ figure: 'RSS after a second start', value: rows[3]![1], unit: 'MB', target: '<= 300' });
  report({ figure: 'fresh storm plan answered (POST plans), first of the night', value: cold.ms, unit: 'ms', target: '<= 1000' });
  report({ figure: 'fresh storm plan answered, computed again', value: again.ms, unit: 'ms', target: '<= 1000' });
  console.log(
    `\nSummary: embedded server RSS ${mib(afterPlan.bytes)} MB after start + storm + plan applied, max ${worst} MB (target <= 300 MB: ${worst <= 300 ? 'met' : 'NOT met'})`,
  );
} finally {
  await app.kill('SIGTERM');
  if (process.argv.includes('--keep-data')) console.log(`data kept in ${dataDir}`);
  else rmSync(dataRoot, { recursive: true, force: true });
}
