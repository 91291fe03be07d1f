/**
 * A process delivers its own changes' events to its sockets from memory (they were published on its
 * bus after commit) instead of reading them back from the log, and everything else (another
 * process's changes, events its bus had not published yet) from the log. Either way every client
 * gets each committed event once, in seq order, exactly as the log holds it.
 * Needs the real PostgreSQL (LISTEN/NOTIFY): skipped, and said so, without DATABASE_URL.
 */
import pino from 'pino';
import { and, eq } from 'drizzle-orm';
import { createTestDatabase, usingPostgres, type TestDatabase } from '../helpers/db.js';
import { insertScenario } from '../../server/incidents/import.js';
import { commitWithEvents, EventBus } from '../../server/events/log.js';
import { eventsSince } from '../../server/events/repo.js';
import { listenForEvents, type EventListener } from '../../server/realtime/notify.js';
import { toLive } from '../../server/realtime/delivery.js';
import { hotels } from '../../server/db/schema.js';
import { scenarioSchema } from '../../shared/scenario.js';
import { buildScenario } from '../../seed/factories.js';
import type { LiveEvent } from '../../shared/realtime.js';

const describePg = usingPostgres() ? describe : describe.skip;
if (!usingPostgres()) console.warn('notify-own: SKIPPED on PGlite (set DATABASE_URL to run it on PostgreSQL)');

describePg('delivering a process own events without reading them back', () => {
  let db: TestDatabase;
  let listener: EventListener;
  let incidentId: string;
  let hotelId: string;
  const own = new EventBus();
  const delivered: LiveEvent[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const s = scenarioSchema.parse(buildScenario());
    ({ incidentId } = await db.db.transaction((tx) => insertScenario(tx, s)));
    hotelId = s.hotels[0]!.id;
    listener = await listenForEvents(db.url!, db.db, pino({ level: 'silent' }), (list) => delivered.push(...list), { ownEvents: { bus: own, toLive } });
  });
  afterAll(async () => {
    await listener?.close();
    await db?.destroy();
  });

  const change = (bus: EventBus, i: number) =>
    commitWithEvents(db.db, bus, async (tx, emit) => {
      await tx
        .update(hotels)
        .set({ phone: `change ${i}` })
        .where(and(eq(hotels.incidentId, incidentId), eq(hotels.id, hotelId)));
      await emit(incidentId, { userId: null, name: `actor ${i}` }, [
        { type: 'hotel.offered', payload: { hotelId, name: `change ${i}`, rooms: i } },
        { type: 'hotel.offered', payload: { hotelId, name: `change ${i} again`, rooms: i + 1 } },
      ]);
    });
  const until = async (pred: () => boolean) => {
    for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 25));
  };

  test("own changes and another process's, one after the other and all at once: each event once, in order, as the log holds it", async () => {
    const other = new EventBus();
    const before = { ...listener.deliveries };
    // One at a time, own then other: the own ones are in memory by their notification's turn or read back.
    for (let i = 0; i < 6; i++) await change(i % 2 ? other : own, i);
    // Then forty at once, mixed.
    await Promise.all(Array.from({ length: 40 }, (_, i) => change(i % 3 ? own : other, 100 + i)));
    const log = await eventsSince(db.db, incidentId, 0, 10_000);
    expect(log).toHaveLength(2 * 46);
    await until(() => delivered.length >= log.length);
    expect(delivered.map((e) => e.seq)).toEqual(log.map((e) => e.seq));
    // What went out from memory is what the log holds, field for field.
    expect(JSON.parse(JSON.stringify(delivered))).toEqual(JSON.parse(JSON.stringify(log)));
    // Another process's changes are read back; this process's own are mostly not.
    const fromMemory = listener.deliveries.fromMemory - before.fromMemory;
    const fromLog = listener.deliveries.fromLog - before.fromLog;
    console.log(`deliveries: ${fromMemory} from memory, ${fromLog} from the log`);
    expect(fromLog).toBeGreaterThan(0);
    expect(fromMemory).toBeGreaterThan(0);
  }, 60_000);
});
