import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/middleware.js';
import { actorOf } from '../http/actor.js';
import { parseOr400 } from '../http/errors.js';
import { noRateLimit } from '../http/rate-limit.js';
import { assertIncidentVisible } from '../incidents/scope.js';
import type { PlanService } from './service.js';

const planParams = z.object({ incidentId: z.uuid({ message: 'expected an incident id' }), planId: z.uuid({ message: 'expected a plan id' }) });
const incidentParams = planParams.pick({ incidentId: true });

/**
 * Plans are duty managers' business (admins too). `plannerLimit` guards the two routes that run
 * the planner (propose, manual move): it is counted per user after the role check.
 */
export function planRoutes(service: PlanService, plannerLimit: RequestHandler = noRateLimit): Router {
  const r = Router({ mergeParams: true });
  r.use(requireRole('admin', 'duty_manager'));

  r.post('/', plannerLimit, async (req, res) => {
    const { incidentId } = parseOr400(incidentParams, req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    res.status(201).json(await service.propose(incidentId, req.user!.id));
  });

  r.get('/latest', async (req, res) => {
    const { incidentId } = parseOr400(incidentParams, req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    res.json({ plan: await service.latest(incidentId) });
  });

  r.get('/:planId', async (req, res) => {
    const { incidentId, planId } = parseOr400(planParams, req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    res.json(await service.get(incidentId, planId));
  });

  r.post('/:planId/moves', plannerLimit, async (req, res) => {
    const { incidentId, planId } = parseOr400(planParams, req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    res.status(201).json(await service.move(incidentId, planId, req.body, req.user!.id));
  });

  r.post('/:planId/apply', async (req, res) => {
    const { incidentId, planId } = parseOr400(planParams, req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    res.json(await service.apply(incidentId, planId, actorOf(req)));
  });

  return r;
}
