/**
 * `npm start` exactly as the README says to run it, on a fresh data directory of the embedded
 * database: it builds the server's JavaScript (scripts/build-server.mjs), runs that without a
 * TypeScript loader, creates the database in a child process, loads the storm, prints the demo
 * sign-ins, and then works end to end: a duty manager signs in, the planner runs in its worker
 * thread (a separate built module) and the plan is applied. Always on PGlite, whatever engine the
 * rest of the suite runs on: that is what a fresh machine gets.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncidentSummary } from '../../shared/api.js';
import { npmStartCommand } from '../helpers/process.js';
import { commandOf, processTree } from '../helpers/proc.js';
import { loginCookie } from '../helpers/socket.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PASSWORD = 'npm-start-test-1';
const dataRoot = mkdtempSync(path.join(os.tmpdir(), 'rc-npm-start-'));
let npm: ChildProcess;
let out = '';
let url = '';

/** Every process below `pid`, with its command line. */
const descendants = (pid: number) =>
  processTree(pid)
    .filter((p) => p !== pid)
    .map((p) => ({ pid: p, cmd: commandOf(p) }))
    .filter((p) => p.cmd);

beforeAll(async () => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_OPTIONS: '',
    DATA_DIR: path.join(dataRoot, 'pglite'),
    PORT: '0',
    SEED_DEMO: 'true',
    DEMO_PASSWORD: PASSWORD,
    MESSAGES_ENABLED: 'false',
    LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL;
  npm = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not print its address in 120 s:\n${out}`)), 120_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /Open (http:\/\/\S+)/.exec(out);
      // The banner ends with the last demo sign-in; stdout may deliver it in more than one chunk.
      if (m && /insurer@demo\.test/.test(out)) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    npm.stdout!.on('data', onData);
    npm.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    npm.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${out}`)));
  });
}, 150_000);

afterAll(async () => {
  if (npm?.pid && npm.exitCode === null) {
    const exited = new Promise((r) => npm.once('exit', r));
    process.kill(-npm.pid, 'SIGTERM');
    await exited;
  }
  rmSync(dataRoot, { recursive: true, force: true });
});

test('the server runs as built JavaScript, with no TypeScript loader, and prints the demo sign-ins', () => {
  // npm runs the script through a shell; below it, the processes themselves.
  const running = descendants(npm.pid!).filter((p) => !/^(\/bin\/)?sh /.test(p.cmd));
  const servers = running.filter((p) => p.cmd.includes('server/main'));
  expect(servers).toHaveLength(1);
  expect(servers[0]!.cmd).toMatch(/dist\/app\/server\/main\.js/);
  expect(servers[0]!.cmd).not.toMatch(/tsx/);
  // The embedded server's small young generation (NODE_SEMI_SPACE_MB unset), as the shell expanded it.
  expect(servers[0]!.cmd).toMatch(/--max-semi-space-size=2 /);
  // The start script's environment (glibc's malloc settings, decision 0017) reached the server.
  const environ = readFileSync(`/proc/${servers[0]!.pid}/environ`, 'utf8').split('\0');
  const { env } = npmStartCommand();
  expect(Object.keys(env).length).toBeGreaterThan(0);
  for (const [name, value] of Object.entries(env)) expect(environ).toContain(`${name}=${value}`);
  // Nothing is left running beside it: the database was created, and the code built, by processes that ended.
  expect(running.filter((p) => p !== servers[0])).toEqual([]);
  expect(out).toMatch(/duty@demo\.test\s+duty_manager/);
  expect(out).toContain(`password: ${PASSWORD}`);
});

test('a duty manager signs in, computes a plan in the worker and applies it; the storm is housed', async () => {
  const cookie = await loginCookie(url, 'duty@demo.test', PASSWORD);
  const call = async <T>(method: string, p: string, expected = 200): Promise<T> => {
    const res = await fetch(`${url}${p}`, { method, headers: { cookie, 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
    const text = await res.text();
    if (res.status !== expected) throw new Error(`${method} ${p}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  };
  const { incidents } = await call<{ incidents: { id: string; name: string }[] }>('GET', '/api/incidents');
  expect(incidents.length).toBeGreaterThanOrEqual(1);
  const base = `/api/incidents/${incidents[0]!.id}`;
  const proposal = await call<{ id: string; plan: { stays: unknown[] } }>('POST', `${base}/plans`, 201);
  expect(proposal.plan.stays.length).toBeGreaterThan(100);
  const before = await call<IncidentSummary>('GET', `${base}/summary`);
  await call('POST', `${base}/plans/${proposal.id}/apply`);
  const after = await call<IncidentSummary>('GET', `${base}/summary`);
  // Every household the plan gave a stay is now assigned, where before all were waiting.
  expect(before.counts.householdsByStatus).toEqual({ waiting: before.counts.households });
  expect(after.counts.householdsByStatus.assigned).toBe(proposal.plan.stays.length);
  const page = await fetch(url);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<div id="root"');
}, 120_000);
