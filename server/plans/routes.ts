import { z } from 'zod';
import { actorOf } from '../http/actor.js';
import { routesFor } from '../http/route.js';
import type { PlanService } from './service.js';

const planParams = z.object({ incidentId: z.uuid({ message: 'expected an incident id' }), planId: z.uuid({ message: 'expected a plan id' }) });
const incidentParams = planParams.pick({ incidentId: true });

const route = routesFor<{ plans: PlanService }>();
const MANAGERS = ['admin', 'duty_manager'] as const;
const at = '/api/incidents/:incidentId/plans';

/**
 * Plans are duty managers' business (admins too). The two routes that run the planner (propose,
 * manual move) share the `planner` limit, counted per user after the role check.
 */
export const planRoutes = [
  route({
    method: 'post',
    path: at,
    roles: MANAGERS,
    limit: 'planner',
    params: incidentParams,
    scope: 'incident',
    handler: async ({ req, res, params, user, deps }) => res.status(201).json(await deps.plans.propose(params.incidentId, user.id, req.body)),
  }),
  route({
    method: 'get',
    path: `${at}/latest`,
    roles: MANAGERS,
    params: incidentParams,
    scope: 'incident',
    handler: async ({ res, params, deps }) => res.json({ plan: await deps.plans.latest(params.incidentId) }),
  }),
  route({
    method: 'get',
    path: `${at}/:planId`,
    roles: MANAGERS,
    params: planParams,
    scope: 'incident',
    handler: async ({ res, params, deps }) => res.json(await deps.plans.get(params.incidentId, params.planId)),
  }),
  route({
    method: 'post',
    path: `${at}/:planId/moves`,
    roles: MANAGERS,
    limit: 'planner',
    params: planParams,
    scope: 'incident',
    handler: async ({ req, res, params, user, deps }) => res.status(201).json(await deps.plans.move(params.incidentId, params.planId, req.body, user.id)),
  }),
  route({
    method: 'post',
    path: `${at}/:planId/apply`,
    roles: MANAGERS,
    params: planParams,
    scope: 'incident',
    handler: async ({ req, res, params, deps }) => res.json(await deps.plans.apply(params.incidentId, params.planId, actorOf(req))),
  }),
];
