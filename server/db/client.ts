/**
 * One typed database handle over either engine: PGlite embedded (the default, no install) or a
 * PostgreSQL server (DATABASE_URL). Both run the same migrations and the same queries.
 */
import { fork } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema.js';
import { CHILD_EXEC_ARGV, MIGRATIONS_DIR, ownModule, privateDirectory } from '../paths.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle has the same query API as the database. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbKind = 'pglite' | 'postgres';

export interface Database {
  db: Db;
  kind: DbKind;
  /** Raw connection string for PostgreSQL (socket adapter, LISTEN); undefined on PGlite. */
  url?: string;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string;
  /** PGlite data directory; `memory://` keeps it in memory. */
  dataDir?: string;
  /** PGlite only: start from a dump made by `dumpDataDir` (tests: migrate once, restore many). */
  loadDataDir?: Blob;
  migrate?: boolean;
  poolSize?: number;
}

/** Open the database and (by default) bring its schema up to date. */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  const database = opts.databaseUrl ? await openPostgres(opts.databaseUrl, opts.poolSize) : await openPglite(opts.dataDir ?? 'memory://', opts.loadDataDir);
  if (opts.migrate !== false) await migrateDatabase(database);
  return database;
}

async function openPostgres(url: string, poolSize = 10): Promise<Database> {
  const { default: pg } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  // bigint columns come back as JS numbers: sequence numbers and pence stay well inside 2^53.
  pg.types.setTypeParser(20, (v) => Number(v));
  // A connection attempt to a database that is down fails within 5 s rather than hanging the request
  // (answered 503 by the error middleware); TCP keepalive notices a vanished server on idle clients.
  const { LeanClient } = await import('./lean-client.js');
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000, keepAlive: true, Client: LeanClient });
  pool.on('error', () => {
    /* a dropped idle connection is replaced on next use; queries report their own errors */
  });
  // pg-pool listens for errors only on idle clients. A client checked out by a transaction that is
  // between two queries when the server goes away (restart, failover) emits 'error' with no
  // listener, which would crash the process; its next query fails and the request answers 503.
  pool.on('connect', (client) => client.on('error', () => undefined));
  pool.on('release', (_err, client) => (client as unknown as InstanceType<typeof LeanClient>).released());
  const db = drizzle(pool, { schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    url,
    ping: () => ping(db),
    close: () => pool.end(),
  };
}

async function openPglite(dataDir: string, loadDataDir?: Blob): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { pgliteStartParams } = await import('./pglite-settings.js');
  if (!dataDir.startsWith('memory://')) {
    mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true });
    // Before initdb writes a file into it (an account that opened one while it was open keeps it).
    privateDirectory(dataDir);
    if (!loadDataDir && !existsSync(path.join(dataDir, 'PG_VERSION'))) await initPgliteInChild(dataDir);
  }
  const client = await PGlite.create(dataDir, { startParams: pgliteStartParams(), ...(loadDataDir ? { loadDataDir } : {}) });
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    ping: () => ping(db),
    close: () => client.close(),
    // exposed for tests that snapshot a migrated database
    ...({ pglite: client } as object),
  };
}

/** initdb for a new data directory in a child process, so its ~570 MB of WebAssembly memory is given back (decision 0017). */
async function initPgliteInChild(dataDir: string): Promise<void> {
  const script = ownModule(import.meta.url, './pglite-init.ts');
  const child = fork(script, [dataDir], { execArgv: [...CHILD_EXEC_ARGV], stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => resolve(c));
  });
  if (code !== 0) throw new Error(`Could not create the PGlite data directory ${dataDir} (exit code ${code})`);
}

const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006', '08007']);
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|not queryable|Cannot use a pool after calling end/;

/**
 * True when `err` (or its cause, as drizzle wraps driver errors) says the database could not be
 * reached or went away mid-query: the request should be answered 503 "try again", not 500.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && (UNAVAILABLE_SQLSTATES.has(e.code) || UNAVAILABLE_ERRNOS.has(e.code))) return true;
    if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message)) return true;
    if (e instanceof AggregateError && e.errors.some((x) => isDatabaseUnavailable(x))) return true;
  }
  return false;
}

async function ping(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}

/** Apply checked-in SQL migrations; re-running is a no-op. */
export async function migrateDatabase(database: Database): Promise<void> {
  if (database.kind === 'postgres') {
    const { migrate } = await import('drizzle-orm/node-postgres/migrator');
    await migrate(database.db as never, { migrationsFolder: MIGRATIONS_DIR });
  } else {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(database.db as never, { migrationsFolder: MIGRATIONS_DIR });
  }
}
