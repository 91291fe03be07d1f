import { z } from 'zod';
import { actorOf } from '../http/actor.js';
import { routesFor } from '../http/route.js';
import type { PartyService } from './service.js';
import { entityIdSchema } from '../../shared/fields.js';

const params = z.object({ incidentId: z.uuid({ message: 'expected an incident id' }), partyId: entityIdSchema });

export const partyRoutes = [
  routesFor<{ parties: PartyService }>()({
    method: 'post',
    path: '/api/incidents/:incidentId/parties/:partyId/status',
    roles: ['admin', 'duty_manager'],
    params,
    scope: 'incident',
    handler: async ({ req, res, params, deps }) => res.json(await deps.parties.setStatus(params.incidentId, params.partyId, req.body, actorOf(req))),
  }),
  routesFor<{ parties: PartyService }>()({
    method: 'put',
    path: '/api/incidents/:incidentId/parties/:partyId',
    roles: ['admin', 'duty_manager'],
    params,
    scope: 'incident',
    handler: async ({ req, res, params, deps }) =>
      res.json(await deps.parties.change(params.incidentId, params.partyId, req.body, actorOf(req), req.get('if-match'))),
  }),
];
