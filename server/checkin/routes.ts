import { z } from 'zod';
import { actorOf } from '../http/actor.js';
import { routesFor } from '../http/route.js';
import type { CheckinService } from './service.js';
import { entityIdSchema } from '../../shared/fields.js';

const params = z.object({ incidentId: z.uuid({ message: 'expected an incident id' }), hotelId: entityIdSchema });

const route = routesFor<{ checkin: CheckinService }>();
/** Reception may act only at its own hotel (scope `hotel`); duty managers and admins at any. Other hotels are "not found". */
const AT_HOTEL = ['admin', 'duty_manager', 'reception'] as const;
const at = '/api/incidents/:incidentId/hotels/:hotelId/arrivals';

export const checkinRoutes = [
  route({
    method: 'get',
    path: at,
    roles: AT_HOTEL,
    params,
    scope: 'hotel',
    handler: async ({ res, params, deps }) => res.json(await deps.checkin.arrivals(params.incidentId, params.hotelId)),
  }),
  route({
    method: 'post',
    path: `${at}/checkins`,
    roles: AT_HOTEL,
    params,
    scope: 'hotel',
    handler: async ({ req, res, params, deps }) => res.json(await deps.checkin.checkIn(params.incidentId, params.hotelId, req.body, actorOf(req))),
  }),
  route({
    method: 'post',
    path: `${at}/no-shows`,
    roles: AT_HOTEL,
    params,
    scope: 'hotel',
    handler: async ({ req, res, params, deps }) => res.json(await deps.checkin.noShow(params.incidentId, params.hotelId, req.body, actorOf(req))),
  }),
  route({
    method: 'post',
    path: `${at}/checkouts`,
    roles: AT_HOTEL,
    params,
    scope: 'hotel',
    handler: async ({ req, res, params, deps }) => res.json(await deps.checkin.checkOut(params.incidentId, params.hotelId, req.body, actorOf(req))),
  }),
];
