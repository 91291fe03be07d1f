import { Router } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/middleware.js';
import { actorOf } from '../http/actor.js';
import { parseOr400 } from '../http/errors.js';
import { assertIncidentVisible } from '../incidents/scope.js';
import type { VehicleService } from './service.js';

const params = z.object({ incidentId: z.uuid({ message: 'expected an incident id' }), vehicleId: z.string().min(1).max(100) });

export function vehicleRoutes(service: VehicleService): Router {
  const r = Router({ mergeParams: true });
  r.use(requireRole('admin', 'duty_manager'));
  r.patch('/:vehicleId', async (req, res) => {
    const { incidentId, vehicleId } = parseOr400(params, req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    res.json(await service.setStatus(incidentId, vehicleId, req.body, actorOf(req)));
  });
  return r;
}
