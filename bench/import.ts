/**
 * `npm run bench:import`: start-up time to first answer on a fresh PGlite data directory, and the
 * time to import the storm scenario and a 10,000-guest scenario on PGlite and on PostgreSQL
 * (BENCH_DATABASE_URL, default the local server's `test` database; a fresh database per run).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type Database } from '../server/db/client.js';
import { EventBus, SYSTEM_ACTOR } from '../server/events/log.js';
import { IncidentService } from '../server/incidents/service.js';
import { stormScenario } from '../seed/storm.js';
import { generateScenario } from '../seed/generate.js';
import { startAppProcess } from '../tests/helpers/process.js';

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const rows: string[][] = [];

async function startupToFirstAnswer(): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rc-bench-'));
  const t0 = performance.now();
  const app = await startAppProcess({ DATA_DIR: path.join(dir, 'pglite'), SEED_DEMO: 'true' });
  const res = await fetch(`${app.url}/api/health`);
  const ms = performance.now() - t0;
  if (!res.ok) throw new Error('health failed');
  await app.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

async function timeImports(label: string, database: Database) {
  const service = new IncidentService(database.db, new EventBus());
  for (const [name, scenario] of [
    ['storm (607 guests)', stormScenario()],
    ['generated 10,000 guests', generateScenario({ guests: 10_000, seed: 7 })],
  ] as const) {
    const t0 = performance.now();
    const r = await service.importScenario(scenario, SYSTEM_ACTOR);
    rows.push([label, name, `${r.counts.parties} households`, `${Math.round(performance.now() - t0)} ms`]);
  }
}

console.log('Measuring start-up (fresh PGlite data directory, storm seed, until /api/health answers)...');
const startup = await startupToFirstAnswer();
rows.push(['PGlite', 'start-up to first answer (incl. migrate + seed)', '', `${Math.round(startup)} ms`]);

const lite = await openDatabase({ dataDir: 'memory://' });
await timeImports('PGlite', lite);
await lite.close();

const name = `rc_bench_${Date.now().toString(36)}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`create database "${name}"`);
const u = new URL(adminUrl);
u.pathname = `/${name}`;
const server = await openDatabase({ databaseUrl: u.toString() });
try {
  await timeImports('PostgreSQL', server);
} finally {
  await server.close();
  await admin.query(`drop database "${name}" with (force)`);
  await admin.end();
}

const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
