import type { Request } from 'express';
import { z } from 'zod';
import { parseOr400 } from '../http/errors.js';
import { routesFor } from '../http/route.js';
import { incidentParams } from '../http/params.js';
import type { DriverService } from './service.js';
import { entityIdSchema } from '../../shared/fields.js';

const hotelParams = incidentParams.extend({ hotelId: entityIdSchema });
const vehicleParams = incidentParams.extend({ vehicleId: z.string().min(1, 'expected a vehicle id').max(200) });
const tokenParams = z.object({ token: z.string().min(10).max(400) });

const route = routesFor<{ drivers: DriverService }>();
const MANAGERS = ['admin', 'duty_manager'] as const;
const originOf = (req: Request) => `${req.protocol}://${req.get('host') ?? 'localhost'}`;

/** Duty managers get each vehicle's driver link (`/api/incidents/:incidentId/drivers`). */
export const driverLinkRoutes = [
  route({
    method: 'get',
    path: '/api/incidents/:incidentId/drivers',
    roles: MANAGERS,
    params: incidentParams,
    scope: 'incident',
    handler: async ({ req, res, params, deps }) => {
      res.setHeader('cache-control', 'no-store');
      res.json(await deps.drivers.links(params.incidentId, originOf(req)));
    },
  }),
];

/**
 * A duty manager withdraws one vehicle's driver link (lost or shared phone); the old link answers
 * 403 from then on and the links list gives a new one.
 */
export const vehicleDriverLinkRoutes = [
  route({
    method: 'post',
    path: '/api/incidents/:incidentId/vehicles/:vehicleId/driver-link/revoke',
    roles: MANAGERS,
    params: vehicleParams,
    scope: 'incident',
    handler: async ({ res, params, user, deps }) => res.json(await deps.drivers.revokeLink(params.incidentId, params.vehicleId, user)),
  }),
];

/** Live ETAs of the vehicles bound for a hotel: reception of that hotel only. */
export const hotelEtaRoutes = [
  route({
    method: 'get',
    path: '/api/incidents/:incidentId/hotels/:hotelId/etas',
    roles: ['admin', 'duty_manager', 'reception'],
    params: hotelParams,
    scope: 'hotel',
    handler: async ({ res, params, deps }) => res.json(await deps.drivers.hotelEtas(params.incidentId, params.hotelId)),
  }),
];

const LINK = "the driver's phone has no account: the signed per-vehicle link is the key (403 once revoked or the incident ended)";
const token = (req: Request) => parseOr400(tokenParams, req.params, 'params').token;

/** The driver's phone (`/api/drive/:token`). */
export const driveRoutes = [
  route({
    method: 'get',
    path: '/api/drive/:token',
    roles: 'token',
    why: LINK,
    handler: async ({ req, res, deps }) => {
      res.setHeader('cache-control', 'no-store');
      res.json(await deps.drivers.view(token(req)));
    },
  }),
  route({
    method: 'post',
    path: '/api/drive/:token/boardings',
    roles: 'token',
    why: LINK,
    handler: async ({ req, res, deps }) => res.json(await deps.drivers.board(token(req), req.body)),
  }),
  route({
    method: 'post',
    path: '/api/drive/:token/departures',
    roles: 'token',
    why: LINK,
    handler: async ({ req, res, deps }) => res.json(await deps.drivers.depart(token(req), req.body)),
  }),
  route({
    method: 'post',
    path: '/api/drive/:token/arrivals',
    roles: 'token',
    why: LINK,
    handler: async ({ req, res, deps }) => res.json(await deps.drivers.arrive(token(req), req.body)),
  }),
  route({
    method: 'post',
    path: '/api/drive/:token/positions',
    roles: 'token',
    why: LINK,
    handler: async ({ req, res, deps }) => res.json(await deps.drivers.position(token(req), req.body)),
  }),
];
