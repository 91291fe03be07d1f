/** `npm start`: build the client if needed, open the database (PGlite unless DATABASE_URL), serve. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from './config.js';
import { CLIENT_DIST } from './app.js';
import { startServer } from './server.js';

const t0 = performance.now();
const config = loadConfig();

if (!existsSync(path.join(CLIENT_DIST, 'index.html'))) {
  console.log('Building the web client (first start only)...');
  const { build } = await import('vite');
  await build({ configFile: path.resolve(CLIENT_DIST, '../../client/vite.config.ts'), logLevel: 'warn' });
}

const running = await startServer(config);
const ms = Math.round(performance.now() - t0);
console.log(`\nRelocation coordinator ready in ${ms} ms on ${running.database.kind === 'pglite' ? `embedded PGlite (${config.DATA_DIR})` : 'PostgreSQL'}`);
console.log(`Open ${running.url}\n`);
if (running.demoLogins.length) {
  console.log(`Demo sign-ins (password: ${config.DEMO_PASSWORD}):`);
  for (const l of running.demoLogins) console.log(`  ${l.email.padEnd(22)} ${l.role.padEnd(13)} ${l.note}`);
} else if (config.SEED_DEMO) {
  console.log(`Demo sign-ins (created on first start; password: ${config.DEMO_PASSWORD}): admin@demo.test, duty@demo.test, duty2@demo.test, reception@demo.test, insurer@demo.test`);
}

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
