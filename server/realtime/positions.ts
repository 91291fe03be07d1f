/**
 * Vehicle positions on the managers' map. They come from a driver's phone over HTTP (the drivers'
 * service publishes them on the bus's volatile channel) or from a manager's socket (checked here:
 * managers only, a vehicle of that incident, then published the same way). Whatever arrives is
 * batched per incident, the latest per vehicle, and flushed at most every 500 ms as one volatile
 * 'vehicles.moved' message.
 */
import type { Logger } from 'pino';
import type { Database } from '../db/client.js';
import type { EventBus, VolatileMessage } from '../events/log.js';
import { findVehicle } from '../drivers/repo.js';
import { canSeeIncident } from '../incidents/scope.js';
import { rooms, vehiclePositionSchema, type VehiclePosition } from '../../shared/realtime.js';
import { fieldErrors, isManager, type AppSocket, type IO, type Reject } from './types.js';

const BATCH_MS = 500;

export function startPositions(io: IO, bus: EventBus, database: Database, logger: Logger) {
  const pending = new Map<string, Map<string, VehiclePosition>>();
  let timer: NodeJS.Timeout | null = null;
  /** Sockets' positions still being checked against the database. */
  const checking = new Set<Promise<void>>();

  const send = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    for (const [incidentId, m] of pending) io.to(rooms.incident(incidentId)).volatile.emit('vehicles.moved', incidentId, [...m.values()]);
    pending.clear();
  };

  const onVolatile = (m: VolatileMessage) => {
    if (m.kind !== 'vehicle.position') return;
    const byVehicle = pending.get(m.incidentId) ?? new Map<string, VehiclePosition>();
    byVehicle.set(m.position.vehicleId, m.position);
    pending.set(m.incidentId, byVehicle);
    timer ??= setTimeout(send, BATCH_MS);
  };
  bus.on('volatile', onVolatile);

  return {
    /** A manager's map reporting a vehicle's position over its socket. */
    handle(socket: AppSocket, reject: Reject) {
      const { user } = socket.data;
      socket.on('vehicle.position', (raw) => {
        const parsed = vehiclePositionSchema.safeParse(raw);
        if (!isManager(user)) return reject('vehicle.position', 'not allowed');
        if (!parsed.success) return reject('vehicle.position', fieldErrors(parsed.error));
        if (!canSeeIncident(user, parsed.data.incidentId)) return reject('vehicle.position', 'no such incident');
        const { incidentId, vehicleId, lat, lng } = parsed.data;
        const check = findVehicle(database.db, incidentId, vehicleId).then(
          (vehicle) => {
            if (!vehicle) return reject('vehicle.position', 'no such vehicle in this incident');
            bus.publishVolatile({ kind: 'vehicle.position', incidentId, position: { vehicleId, lat, lng, at: new Date().toISOString() } });
          },
          (err: unknown) => {
            logger.warn({ err }, 'vehicle position check failed');
            reject('vehicle.position', 'temporarily unavailable; try again');
          },
        );
        checking.add(check);
        const forget = () => void checking.delete(check);
        check.then(forget, forget);
      });
    },
    /** Once every check in flight has answered, send the batch now instead of when its timer fires. */
    async flush() {
      await Promise.all(checking);
      send();
    },
    close() {
      bus.off('volatile', onVolatile);
      if (timer) clearTimeout(timer);
      timer = null;
      pending.clear();
    },
  };
}
