import type { Request } from 'express';
import { z } from 'zod';
import { actorOf } from '../http/actor.js';
import { parseOr400 } from '../http/errors.js';
import { routesFor } from '../http/route.js';
import { incidentParams } from '../http/params.js';
import type { AttentionService } from './service.js';

const itemParams = incidentParams.extend({ itemId: z.uuid({ message: 'expected an item id' }) });
const siteParams = incidentParams.extend({ siteId: z.string().min(1).max(100) });
const tokenParams = z.object({ token: z.string().min(10).max(400) });

const route = routesFor<{ attention: AttentionService }>();
const MANAGERS = ['admin', 'duty_manager'] as const;
const originOf = (req: Request) => `${req.protocol}://${req.get('host') ?? 'localhost'}`;

/** The exceptions queue: duty managers (and admins) only. */
export const attentionRoutes = [
  route({
    method: 'get',
    path: '/api/incidents/:incidentId/attention',
    roles: MANAGERS,
    params: incidentParams,
    scope: 'incident',
    handler: async ({ res, params, deps }) => res.json(await deps.attention.list(params.incidentId)),
  }),
  route({
    method: 'patch',
    path: '/api/incidents/:incidentId/attention/settings',
    roles: MANAGERS,
    params: incidentParams,
    scope: 'incident',
    handler: async ({ req, res, params, deps }) => res.json(await deps.attention.updateSettings(params.incidentId, req.body, actorOf(req))),
  }),
  route({
    method: 'post',
    path: '/api/incidents/:incidentId/attention/:itemId/resolve',
    roles: MANAGERS,
    params: itemParams,
    scope: 'incident',
    handler: async ({ req, res, params, deps }) => res.json(await deps.attention.resolve(params.incidentId, params.itemId, req.body, actorOf(req))),
  }),
];

/** Roll call at a muster point: the expected list and the head count. */
export const rollCallRoutes = [
  route({
    method: 'get',
    path: '/api/incidents/:incidentId/sites/:siteId/rollcall',
    roles: MANAGERS,
    params: siteParams,
    scope: 'incident',
    handler: async ({ res, params, deps }) => res.json(await deps.attention.rollCallList(params.incidentId, params.siteId)),
  }),
  route({
    method: 'post',
    path: '/api/incidents/:incidentId/sites/:siteId/rollcall',
    roles: MANAGERS,
    params: siteParams,
    scope: 'incident',
    handler: async ({ req, res, params, deps }) => res.json(await deps.attention.rollCall(params.incidentId, params.siteId, req.body, actorOf(req))),
  }),
  route({
    method: 'post',
    path: '/api/incidents/:incidentId/sites/:siteId/rollcall/link',
    roles: MANAGERS,
    params: siteParams,
    scope: 'incident',
    handler: async ({ req, res, params, deps }) => {
      res.setHeader('cache-control', 'no-store');
      res.json(await deps.attention.rollCallLink(params.incidentId, params.siteId, originOf(req)));
    },
  }),
  route({
    method: 'post',
    path: '/api/incidents/:incidentId/sites/:siteId/rollcall/link/withdraw',
    roles: MANAGERS,
    params: siteParams,
    scope: 'incident',
    handler: async ({ req, res, params, deps }) => res.json(await deps.attention.withdrawRollCallLinks(params.incidentId, params.siteId, actorOf(req))),
  }),
];

const LINK = 'the signed roll-call link is the key: staff handed it need no account (403 once expired, withdrawn or the incident ended)';

/**
 * `/api/rollcall/:token`: the roll call of the one muster point a duty manager handed to staff
 * without a sign-in; the signed link is the key. Same list and head count as the manager's.
 */
export const rollCallLinkRoutes = [
  route({
    method: 'get',
    path: '/api/rollcall/:token',
    roles: 'token',
    why: LINK,
    handler: async ({ req, res, deps }) => {
      const c = await deps.attention.rollCallClaim(parseOr400(tokenParams, req.params, 'params').token);
      res.setHeader('cache-control', 'no-store');
      res.json(await deps.attention.rollCallList(c.incidentId, c.siteId));
    },
  }),
  route({
    method: 'post',
    path: '/api/rollcall/:token',
    roles: 'token',
    why: LINK,
    handler: async ({ req, res, deps }) => {
      const c = await deps.attention.rollCallClaim(parseOr400(tokenParams, req.params, 'params').token);
      res.json(await deps.attention.rollCall(c.incidentId, c.siteId, req.body, c.actor));
    },
  }),
];
