import { Router, type RequestHandler } from 'express';
import { incidentIdParams } from '../../shared/api.js';
import { requireRole } from '../auth/middleware.js';
import { parseOr400, AppError } from '../http/errors.js';
import { actorOf } from '../http/actor.js';
import { noRateLimit } from '../http/rate-limit.js';
import { assertIncidentVisible } from './scope.js';
import type { IncidentService } from './service.js';

/** `importLimit` (per user) guards the two imports, which parse and write a whole guest list. */
export function incidentRoutes(service: IncidentService, importLimit: RequestHandler = noRateLimit): Router {
  const r = Router();
  const visible = (req: Parameters<Parameters<typeof r.get>[1]>[0]) => {
    const { incidentId } = parseOr400(incidentIdParams, req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    return incidentId;
  };

  r.get('/', requireRole('admin', 'duty_manager', 'reception', 'insurer'), async (req, res) => {
    res.json({ incidents: await service.list(req.user!) });
  });

  r.post('/import', requireRole('admin', 'duty_manager'), importLimit, async (req, res) => {
    if (req.body === undefined || typeof req.body !== 'object') throw new AppError('bad_request', 'Send the scenario as a JSON body (Content-Type: application/json).');
    res.status(201).json(await service.importScenario(req.body, actorOf(req)));
  });

  r.get('/:incidentId/summary', requireRole('admin', 'duty_manager', 'insurer'), async (req, res) => {
    res.json(await service.summary(visible(req)));
  });

  r.get('/:incidentId/state', requireRole('admin', 'duty_manager'), async (req, res) => {
    res.json(await service.state(visible(req)));
  });

  r.get('/:incidentId/scenario', requireRole('admin', 'duty_manager'), async (req, res) => {
    res.json(await service.exportScenario(visible(req)));
  });

  r.post('/:incidentId/guests/csv', requireRole('admin', 'duty_manager'), importLimit, async (req, res) => {
    const incidentId = visible(req);
    if (typeof req.body !== 'string' || !req.body.trim()) throw new AppError('bad_request', 'Send the guest list as text/csv.');
    res.status(201).json(await service.importGuestCsv(incidentId, req.body, actorOf(req)));
  });

  return r;
}
