/**
 * The in-process bus between services and the realtime layer, with two channels:
 *
 * - `committed`: the incident log's events, published only once their transaction has committed
 *   (events/log.ts `commitWithEvents`); ordered by seq (see `publish`), caught up by `subscribe`, never lost.
 * - `volatile`: what is not logged and may be lost: where a vehicle is, who follows an incident and
 *   what they are looking at. Services publish here and know nothing of sockets; the realtime layer
 *   alone turns these into volatile socket messages (batched, dropped for a client that is not ready).
 */
import { EventEmitter } from 'node:events';
import type { VehiclePosition } from '../../shared/realtime.js';
import type { StoredEvent } from './log.js';

export type VolatileMessage =
  /** A vehicle's position (a driver's phone, or a manager's map): the latest per vehicle wins. */
  | { kind: 'vehicle.position'; incidentId: string; position: VehiclePosition }
  /** Who follows this incident, or what they look at, changed: the realtime layer recounts it. */
  | { kind: 'presence'; incidentId: string }
  /**
   * Sessions ended (a sign-out: one session; "sign out everywhere": every session of a user): the
   * realtime layer closes their sockets at once, on every process. If this is lost, the periodic
   * session check closes them later.
   */
  | { kind: 'sessions.ended'; tokenHash: string }
  | { kind: 'sessions.ended'; userId: string };

export class EventBus extends EventEmitter<{ committed: [StoredEvent[]]; volatile: [VolatileMessage] }> {
  /**
   * Committed events, in seq order (called by the log after commit, never inside a transaction).
   * On PostgreSQL two changes committed back to back (a change's last statement carries its COMMIT)
   * may be published in either order; each change's own events stay in order. Sockets there are
   * served from LISTEN, in commit order (realtime/notify.ts); the bus's other listeners only wake jobs.
   */
  publish(list: StoredEvent[]): void {
    if (list.length) this.emit('committed', list);
  }

  /** Not logged, not ordered with commits, and no one may rely on it arriving. */
  publishVolatile(message: VolatileMessage): void {
    this.emit('volatile', message);
  }
}
