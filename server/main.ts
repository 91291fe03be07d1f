/** `npm start`: build the client if needed, open the database (PGlite unless DATABASE_URL), serve. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadConfig } from './config.js';
import { CLIENT_DIST, ROOT } from './paths.js';
import { startServer } from './server.js';

const t0 = performance.now();
const config = loadConfig();

if (!existsSync(path.join(CLIENT_DIST, 'index.html'))) {
  console.log('Building the web client (first start only)...');
  await buildClientInChild();
}

const running = await startServer(config);
const ms = Math.round(performance.now() - t0);
// One write, so whoever reads the output (a person, a script, a test) sees the banner whole.
const banner = [
  `\nRelocation coordinator ready in ${ms} ms on ${running.database.kind === 'pglite' ? `embedded PGlite (${config.DATA_DIR})` : 'PostgreSQL'}`,
  `Open ${running.url}\n`,
];
if (running.demoLogins.length) {
  banner.push(`Demo sign-ins (password: ${config.DEMO_PASSWORD}):`);
  for (const l of running.demoLogins) banner.push(`  ${l.email.padEnd(22)} ${l.role.padEnd(13)} ${l.note}`);
} else if (config.SEED_DEMO) {
  banner.push(
    `Demo sign-ins (created on first start; password: ${config.DEMO_PASSWORD}): admin@demo.test, duty@demo.test, duty2@demo.test, reception@demo.test, insurer@demo.test`,
  );
}
console.log(banner.join('\n'));

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

/**
 * `vite build` as a child process: building in the server's own process left ~500 MB resident for
 * good (decision 0017); a child gives all of it back when it exits.
 */
async function buildClientInChild(): Promise<void> {
  const require = createRequire(import.meta.url);
  const viteBin = path.join(path.dirname(require.resolve('vite/package.json')), 'bin/vite.js');
  const configFile = path.join(ROOT, 'client/vite.config.ts');
  const child = spawn(process.execPath, [viteBin, 'build', '--config', configFile, '--logLevel', 'warn'], {
    stdio: 'inherit',
    // Always the production build: a server started with NODE_ENV=development (the benchmarks do)
    // would otherwise ship React's development bundle, half again as large, to every phone.
    env: { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'production' },
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => resolve(c));
  });
  if (code !== 0) throw new Error(`Building the web client failed (exit code ${code}); run \`npm run build:client\` to see why.`);
}
