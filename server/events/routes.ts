import { z } from 'zod';
import { routesFor } from '../http/route.js';
import { incidentParams as params } from '../http/params.js';
import type { Db } from '../db/client.js';
import { eventsSince } from './repo.js';
import { movesOf } from '../whereabouts/repo.js';

const query = z.object({
  after: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});

const route = routesFor<{ db: Db }>();

/** The incident's event log, for the activity feed, replay and catch-up over HTTP. */
export const eventRoutes = [
  route({
    method: 'get',
    path: '/api/incidents/:incidentId/events',
    roles: ['admin', 'duty_manager'],
    params,
    scope: 'incident',
    query,
    handler: async ({ res, params, query, deps }) => res.json({ events: await eventsSince(deps.db, params.incidentId, query.after, query.limit) }),
  }),
  /** Every person's moves, [seq, guest id, where to] in log order: replay says where each person was at any step. */
  route({
    method: 'get',
    path: '/api/incidents/:incidentId/whereabouts-moves',
    roles: ['admin', 'duty_manager'],
    params,
    scope: 'incident',
    handler: async ({ res, params, deps }) => res.json({ moves: await movesOf(deps.db, params.incidentId) }),
  }),
];
