/**
 * `npm run backup -- FILE` and `npm run restore -- FILE`, for the database `npm start` uses
 * (DATABASE_URL, else PGlite under DATA_DIR; stop the server first when on PGlite).
 */
import { loadConfig } from '../config.js';
import { backup, restore, type BackupTarget } from '../backup/backup.js';

const [mode, file] = process.argv.slice(2);
if ((mode !== 'backup' && mode !== 'restore') || !file) {
  console.error('usage: npm run backup -- FILE   |   npm run restore -- FILE');
  process.exit(2);
}
const config = loadConfig();
const target: BackupTarget = config.DATABASE_URL ? { kind: 'postgres', url: config.DATABASE_URL } : { kind: 'pglite', dataDir: config.DATA_DIR };
const t0 = performance.now();
try {
  if (mode === 'backup') {
    await backup(target, file);
    console.log(`Backed up ${target.kind} to ${file} in ${Math.round(performance.now() - t0)} ms.`);
  } else {
    const r = await restore(target, file);
    console.log(
      `Restored ${target.kind} from ${file} in ${Math.round(performance.now() - t0)} ms.${r.keptOldDataAt ? ` The previous data is kept at ${r.keptOldDataAt}.` : ''}`,
    );
  }
} catch (e) {
  console.error((e as Error).message);
  process.exitCode = 1;
}
