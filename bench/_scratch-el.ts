import { pino } from 'pino';
import { loadConfig } from '../server/config.js';
import { startServer } from '../server/server.js';
import { loginCookie } from '../tests/helpers/socket.js';
const config = loadConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', SEED_DEMO: 'true', DEMO_PASSWORD: 'storm-demo-2026', DATA_DIR: 'memory://' });
const s = await startServer(config, { logger: pino({ level: 'silent' }) });
const cookie = await loginCookie(s.url, 'duty@demo.test', 'storm-demo-2026');
const call = async (m: string, p: string, b?: unknown) => { const r = await fetch(s.url + p, { method: m, headers: { cookie, 'content-type': 'application/json' }, body: b === undefined ? undefined : JSON.stringify(b) }); return r.json() as Promise<any>; };
const id = (await call('GET', '/api/incidents')).incidents[0].id;
for (let i = 0; i < 3; i++) {
  let last = performance.now(); let worst = 0; const iv = setInterval(() => { const n = performance.now(); worst = Math.max(worst, n - last - 5); last = n; }, 5);
  const t = performance.now();
  const pr = await call('POST', `/api/incidents/${id}/plans`, {});
  const ms = performance.now() - t;
  clearInterval(iv);
  console.log(`fresh plan answered in ${Math.round(ms)} ms; main thread's longest stall ${Math.round(worst)} ms; last ${pr.plan.metrics.lastArrivalAt}`);
}
await s.close();
