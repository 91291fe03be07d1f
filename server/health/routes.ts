import { Router } from 'express';
import type { Database } from '../db/client.js';

/** Liveness and which database answers: used by people, load balancers and compose health checks. */
export function healthRoutes(database: Database): Router {
  const r = Router();
  r.get('/', async (_req, res) => {
    const ok = await database.ping();
    res.status(ok ? 200 : 503).json({ ok, database: { kind: database.kind, ok } });
  });
  return r;
}
