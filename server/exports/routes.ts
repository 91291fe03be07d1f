/**
 * Exports under /api/incidents/:incidentId/exports, for insurers (their incidents only) and duty
 * managers. Making an export is recorded (who, when, which range); nothing in the ledger changes.
 * Making or verifying one (builds files, re-reads the ledger) counts against the per-user `exports`
 * limit, downloading its files (and a household's claim pack, built on request) against `downloads`.
 */
import { z } from 'zod';
import { routesFor } from '../http/route.js';
import { incidentParams as params } from '../http/params.js';
import { verifyExportSchema } from '../../shared/ledger.js';
import { CONTENT_TYPES, type ExportService } from './service.js';
import type { Db } from '../db/client.js';
import { buildClaimPack, claimPackPdf } from './claim-pack.js';

const packParams = params.extend({ partyId: z.string().min(1).max(100) });
const exportParams = params.extend({ exportId: z.uuid({ message: 'expected an export id' }) });
const fileParams = exportParams.extend({
  name: z.enum(['ledger.csv', 'ledger.xlsx', 'claim-summary.pdf', 'manifest.json'], {
    message: 'expected ledger.csv, ledger.xlsx, claim-summary.pdf or manifest.json',
  }),
});

/** `db` serves the per-household claim packs (read-only, built on request). */
const route = routesFor<{ exports: ExportService; db: Db }>();
const READERS = ['admin', 'duty_manager', 'insurer'] as const;
const at = '/api/incidents/:incidentId/exports';

export const exportRoutes = [
  route({
    method: 'post',
    path: at,
    roles: READERS,
    limit: 'exports',
    params,
    scope: 'incident',
    handler: async ({ req, res, params, user, deps }) => res.status(201).json(await deps.exports.create(params.incidentId, user, req.body)),
  }),
  route({
    method: 'get',
    path: at,
    roles: READERS,
    params,
    scope: 'incident',
    handler: async ({ res, params, deps }) => res.json({ exports: await deps.exports.list(params.incidentId) }),
  }),
  route({
    method: 'post',
    path: `${at}/verify`,
    roles: READERS,
    limit: 'exports',
    params,
    scope: 'incident',
    body: verifyExportSchema,
    handler: async ({ res, params, body, deps }) => res.json(await deps.exports.verify(params.incidentId, body.manifest, body.files, body.earlier)),
  }),
  route({
    method: 'get',
    path: `${at}/claim-packs/:partyId`,
    roles: READERS,
    // A PDF built on request from the whole ledger and the household's photos: a download, and its budget.
    limit: 'downloads',
    params: packParams,
    scope: 'incident',
    handler: async ({ res, params, deps }) => {
      const pdf = await claimPackPdf(await buildClaimPack(deps.db, params.incidentId, params.partyId));
      res.setHeader('content-type', 'application/pdf');
      res.setHeader('content-disposition', `attachment; filename="claim-pack-${params.partyId.replace(/[^A-Za-z0-9_-]/g, '_')}.pdf"`);
      res.setHeader('cache-control', 'private, no-store');
      res.send(pdf);
    },
  }),
  route({
    method: 'get',
    path: `${at}/:exportId`,
    roles: READERS,
    params: exportParams,
    scope: 'incident',
    handler: async ({ res, params, deps }) => res.json(await deps.exports.manifest(params.incidentId, params.exportId)),
  }),
  route({
    method: 'get',
    path: `${at}/:exportId/verify`,
    roles: READERS,
    limit: 'exports',
    params: exportParams,
    scope: 'incident',
    handler: async ({ res, params, deps }) =>
      res.json(await deps.exports.verify(params.incidentId, await deps.exports.manifest(params.incidentId, params.exportId))),
  }),
  route({
    method: 'get',
    path: `${at}/:exportId/files/:name`,
    roles: READERS,
    limit: 'downloads',
    params: fileParams,
    scope: 'incident',
    handler: async ({ res, params, deps }) => {
      const file = await deps.exports.filePath(params.incidentId, params.exportId, params.name);
      res.setHeader('content-type', CONTENT_TYPES[params.name]!);
      res.setHeader('content-disposition', `attachment; filename="${params.exportId.slice(0, 8)}-${params.name}"`);
      res.setHeader('cache-control', 'private, no-store');
      await new Promise<void>((resolve, reject) => res.sendFile(file, (err) => (err ? reject(err) : resolve())));
    },
  }),
];
