/**
 * Exports under /api/incidents/:incidentId/exports, for insurers (their incidents only) and duty
 * managers. Making an export is recorded (who, when, which range); nothing in the ledger changes.
 */
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/middleware.js';
import { parseOr400 } from '../http/errors.js';
import { assertIncidentVisible } from '../incidents/scope.js';
import { verifyExportSchema } from '../../shared/ledger.js';
import { CONTENT_TYPES, type ExportService } from './service.js';

const params = z.object({ incidentId: z.uuid({ message: 'expected an incident id' }) });
const exportParams = params.extend({ exportId: z.uuid({ message: 'expected an export id' }) });
const fileParams = exportParams.extend({ name: z.enum(['ledger.csv', 'ledger.xlsx', 'claim-summary.pdf', 'manifest.json'], { message: 'expected ledger.csv, ledger.xlsx, claim-summary.pdf or manifest.json' }) });

export function exportRoutes(service: ExportService, limits: RequestHandler[] = []): Router {
  const r = Router({ mergeParams: true });
  r.use(requireRole('admin', 'duty_manager', 'insurer'), ...limits); // per-user rate limits (app.ts decides which requests count)
  r.post('/', async (req, res) => {
    const { incidentId } = parseOr400(params, req.params, 'params');
    const user = assertIncidentVisible(req.user, incidentId);
    res.status(201).json(await service.create(incidentId, user, req.body));
  });
  r.get('/', async (req, res) => {
    const { incidentId } = parseOr400(params, req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    res.json({ exports: await service.list(incidentId) });
  });
  r.post('/verify', async (req, res) => {
    const { incidentId } = parseOr400(params, req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    const body = parseOr400(verifyExportSchema, req.body, 'body');
    res.json(await service.verify(incidentId, body.manifest, body.files));
  });
  r.get('/:exportId', async (req, res) => {
    const { incidentId, exportId } = parseOr400(exportParams, req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    res.json(await service.manifest(incidentId, exportId));
  });
  r.get('/:exportId/verify', async (req, res) => {
    const { incidentId, exportId } = parseOr400(exportParams, req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    res.json(await service.verify(incidentId, await service.manifest(incidentId, exportId)));
  });
  r.get('/:exportId/files/:name', async (req, res) => {
    const { incidentId, exportId, name } = parseOr400(fileParams, req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    const file = await service.filePath(incidentId, exportId, name);
    res.setHeader('content-type', CONTENT_TYPES[name]!);
    res.setHeader('content-disposition', `attachment; filename="${exportId.slice(0, 8)}-${name}"`);
    res.setHeader('cache-control', 'private, no-store');
    await new Promise<void>((resolve, reject) => res.sendFile(file, (err) => (err ? reject(err) : resolve())));
  });
  return r;
}
