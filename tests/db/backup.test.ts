/** Backup and restore round trip, on the engine this run uses. */
import { mkdtempSync, rmSync } from 'node:fs';
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
