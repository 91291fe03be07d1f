/**
 * A fresh, migrated database for each test file, on the engine the run asks for:
 * real PostgreSQL when DATABASE_URL is set (a new database cloned from a migrated template),
 * otherwise PGlite in memory (restored from a migrated dump, ~10x faster than migrating).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type Database } from '../../server/db/client.js';
import { MIGRATIONS_DIR } from '../../server/paths.js';

function migrationsHash(): string {
  const h = createHash('sha256');
  for (const f of readdirSync(MIGRATIONS_DIR, { recursive: true }).map(String).sort()) {
    const p = path.join(MIGRATIONS_DIR, f);
    if (f.endsWith('.sql') || f.endsWith('.json')) h.update(f).update(readFileSync(p));
  }
  return h.digest('hex').slice(0, 12);
}

export const usingPostgres = (): boolean => Boolean(process.env.DATABASE_URL);

export interface TestDatabase extends Database {
  /** Drop the database (PostgreSQL) or close it (PGlite). */
  destroy(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  return usingPostgres() ? createPostgres(process.env.DATABASE_URL!) : createPglite();
}

async function createPglite(): Promise<TestDatabase> {
  const dump = path.join(os.tmpdir(), `rc-pglite-${migrationsHash()}.tar.gz`);
  if (!existsSync(dump)) {
    const fresh = await openDatabase({ dataDir: 'memory://' });
    const file = await (fresh as unknown as { pglite: { dumpDataDir(c: 'gzip'): Promise<Blob> } }).pglite.dumpDataDir('gzip');
    const tmp = `${dump}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(tmp, Buffer.from(await file.arrayBuffer()));
    renameSync(tmp, dump);
    await fresh.close();
  }
  const database = await openDatabase({ dataDir: 'memory://', loadDataDir: new Blob([readFileSync(dump)]), migrate: false });
  return { ...database, destroy: () => database.close() };
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function createPostgres(adminUrl: string): Promise<TestDatabase> {
  const template = `rc_tmpl_${migrationsHash()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query('select pg_advisory_lock(424242)');
    const exists = await admin.query('select 1 from pg_database where datname = $1', [template]);
    if (exists.rowCount === 0) {
      await admin.query(`create database "${template}"`);
      const t = await openDatabase({ databaseUrl: withDatabase(adminUrl, template), poolSize: 1 });
      await t.close();
    }
    const name = `rc_t_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    await admin.query(`create database "${name}" template "${template}"`);
    await admin.query('select pg_advisory_unlock(424242)');
    const database = await openDatabase({ databaseUrl: withDatabase(adminUrl, name), migrate: false });
    return {
      ...database,
      async destroy() {
        await database.close();
        const c = new pg.Client({ connectionString: adminUrl });
        await c.connect();
        await c.query(`drop database if exists "${name}" with (force)`);
        await c.end();
      },
    };
  } finally {
    await admin.end();
  }
}
