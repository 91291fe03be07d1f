/**
 * `npm start` runs the server as JavaScript: this writes server/, shared/ and seed/ to dist/app/,
 * one file for each file (esbuild strips the types; nothing is bundled, so every relative import
 * and `new URL(..., import.meta.url)` still points where it did), and no TypeScript loader stays
 * resident in the server (~36 MB, decision 0017). It takes about a second and runs on every
 * start, so what runs is never older than the sources.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist/app');
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['server/**/*.ts', 'shared/**/*.ts', 'seed/**/*.ts'],
  outdir,
  outbase: '.',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
