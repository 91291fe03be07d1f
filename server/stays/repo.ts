/**
 * Capacity bookkeeping. Every booking raises `used` on the room-type row (or `seats_used` on the
 * trip row) with one UPDATE: the row lock orders racing transactions and the CHECK constraint
 * refuses the one that would overfill, so a room or seat can never be given twice.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { roomTypes, trips } from '../db/schema.js';
import { AppError } from '../http/errors.js';

export interface RoomCount {
  type: string;
  count: number;
}

/** Take `rooms` at a hotel; throws capacity_exceeded (409) if any type has too few left. */
export async function reserveRooms(tx: Tx, incidentId: string, hotelId: string, rooms: RoomCount[]): Promise<void> {
  for (const r of rooms) {
    const updated = await tx
      .update(roomTypes)
      .set({ used: sql`${roomTypes.used} + ${r.count}` })
      .where(and(eq(roomTypes.incidentId, incidentId), eq(roomTypes.hotelId, hotelId), eq(roomTypes.type, r.type)))
      .returning({ used: roomTypes.used });
    if (updated.length === 0) throw new AppError('bad_request', `Hotel ${hotelId} has no room type "${r.type}".`, { hotelId, type: r.type });
  }
}

/** Give rooms back (a stay cancelled or moved). */
export async function releaseRooms(tx: Tx, incidentId: string, hotelId: string, rooms: RoomCount[]): Promise<void> {
  for (const r of rooms) {
    await tx
      .update(roomTypes)
      .set({ used: sql`${roomTypes.used} - ${r.count}` })
      .where(and(eq(roomTypes.incidentId, incidentId), eq(roomTypes.hotelId, hotelId), eq(roomTypes.type, r.type)));
  }
}

/** Take seats and wheelchair spaces on a trip; throws capacity_exceeded if the vehicle is full. */
export async function reserveSeats(tx: Tx, tripId: string, seats: number, wheelchairSpaces: number): Promise<void> {
  await tx
    .update(trips)
    .set({ seatsUsed: sql`${trips.seatsUsed} + ${seats}`, wheelchairUsed: sql`${trips.wheelchairUsed} + ${wheelchairSpaces}` })
    .where(eq(trips.id, tripId));
}

export async function releaseSeats(tx: Tx, tripId: string, seats: number, wheelchairSpaces: number): Promise<void> {
  await tx
    .update(trips)
    .set({ seatsUsed: sql`${trips.seatsUsed} - ${seats}`, wheelchairUsed: sql`${trips.wheelchairUsed} - ${wheelchairSpaces}` })
    .where(eq(trips.id, tripId));
}

/**
 * Many stays at once (applying a plan): the net change per room type in one statement per 1,000
 * types. Each row is updated once, so the CHECK sees the final count, and racing transactions still
 * queue on the rows' locks.
 */
export async function adjustRoomsBulk(tx: Tx, incidentId: string, deltas: Map<string, { hotelId: string; type: string; delta: number }>): Promise<void> {
  const list = [...deltas.values()].filter((d) => d.delta !== 0);
  for (let i = 0; i < list.length; i += 1000) {
    const chunk = list.slice(i, i + 1000);
    const values = sql.join(
      chunk.map((d) => sql`(${d.hotelId}, ${d.type}, ${d.delta}::int)`),
      sql`, `,
    );
    const res = await tx.execute(
      sql`update room_types r set used = r.used + d.delta from (values ${values}) as d(hotel_id, type, delta) where r.incident_id = ${incidentId} and r.hotel_id = d.hotel_id and r.type = d.type returning r.hotel_id`,
    );
    const n = (res as unknown as { rows?: unknown[] }).rows?.length ?? (res as unknown as unknown[]).length;
    if (n !== chunk.length) throw new AppError('bad_request', 'The plan uses a room type that this incident does not have; compute a new plan.');
  }
}

export function addRoomDelta(deltas: Map<string, { hotelId: string; type: string; delta: number }>, hotelId: string, rooms: RoomCount[], sign: 1 | -1): void {
  for (const r of rooms) {
    const key = `${hotelId}\u0000${r.type}`;
    const d = deltas.get(key) ?? { hotelId, type: r.type, delta: 0 };
    d.delta += sign * r.count;
    deltas.set(key, d);
  }
}
