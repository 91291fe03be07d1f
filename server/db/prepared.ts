/**
 * Prepared statements for the hot paths (decision 0017). Drizzle builds a prepared query's SQL once;
 * on PostgreSQL each pooled connection parses and plans a named statement once, where an ordinary
 * query is built, parsed and planned on every call.
 * - `preparedPerDb`: a query prepared once per database handle (the reads every status poll makes);
 *   it runs on the pool, so never inside a transaction.
 * - `batchedPerDb`: a read on the pool that the requests arriving together share (the hot reads of
 *   status polls and check-ins), one round trip for all of them.
 * - `executeNamed`: one statement run under a name inside a transaction.
 */
import { createHash } from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import type { PgDialect, PgSession } from 'drizzle-orm/pg-core';
import type { Db, Tx } from './client.js';

export function preparedPerDb<Q>(build: (db: Db) => Q): (db: Db) => Q {
  const cache = new WeakMap<Db, Q>();
  return (db) => {
    let query = cache.get(db);
    if (!query) cache.set(db, (query = build(db)));
    return query;
  };
}

/**
 * One read shared by the callers that ask within one turn of the event loop: each asks for a key
 * and gets its own answer, and `read` runs once per turn (at `setImmediate`) for up to `max` keys.
 * Under load each request's round trip to PostgreSQL (a write that wakes its backend) costs the app
 * more than the read itself; this makes it one per turn. A failed read fails each of its callers.
 * On the pool only, never inside a transaction (the read sees what is committed when it runs).
 */
export function batchedPerDb<R>(read: (db: Db, keys: string[]) => Promise<Map<string, R>>, max = 500): (db: Db) => (key: string) => Promise<R | undefined> {
  return preparedPerDb((db) => {
    type Waiter = { resolve: (row: R | undefined) => void; reject: (err: unknown) => void };
    let waiting = new Map<string, Waiter[]>();
    let scheduled = false;
    const flush = () => {
      scheduled = false;
      const batch = waiting;
      waiting = new Map();
      const keys = [...batch.keys()];
      for (let i = 0; i < keys.length; i += max) {
        const some = keys.slice(i, i + max);
        read(db, some).then(
          (found) => {
            for (const k of some) for (const w of batch.get(k)!) w.resolve(found.get(k));
          },
          (err: unknown) => {
            for (const k of some) for (const w of batch.get(k)!) w.reject(err);
          },
        );
      }
    };
    return (key) =>
      new Promise<R | undefined>((resolve, reject) => {
        const list = waiting.get(key);
        if (list) list.push({ resolve, reject });
        else waiting.set(key, [{ resolve, reject }]);
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
  });
}

/**
 * `exec.execute(query)` as a named statement, so PostgreSQL parses and plans it once per connection:
 * for the hot statements that run inside a transaction, where drizzle's `.prepare()` cannot go (the
 * event append, check-in's locked read). The name is a digest of the SQL text, so the text must not
 * vary with the values (lists go as one array parameter, never spread). PGlite runs it as usual.
 */
export async function executeNamed(exec: Db | Tx, query: SQL): Promise<unknown> {
  const { session, dialect } = driverOf(exec);
  const built = dialect.sqlToQuery(query);
  return session.prepareQuery(built, undefined, statementName(built.sql), false).execute();
}

/** A prepared statement's name: a digest of its SQL text, the same in every process. */
export function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `rc_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`;
    if (statementNames.size >= 1000) statementNames.clear();
    statementNames.set(text, name);
  }
  return name;
}
const statementNames = new Map<string, string>();

/** Drizzle's session (with the driver's client) and dialect behind a handle: stable through drizzle 0.x. */
export function driverOf(exec: Db | Tx): { session: PgSession & { client: unknown }; dialect: PgDialect } {
  return exec as unknown as { session: PgSession & { client: unknown }; dialect: PgDialect };
}
