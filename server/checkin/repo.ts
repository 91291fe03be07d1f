/**
 * Reception's reads and writes: a hotel's expected households, and a stay's check-in, no-show
 * and check-out, in the check-in service's transaction. Guests move only through
 * server/whereabouts/repo.ts; rooms are given back through server/stays/repo.ts.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import type { StayStatus } from '../../shared/statuses.js';
import { guests, hotels, incidents, parties, stays, tripRiders, trips, vehicles } from '../db/schema.js';

type Exec = Db | Tx;
export type HotelRow = typeof hotels.$inferSelect;
export type StayRow = typeof stays.$inferSelect;

export async function hotel(db: Exec, incidentId: string, hotelId: string): Promise<HotelRow | undefined> {
  const [row] = await db
    .select()
    .from(hotels)
    .where(and(eq(hotels.incidentId, incidentId), eq(hotels.id, hotelId)));
  return row;
}

/** The incident's last event seq and its currency (perk caps are shown in it). */
export async function incidentFacts(db: Exec, incidentId: string): Promise<{ lastSeq: number; currency: string } | undefined> {
  const [inc] = await db.select({ lastSeq: incidents.lastSeq, currency: incidents.currency }).from(incidents).where(eq(incidents.id, incidentId));
  return inc;
}

export async function staysAt(db: Exec, incidentId: string, hotelId: string, statuses: StayStatus[]): Promise<StayRow[]> {
  return db
    .select()
    .from(stays)
    .where(and(eq(stays.incidentId, incidentId), eq(stays.hotelId, hotelId), inArray(stays.status, statuses)));
}

/** The households' rows, their guests and their rides in these statuses (with trip and vehicle). */
export async function arrivingParts(db: Exec, incidentId: string, partyIds: string[], rideStatuses: string[]) {
  return Promise.all([
    db
      .select()
      .from(parties)
      .where(and(eq(parties.incidentId, incidentId), inArray(parties.id, partyIds))),
    db
      .select()
      .from(guests)
      .where(and(eq(guests.incidentId, incidentId), inArray(guests.partyId, partyIds))),
    db
      .select({ partyId: tripRiders.partyId, trip: trips, vehicle: vehicles })
      .from(tripRiders)
      .innerJoin(trips, eq(trips.id, tripRiders.tripId))
      .innerJoin(vehicles, and(eq(vehicles.incidentId, trips.incidentId), eq(vehicles.id, trips.vehicleId)))
      .where(and(eq(tripRiders.incidentId, incidentId), inArray(tripRiders.partyId, partyIds), inArray(tripRiders.status, rideStatuses))),
  ] as const);
}

export async function householdGuests(tx: Db | Tx, incidentId: string, partyId: string, lock = false) {
  const q = tx
    .select()
    .from(guests)
    .where(and(eq(guests.incidentId, incidentId), eq(guests.partyId, partyId)))
    .orderBy(guests.position);
  return lock ? q.for('update') : q;
}

/**
 * Without locks: the household's name and members if it holds a checked-in stay at this hotel,
 * else null. One read, so that a repeated check-in is refused without a transaction.
 */
export async function checkedInHere(db: Db, incidentId: string, hotelId: string, partyId: string) {
  const rows = await db
    .select({ name: parties.name, guestId: guests.id, whereabouts: guests.whereabouts })
    .from(stays)
    .innerJoin(parties, and(eq(parties.incidentId, stays.incidentId), eq(parties.id, stays.partyId)))
    .innerJoin(guests, and(eq(guests.incidentId, stays.incidentId), eq(guests.partyId, stays.partyId)))
    .where(and(eq(stays.incidentId, incidentId), eq(stays.partyId, partyId), eq(stays.hotelId, hotelId), eq(stays.status, 'checked_in')));
  return rows.length ? { name: rows[0]!.name, guests: rows.map((r) => ({ id: r.guestId, whereabouts: r.whereabouts })) } : null;
}

/**
 * Check the given guests in, in one statement: whereabouts `checked_in`, the time, and each one's
 * room (null where reception gave none). The caller holds their rows (householdGuests with lock) and
 * has checked that each may move to `checked_in`.
 */
export async function checkInGuests(tx: Tx, incidentId: string, list: { guestId: string; roomNumber: string | null }[], at: Date): Promise<void> {
  if (!list.length) return;
  await tx.execute(sql`
    update guests g set whereabouts = 'checked_in', whereabouts_at = ${at.toISOString()}::timestamptz,
      checked_in_at = ${at.toISOString()}::timestamptz, room_number = t.room
    from unnest(${sql.param(list.map((x) => x.guestId))}::text[], ${sql.param(list.map((x) => x.roomNumber))}::text[]) as t(id, room)
    where g.incident_id = ${incidentId}::uuid and g.id = t.id`);
}

export async function updateStay(
  tx: Tx,
  stayId: string,
  change: Partial<Pick<typeof stays.$inferInsert, 'status' | 'roomNumbers' | 'checkedInAt' | 'checkedOutAt' | 'endedAt'>>,
): Promise<void> {
  await tx.update(stays).set(change).where(eq(stays.id, stayId));
}

/** The household's planned or boarded rides end at the door: dropped. */
export async function dropRiders(tx: Tx, incidentId: string, partyId: string, at: Date): Promise<void> {
  await tx
    .update(tripRiders)
    .set({ status: 'dropped', droppedAt: at })
    .where(and(eq(tripRiders.incidentId, incidentId), eq(tripRiders.partyId, partyId), inArray(tripRiders.status, ['planned', 'boarded'])));
}

/** The household and its active stay at this hotel, both locked (either may be missing). */
export async function lockPartyAndStay(tx: Tx, incidentId: string, hotelId: string, partyId: string) {
  const [party] = await tx
    .select()
    .from(parties)
    .where(and(eq(parties.incidentId, incidentId), eq(parties.id, partyId)))
    .for('update');
  const [stay] = party
    ? await tx
        .select()
        .from(stays)
        .where(and(eq(stays.incidentId, incidentId), eq(stays.partyId, partyId), eq(stays.hotelId, hotelId), inArray(stays.status, ['planned', 'checked_in'])))
        .for('update')
    : [];
  return { party, stay };
}
