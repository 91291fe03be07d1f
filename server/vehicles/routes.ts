import { z } from 'zod';
import { actorOf } from '../http/actor.js';
import { routesFor } from '../http/route.js';
import type { VehicleService } from './service.js';
import { entityIdSchema } from '../../shared/fields.js';

const params = z.object({ incidentId: z.uuid({ message: 'expected an incident id' }), vehicleId: entityIdSchema });

export const vehicleRoutes = [
  routesFor<{ vehicles: VehicleService }>()({
    method: 'post',
    path: '/api/incidents/:incidentId/vehicles',
    roles: ['admin', 'duty_manager'],
    params: params.pick({ incidentId: true }),
    scope: 'incident',
    handler: async ({ req, res, params, deps }) => res.status(201).json(await deps.vehicles.offer(params.incidentId, req.body, actorOf(req))),
  }),
  routesFor<{ vehicles: VehicleService }>()({
    method: 'patch',
    path: '/api/incidents/:incidentId/vehicles/:vehicleId',
    roles: ['admin', 'duty_manager'],
    params,
    scope: 'incident',
    handler: async ({ req, res, params, deps }) => res.json(await deps.vehicles.setStatus(params.incidentId, params.vehicleId, req.body, actorOf(req))),
  }),
];
