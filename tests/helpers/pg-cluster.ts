/**
 * A private PostgreSQL cluster for tests that stop and start the database server: initdb into a
 * temp dir, a free loopback port, pg_ctl. The shared server on 5432 is never touched (other test
 * files use it at the same time). PostgreSQL refuses to run as root, so as root the cluster runs
 * as the `postgres` OS user (runuser). `privateClusterUnavailable()` says why it cannot be done here.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

function pgBin(): string | null {
  if (process.env.PG_BIN && existsSync(path.join(process.env.PG_BIN, 'initdb'))) return process.env.PG_BIN;
  for (const v of ['17', '16', '15', '14']) {
    const dir = `/usr/lib/postgresql/${v}/bin`;
    if (existsSync(path.join(dir, 'initdb'))) return dir;
  }
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    if (existsSync(path.join(dir, 'initdb'))) return dir;
  } catch {
    /* no pg_config */
  }
  return null;
}

function osUser(name: string): { uid: number; gid: number } | null {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : null;
  } catch {
    return null;
  }
}

const isRoot = () => process.getuid?.() === 0;

/** Why a private cluster cannot be started here, or null when it can. */
export function privateClusterUnavailable(): string | null {
  if (!pgBin()) return 'PostgreSQL server binaries (initdb, pg_ctl) not found; set PG_BIN';
  if (isRoot() && !osUser('postgres')) return 'running as root and there is no `postgres` OS user to run the cluster as';
  return null;
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

export interface PgCluster {
  port: number;
  /** Connection string for a database of this cluster (user postgres, trust auth). */
  url(database?: string): string;
  createDatabase(name: string): Promise<string>;
  /** Fast shutdown (clients are disconnected), wait for it. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** pg_ctl restart -m fast. */
  restart(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startPgCluster(): Promise<PgCluster> {
  const bin = pgBin();
  const why = privateClusterUnavailable();
  if (!bin || why) throw new Error(`cannot start a private PostgreSQL cluster: ${why}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rc-pgcluster-'));
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  const owner = isRoot() ? osUser('postgres') : null;
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const as = (cmd: string, args: string[]) => (owner ? run('runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args]) : run(path.join(bin, cmd), args));
  const port = await freePort();
  await as('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  // Sockets only on loopback TCP and in the cluster's own dir; small and unsynced (tests only).
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=32MB -c max_connections=60`;
  const start = () => as('pg_ctl', ['-D', data, '-l', log, '-o', opts, '-w', '-t', '30', 'start']).then(() => undefined);
  const stop = () => as('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']).then(() => undefined);
  await start();
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    port,
    url,
    async createDatabase(name) {
      const c = new pg.Client({ connectionString: url() });
      await c.connect();
      try {
        await c.query(`create database "${name}"`);
      } finally {
        await c.end();
      }
      return url(name);
    },
    stop,
    start,
    restart: () => as('pg_ctl', ['-D', data, '-l', log, '-o', opts, '-m', 'fast', '-w', '-t', '30', 'restart']).then(() => undefined),
    async destroy() {
      await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '30', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
