import { Router, type Request } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/middleware.js';
import { actorOf } from '../http/actor.js';
import { AppError, parseOr400 } from '../http/errors.js';
import { assertIncidentVisible } from '../incidents/scope.js';
import type { CheckinService } from './service.js';

const params = z.object({ incidentId: z.uuid({ message: 'expected an incident id' }), hotelId: z.string().min(1).max(100) });

/** Reception may act only at its own hotel; duty managers and admins at any. Other hotels are "not found". */
function hotelInScope(req: Request): { incidentId: string; hotelId: string } {
  const p = parseOr400(params, req.params, 'params');
  const user = assertIncidentVisible(req.user, p.incidentId);
  if (user.role === 'reception' && user.hotelId !== p.hotelId) throw new AppError('not_found', 'No such hotel.');
  return p;
}

export function checkinRoutes(service: CheckinService): Router {
  const r = Router({ mergeParams: true });
  r.use(requireRole('admin', 'duty_manager', 'reception'));
  r.get('/', async (req, res) => {
    const { incidentId, hotelId } = hotelInScope(req);
    res.json(await service.arrivals(incidentId, hotelId));
  });
  r.post('/checkins', async (req, res) => {
    const { incidentId, hotelId } = hotelInScope(req);
    res.json(await service.checkIn(incidentId, hotelId, req.body, actorOf(req)));
  });
  r.post('/no-shows', async (req, res) => {
    const { incidentId, hotelId } = hotelInScope(req);
    res.json(await service.noShow(incidentId, hotelId, req.body, actorOf(req)));
  });
  r.post('/checkouts', async (req, res) => {
    const { incidentId, hotelId } = hotelInScope(req);
    res.json(await service.checkOut(incidentId, hotelId, req.body, actorOf(req)));
  });
  return r;
}
