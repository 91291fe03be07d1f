/**
 * Duty managers' side of guest communication, under /api/incidents/:incidentId: a household's
 * messages and their delivery status, feedback, templates, settings, status links, replies.
 */
import type { Request } from 'express';
import { z } from 'zod';
import { actorOf } from '../http/actor.js';
import { parseOr400 } from '../http/errors.js';
import { routesFor } from '../http/route.js';
import { incidentParams } from '../http/params.js';
import { guestRepliesQuerySchema, templateParamsSchema } from '../../shared/messages.js';
import type { MessagingService } from './service.js';
import type { GuestService } from '../guest/service.js';
import { entityIdSchema } from '../../shared/fields.js';

const partyParams = incidentParams.extend({ partyId: entityIdSchema });
const replyParams = incidentParams.extend({ replyId: z.uuid({ message: 'expected a reply id' }) });
const actionParams = partyParams.extend({ action: z.enum(['revoke', 'reissue'], { message: 'expected revoke or reissue' }) });
const listQuery = z.object({ partyId: entityIdSchema.optional(), limit: z.coerce.number().int().min(1).max(1000).default(200) });

const route = routesFor<{ messaging: MessagingService; guest: GuestService }>();
const MANAGERS = ['admin', 'duty_manager'] as const;
const at = '/api/incidents/:incidentId';
/** Key and language are checked once the incident is known to be the caller's (404 before 400). */
const templateOf = (req: Request) => parseOr400(templateParamsSchema, { key: req.params.key, language: req.params.language }, 'params');

export const messageRoutes = [
  route({
    method: 'get',
    path: `${at}/messages`,
    roles: MANAGERS,
    params: incidentParams,
    scope: 'incident',
    query: listQuery,
    handler: async ({ res, params, query, deps }) => res.json({ messages: await deps.messaging.messages(params.incidentId, query.partyId, query.limit) }),
  }),
  route({
    method: 'get',
    path: `${at}/message-templates`,
    roles: MANAGERS,
    params: incidentParams,
    scope: 'incident',
    handler: async ({ res, params, deps }) => res.json({ templates: await deps.messaging.templates.list(params.incidentId) }),
  }),
  route({
    method: 'put',
    path: `${at}/message-templates/:key/:language`,
    roles: MANAGERS,
    params: incidentParams,
    scope: 'incident',
    handler: async ({ req, res, params, user, deps }) => {
      const { key, language } = templateOf(req);
      res.json({ template: await deps.messaging.templates.update(params.incidentId, key, language, req.body, user.id) });
    },
  }),
  route({
    method: 'delete',
    path: `${at}/message-templates/:key/:language`,
    roles: MANAGERS,
    params: incidentParams,
    scope: 'incident',
    handler: async ({ req, res, params, deps }) => {
      const { key, language } = templateOf(req);
      res.json({ template: await deps.messaging.templates.reset(params.incidentId, key, language) });
    },
  }),
  route({
    method: 'get',
    path: `${at}/message-settings`,
    roles: MANAGERS,
    params: incidentParams,
    scope: 'incident',
    handler: async ({ res, params, deps }) => res.json({ settings: await deps.messaging.templates.settings(params.incidentId) }),
  }),
  route({
    method: 'patch',
    path: `${at}/message-settings`,
    roles: MANAGERS,
    params: incidentParams,
    scope: 'incident',
    handler: async ({ req, res, params, deps }) => res.json({ settings: await deps.messaging.templates.updateSettings(params.incidentId, req.body) }),
  }),
  route({
    method: 'get',
    path: `${at}/feedback`,
    roles: MANAGERS,
    params: incidentParams,
    scope: 'incident',
    handler: async ({ res, params, deps }) => res.json(await deps.messaging.feedback(params.incidentId)),
  }),
  route({
    method: 'get',
    path: `${at}/guest-replies`,
    roles: MANAGERS,
    params: incidentParams,
    scope: 'incident',
    query: guestRepliesQuerySchema,
    handler: async ({ res, params, query, deps }) =>
      res.json({ replies: await deps.guest.repliesOf(params.incidentId, { partyId: query.partyId, open: query.open === 'true', limit: query.limit }) }),
  }),
  route({
    method: 'post',
    path: `${at}/guest-replies/:replyId/handle`,
    roles: MANAGERS,
    params: replyParams,
    scope: 'incident',
    handler: async ({ req, res, params, deps }) => res.json(await deps.guest.handleReply(params.incidentId, params.replyId, req.body, actorOf(req))),
  }),
  route({
    method: 'get',
    path: `${at}/status-links/:partyId`,
    roles: MANAGERS,
    params: partyParams,
    scope: 'incident',
    handler: async ({ res, params, deps }) => res.json(await deps.messaging.statusLink(params.incidentId, params.partyId)),
  }),
  route({
    method: 'post',
    path: `${at}/status-links/:partyId/:action`,
    roles: MANAGERS,
    params: actionParams,
    scope: 'incident',
    handler: async ({ req, res, params, deps }) => res.json(await deps.messaging.setStatusLink(params.incidentId, params.partyId, params.action, actorOf(req))),
  }),
];
