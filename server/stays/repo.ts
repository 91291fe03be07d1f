/**
 * Capacity bookkeeping. Rooms are taken only by applying a plan (`adjustRoomsBulk`), seats when
 * its trips are written: `used` on the room-type row (or `seats_used` on the trip row) is raised
 * by one UPDATE, the row lock orders racing transactions and the CHECK constraint refuses the one
 * that would overfill, so a room or seat can never be given twice (tests/db/capacity-race.test.ts).
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { rowsOf } from '../db/rows.js';
import { roomTypes, stays } from '../db/schema.js';
import { AppError } from '../http/errors.js';
import { releaseSeatsOfParties } from './riders.js';

export interface RoomCount {
  type: string;
  count: number;
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

/**
 * A planned stay no longer held (its rooms are given back separately, by releaseRooms). False when
 * it was not planned any more: a racing change (a withdrawal, a status change, a correction) let it
 * go first, and its rooms must not be given back twice. The stay's row lock decides which.
 */
export async function cancelStay(tx: Tx, stayId: string, at = new Date()): Promise<boolean> {
  const rows = await tx
    .update(stays)
    .set({ status: 'cancelled', endedAt: at })
    .where(and(eq(stays.id, stayId), eq(stays.status, 'planned')))
    .returning({ id: stays.id });
  return rows.length > 0;
}

/** A household's planned stays (at most one; a read without locks). */
export async function plannedStaysOf(tx: Tx, incidentId: string, partyId: string) {
  return tx
    .select()
    .from(stays)
    .where(and(eq(stays.incidentId, incidentId), eq(stays.partyId, partyId), eq(stays.status, 'planned')));
}

/**
 * Lock the room types these stays hold, in one order, before the stays are let go: a hotel's
 * withdrawal takes the same locks first (room type, then stay, then the trips' seats), so the two
 * queue instead of deadlocking, and the stay's own row then decides which of them lets it go.
 */
export async function lockRoomsOf(tx: Tx, incidentId: string, held: readonly { hotelId: string; rooms: RoomCount[] }[]): Promise<void> {
  const keys = [...new Set(held.flatMap((s) => s.rooms.map((r) => `${s.hotelId}\u0000${r.type}`)))].sort();
  for (const key of keys) {
    const [hotelId, type] = key.split('\u0000') as [string, string];
    await tx
      .select({ used: roomTypes.used })
      .from(roomTypes)
      .where(and(eq(roomTypes.incidentId, incidentId), eq(roomTypes.hotelId, hotelId), eq(roomTypes.type, type)))
      .for('update');
  }
}

/**
 * A household leaves the plan (made its own way, no-show): its planned stays are cancelled with
 * their rooms given back, and its seats on trips that have not left are released. Returns the
 * hotels it was planned for.
 */
export async function leavePlan(tx: Tx, incidentId: string, partyId: string): Promise<string[]> {
  const active = await plannedStaysOf(tx, incidentId, partyId);
  await lockRoomsOf(tx, incidentId, active);
  const left: string[] = [];
  for (const s of active) {
    if (!(await cancelStay(tx, s.id))) continue;
    await releaseRooms(tx, incidentId, s.hotelId, s.rooms);
    left.push(s.hotelId);
  }
  await releaseSeatsOfParties(tx, incidentId, [partyId]);
  return left;
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
    const n = rowsOf(res).length;
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
