/**
 * Prepared statements for the hot paths (decision 0017). Drizzle builds a prepared query's SQL once;
 * on PostgreSQL each pooled connection parses and plans a named statement once, where an ordinary
 * query is built, parsed and planned on every call.
 * - `preparedPerDb`: a query prepared once per database handle (the reads every status poll makes);
 *   it runs on the pool, so never inside a transaction.
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
 * `exec.execute(query)` as a named statement, so PostgreSQL parses and plans it once per connection:
 * for the hot statements that run inside a transaction, where drizzle's `.prepare()` cannot go (the
 * event append, check-in's locked read). The name is a digest of the SQL text, so the text must not
 * vary with the values (lists go as one array parameter, never spread). PGlite runs it as usual.
 */
export async function executeNamed(exec: Db | Tx, query: SQL): Promise<unknown> {
  const { session, dialect } = driverOf(exec);
  const built = dialect.sqlToQuery(query);
  let name = statementNames.get(built.sql);
  if (!name) {
    name = `rc_${createHash('sha256').update(built.sql).digest('base64url').slice(0, 24)}`;
    if (statementNames.size >= 1000) statementNames.clear();
    statementNames.set(built.sql, name);
  }
  return session.prepareQuery(built, undefined, name, false).execute();
}
const statementNames = new Map<string, string>();

/** Drizzle's session (with the driver's client) and dialect behind a handle: stable through drizzle 0.x. */
export function driverOf(exec: Db | Tx): { session: PgSession & { client: unknown }; dialect: PgDialect } {
  return exec as unknown as { session: PgSession & { client: unknown }; dialect: PgDialect };
}
