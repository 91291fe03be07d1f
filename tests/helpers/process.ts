/**
 * The product as a separate OS process, for tests that kill a replica and for benchmarks: from its
 * sources through tsx, or as `npm start` runs it (the JavaScript scripts/build-server.mjs writes).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface AppProcess {
  url: string;
  port: number;
  child: ChildProcess;
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** With `memoryProbe`: the process's own `process.memoryUsage()` (after a full GC). */
  memory?(): Promise<NodeJS.MemoryUsage>;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
}

export interface AppProcessOptions {
  /** Preload tests/helpers/memory-probe.mjs (with --expose-gc) so `memory()` can ask for its memory use. */
  memoryProbe?: boolean;
  /**
   * Run what `npm start` runs: the built JavaScript (built once per test process) with the start
   * script's own environment and Node flags, read from package.json. Otherwise the sources, through tsx.
   */
  npmStart?: boolean;
  /** More Node flags. */
  nodeFlags?: string[];
}

/**
 * The last command of package.json's start script: its `NAME=value` prefixes, Node flags and entry,
 * with `${NAME:-default}` expanded from `environ` as the shell would.
 */
export function npmStartCommand(environ: NodeJS.ProcessEnv = process.env): { env: Record<string, string>; nodeFlags: string[]; entry: string } {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start
    .split('&&')
    .at(-1)!
    .trim()
    .split(/\s+/)
    .map((w) => w.replace(/\$\{([A-Z_][A-Z0-9_]*):-([^}]*)\}/g, (_, name: string, dflt: string) => environ[name] || dflt));
  const env: Record<string, string> = {};
  while (/^[A-Z_][A-Z0-9_]*=/.test(words[0]!)) {
    const [name, ...value] = words.shift()!.split('=');
    env[name!] = value.join('=');
  }
  if (words.shift() !== 'node') throw new Error(`npm start's last command is not node: ${pkg.scripts.start}`);
  const entry = words.pop()!;
  return { env, nodeFlags: words, entry };
}

let builtOnce = false;
/** `npm run build:server`, once per test process. */
export function buildServer(): void {
  if (builtOnce) return;
  const r = spawnSync(process.execPath, ['scripts/build-server.mjs'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  if (r.status !== 0) throw new Error(`building the server failed:\n${r.stdout}${r.stderr}`);
  builtOnce = true;
}

export async function startAppProcess(env: Record<string, string>, opts: AppProcessOptions = {}): Promise<AppProcess> {
  const start = opts.npmStart ? npmStartCommand({ ...process.env, ...env }) : null;
  if (start) buildServer();
  const args = [
    ...(start?.nodeFlags ?? []),
    ...(opts.nodeFlags ?? []),
    ...(opts.memoryProbe ? ['--expose-gc', '--import', './tests/helpers/memory-probe.mjs'] : []),
    ...(start ? [start.entry] : ['--import', 'tsx', 'server/main.ts']),
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...start?.env, NODE_OPTIONS: '', PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: opts.memoryProbe ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app did not start:\n${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /Open (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`app exited with ${code}:\n${out}`)));
  });
  // Keep the output (bounded) for whoever wants to know why a process misbehaved.
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-200_000));
  child.stdout!.removeAllListeners('data');
  child.stderr!.removeAllListeners('data');
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.removeAllListeners('exit');
  const memory = opts.memoryProbe
    ? () =>
        new Promise<NodeJS.MemoryUsage>((resolve, reject) => {
          const timer = setTimeout(() => (child.off('message', onMessage), reject(new Error('no memory answer within 10 s'))), 10_000);
          const onMessage = (m: unknown) => {
            if ((m as { type?: string })?.type !== 'memory') return;
            clearTimeout(timer);
            child.off('message', onMessage);
            resolve(m as NodeJS.MemoryUsage);
          };
          child.on('message', onMessage);
          child.send('memory');
        })
    : undefined;
  return {
    url,
    port: Number(new URL(url).port),
    child,
    memory,
    output: () => out,
    kill: (signal = 'SIGKILL') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}
