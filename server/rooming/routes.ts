import { z } from 'zod';
import type { Db } from '../db/client.js';
import { routesFor } from '../http/route.js';
import { roomingQuerySchema } from '../../shared/rooming.js';
import { roomingCsv } from './csv.js';
import { roomingPdf } from './pdf.js';
import { loadRoomingList } from './service.js';

const params = z.object({ incidentId: z.uuid({ message: 'expected an incident id' }), hotelId: z.string().min(1).max(100) });

/** Rooming lists: duty managers and admins for any hotel; reception for its own hotel only ("not found" for others). */
export const roomingRoutes = [
  routesFor<{ db: Db }>()({
    method: 'get',
    path: '/api/incidents/:incidentId/hotels/:hotelId/rooming-list',
    roles: ['admin', 'duty_manager', 'reception'],
    params,
    scope: 'hotel',
    query: roomingQuerySchema,
    handler: async ({ res, params: { incidentId, hotelId }, query, deps }) => {
      const list = await loadRoomingList(deps.db, incidentId, hotelId);
      const name = `rooming-list-${hotelId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
      res.setHeader('cache-control', 'no-store');
      if (query.format === 'pdf') {
        res.setHeader('content-type', 'application/pdf');
        res.setHeader('content-disposition', `attachment; filename="${name}.pdf"`);
        res.send(await roomingPdf(list));
        return;
      }
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      res.setHeader('content-disposition', `attachment; filename="${name}.csv"`);
      res.send(roomingCsv(list));
    },
  }),
];
