/**
 * The API's route table, read from the source: app.ts's mounts and direct routes plus every
 * feature router's `r.get/post/...` lines. The authorization matrix (tests/api/roles.test.ts),
 * the fuzzer and the CSRF test (tests/security/) all check their tables against it, so a route
 * added without a row fails them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Every `METHOD /api/...` the app serves, sorted, e.g. `POST /api/incidents/:incidentId/plans`. */
export function declaredRoutes(): string[] {
  const app = readFileSync(path.join(ROOT, 'server/app.ts'), 'utf8');
  const mounts = new Map<string, string>();
  for (const m of app.matchAll(/app\.use\(\s*'(\/api[^']*)'\s*,\s*(\w+)\(/g)) mounts.set(m[2]!, m[1]!);
  const out: string[] = [];
  for (const m of app.matchAll(/app\.(get|post|put|patch|delete)\(\s*'(\/api[^']*)'/g)) out.push(`${m[1]!.toUpperCase()} ${m[2]}`);
  const serverDir = path.join(ROOT, 'server');
  for (const dir of readdirSync(serverDir)) {
    const file = path.join(serverDir, dir, 'routes.ts');
    if (!existsSync(file)) continue;
    const src = readFileSync(file, 'utf8');
    // A file may export several routers: each owns the routes up to the next `export function`.
    const starts = [...src.matchAll(/export function (\w+)\(/g)];
    starts.forEach((f, i) => {
      const mount = mounts.get(f[1]!);
      if (!mount) return;
      const body = src.slice(f.index, starts[i + 1]?.index ?? src.length);
      for (const r of body.matchAll(/\br\.(get|post|put|patch|delete)\(\s*'([^']*)'/g)) out.push(`${r[1]!.toUpperCase()} ${mount}${r[2] === '/' ? '' : r[2]}`);
    });
  }
  return out.sort();
}

/** `POST /api/x/:id` -> method, path pattern and the names of its parameters in order. */
export function parseRoute(route: string): { method: Method; pattern: string; params: string[] } {
  const [method, pattern] = route.split(' ') as [string, string];
  return { method: method.toLowerCase() as Method, pattern, params: [...pattern.matchAll(/:(\w+)/g)].map((m) => m[1]!) };
}

/** Fill a pattern's `:params` (each value URL-encoded as one path segment). */
export function fillPath(pattern: string, values: Record<string, string>): string {
  return pattern.replace(/:(\w+)/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`no value for :${name} in ${pattern}`);
    return encodeURIComponent(values[name]!);
  });
}

export const isMutating = (route: string): boolean => !/^(GET|HEAD|OPTIONS) /.test(route);
