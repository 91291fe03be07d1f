import { Router, type Request } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/middleware.js';
import { AppError, parseOr400 } from '../http/errors.js';
import { assertIncidentVisible } from '../incidents/scope.js';
import type { DriverService } from './service.js';

const incidentParams = z.object({ incidentId: z.uuid({ message: 'expected an incident id' }) });
const hotelParams = incidentParams.extend({ hotelId: z.string().min(1).max(100) });
const tokenParams = z.object({ token: z.string().min(10).max(400) });

/** Duty managers get each vehicle's driver link (`/api/incidents/:incidentId/drivers`). */
export function driverLinkRoutes(service: DriverService): Router {
  const r = Router({ mergeParams: true });
  r.use(requireRole('admin', 'duty_manager'));
  r.get('/', async (req, res) => {
    const { incidentId } = parseOr400(incidentParams, req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    res.setHeader('cache-control', 'no-store');
    res.json(await service.links(incidentId, `${req.protocol}://${req.get('host') ?? 'localhost'}`));
  });
  return r;
}

/** Live ETAs of the vehicles bound for a hotel (`/api/incidents/:incidentId/hotels/:hotelId/etas`): reception of that hotel only. */
export function hotelEtaRoutes(service: DriverService): Router {
  const r = Router({ mergeParams: true });
  r.use(requireRole('admin', 'duty_manager', 'reception'));
  r.get('/', async (req: Request, res) => {
    const p = parseOr400(hotelParams, req.params, 'params');
    const user = assertIncidentVisible(req.user, p.incidentId);
    if (user.role === 'reception' && user.hotelId !== p.hotelId) throw new AppError('not_found', 'No such hotel.');
    res.json(await service.hotelEtas(p.incidentId, p.hotelId));
  });
  return r;
}

/** The driver's phone (`/api/drive/:token`): no account, the signed link is the key. */
export function driveRoutes(service: DriverService): Router {
  const r = Router({ mergeParams: true });
  const token = (req: Request) => parseOr400(tokenParams, req.params, 'params').token;
  r.get('/', async (req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.json(await service.view(token(req)));
  });
  r.post('/boardings', async (req, res) => res.json(await service.board(token(req), req.body)));
  r.post('/departures', async (req, res) => res.json(await service.depart(token(req), req.body)));
  r.post('/arrivals', async (req, res) => res.json(await service.arrive(token(req), req.body)));
  r.post('/positions', async (req, res) => res.json(await service.position(token(req), req.body)));
  return r;
}
