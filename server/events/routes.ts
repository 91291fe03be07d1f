import { Router } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/middleware.js';
import { parseOr400 } from '../http/errors.js';
import { assertIncidentVisible } from '../incidents/scope.js';
import type { Db } from '../db/client.js';
import { eventsSince } from './repo.js';

const params = z.object({ incidentId: z.uuid({ message: 'expected an incident id' }) });
const query = z.object({
  after: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});

/** The incident's event log, for the activity feed, replay and catch-up over HTTP. */
export function eventRoutes(db: Db): Router {
  const r = Router({ mergeParams: true });
  r.get('/', requireRole('admin', 'duty_manager'), async (req, res) => {
    const { incidentId } = parseOr400(params, req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    const { after, limit } = parseOr400(query, req.query, 'query');
    res.json({ events: await eventsSince(db, incidentId, after, limit) });
  });
  return r;
}
