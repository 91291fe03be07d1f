import { z } from 'zod';
import { actorOf } from '../http/actor.js';
import { routesFor } from '../http/route.js';
import type { HotelService } from './service.js';
import { entityIdSchema } from '../../shared/fields.js';

const params = z.object({ incidentId: z.uuid({ message: 'expected an incident id' }), hotelId: entityIdSchema });

const route = routesFor<{ hotels: HotelService }>();
const MANAGERS = ['admin', 'duty_manager'] as const;

export const hotelRoutes = [
  route({
    method: 'post',
    path: '/api/incidents/:incidentId/hotels',
    roles: MANAGERS,
    params: params.pick({ incidentId: true }),
    scope: 'incident',
    handler: async ({ req, res, params, deps }) => res.status(201).json(await deps.hotels.offer(params.incidentId, req.body, actorOf(req))),
  }),
  route({
    method: 'patch',
    path: '/api/incidents/:incidentId/hotels/:hotelId',
    roles: MANAGERS,
    params,
    scope: 'incident',
    handler: async ({ req, res, params, deps }) => res.json(await deps.hotels.update(params.incidentId, params.hotelId, req.body, actorOf(req))),
  }),
];
