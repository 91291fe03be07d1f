import { Router } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/middleware.js';
import { actorOf } from '../http/actor.js';
import { parseOr400 } from '../http/errors.js';
import { assertIncidentVisible } from '../incidents/scope.js';
import type { PartyService } from './service.js';

const params = z.object({ incidentId: z.uuid({ message: 'expected an incident id' }), partyId: z.string().min(1).max(100) });

export function partyRoutes(service: PartyService): Router {
  const r = Router({ mergeParams: true });
  r.use(requireRole('admin', 'duty_manager'));
  r.post('/:partyId/status', async (req, res) => {
    const { incidentId, partyId } = parseOr400(params, req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    res.json(await service.setStatus(incidentId, partyId, req.body, actorOf(req)));
  });
  return r;
}
