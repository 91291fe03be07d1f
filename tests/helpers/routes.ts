/**
 * The API's route table, as the server declares and mounts it (server/app.ts API_ROUTES, one row per
 * route with who may call it; docs/decisions/0018). The authorization matrix (tests/api/roles.test.ts),
 * the fuzzer and the CSRF test (tests/security/) all check their tables against it, so a route
 * added without a row fails them; `mountedRoutes` reads what Express really serves.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Express } from 'express';
import { API_ROUTES } from '../../server/app.js';
import { routeKey, type Route } from '../../server/http/route.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Every `METHOD /api/...` the table declares, sorted, e.g. `POST /api/incidents/:incidentId/plans`. */
export function declaredRoutes(): string[] {
  return API_ROUTES.map(routeKey).sort();
}

/** The table's row for `METHOD /path`. */
export function routeRule(route: string): Route<never> {
  const row = API_ROUTES.find((r) => routeKey(r) === route);
  if (!row) throw new Error(`not in the route table: ${route}`);
  return row;
}

interface StackLayer {
  name: string;
  route?: { path: string | RegExp; methods: Record<string, boolean> };
  handle: { stack?: StackLayer[] };
}

/**
 * What the Express app really serves: every route in its router (nested routers included), as
 * `METHOD path` (a RegExp path as its source), and the names of the other middleware.
 */
export function mountedRoutes(app: Express): { routes: string[]; middleware: string[] } {
  const routes: string[] = [];
  const middleware: string[] = [];
  const walk = (stack: StackLayer[]) => {
    for (const layer of stack) {
      if (layer.route) for (const m of Object.keys(layer.route.methods)) routes.push(`${m.toUpperCase()} ${String(layer.route.path)}`);
      else if (layer.handle.stack) walk(layer.handle.stack);
      else middleware.push(layer.name);
    }
  };
  walk((app as unknown as { router: { stack: StackLayer[] } }).router.stack);
  return { routes: routes.sort(), middleware };
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
