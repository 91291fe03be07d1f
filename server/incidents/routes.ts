import { incidentIdParams, statePartQuery } from '../../shared/api.js';
import { AppError } from '../http/errors.js';
import { actorOf } from '../http/actor.js';
import { routesFor } from '../http/route.js';
import type { Config } from '../config.js';
import { prewarmPlanner, WARM_MAX_HOUSEHOLDS } from '../planner/worker.js';
import type { IncidentService } from './service.js';

const route = routesFor<{ incidents: IncidentService; config: Config }>();
const MANAGERS = ['admin', 'duty_manager'] as const;

/** The two imports, which parse and write a whole guest list, share the per-user `imports` limit. */
export const incidentRoutes = [
  route({
    method: 'get',
    path: '/api/incidents',
    roles: ['admin', 'duty_manager', 'reception', 'insurer'],
    handler: async ({ res, user, deps }) => res.json({ incidents: await deps.incidents.list(user) }),
  }),
  route({
    method: 'post',
    path: '/api/incidents/import',
    roles: MANAGERS,
    limit: 'imports',
    handler: async ({ req, res, deps }) => {
      if (req.body === undefined || typeof req.body !== 'object')
        throw new AppError('bad_request', 'Send the scenario as a JSON body (Content-Type: application/json).');
      res.status(201).json(await deps.incidents.importScenario(req.body, actorOf(req)));
    },
  }),
  route({
    method: 'get',
    path: '/api/incidents/:incidentId/summary',
    roles: ['admin', 'duty_manager', 'insurer'],
    params: incidentIdParams,
    scope: 'incident',
    handler: async ({ res, params, deps }) => res.json(await deps.incidents.summary(params.incidentId)),
  }),
  route({
    method: 'get',
    path: '/api/incidents/:incidentId/state',
    roles: MANAGERS,
    params: incidentIdParams,
    scope: 'incident',
    handler: async ({ res, params, deps }) => {
      const state = await deps.incidents.state(params.incidentId);
      // No plan applied yet: the duty manager is about to compute one (on the warm worker, if small enough).
      if (deps.config.PLANNER_PREWARM && !state.trips.length && state.parties.length <= WARM_MAX_HOUSEHOLDS) prewarmPlanner();
      res.json(state);
    },
  }),
  route({
    method: 'get',
    path: '/api/incidents/:incidentId/state/part',
    roles: MANAGERS,
    params: incidentIdParams,
    query: statePartQuery,
    scope: 'incident',
    handler: async ({ res, params, query, deps }) =>
      res.json(await deps.incidents.statePart(params.incidentId, { partyIds: query.parties, trips: query.trips === 'true' })),
  }),
  route({
    method: 'get',
    path: '/api/incidents/:incidentId/scenario',
    roles: MANAGERS,
    params: incidentIdParams,
    scope: 'incident',
    handler: async ({ res, params, deps }) => res.json(await deps.incidents.exportScenario(params.incidentId)),
  }),
  route({
    method: 'post',
    path: '/api/incidents/:incidentId/guests/csv',
    roles: MANAGERS,
    limit: 'imports',
    params: incidentIdParams,
    scope: 'incident',
    handler: async ({ req, res, params, deps }) => {
      if (typeof req.body !== 'string' || !req.body.trim()) throw new AppError('bad_request', 'Send the guest list as text/csv.');
      res.status(201).json(await deps.incidents.importGuestCsv(params.incidentId, req.body, actorOf(req)));
    },
  }),
  route({
    method: 'post',
    path: '/api/incidents/:incidentId/sites',
    roles: MANAGERS,
    params: incidentIdParams,
    scope: 'incident',
    handler: async ({ req, res, params, deps }) => res.status(201).json(await deps.incidents.addSite(params.incidentId, req.body, actorOf(req))),
  }),
  route({
    method: 'post',
    path: '/api/incidents/:incidentId/parties',
    roles: MANAGERS,
    params: incidentIdParams,
    scope: 'incident',
    handler: async ({ req, res, params, deps }) => res.status(201).json(await deps.incidents.addHousehold(params.incidentId, req.body, actorOf(req))),
  }),
];
