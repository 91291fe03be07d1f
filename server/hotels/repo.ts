/**
 * Hotels and their room types as the hotel service reads and writes them, inside the service's
 * transaction. Capacity (`used`) moves only through server/stays/repo.ts.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { hotels, parties, roomTypes, stays, type PartyStatus } from '../db/schema.js';
import { insertBatched } from '../db/batch.js';

export type HotelRow = typeof hotels.$inferSelect;
export type NewHotel = Omit<typeof hotels.$inferInsert, 'incidentId' | 'position'>;
export type NewRoomType = Omit<typeof roomTypes.$inferInsert, 'incidentId' | 'hotelId' | 'position'>;
export type RoomTypeChange = Pick<typeof roomTypes.$inferInsert, 'count' | 'sleeps' | 'accessible' | 'rateMinor'>;
export type HotelChange = Partial<Pick<typeof hotels.$inferInsert, 'petsAllowed' | 'perks' | 'email'>>;

/** A new hotel at the end of the incident's list, with its room types in their given order. */
export async function insertHotel(tx: Tx, incidentId: string, h: NewHotel, rooms: readonly NewRoomType[]): Promise<void> {
  const [pos] = await tx
    .select({ n: sql<number>`coalesce(max(${hotels.position}) + 1, 0)::int` })
    .from(hotels)
    .where(eq(hotels.incidentId, incidentId));
  await tx.insert(hotels).values({ ...h, incidentId, position: pos?.n ?? 0 });
  await insertBatched(
    rooms.map((r, position) => ({ incidentId, hotelId: h.id, ...r, position })),
    (c) => tx.insert(roomTypes).values(c),
  );
}

export async function lockHotel(tx: Tx, incidentId: string, hotelId: string): Promise<HotelRow | undefined> {
  const [hotel] = await tx
    .select()
    .from(hotels)
    .where(and(eq(hotels.incidentId, incidentId), eq(hotels.id, hotelId)))
    .for('update');
  return hotel;
}

export async function updateHotel(tx: Tx, incidentId: string, hotelId: string, change: HotelChange): Promise<void> {
  await tx
    .update(hotels)
    .set(change)
    .where(and(eq(hotels.incidentId, incidentId), eq(hotels.id, hotelId)));
}

export async function lockRoomType(tx: Tx, incidentId: string, hotelId: string, type: string) {
  const [cur] = await tx
    .select()
    .from(roomTypes)
    .where(and(eq(roomTypes.incidentId, incidentId), eq(roomTypes.hotelId, hotelId), eq(roomTypes.type, type)))
    .for('update');
  return cur;
}

/**
 * Lock every room type of the hotel, one at a time in the order `lockRoomsOf` (stays/repo.ts) takes
 * them, before any stay at the hotel is read: a household's correction or departure takes the same
 * locks first, so the two queue instead of deadlocking. Returns them by type.
 */
export async function lockRoomTypes(tx: Tx, incidentId: string, hotelId: string): Promise<Map<string, typeof roomTypes.$inferSelect>> {
  const names = await tx
    .select({ type: roomTypes.type })
    .from(roomTypes)
    .where(and(eq(roomTypes.incidentId, incidentId), eq(roomTypes.hotelId, hotelId)));
  const out = new Map<string, typeof roomTypes.$inferSelect>();
  for (const type of names.map((n) => n.type).sort()) {
    const row = await lockRoomType(tx, incidentId, hotelId, type);
    if (row) out.set(type, row);
  }
  return out;
}

/** A room type added after the offer, at the end of the hotel's list. */
export async function appendRoomType(tx: Tx, incidentId: string, hotelId: string, rt: NewRoomType): Promise<void> {
  const [pos] = await tx
    .select({ n: sql<number>`coalesce(max(${roomTypes.position}) + 1, 0)::int` })
    .from(roomTypes)
    .where(and(eq(roomTypes.incidentId, incidentId), eq(roomTypes.hotelId, hotelId)));
  await tx.insert(roomTypes).values({ incidentId, hotelId, ...rt, position: pos?.n ?? 0 });
}

export async function updateRoomType(tx: Tx, incidentId: string, hotelId: string, type: string, change: RoomTypeChange): Promise<void> {
  await tx
    .update(roomTypes)
    .set(change)
    .where(and(eq(roomTypes.incidentId, incidentId), eq(roomTypes.hotelId, hotelId), eq(roomTypes.type, type)));
}

export async function partyNames(db: Db | Tx, incidentId: string, partyIds: readonly string[]): Promise<{ id: string; name: string }[]> {
  return db
    .select({ id: parties.id, name: parties.name })
    .from(parties)
    .where(and(eq(parties.incidentId, incidentId), inArray(parties.id, [...partyIds])));
}

/** Planned stays at a hotel, newest first (the first to give up their rooms). */
export async function plannedStaysNewestFirst(tx: Tx, incidentId: string, hotelId: string) {
  return tx
    .select()
    .from(stays)
    .where(and(eq(stays.incidentId, incidentId), eq(stays.hotelId, hotelId), eq(stays.status, 'planned')))
    .orderBy(desc(stays.createdAt));
}

/** Stays holding rooms at a hotel now: planned, or checked in. */
export async function activeStaysAt(tx: Tx, incidentId: string, hotelId: string) {
  return tx
    .select()
    .from(stays)
    .where(and(eq(stays.incidentId, incidentId), eq(stays.hotelId, hotelId), inArray(stays.status, ['planned', 'checked_in'])));
}

export async function partyIdsWithStatus(tx: Tx, incidentId: string, statuses: PartyStatus[]): Promise<string[]> {
  const rows = await tx
    .select({ id: parties.id })
    .from(parties)
    .where(and(eq(parties.incidentId, incidentId), inArray(parties.status, statuses)));
  return rows.map((p) => p.id);
}
