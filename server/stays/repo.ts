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
