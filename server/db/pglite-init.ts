/**
 * Creates a new PGlite data directory (initdb) and exits: run as a short-lived child process by
 * `openDatabase`, because initdb grows PGlite's WebAssembly memory to ~570 MB and a WebAssembly
 * memory never shrinks; the server then opens the finished directory at ~150 MB (decision 0017).
 */
import { PGlite } from '@electric-sql/pglite';
import { pgliteStartParams } from './pglite-settings.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: pglite-init <data directory>');
const db = await PGlite.create(dir, { startParams: pgliteStartParams() });
await db.close();
