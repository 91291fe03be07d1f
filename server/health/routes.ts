import type { Database } from '../db/client.js';
import { routesFor } from '../http/route.js';
import { readHealthProbes } from './probes.js';

/** A ping that does not answer within this is reported as down (a load balancer must not hang). */
const PING_TIMEOUT_MS = 2000;

async function pingWithin(database: Database, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([database.ping(), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Liveness and which database answers: used by people, load balancers and compose health checks.
 * 503 while the database does not answer or a part of the server (the realtime listener) is down.
 */
export const healthRoutes = [
  routesFor<{ database: Database }>()({
    method: 'get',
    path: '/api/health',
    roles: 'public',
    why: 'load balancers and compose health checks ask without a session; it names no data',
    handler: async ({ res, deps }) => {
      const dbOk = await pingWithin(deps.database, PING_TIMEOUT_MS);
      const parts = readHealthProbes(deps.database);
      const ok = dbOk && Object.values(parts).every(Boolean);
      res.setHeader('cache-control', 'no-store');
      res.status(ok ? 200 : 503).json({ ok, database: { kind: deps.database.kind, ok: dbOk }, ...(Object.keys(parts).length ? { realtime: parts } : {}) });
    },
  }),
];
