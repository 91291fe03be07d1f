/**
 * The database itself refuses a second booking of the last room, even when two transactions race.
 * PGlite runs one transaction at a time, so the real contention is only exercised on PostgreSQL
 * (CI runs this file on both).
 */
import { and, eq } from 'drizzle-orm';
import { createTestDatabase, usingPostgres, type TestDatabase } from '../helpers/db.js';
import { insertScenario } from '../../server/incidents/import.js';
import { reserveRooms } from '../../server/stays/repo.js';
import { roomTypes } from '../../server/db/schema.js';
import { scenarioSchema } from '../../shared/scenario.js';
import { buildScenario } from '../../seed/factories.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.destroy());

async function incidentWithRooms(count: number) {
  const s = scenarioSchema.parse(buildScenario());
  s.hotels = [{ ...s.hotels[0]!, roomTypes: [{ type: 'double', sleeps: 2, count, accessible: false, rateMinor: 9000 }] }];
  const { incidentId } = await db.db.transaction((tx) => insertScenario(tx, s));
  return { incidentId, hotelId: s.hotels[0]!.id };
}

async function usedOf(incidentId: string, hotelId: string) {
  const [row] = await db.db.select().from(roomTypes).where(and(eq(roomTypes.incidentId, incidentId), eq(roomTypes.hotelId, hotelId)));
  return row!;
}

test('two transactions racing for the last room: exactly one wins', async () => {
  const { incidentId, hotelId } = await incidentWithRooms(1);
  // Both transactions start, then both try to book; on PostgreSQL the second waits on the row lock
  // and then fails the CHECK; on PGlite they run one after the other with the same outcome.
  const attempt = () => db.db.transaction(async (tx) => {
    await reserveRooms(tx, incidentId, hotelId, [{ type: 'double', count: 1 }]);
    await new Promise((r) => setTimeout(r, 50)); // hold the lock while the other one tries
  });
  const results = await Promise.allSettled([attempt(), attempt()]);
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  const failure = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  expect((failure.reason as { cause?: { code?: string } }).cause?.code).toBe('23514');
  const row = await usedOf(incidentId, hotelId);
  expect(row.used).toBe(1);
  expect(row.count).toBe(1);
});

test(`200 concurrent attempts for the last 20 rooms: exactly 20 succeed (${usingPostgres() ? 'PostgreSQL' : 'PGlite'})`, async () => {
  const { incidentId, hotelId } = await incidentWithRooms(20);
  const results = await Promise.allSettled(
    Array.from({ length: 200 }, () => db.db.transaction((tx) => reserveRooms(tx, incidentId, hotelId, [{ type: 'double', count: 1 }]))),
  );
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(20);
  for (const r of results) if (r.status === 'rejected') expect((r.reason as { cause?: { code?: string } }).cause?.code).toBe('23514');
  expect((await usedOf(incidentId, hotelId)).used).toBe(20);
});

test('a room count can never be lowered below what is already booked', async () => {
  const { incidentId, hotelId } = await incidentWithRooms(3);
  await db.db.transaction((tx) => reserveRooms(tx, incidentId, hotelId, [{ type: 'double', count: 2 }]));
  await expect(db.db.update(roomTypes).set({ count: 1 }).where(eq(roomTypes.incidentId, incidentId))).rejects.toMatchObject({ cause: { code: '23514' } });
  expect((await usedOf(incidentId, hotelId)).count).toBe(3);
});
