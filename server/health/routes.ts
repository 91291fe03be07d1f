import { Router } from 'express';
import type { Database } from '../db/client.js';
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
export function healthRoutes(database: Database): Router {
  const r = Router();
  r.get('/', async (_req, res) => {
    const dbOk = await pingWithin(database, PING_TIMEOUT_MS);
    const parts = readHealthProbes(database);
    const ok = dbOk && Object.values(parts).every(Boolean);
    res.setHeader('cache-control', 'no-store');
    res.status(ok ? 200 : 503).json({ ok, database: { kind: database.kind, ok: dbOk }, ...(Object.keys(parts).length ? { realtime: parts } : {}) });
  });
  return r;
}
