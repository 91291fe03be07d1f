/**
 * `npm run bench:export`: a 100,000-line ledger on the storm scenario.
 * - append throughput with the hash chain: perks through LedgerService (limit, cap and event
 *   included; 16 at a time, group-committed: see `npm run bench:ledger` for the full picture), and
 *   batched appends (1,000 entries per transaction) that build the rest of the ledger;
 * - CSV export time (target <= 2 s) and all formats together (target <= 6 s);
 * - peak process RSS and V8 heap, sampled every 10 ms during each export (target <= 300 MB RSS on
 *   PostgreSQL, <= 500 MB on PGlite).
 *   With PGlite the database lives in this process, so its RSS includes the database's own
 *   memory: the growth over the RSS before the exports is the export's share.
 * PGlite in a fresh data directory on disk by default, as `npm start` runs it (BENCH_PGLITE=memory
 * keeps the whole database in this process's memory instead); BENCH_DATABASE_URL=postgres://... runs
 * on a fresh PostgreSQL database.
 * Runs with a 256 MB V8 heap cap (package.json): finishing at all shows the exports stream.
 * Figures, not pass/fail.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { openDatabase, type Database } from '../server/db/client.js';
import { guests, hotels, parties, users } from '../server/db/schema.js';
import { EventBus, SYSTEM_ACTOR } from '../server/events/log.js';
import { IncidentService } from '../server/incidents/service.js';
import { LedgerService } from '../server/ledger/service.js';
import { appendEntries, lockHead, type EntryDraft } from '../server/ledger/repo.js';
import { ExportService } from '../server/exports/service.js';
import { loadLedgerSigner } from '../server/exports/signing.js';
import type { SessionUser } from '../server/auth/types.js';
import { stormScenario } from '../seed/storm.js';
import { PERK_CATEGORIES } from '../shared/ledger.js';
import { createScratchDatabase } from './scratch-db.js';
import { report } from './lib/result.js';

const LINES = Number(process.env.BENCH_LINES ?? 100_000);
const SINGLE = Number(process.env.BENCH_SINGLE ?? 2_000);
const pgAdmin = process.env.BENCH_DATABASE_URL;

const mb = (b: number) => (b / 1024 / 1024).toFixed(0);

/** Peak RSS and V8 heap while `fn` runs, sampled every 10 ms. */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number; peak: number; heap: number; before: number }> {
  const before = process.memoryUsage.rss();
  let peak = before;
  let heap = process.memoryUsage().heapUsed;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage.rss());
    heap = Math.max(heap, process.memoryUsage().heapUsed);
  };
  const timer = setInterval(sample, 10);
  const t0 = performance.now();
  try {
    const result = await fn();
    const ms = performance.now() - t0;
    sample();
    return { result, ms, peak, heap, before };
  } finally {
    clearInterval(timer);
  }
}

async function open(): Promise<{ database: Database; drop(): Promise<void> }> {
  if (!pgAdmin) {
    if (process.env.BENCH_PGLITE === 'memory') return { database: await openDatabase({ dataDir: 'memory://' }), drop: async () => {} };
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rc-bench-export-db-'));
    const database = await openDatabase({ dataDir: path.join(dataDir, 'db') });
    return {
      database,
      async drop() {
        await database.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const scratch = await createScratchDatabase(pgAdmin, `rc_bench_export_${Date.now().toString(36)}`);
  const database = await openDatabase({ databaseUrl: scratch.url });
  return {
    database,
    async drop() {
      await database.close();
      await scratch.drop();
    },
  };
}

const { database, drop } = await open();
const db = database.db;
const bus = new EventBus();
const imported = await new IncidentService(db, bus).importScenario(stormScenario(), SYSTEM_ACTOR);
const incidentId = imported.incidentId;
const [u] = await db.insert(users).values({ email: 'bench@demo.test', name: 'Bench Manager', passwordHash: 'x', role: 'duty_manager' }).returning();
const manager: SessionUser = {
  id: u!.id,
  email: u!.email,
  name: u!.name,
  role: 'duty_manager',
  incidentId: null,
  hotelId: null,
  incidentIds: [],
  spendLimitMinor: null,
};
const partyRows = await db.select({ id: parties.id }).from(parties).where(eq(parties.incidentId, incidentId));
const hotelRows = await db.select({ id: hotels.id }).from(hotels).where(eq(hotels.incidentId, incidentId));
const guestCount = (await db.select({ id: guests.id }).from(guests).where(eq(guests.incidentId, incidentId))).length;
const ledger = new LedgerService(db, bus);
console.log(`engine ${database.kind}; storm scenario: ${partyRows.length} households, ${guestCount} guests, ${hotelRows.length} hotels`);

// 1. One perk per request through the service, 16 requests at a time (group-committed).
const tSingle = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: 16 }, async () => {
    for (let i = next++; i < SINGLE; i = next++) {
      await ledger.recordPerk(incidentId, manager, {
        partyId: partyRows[i % partyRows.length]!.id,
        hotelId: hotelRows[i % hotelRows.length]!.id,
        category: PERK_CATEGORIES[i % PERK_CATEGORIES.length],
        amountMinor: 100 + (i % 5000),
        receiptRef: `R${i}`,
      });
    }
  }),
);
const singleRate = SINGLE / ((performance.now() - tSingle) / 1000);

