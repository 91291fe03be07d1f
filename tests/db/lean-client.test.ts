/**
 * The PostgreSQL pool's client (server/db/lean-client.ts) holds `begin` back until the
 * transaction's first statement and sends both in one write, and answers `commit` itself when the
 * change's last statement already committed. Round trips are counted as the server's
 * ReadyForQuery answers, one per round trip. What a transaction means must not change: a failure
 * rolls back everything before it, the connection goes back idle, and no statement is lost.
 * PostgreSQL only (PGlite has no pool and takes the ordinary path).
 */
import { sql } from 'drizzle-orm';
import pg from 'pg';

const { Query } = pg;
import { createTestDatabase, usingPostgres, type TestDatabase } from '../helpers/db.js';
import { insertScenario } from '../../server/incidents/import.js';
import { commitWithEvents, EventBus, SYSTEM_ACTOR } from '../../server/events/log.js';
import { rowsOf } from '../../server/db/rows.js';
import { scenarioSchema } from '../../shared/scenario.js';
import { buildScenario } from '../../seed/factories.js';

const describePg = usingPostgres() ? describe : describe.skip;
if (!usingPostgres()) console.warn("\n!!! lean-client: SKIPPED on PGlite: it is the PostgreSQL pool's client (set DATABASE_URL to run it; CI does) !!!\n");

describePg('lean client', () => {
  let db: TestDatabase;
  let incidentId: string;
  let roundTrips = 0;
  const notices: string[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
    const pool = (db.db as unknown as { $client: pg.Pool }).$client;
    const watched = new WeakSet<object>();
    pool.on('acquire', (client) => {
      if (watched.has(client)) return;
      watched.add(client);
      (client as unknown as { connection: NodeJS.EventEmitter }).connection.on('readyForQuery', () => roundTrips++);
      client.on('notice', (n) => notices.push(n.message ?? ''));
    });
    const s = scenarioSchema.parse(buildScenario());
    ({ incidentId } = await db.db.transaction((tx) => insertScenario(tx, s)));
    await db.db.execute(sql`create table lean_probe (n int primary key)`);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  const counted = async <T>(fn: () => Promise<T>): Promise<{ value: T; trips: number }> => {
    const before = roundTrips;
    const value = await fn();
    return { value, trips: roundTrips - before };
  };
  const probe = async () => rowsOf<{ n: number }>(await db.db.execute(sql`select n from lean_probe order by n`)).map((r) => r.n);

  test('a change that reads, then appends with its COMMIT, takes two round trips and commits, with no warning', async () => {
    const bus = new EventBus();
    const heard: number[] = [];
    bus.on('committed', (list: { seq: number }[]) => heard.push(...list.map((e) => e.seq)));
    // Twice: the first use of each named statement on a connection sends its begin on its own.
    for (let i = 0; i < 2; i++) {
      const { value, trips } = await counted(() =>
        commitWithEvents(db.db, bus, async (tx, emit) => {
          await tx.execute(sql`select 1 from incidents where id = ${incidentId}::uuid for update`);
          const [ev] = await emit(incidentId, SYSTEM_ACTOR, [{ type: 'hotel.offered', payload: { hotelId: 'H1', name: `n${i}`, rooms: 1 } }], [], {
            last: true,
          });
          return ev!;
        }),
      );
      if (i === 1) expect(trips).toBe(2);
      expect(heard.at(-1)).toBe(value.seq);
    }
    expect(notices).toEqual([]);
  });

  test('a transaction that sends nothing costs no round trip', async () => {
    const { value, trips } = await counted(() => db.db.transaction(async () => 42));
    expect(value).toBe(42);
    expect(trips).toBe(0);
  });

  test('a statement that fails after a held begin rolls back what the transaction wrote before it', async () => {
    await expect(
      db.db.transaction(async (tx) => {
        await tx.execute(sql`insert into lean_probe values (1)`);
        await tx.execute(sql`insert into lean_probe values (1)`); // duplicate key
      }),
    ).rejects.toThrow();
    expect(await probe()).toEqual([]);
    // A thrown error in the app (no failing statement) rolls back too.
    await expect(
      db.db.transaction(async (tx) => {
        await tx.execute(sql`insert into lean_probe values (2)`);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await probe()).toEqual([]);
    await db.db.transaction(async (tx) => {
      await tx.execute(sql`insert into lean_probe values (3)`);
    });
    expect(await probe()).toEqual([3]);
  });

  test('the statements of a transaction run inside it, in order, and a savepoint still rolls back alone', async () => {
    await db.db.transaction(async (tx) => {
      const [a] = rowsOf<{ x: string }>(await tx.execute(sql`select txid_current()::text as x`));
      await tx.execute(sql`insert into lean_probe values (10)`);
      await expect(
        tx.transaction(async (sp) => {
          await sp.execute(sql`insert into lean_probe values (11)`);
          await sp.execute(sql`insert into lean_probe values (10)`); // duplicate key
        }),
      ).rejects.toThrow();
      const [b] = rowsOf<{ x: string }>(await tx.execute(sql`select txid_current()::text as x`));
      expect(b!.x).toBe(a!.x);
    });
    expect(await probe()).toEqual([3, 10]);
  });

  test('a client given back with a begin still held opens no transaction for the next borrower', async () => {
    const pool = (db.db as unknown as { $client: pg.Pool }).$client;
    const first = await pool.connect();
    await first.query('begin'); // held, never sent: the borrower gave the client back without commit
    first.release();
    const again = await pool.connect();
    try {
      expect(again).toBe(first);
      await again.query('insert into lean_probe values (20)');
      expect(again.getTransactionStatus()).toBe('I');
    } finally {
      again.release();
    }
    expect(await probe()).toContain(20);
  });

  test('a query object of its own (as a cursor is) is returned as it is, and runs after the held begin', async () => {
    const pool = (db.db as unknown as { $client: pg.Pool }).$client;
    const client = await pool.connect();
    try {
      await client.query('begin');
      const ran = new Promise<pg.QueryResult>((resolve, reject) => {
        const q = new Query('select 1 as one', [], (err: Error | undefined, res: pg.QueryResult) => (err ? reject(err) : resolve(res)));
        expect(client.query(q)).toBe(q);
      });
      expect((await ran).rows).toEqual([{ one: 1 }]);
      expect(client.getTransactionStatus()).toBe('T');
      await client.query('rollback');
      expect(client.getTransactionStatus()).toBe('I');
    } finally {
      client.release();
    }
  });

  test('a named statement whose first parse failed is parsed again once it can be', async () => {
    const pool = (db.db as unknown as { $client: pg.Pool }).$client;
    const client = await pool.connect();
    try {
      const named = { name: 'rc_lean_probe_later', text: 'select count(*)::int as c from lean_later' };
      await client.query('begin');
      await expect(client.query(named)).rejects.toThrow(/lean_later/);
      await client.query('rollback');
      await client.query('create table lean_later (n int)');
      await client.query('begin');
      const res = await client.query(named);
      await client.query('commit');
      expect(res.rows).toEqual([{ c: 0 }]);
      expect(client.getTransactionStatus()).toBe('I');
    } finally {
      client.release();
    }
  });
});
