/**
 * Parts of a running server that can be unwell on their own (the realtime layer's LISTEN
 * connection) report here, keyed by the app's database handle, so /api/health can say so without
 * the HTTP layer knowing about sockets.
 */
import type { Database } from '../db/client.js';

export type HealthProbe = () => boolean;

const probes = new WeakMap<Database, Map<string, HealthProbe>>();

/** Register (or, with `null`, remove) a named probe for the server using `database`. */
export function setHealthProbe(database: Database, name: string, probe: HealthProbe | null): void {
  const m = probes.get(database) ?? new Map<string, HealthProbe>();
  if (probe) m.set(name, probe);
  else m.delete(name);
  probes.set(database, m);
}

export function readHealthProbes(database: Database): Record<string, boolean> {
  return Object.fromEntries([...(probes.get(database) ?? new Map<string, HealthProbe>())].map(([name, probe]) => [name, probe()]));
}
