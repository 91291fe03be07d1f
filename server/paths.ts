/**
 * Where the project's files are, whether the server runs from its TypeScript sources (tests, `npm
 * run dev`, the CLIs through tsx) or from the JavaScript `npm start` builds into dist/app/ (no tsx
 * loaded: ~36 MB less resident, decision 0017). Files that are not code (migrations, the client
 * build, the client's sources) are always found from the project's root.
 */
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The nearest folder above this file that holds the project's package.json. */
export const ROOT = (() => {
  for (let dir = here; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No package.json above ${here}`);
  }
})();

/** True when this code runs from its .ts sources (through tsx), false when built. */
export const FROM_SOURCES = import.meta.url.endsWith('.ts');

/** A module of the server's own beside `fromUrl`, as it exists in this mode (.ts or .js). */
export function ownModule(fromUrl: string, relativeTs: string): string {
  return fileURLToPath(new URL(FROM_SOURCES ? relativeTs : relativeTs.replace(/\.ts$/, '.js'), fromUrl));
}

/** Node flags a child process needs to run `ownModule`'s file: tsx when from sources. */
export const CHILD_EXEC_ARGV: readonly string[] = FROM_SOURCES ? ['--import', 'tsx'] : [];

export const CLIENT_DIST = path.join(ROOT, 'dist/client');
export const MIGRATIONS_DIR = path.join(ROOT, 'server/db/migrations');

/**
 * A directory only this server's user may enter (0700): made so when new, and an existing one is
 * closed to the machine's other users (chmod fails loudly when it is not ours). PGlite writes its
 * database files world-writable (0666), whatever the umask: the directory is what keeps the users
 * table, the sessions and the ledger from any other account on the machine.
 */
export function privateDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
}
