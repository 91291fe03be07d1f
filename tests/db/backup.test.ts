/** Backup and restore round trip, on the engine this run uses. */
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { backup, restore } from '../../server/backup/backup.js';
import { openDatabase } from '../../server/db/client.js';
import { insertScenario } from '../../server/incidents/import.js';
import { scenarioSchema } from '../../shared/scenario.js';
import { buildScenario, buildParty } from '../../seed/factories.js';
import { createTestDatabase, usingPostgres } from '../helpers/db.js';
import type { Db } from '../../server/db/client.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'rc-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function counts(db: Db) {
  const r = await db.execute<{ incidents: number; parties: number }>(
    sql`select (select count(*)::int from incidents) as incidents, (select count(*)::int from parties) as parties`,
  );
  const rows = (r as unknown as { rows?: unknown[] }).rows ?? (r as unknown as unknown[]);
  return rows[0];
}

const scenario = (n: number) => scenarioSchema.parse(buildScenario({ parties: Array.from({ length: n }, () => buildParty()) }));

test(`backup then restore brings back exactly what was backed up (${usingPostgres() ? 'PostgreSQL' : 'PGlite'})`, async () => {
  const file = path.join(dir, usingPostgres() ? 'backup.dump' : 'backup.tar.gz');
  if (usingPostgres()) {
    const db = await createTestDatabase();
    try {
      await db.db.transaction((tx) => insertScenario(tx, scenario(3)));
      const before = await counts(db.db);
      await backup({ kind: 'postgres', url: db.url! }, file);
      await db.db.transaction((tx) => insertScenario(tx, scenario(5)));
      expect(await counts(db.db)).toEqual({ incidents: 2, parties: 8 });
      await restore({ kind: 'postgres', url: db.url! }, file);
      expect(await counts(db.db)).toEqual(before);
    } finally {
      await db.destroy();
    }
  } else {
    const dataDir = path.join(dir, 'pglite');
    let db = await openDatabase({ dataDir });
    await db.db.transaction((tx) => insertScenario(tx, scenario(3)));
    const before = await counts(db.db);
    await db.close();
    await backup({ kind: 'pglite', dataDir }, file);
    db = await openDatabase({ dataDir, migrate: false });
    await db.db.transaction((tx) => insertScenario(tx, scenario(5)));
    expect(await counts(db.db)).toEqual({ incidents: 2, parties: 8 });
    await db.close();
    const r = await restore({ kind: 'pglite', dataDir }, file);
    expect(r.keptOldDataAt).toContain('before-restore');
    db = await openDatabase({ dataDir, migrate: false });
    expect(await counts(db.db)).toEqual(before);
    await db.close();
  }
});

/**
 * PGlite writes its database files world-writable (0666) whatever the umask: with the data
 * directory 0755, any account on the machine could read or rewrite the users table, the sessions
 * and the ledger. The data directory (a new one, one an earlier version left open, a restored one
 * and the one kept beside it) is the server's user's alone, and so is a backup file.
 */
(usingPostgres() ? test.skip : test)('the embedded database, its backups and restores are closed to other accounts', async () => {
  const modeOf = (p: string) => statSync(p).mode & 0o777;
  const dataDir = path.join(dir, 'private');
  let db = await openDatabase({ dataDir });
  await db.db.transaction((tx) => insertScenario(tx, scenario(1)));
  await db.close();
  expect(modeOf(dataDir)).toBe(0o700);
  // As an earlier version left it: opened again, it is closed.
  chmodSync(dataDir, 0o755);
  db = await openDatabase({ dataDir, migrate: false });
  await db.close();
  expect(modeOf(dataDir)).toBe(0o700);
  const file = path.join(dir, 'private.tar.gz');
  await backup({ kind: 'pglite', dataDir }, file);
  expect(modeOf(file)).toBe(0o600);
  const r = await restore({ kind: 'pglite', dataDir }, file);
  expect(modeOf(r.keptOldDataAt!)).toBe(0o700);
  expect(modeOf(dataDir)).toBe(0o700);
  db = await openDatabase({ dataDir, migrate: false });
  expect(await counts(db.db)).toEqual({ incidents: 1, parties: 1 });
  await db.close();
});
