/**
 * The tables a bulk change fills are analysed right after it commits (server/db/statistics.ts):
 * PGlite runs no autovacuum, so without this its planner never learns how many guests an
 * incident has, and on a server the first minute after an import plans from stale counts.
 * `pg_class.reltuples` is what ANALYZE sets: -1 (never analysed) or 0 until it has run.
 */
import { sql } from 'drizzle-orm';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn } from '../helpers/api.js';
import { rowsOf } from '../../server/db/rows.js';

let server: TestServer;
afterAll(async () => server?.close());

const count = async (table: 'guests' | 'stays' | 'trip_riders') =>
  Number(rowsOf<{ n: number }>(await server.db.db.execute(sql`select count(*)::int as n from ${sql.identifier(table)}`))[0]!.n);
const estimate = async (table: string) =>
  Number(rowsOf<{ n: number }>(await server.db.db.execute(sql`select reltuples::int as n from pg_class where relname = ${table} and relkind = 'r'`))[0]!.n);

/** Wait (up to 10 s) until the planner's estimate of `table` is its real row count. */
async function analysed(table: 'guests' | 'stays' | 'trip_riders'): Promise<{ rows: number; estimate: number }> {
  const rows = await count(table);
  const deadline = Date.now() + 10_000;
  let seen = await estimate(table);
  while (seen !== rows && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    seen = await estimate(table);
  }
  return { rows, estimate: seen };
}

test('the storm imported at start, then a plan applied: the tables they filled are analysed', async () => {
  server = await startTestServer();
  const guests = await analysed('guests');
  expect(guests.rows).toBeGreaterThan(500);
  expect(guests.estimate).toBe(guests.rows);
  expect(await estimate('stays')).toBeLessThanOrEqual(0);

  const duty = await signIn(server.url, DEMO.duty);
  const incidentId = (await duty.get('/api/incidents').expect(200)).body.incidents[0].id as string;
  const proposal = (await duty.post(`/api/incidents/${incidentId}/plans`).expect(201)).body;
  await duty.post(`/api/incidents/${incidentId}/plans/${proposal.id}/apply`).expect(200);
  for (const table of ['stays', 'trip_riders'] as const) {
    const t = await analysed(table);
    expect(t.rows).toBeGreaterThan(100);
    expect(t.estimate).toBe(t.rows);
  }
});
