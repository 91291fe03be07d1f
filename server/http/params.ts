/** Route parameters every incident-scoped router reads the same way. */
import { z } from 'zod';

/** `/api/incidents/:incidentId/...`: a 400 "params.incidentId: expected an incident id" otherwise. */
export const incidentParams = z.object({ incidentId: z.uuid({ message: 'expected an incident id' }) });
