/**
 * Duty managers' side of guest communication, under /api/incidents/:incidentId: a household's
 * messages and their delivery status, feedback, templates, settings, status links, replies.
 * Each route checks the role itself (this router shares its mount point with other features).
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/middleware.js';
import { actorOf } from '../http/actor.js';
import { parseOr400 } from '../http/errors.js';
import { assertIncidentVisible } from '../incidents/scope.js';
import { guestRepliesQuerySchema, templateParamsSchema } from '../../shared/messages.js';
import type { MessagingService } from './service.js';
import type { GuestService } from '../guest/service.js';

const incidentParams = z.object({ incidentId: z.uuid({ message: 'expected an incident id' }) });
const partyParams = incidentParams.extend({ partyId: z.string().min(1).max(100) });
const replyParams = incidentParams.extend({ replyId: z.uuid({ message: 'expected a reply id' }) });
const listQuery = z.object({ partyId: z.string().min(1).max(100).optional(), limit: z.coerce.number().int().min(1).max(1000).default(200) });

const managers = requireRole('admin', 'duty_manager');

function incidentOf(req: Request): string {
  const { incidentId } = parseOr400(incidentParams, req.params, 'params');
  assertIncidentVisible(req.user, incidentId);
  return incidentId;
}

export function messageRoutes(messaging: MessagingService, guest: GuestService): Router {
  const r = Router({ mergeParams: true });

  r.get('/messages', managers, async (req, res) => {
    const incidentId = incidentOf(req);
    const { partyId, limit } = parseOr400(listQuery, req.query, 'query');
    res.json({ messages: await messaging.messages(incidentId, partyId, limit) });
  });

  r.get('/message-templates', managers, async (req, res) => {
    res.json({ templates: await messaging.templates.list(incidentOf(req)) });
  });
  r.put('/message-templates/:key/:language', managers, async (req, res) => {
    const incidentId = incidentOf(req);
    const { key, language } = parseOr400(templateParamsSchema, { key: req.params.key, language: req.params.language }, 'params');
    res.json({ template: await messaging.templates.update(incidentId, key, language, req.body, req.user?.id ?? null) });
  });
  r.delete('/message-templates/:key/:language', managers, async (req, res) => {
    const incidentId = incidentOf(req);
    const { key, language } = parseOr400(templateParamsSchema, { key: req.params.key, language: req.params.language }, 'params');
    res.json({ template: await messaging.templates.reset(incidentId, key, language) });
  });

  r.get('/message-settings', managers, async (req, res) => {
    res.json({ settings: await messaging.templates.settings(incidentOf(req)) });
  });
  r.patch('/message-settings', managers, async (req, res) => {
    res.json({ settings: await messaging.templates.updateSettings(incidentOf(req), req.body) });
  });

  r.get('/feedback', managers, async (req, res) => {
    res.json(await messaging.feedback(incidentOf(req)));
  });

  r.get('/guest-replies', managers, async (req, res) => {
    const incidentId = incidentOf(req);
    const { partyId, open, limit } = parseOr400(guestRepliesQuerySchema, req.query, 'query');
    res.json({ replies: await guest.repliesOf(incidentId, { partyId, open: open === 'true', limit }) });
  });
  r.post('/guest-replies/:replyId/handle', managers, async (req, res) => {
    const { incidentId, replyId } = parseOr400(replyParams, req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    res.json(await guest.handleReply(incidentId, replyId, req.body, actorOf(req)));
  });

  r.get('/status-links/:partyId', managers, async (req, res) => {
    const { incidentId, partyId } = parseOr400(partyParams, req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    res.json(await messaging.statusLink(incidentId, partyId));
  });
  r.post('/status-links/:partyId/:action', managers, async (req, res) => {
    const { incidentId, partyId, action } = parseOr400(partyParams.extend({ action: z.enum(['revoke', 'reissue'], { message: 'expected revoke or reissue' }) }), req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    res.json(await messaging.setStatusLink(incidentId, partyId, action, actorOf(req)));
  });

  return r;
}
