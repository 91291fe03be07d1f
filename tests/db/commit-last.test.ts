/**
 * A change's last append can carry its COMMIT (`emit(..., { last: true })`, server/events/log.ts):
 * on PostgreSQL the named statement and the COMMIT go in one write (server/db/lean-client.ts), so
 * the incident's lock is not held while the answer travels back to the app. The log's
 * promises must hold exactly as for any change: the values arrive byte for byte, whatever they
 * hold; a statement that fails commits nothing and leaves no gap; listeners hear only what
 * committed, once; the connection goes back to the pool clean. Runs on both engines
 * (PGlite takes the ordinary path).
 */
import { and, eq, sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { insertScenario } from '../../server/incidents/import.js';
import { commitWithEvents, EventBus, SYSTEM_ACTOR, type StoredEvent } from '../../server/events/log.js';
import { events, hotels, incidents } from '../../server/db/schema.js';
import { scenarioSchema } from '../../shared/scenario.js';
import { buildScenario } from '../../seed/factories.js';

let db: TestDatabase;
let incidentId: string;
let hotelId: string;
beforeAll(async () => {
  db = await createTestDatabase();
  const s = scenarioSchema.parse(buildScenario());
  ({ incidentId } = await db.db.transaction((tx) => insertScenario(tx, s)));
  hotelId = s.hotels[0]!.id;
});
afterAll(async () => {
  await db?.destroy();
});

const lastSeq = async () => (await db.db.select({ s: incidents.lastSeq }).from(incidents).where(eq(incidents.id, incidentId)))[0]!.s;
const hotelPhone = async () =>
  (
    await db.db
      .select({ p: hotels.phone })
      .from(hotels)
      .where(and(eq(hotels.incidentId, incidentId), eq(hotels.id, hotelId)))
  )[0]!.p;

/** A change whose only statement is its last append, with a hotel's phone written by the same statement. */
const change = (bus: EventBus, name: string, phone: string, failing = false) =>
  commitWithEvents(db.db, bus, async (_tx, emit) => {
    const [ev] = await emit(
      incidentId,
      SYSTEM_ACTOR,
      [{ type: 'hotel.offered', payload: { hotelId, name, rooms: 3 } }],
      [
        () => sql`update hotels set phone = ${phone} where incident_id = ${incidentId}::uuid and id = ${hotelId}`,
        // A failing write: a negative capacity breaks the room types' check constraint.
        ...(failing ? [() => sql`update room_types set count = -1 where incident_id = ${incidentId}::uuid`] : []),
      ],
      { last: true },
    );
    return ev!;
  });

const awkward = [
  `O'Brien's "family"`,
  String.raw`back\slash \' \\ and \n not a newline`,
  'a real\nnewline and a tab\t',
  '$1 $2 $10 :1 ? %s',
  `''; commit; drop table events; --`,
  'emoji 🌊🏨 and Ünïcödé ßø',
  `E'escape' U&'\\0041'`,
];

test('values of every awkward shape arrive exactly, in the event and in the rows written with it', async () => {
  const bus = new EventBus();
  for (const text of awkward) {
    const before = await lastSeq();
    const ev = await change(bus, text, `phone ${text}`);
    expect(ev.seq).toBe(before + 1);
    const [stored] = await db.db
      .select()
      .from(events)
      .where(and(eq(events.incidentId, incidentId), eq(events.seq, ev.seq)));
    expect(stored!.payload).toEqual({ hotelId, name: text, rooms: 3 });
    expect(await hotelPhone()).toBe(`phone ${text}`);
  }
  expect(
    await db.db
      .select({ n: sql<number>`count(*)::int` })
      .from(events)
      .where(eq(events.incidentId, incidentId)),
  ).toEqual([{ n: await lastSeq() }]);
});

test('a last statement that fails commits nothing, leaves no gap, is not heard, and the next change goes through', async () => {
  const bus = new EventBus();
  const heard: StoredEvent[] = [];
  bus.on('committed', (list) => heard.push(...list));
  await change(bus, 'before', 'phone before');
  const seq = await lastSeq();
  await expect(change(bus, 'refused', 'phone refused', true)).rejects.toThrow();
  expect(await lastSeq()).toBe(seq);
  expect(await hotelPhone()).toBe('phone before');
  const after = await change(bus, 'after', 'phone after');
  expect(after.seq).toBe(seq + 1);
  expect(heard.map((e) => [e.seq, (e.payload as { name: string }).name])).toEqual([
    [seq, 'before'],
    [seq + 1, 'after'],
  ]);
});

test('many changes at once, each committing with its last statement: consecutive seqs, all written, connections clean', async () => {
  const bus = new EventBus();
  const heard: StoredEvent[] = [];
  bus.on('committed', (list) => heard.push(...list));
  const before = await lastSeq();
  const done = await Promise.all(Array.from({ length: 30 }, (_, i) => change(bus, `at once ${i}`, `phone ${i}`)));
  expect(done.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, k) => before + 1 + k));
  // Each heard once. In-process listeners may hear two changes committed back to back in either order
  // on PostgreSQL (sockets are served from LISTEN, in commit order: tests/realtime); each change's own
  // events stay in order.
  expect(heard.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, k) => before + 1 + k));
  expect(await lastSeq()).toBe(before + 30);
  // No connection was returned to the pool inside a transaction: a plain read sees no open one.
  const open = await db.db.execute(
    sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`,
  );
  expect((open as unknown as { rows: { n: number }[] }).rows[0]!.n).toBe(0);
});
