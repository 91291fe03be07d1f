/**
 * `npm run bench:ledger`: single perk records appended to the hash-chained ledger, each its own
 * call of `LedgerService.recordPerk` (as one HTTP request would make it), from many members of
 * staff at once: reception at every hotel (staff limit checked) and a few duty managers.
 *
 * The storm scenario with a plan applied (so reception's households are staying at its hotel);
 * entries/s at several concurrencies (BENCH_CONCURRENCY, default 1,8,32,64), then the chain is
 * verified and seq checked gap-free. PGlite in memory, then PostgreSQL on a fresh database when
 * DATABASE_URL (or BENCH_DATABASE_URL) is set. Figures, not pass/fail; target >= 1,000 entries/s.
 */
import { eq } from 'drizzle-orm';
import { openDatabase, type Database } from '../server/db/client.js';
import { hotels, stays } from '../server/db/schema.js';
import { EventBus, SYSTEM_ACTOR } from '../server/events/log.js';
import { IncidentService } from '../server/incidents/service.js';
import { PlanService } from '../server/plans/service.js';
import { LedgerService } from '../server/ledger/service.js';
import { insertUser } from '../server/auth/repo.js';
import type { SessionUser } from '../server/auth/types.js';
import { stormScenario } from '../seed/storm.js';
import { PERK_CATEGORIES } from '../shared/ledger.js';
import { createScratchDatabase } from './scratch-db.js';

const PER_LEVEL = Number(process.env.BENCH_ENTRIES ?? 3000);
const LEVELS = (process.env.BENCH_CONCURRENCY ?? '1,8,32,64').split(',').map(Number);
const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;

async function openPostgres(adminUrl: string): Promise<{ database: Database; drop(): Promise<void> }> {
  const scratch = await createScratchDatabase(adminUrl, `rc_bench_ledger_${Date.now().toString(36)}`);
  const database = await openDatabase({ databaseUrl: scratch.url, poolSize: 10 });
  return {
    database,
    async drop() {
      await database.close();
      await scratch.drop();
    },
  };
}

interface Work {
  user: SessionUser;
  partyId: string;
  hotelId?: string;
}

async function run(database: Database): Promise<void> {
  const db = database.db;
  const bus = new EventBus();
  const { incidentId } = await new IncidentService(db, bus).importScenario(stormScenario(), SYSTEM_ACTOR);
  const plans = new PlanService(db, bus);
  const proposal = await plans.propose(
    incidentId,
    (await insertUser(db, { email: 'bench-planner@demo.test', name: 'Planner', role: 'duty_manager', passwordHash: 'x' }))!,
  );
  await plans.apply(incidentId, proposal.id, SYSTEM_ACTOR);
  // Reception records perks for households that have arrived: every stay is checked in.
  await db.update(stays).set({ status: 'checked_in', checkedInAt: new Date() }).where(eq(stays.incidentId, incidentId));
  const hotelRows = await db.select({ id: hotels.id }).from(hotels).where(eq(hotels.incidentId, incidentId));
  const stayRows = await db.select({ partyId: stays.partyId, hotelId: stays.hotelId }).from(stays).where(eq(stays.incidentId, incidentId));
  const byHotel = new Map<string, string[]>();
  for (const s of stayRows) byHotel.set(s.hotelId, [...(byHotel.get(s.hotelId) ?? []), s.partyId]);

  // Staff: two receptionists per hotel with guests (limit checked) and four duty managers.
  const staff: { user: SessionUser; parties: string[] }[] = [];
  for (const h of hotelRows) {
    const parties = byHotel.get(h.id);
    if (!parties?.length) continue;
    for (let k = 0; k < 2; k++) {
      const email = `bench-rec-${h.id}-${k}@demo.test`.toLowerCase();
      const id = await insertUser(db, { email, name: `Reception ${h.id} ${k}`, role: 'reception', passwordHash: 'x', incidentId, hotelId: h.id });
      staff.push({
        user: { id, email, name: `Reception ${h.id} ${k}`, role: 'reception', incidentId, hotelId: h.id, incidentIds: [], spendLimitMinor: null },
        parties,
      });
    }
  }
  const allParties = stayRows.map((s) => s.partyId);
  for (let k = 0; k < 4; k++) {
    const email = `bench-duty-${k}@demo.test`;
    const id = await insertUser(db, { email, name: `Duty ${k}`, role: 'duty_manager', passwordHash: 'x' });
    staff.push({
      user: { id, email, name: `Duty ${k}`, role: 'duty_manager', incidentId: null, hotelId: null, incidentIds: [], spendLimitMinor: null },
      parties: allParties,
    });
  }
  const hotelOf = new Map(stayRows.map((s) => [s.partyId, s.hotelId]));
  const ledger = new LedgerService(db, bus);
  console.log(`\nengine ${database.kind}: storm scenario, ${stayRows.length} households placed at ${byHotel.size} hotels; ${staff.length} staff`);

  let i = 0;
  const next = (): Work => {
    const s = staff[i % staff.length]!;
    const partyId = s.parties[Math.floor(i / staff.length) % s.parties.length]!;
    i += 1;
    return { user: s.user, partyId, hotelId: s.user.role === 'reception' ? undefined : hotelOf.get(partyId) };
  };
  const rows: string[] = [];
  for (const concurrency of LEVELS) {
    let done = 0;
    let pending = 0;
    const latencies: number[] = [];
    const t0 = performance.now();
    const worker = async () => {
      while (done + pending < PER_LEVEL) {
        pending += 1;
        const w = next();
        const started = performance.now();
        await ledger.recordPerk(incidentId, w.user, {
          partyId: w.partyId,
          hotelId: w.hotelId,
          category: PERK_CATEGORIES[i % PERK_CATEGORIES.length],
          amountMinor: 100 + (i % 2500),
          receiptRef: `B${i}`,
        });
        latencies.push(performance.now() - started);
        pending -= 1;
        done += 1;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const secs = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1);
    rows.push(
      `  concurrency ${String(concurrency).padStart(3)}: ${String(Math.round(done / secs)).padStart(6)} entries/s  (${done} perks in ${secs.toFixed(2)} s; latency p50 ${p(0.5)} ms, p99 ${p(0.99)} ms)`,
    );
    console.log(rows.at(-1));
  }
  const check = await ledger.verifyChain(incidentId);
  console.log(`  chain: ${check.ok ? 'verified' : 'BROKEN'} (${check.checked} entries, head #${check.headSeq})`);
}

await run(await openDatabase({ dataDir: 'memory://' })).catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
if (pgUrl) {
  const { database, drop } = await openPostgres(pgUrl);
  try {
    await run(database);
  } finally {
    await drop();
  }
} else console.log('\n(PostgreSQL skipped: set DATABASE_URL or BENCH_DATABASE_URL to run it too)');
