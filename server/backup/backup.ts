/**
 * Backups of either engine. PGlite: a gzipped copy of its data directory (the server must be
 * stopped: PGlite is single-process). PostgreSQL: `pg_dump --format=custom`, restored with
 * `pg_restore --clean`, so a backup can be taken while the server runs.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { privateDirectory } from '../paths.js';

export type BackupTarget = { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', (e) => reject(new Error(`${cmd} could not run (${e.message}); install the PostgreSQL client tools`)));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} failed (${code}): ${err.trim()}`))));
  });
}

export async function backup(target: BackupTarget, file: string): Promise<void> {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  if (target.kind === 'postgres') {
    await run('pg_dump', ['--format=custom', '--no-owner', `--file=${file}`, target.url]);
    // The whole database (password hashes, guests' details): the server's user's alone.
    chmodSync(file, 0o600);
    return;
  }
  if (!existsSync(target.dataDir)) throw new Error(`No PGlite data directory at ${target.dataDir}`);
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(target.dataDir);
  try {
    const blob = await db.dumpDataDir('gzip');
    writeFileSync(file, Buffer.from(await blob.arrayBuffer()), { mode: 0o600 });
    chmodSync(file, 0o600);
  } finally {
    await db.close();
  }
}

/** Replace the database's contents with the backup's. PGlite keeps the old directory beside it. */
export async function restore(target: BackupTarget, file: string): Promise<{ keptOldDataAt?: string }> {
  if (!existsSync(file)) throw new Error(`No backup file at ${file}`);
  if (target.kind === 'postgres') {
    await run('pg_restore', ['--clean', '--if-exists', '--no-owner', '--single-transaction', `--dbname=${target.url}`, file]);
    return {};
  }
  let keptOldDataAt: string | undefined;
  if (existsSync(target.dataDir)) {
    keptOldDataAt = `${target.dataDir}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(target.dataDir, keptOldDataAt);
    privateDirectory(keptOldDataAt);
  }
  mkdirSync(path.dirname(path.resolve(target.dataDir)), { recursive: true });
  privateDirectory(target.dataDir);
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(target.dataDir, { loadDataDir: new Blob([readFileSync(file)]) });
  await db.close();
  return keptOldDataAt ? { keptOldDataAt } : {};
}
