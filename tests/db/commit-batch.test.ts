/**
 * Changes that arrive together are written together (group commit, server/events/log.ts), and the
 * event log's promises still hold: each change is all or nothing, a failed one leaves no trace and
 * no gap, sequence numbers are consecutive, and listeners hear only committed events, in seq order.
 * Runs on both engines (PostgreSQL: DATABASE_URL).
 */
import { and, eq } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { insertScenario } from '../../server/incidents/import.js';
import { commitWithEvents, EventBus, setGroupCommit, SYSTEM_ACTOR, type StoredEvent } from '../../server/events/log.js';
import { events, hotels } from '../../server/db/schema.js';
import { scenarioSchema } from '../../shared/scenario.js';
import { buildScenario } from '../../seed/factories.js';

let db: TestDatabase;
let incidentId: string;
let hotelId: string;
beforeAll(async () => {
  setGroupCommit(true);
  db = await createTestDatabase();
  const s = scenarioSchema.parse(buildScenario());
  ({ incidentId } = await db.db.transaction((tx) => insertScenario(tx, s)));
  hotelId = s.hotels[0]!.id;
});
afterAll(async () => {
  setGroupCommit(false);
  await db?.destroy();
});

const seqsInLog = async () =>
  (await db.db.select({ seq: events.seq, type: events.type }).from(events).where(eq(events.incidentId, incidentId))).sort((a, b) => a.seq - b.seq);

test('40 concurrent changes, every fifth failing after its event: the rest commit with consecutive seqs, heard in order', async () => {
  const bus = new EventBus();
  const heard: StoredEvent[] = [];
  bus.on('committed', (list) => heard.push(...list));
  const before = (await seqsInLog()).at(-1)?.seq ?? 0;
  const results = await Promise.allSettled(
    Array.from({ length: 40 }, (_, i) =>
      commitWithEvents(db.db, bus, async (tx, emit) => {
        await tx
          .update(hotels)
          .set({ phone: `change ${i}` })
          .where(and(eq(hotels.incidentId, incidentId), eq(hotels.id, hotelId)));
        const [ev] = await emit(incidentId, SYSTEM_ACTOR, [{ type: 'hotel.offered', payload: { hotelId, name: `change ${i}`, rooms: i } }]);
        if (i % 5 === 4) throw new Error(`change ${i} refused`);
        return { i, seq: ev!.seq };
      }),
    ),
  );
  const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [[i, (r.reason as Error).message] as const] : []));
  expect(failed).toEqual(Array.from({ length: 8 }, (_, k) => [k * 5 + 4, `change ${k * 5 + 4} refused`]));
  expect(ok).toHaveLength(32);
  // The log holds exactly the committed changes' events, consecutive after what was there.
  const log = (await seqsInLog()).filter((e) => e.seq > before);
  expect(log.map((e) => e.seq)).toEqual(Array.from({ length: 32 }, (_, k) => before + 1 + k));
  expect(ok.map((o) => o.seq).sort((a, b) => a - b)).toEqual(log.map((e) => e.seq));
  // Listeners heard each committed event once, in seq order, and none of the refused ones.
  expect(heard.map((e) => e.seq)).toEqual(log.map((e) => e.seq));
  expect(heard.map((e) => (e.payload as { rooms: number }).rooms).filter((i) => i % 5 === 4)).toEqual([]);
});
