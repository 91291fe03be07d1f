/**
 * The realtime contract, once: event names, payloads and acknowledgements, typing both the
 * server's `Server<...>` and the client's `Socket<...>`. State changes travel as the incident's
 * committed events (reliable, ordered by `seq`); positions and presence travel as volatile messages.
 */
import { z } from 'zod';
import type { EventPayloads, EventType } from './events.js';
import { entityIdSchema, lineSchema } from './fields.js';

/** What every committed event carries besides its type and payload. */
export interface LiveEventMeta {
  incidentId: string;
  seq: number;
  at: string;
  actor: { userId: string | null; name: string };
}

/**
 * A committed event of an incident's log as sent to duty managers: a union over shared/events.ts's
 * `EventPayloads`, so `switch (e.type)` narrows `e.payload` (the writer accepts nothing else).
 */
export type LiveEvent = { [K in EventType]: LiveEventMeta & { type: K; payload: EventPayloads[K] } }[EventType];

/** One type's event (e.g. `LiveEventOf<'party.boarded'>`). */
export type LiveEventOf<K extends EventType> = Extract<LiveEvent, { type: K }>;

/** What reception devices receive: that something changed at their hotel (they refetch their scoped view). */
export interface HotelNotice {
  incidentId: string;
  hotelId: string;
  seq: number;
  type: EventType;
}

export interface PresenceEntry {
  userId: string;
  name: string;
  role: string;
  viewing: string | null;
}

export interface VehiclePosition {
  vehicleId: string;
  lat: number;
  lng: number;
  at: string;
}

export const subscribeSchema = z.object({
  incidentId: z.uuid({ message: 'expected an incident id' }),
  /** Last sequence number the client has applied; 0 for "send me everything from now". */
  sinceSeq: z.number().int().nonnegative(),
});
export type SubscribeRequest = z.infer<typeof subscribeSchema>;

/** Answer to subscribe/sync: the missed events in order, or "too far behind: fetch a snapshot". */
export type SyncAck =
  | { ok: true; events: LiveEvent[]; snapshot: false; lastSeq: number }
  | { ok: true; snapshot: true; lastSeq: number; events: [] }
  | { ok: false; error: string };

/** What the user is looking at (a tab's name), shown to the others on the console: one line. */
export const presenceUpdateSchema = z.object({ viewing: lineSchema(200).nullable() });
export const vehiclePositionSchema = z.object({
  incidentId: z.uuid(),
  vehicleId: entityIdSchema,
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
});

/** Past-tense facts pushed by the server. */
export interface ServerToClientEvents {
  events: (events: LiveEvent[]) => void;
  'hotel.changed': (notice: HotelNotice) => void;
  'presence.changed': (incidentId: string, entries: PresenceEntry[]) => void;
  'vehicles.moved': (incidentId: string, positions: VehiclePosition[]) => void;
  'request.rejected': (reason: { event: string; message: string }) => void;
}

export interface ClientToServerEvents {
  subscribe: (req: SubscribeRequest, ack: (res: SyncAck) => void) => void;
  'presence.update': (req: z.infer<typeof presenceUpdateSchema>) => void;
  'vehicle.position': (req: z.infer<typeof vehiclePositionSchema>) => void;
}

/** Room names are chosen by the server only. */
export const rooms = {
  incident: (incidentId: string) => `incident:${incidentId}`,
  hotel: (incidentId: string, hotelId: string) => `hotel:${incidentId}:${hotelId}`,
};

/** Events further behind than this are not replayed: the client reloads a snapshot instead. */
export const MAX_REPLAY = 1000;