// 2. Batched appends up to LINES (lodging nights, trips and perks; 1,000 per transaction).
const start = Date.parse('2026-10-31T22:00:00Z');
const tBatch = performance.now();
let made = SINGLE;
while (made < LINES) {
  const n = Math.min(1000, LINES - made);
  const drafts: EntryDraft[] = Array.from({ length: n }, (_, k) => {
    const i = made + k;
    const lodging = i % 3 === 0;
    return {
      kind: 'charge',
      category: lodging ? 'lodging' : i % 7 === 0 ? 'transport' : PERK_CATEGORIES[i % PERK_CATEGORIES.length]!,
      amountMinor: lodging ? 8900 : 100 + (i % 4000),
      occurredAt: new Date(start + (i % 14) * 86_400_000 + (i % 3600) * 1000),
      recordedBy: lodging ? null : manager.id,
      partyId: partyRows[i % partyRows.length]!.id,
      hotelId: hotelRows[i % hotelRows.length]!.id,
      night: lodging ? new Date(start + (i % 14) * 86_400_000).toISOString().slice(0, 10) : null,
      sourceKey: lodging ? `bench:${i}` : null,
      receiptRef: lodging ? null : `R${i}`,
      description: lodging ? 'Lodging, bench night: 1 x double @ 89.00' : 'Perk (bench)',
      note: i % 10 === 0 ? 'private note' : '',
      status: 'posted',
    };
  });
  await db.transaction(async (tx) => appendEntries(tx, await lockHead(tx, incidentId), 'GBP', drafts));
  made += n;
}
const batchRate = (LINES - SINGLE) / ((performance.now() - tBatch) / 1000);

const dir = mkdtempSync(path.join(os.tmpdir(), 'rc-bench-export-'));
const exportsSvc = new ExportService(db, ledger, loadLedgerSigner({ keyFile: path.join(dir, 'ledger-signing-key.pem') }), dir);
global.gc?.();
const baseline = process.memoryUsage.rss();
const csv = await withPeakRss(() => exportsSvc.create(incidentId, manager, {}, ['csv']));
global.gc?.();
const all = await withPeakRss(() => exportsSvc.create(incidentId, manager, {}, ['csv', 'xlsx', 'pdf']));
global.gc?.();
const verify = await withPeakRss(() => exportsSvc.verify(incidentId, all.result));
const sizes = all.result.files.map((f) => `${f.name} ${(f.bytes / 1024 / 1024).toFixed(1)} MB`).join(', ');

const peakTarget = database.kind === 'pglite' ? '<= 500' : '<= 300';
const rows: [string, string, string][] = [
  ['ledger lines', String(all.result.lines), ''],
  ['append, 1 perk per request, 16 at once (service)', `${singleRate.toFixed(0)} entries/s`, 'target >= 1,000/s'],
  ['append, 1,000 per transaction (chain)', `${batchRate.toFixed(0)} entries/s`, 'target >= 1,000/s'],
  ['CSV export', `${(csv.ms / 1000).toFixed(2)} s`, 'target <= 2 s'],
  ['CSV + XLSX + PDF export', `${(all.ms / 1000).toFixed(2)} s`, 'target <= 6 s'],
  ['verify export vs live ledger', `${(verify.ms / 1000).toFixed(2)} s`, ''],
  ['RSS before exports', `${mb(baseline)} MB`, database.kind === 'pglite' ? '(includes PGlite: the database is in this process)' : ''],
  ['peak RSS, CSV export', `${mb(csv.peak)} MB`, `target ${peakTarget} MB; +${mb(csv.peak - csv.before)} MB over its start`],
  ['peak RSS, all formats', `${mb(all.peak)} MB`, `target ${peakTarget} MB; +${mb(all.peak - all.before)} MB over its start`],
  ['peak RSS, verify', `${mb(verify.peak)} MB`, `+${mb(verify.peak - verify.before)} MB over its start`],
  ['peak V8 heap used, CSV / all / verify', `${mb(csv.heap)} / ${mb(all.heap)} / ${mb(verify.heap)} MB`, '(heap capped at 256 MB)'],
];
console.log(`files: ${sizes}; verified: ${verify.result.ok}`);
const w = Math.max(...rows.map((r) => r[0].length));
for (const [k, v, t] of rows) console.log(`${k.padEnd(w)}  ${v.padStart(16)}  ${t}`);
report({ figure: `CSV export, ${all.result.lines} lines (${database.kind})`, value: csv.ms / 1000, unit: 's', target: '<= 2' });
report({ figure: `CSV + XLSX + PDF export (${database.kind})`, value: all.ms / 1000, unit: 's', target: '<= 6' });
report({ figure: `peak RSS, all formats (${database.kind})`, value: Number(mb(Math.max(csv.peak, all.peak))), unit: 'MB', target: peakTarget });
rmSync(dir, { recursive: true, force: true });
await drop();
