import { Router, type Request } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/middleware.js';
import { parseOr400 } from '../http/errors.js';
import { assertIncidentVisible } from '../incidents/scope.js';
import type { PassService } from './service.js';
import { passesPdf } from './pdf.js';

const params = z.object({ incidentId: z.uuid({ message: 'expected an incident id' }) });
const siteParams = params.extend({ siteId: z.string().min(1).max(100) });

/** The origin the caller reached us on (status links fall back to it when no public URL is set). */
function originOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

/**
 * Guest passes: duty managers (and admins) only; always generated from the current state.
 * Scanning a pass (its status-link QR or its code) is also open to reception, for its own hotel.
 */
export function passRoutes(service: PassService): Router {
  const r = Router({ mergeParams: true });
  r.post('/scan', requireRole('admin', 'duty_manager', 'reception'), async (req, res) => {
    const { incidentId } = parseOr400(params, req.params, 'params');
    const user = assertIncidentVisible(req.user, incidentId);
    res.setHeader('cache-control', 'no-store');
    res.json(await service.resolveScan(incidentId, user, req.body));
  });
  r.use(requireRole('admin', 'duty_manager'));
  r.get('/', async (req, res) => {
    const { incidentId } = parseOr400(params, req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    res.json(await service.sites(incidentId));
  });
  r.get('/:siteId', async (req, res) => {
    const { incidentId, siteId } = parseOr400(siteParams, req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    res.setHeader('cache-control', 'no-store');
    res.json(await service.sheet(incidentId, siteId, originOf(req)));
  });
  r.get('/:siteId/pdf', async (req, res) => {
    const { incidentId, siteId } = parseOr400(siteParams, req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    const sheet = await service.sheet(incidentId, siteId, originOf(req));
    const file = await passesPdf(sheet);
    const name = `passes-${siteId.replace(/[^A-Za-z0-9_-]/g, '_')}.pdf`;
    res.setHeader('content-type', 'application/pdf');
    res.setHeader('content-disposition', `inline; filename="${name}"`);
    res.setHeader('cache-control', 'no-store');
    res.send(file);
  });
  return r;
}
