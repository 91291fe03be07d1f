import { Router } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/middleware.js';
import { actorOf } from '../http/actor.js';
import { parseOr400 } from '../http/errors.js';
import { assertIncidentVisible } from '../incidents/scope.js';
import type { HotelService } from './service.js';

const params = z.object({ incidentId: z.uuid({ message: 'expected an incident id' }), hotelId: z.string().min(1).max(100) });

export function hotelRoutes(service: HotelService): Router {
  const r = Router({ mergeParams: true });
  r.use(requireRole('admin', 'duty_manager'));

  r.post('/', async (req, res) => {
    const { incidentId } = parseOr400(params.pick({ incidentId: true }), req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    res.status(201).json(await service.offer(incidentId, req.body, actorOf(req)));
  });

  r.patch('/:hotelId', async (req, res) => {
    const { incidentId, hotelId } = parseOr400(params, req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    res.json(await service.update(incidentId, hotelId, req.body, actorOf(req)));
  });
  return r;
}
