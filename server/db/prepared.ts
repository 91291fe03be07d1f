/**
 * Queries prepared once per database handle, for the reads every status poll makes (decision 0017).
 * Drizzle builds a prepared query's SQL once; on PostgreSQL each pooled connection parses and plans
 * it once under its name, where an ordinary query is built, parsed and planned on every call. Only
 * on the database handle, never inside a transaction (a prepared query runs on the pool).
 */
import type { Db } from './client.js';

export function preparedPerDb<Q>(build: (db: Db) => Q): (db: Db) => Q {
  const cache = new WeakMap<Db, Q>();
  return (db) => {
    let query = cache.get(db);
    if (!query) cache.set(db, (query = build(db)));
    return query;
  };
}
