import type { Request, Response } from 'express';
import type { PassSheet } from '../../shared/passes.js';
import { z } from 'zod';
import { routesFor } from '../http/route.js';
import { incidentParams as params } from '../http/params.js';
import type { PassService } from './service.js';
import { passesPdf } from './pdf.js';
import { entityIdSchema } from '../../shared/fields.js';

const siteParams = params.extend({ siteId: entityIdSchema });
const partyParams = params.extend({ partyId: entityIdSchema });
const hotelParams = params.extend({ hotelId: entityIdSchema });
const sheetQuery = z.object({ waiting: z.enum(['true', 'false'], { message: 'expected waiting=true or waiting=false' }).optional() });

/** A pass sheet as a PDF to print (opened in the browser's viewer). */
async function sendPdf(res: Response, sheet: PassSheet, name: string): Promise<void> {
  const file = await passesPdf(sheet);
  res.setHeader('content-type', 'application/pdf');
  res.setHeader('content-disposition', `inline; filename="${name.replace(/[^A-Za-z0-9_-]/g, '_')}.pdf"`);
  res.setHeader('cache-control', 'no-store');
  res.send(file);
}

/** The origin the caller reached us on (status links fall back to it when no public URL is set). */
function originOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

const route = routesFor<{ passes: PassService }>();
const MANAGERS = ['admin', 'duty_manager'] as const;
const at = '/api/incidents/:incidentId/passes';

/**
 * Guest passes: duty managers (and admins) only; always generated from the current state.
 * Scanning a pass (its status-link QR or its code) is also open to reception, for its own hotel.
 */
export const passRoutes = [
  route({
    method: 'post',
    path: `${at}/scan`,
    roles: ['admin', 'duty_manager', 'reception'],
    params,
    scope: 'incident',
    handler: async ({ req, res, params, user, deps }) => {
      res.setHeader('cache-control', 'no-store');
      res.json(await deps.passes.resolveScan(params.incidentId, user, req.body));
    },
  }),
  route({
    method: 'get',
    path: at,
    roles: MANAGERS,
    params,
    scope: 'incident',
    handler: async ({ res, params, deps }) => res.json(await deps.passes.sites(params.incidentId)),
  }),
  route({
    method: 'get',
    path: `${at}/households/:partyId/pdf`,
    roles: MANAGERS,
    params: partyParams,
    scope: 'incident',
    handler: async ({ req, res, params, deps }) =>
      sendPdf(res, await deps.passes.household(params.incidentId, params.partyId, originOf(req)), `pass-${params.partyId}`),
  }),
  route({
    method: 'get',
    path: `${at}/hotels/:hotelId/pdf`,
    roles: MANAGERS,
    params: hotelParams,
    scope: 'incident',
    handler: async ({ req, res, params, deps }) =>
      sendPdf(res, await deps.passes.hotel(params.incidentId, params.hotelId, originOf(req)), `passes-hotel-${params.hotelId}`),
  }),
  route({
    method: 'get',
    path: `${at}/:siteId`,
    roles: MANAGERS,
    params: siteParams,
    scope: 'incident',
    handler: async ({ req, res, params, deps }) => {
      res.setHeader('cache-control', 'no-store');
      res.json(await deps.passes.sheet(params.incidentId, params.siteId, originOf(req)));
    },
  }),
  route({
    method: 'get',
    path: `${at}/:siteId/pdf`,
    roles: MANAGERS,
    params: siteParams,
    scope: 'incident',
    query: sheetQuery,
    handler: async ({ req, res, params: { incidentId, siteId }, query: { waiting }, deps }) =>
      sendPdf(
        res,
        await deps.passes.sheet(incidentId, siteId, originOf(req), { waitingOnly: waiting === 'true' }),
        `passes-${siteId}${waiting === 'true' ? '-waiting' : ''}`,
      ),
  }),
];
