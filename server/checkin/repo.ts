/**
 * Reception's reads and writes: a hotel's expected households, and a stay's check-in, no-show
 * and check-out, in the check-in service's transaction. Guests move only through
 * server/whereabouts/repo.ts (check-in's single write uses its SQL); rooms are given back through server/stays/repo.ts.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import type { PartyStatus, StayStatus } from '../../shared/statuses.js';
import { rowsOf } from '../db/rows.js';
import { executeNamed, preparedPerDb } from '../db/prepared.js';
import { checkInGuestsSql } from '../whereabouts/repo.js';
import type { AlsoWrite } from '../events/log.js';
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

/** The incident's last event seq, its currency (perk caps are shown in it) and time zone. */
export async function incidentFacts(db: Exec, incidentId: string): Promise<{ lastSeq: number; currency: string; timezone: string } | undefined> {
  const [inc] = await db
    .select({ lastSeq: incidents.lastSeq, currency: incidents.currency, timezone: incidents.timezone })
    .from(incidents)
    .where(eq(incidents.id, incidentId));
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

export async function householdGuests(db: Db | Tx, incidentId: string, partyId: string) {
  return db
    .select()
    .from(guests)
    .where(and(eq(guests.incidentId, incidentId), eq(guests.partyId, partyId)))
    .orderBy(guests.position);
}

/**
 * Without locks: the household's name and members if it holds a checked-in stay at this hotel,
 * else null. One read, prepared (`preparedPerDb`), so that a repeated check-in is refused without
 * a transaction and nearly without work.
 */
export async function checkedInHere(db: Db, incidentId: string, hotelId: string, partyId: string) {
  const rows = await checkedInQuery(db).execute({ incidentId, hotelId, partyId });
  return rows.length ? { name: rows[0]!.name, guests: rows.map((r) => ({ id: r.guestId, whereabouts: r.whereabouts })) } : null;
}

const checkedInQuery = preparedPerDb((db) =>
  db
    .select({ name: parties.name, guestId: guests.id, whereabouts: guests.whereabouts })
    .from(stays)
    .innerJoin(parties, and(eq(parties.incidentId, stays.incidentId), eq(parties.id, stays.partyId)))
    .innerJoin(guests, and(eq(guests.incidentId, stays.incidentId), eq(guests.partyId, stays.partyId)))
    .where(
      and(
        eq(stays.incidentId, sql.placeholder('incidentId')),
        eq(stays.partyId, sql.placeholder('partyId')),
        eq(stays.hotelId, sql.placeholder('hotelId')),
        eq(stays.status, 'checked_in'),
      ),
    )
    .prepare('checkin_already_in'),
);

/** What a check-in decides from: the household, its active stay at the hotel, its members (in order). */
export interface HeldHousehold {
  party: { id: string; name: string; phone: string; status: PartyStatus };
  stay: { id: string; rooms: { type: string; count: number }[]; roomNumbers: Record<string, string[]> | null; checkedInAt: Date | null };
  guests: { id: string; partyId: string; name: string; whereabouts: string; roomNumber: string | null }[];
  /** How many of its attention items of the kinds asked for are open (read, not locked: `closeCured` locks them). */
  openItems: number;
}

/**
 * One statement for check-in's reads: the household, its planned or checked-in stay at this hotel
 * and its members, each locked in the order every change takes them (household, stay, guests), and
 * a count of its open attention items of these kinds. Null when it has no such stay here.
 */
export async function lockForCheckIn(
  tx: Tx,
  incidentId: string,
  hotelId: string,
  partyId: string,
  itemKinds: readonly string[],
): Promise<HeldHousehold | null> {
  const rows = rowsOf<{
    partyName: string;
    phone: string;
    partyStatus: PartyStatus;
    stayId: string;
    rooms: HeldHousehold['stay']['rooms'];
    roomNumbers: HeldHousehold['stay']['roomNumbers'];
    checkedInAt: Date | string | null;
    guestId: string;
    guestName: string;
    whereabouts: string;
    roomNumber: string | null;
    openItems: number | string;
  }>(
    await executeNamed(
      tx,
      sql`with p as (select id, name, phone, status from parties where incident_id = ${incidentId}::uuid and id = ${partyId} for update),
      st as (select s.id, s.rooms, s.room_numbers, s.checked_in_at from stays s join p on p.id = s.party_id
        where s.incident_id = ${incidentId}::uuid and s.hotel_id = ${hotelId} and s.status in ('planned', 'checked_in') for update of s),
      g as (select g.id, g.name, g.whereabouts, g.room_number, g.position from guests g join st on true
        where g.incident_id = ${incidentId}::uuid and g.party_id = ${partyId} for update of g)
      select p.name as "partyName", p.phone, p.status as "partyStatus", st.id as "stayId", st.rooms, st.room_numbers as "roomNumbers",
        st.checked_in_at as "checkedInAt", g.id as "guestId", g.name as "guestName", g.whereabouts, g.room_number as "roomNumber",
        (select count(*) from attention_items a where a.incident_id = ${incidentId}::uuid and a.party_id = ${partyId}
          and a.resolved_at is null and a.kind = any(${sql.param([...itemKinds])}::text[])) as "openItems"
      from p, st, g order by g.position`,
    ),
  );
  const first = rows[0];
  if (!first) return null;
  return {
    party: { id: partyId, name: first.partyName, phone: first.phone, status: first.partyStatus },
    stay: {
      id: first.stayId,
      rooms: first.rooms,
      roomNumbers: first.roomNumbers,
      checkedInAt: first.checkedInAt === null ? null : new Date(first.checkedInAt),
    },
    guests: rows.map((r) => ({ id: r.guestId, partyId, name: r.guestName, whereabouts: r.whereabouts, roomNumber: r.roomNumber })),
    openItems: Number(first.openItems),
  };
}

/**
 * Check-in's writes, to ride in its event's append (`emit(..., also)`): the guests checked in
 * (`checkInGuestsSql`), the stay checked in with its room numbers (its first check-in time kept),
 * the household's rides ended at the door, and its status when that changes. The caller holds all
 * these rows (`lockForCheckIn`). `keepRide`: members still wait at the muster point for a vehicle
 * that has not left, so that ride (and its seats) stays theirs.
 */
export function checkInWrites(
  incidentId: string,
  w: {
    partyId: string;
    stayId: string;
    guests: { guestId: string; roomNumber: string | null }[];
    roomNumbers: Record<string, string[]>;
    status: PartyStatus | null;
    at: Date;
    keepRide: boolean;
  },
): AlsoWrite[] {
  const at = sql`${w.at.toISOString()}::timestamptz`;
  const writes: AlsoWrite[] = [
    () => checkInGuestsSql(incidentId, w.guests, w.at),
    () => sql`update stays set status = 'checked_in', room_numbers = ${JSON.stringify(w.roomNumbers)}::jsonb, checked_in_at = coalesce(checked_in_at, ${at})
      where id = ${w.stayId}::uuid`,
    // A ride on a vehicle that has left ends at the door. A ride on one that has not is no longer
    // needed when nobody is left to collect (the household got here another way): taken off the
    // trip, its seats freed, so the driver neither waits for it nor carries it on paper, and no share
    // of the trip is charged to it. While members still wait for it, it stays theirs (`keepRide`).
    () => sql`update trip_riders r set status = case when t.status in ('departed', 'completed') then 'dropped' else 'cancelled' end,
      dropped_at = case when t.status in ('departed', 'completed') then ${at} else r.dropped_at end
      from trips t where t.id = r.trip_id and r.incident_id = ${incidentId}::uuid and r.party_id = ${w.partyId} and r.status in ('planned', 'boarded')
        ${w.keepRide ? sql`and t.status in ('departed', 'completed')` : sql``}`,
  ];
  if (!w.keepRide)
    writes.push(
      () => sql`update trips t set seats_used = t.seats_used - n.seated, wheelchair_used = t.wheelchair_used - n.wheel
      from (select (count(*) filter (where not ('wheelchair' = any(needs))))::int as seated, (count(*) filter (where 'wheelchair' = any(needs)))::int as wheel
        from guests where incident_id = ${incidentId}::uuid and party_id = ${w.partyId}) n
      where t.status in ('planned', 'boarding') and t.id in (select trip_id from trip_riders
        where incident_id = ${incidentId}::uuid and party_id = ${w.partyId} and status in ('planned', 'boarded'))`,
    );
  if (w.status) writes.push(() => sql`update parties set status = ${w.status} where incident_id = ${incidentId}::uuid and id = ${w.partyId}`);
  return writes;
}

export async function updateStay(
  tx: Tx,
  stayId: string,
  change: Partial<Pick<typeof stays.$inferInsert, 'status' | 'roomNumbers' | 'checkedInAt' | 'checkedOutAt' | 'endedAt'>>,
): Promise<void> {
  await tx.update(stays).set(change).where(eq(stays.id, stayId));
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

/**
 * Check-ins that name room numbers at this hotel take turns (a transaction-scoped advisory lock,
 * taken before any row lock, so it joins no cycle): between two of them, `roomsTakenAt` reads what
 * the other committed.
 */
export async function lockHotelRooms(tx: Tx, incidentId: string, hotelId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`rooms:${incidentId}:${hotelId}`}, 0))`);
}

/**
 * Room numbers among `numbers` already given to another household checked in at this hotel (a
 * room is one household's), by room type or to one of its guests: each with that household's
 * name. Called under `lockHotelRooms` (other households' stays are only read).
 */
export async function roomsTakenAt(
  db: Exec,
  incidentId: string,
  hotelId: string,
  numbers: readonly string[],
  exceptStayId: string,
): Promise<{ number: string; name: string }[]> {
  if (!numbers.length) return [];
  const rows = rowsOf<{ number: string; name: string }>(
    await db.execute(sql`select distinct n.number, p.name from stays s
      join parties p on p.incident_id = s.incident_id and p.id = s.party_id
      cross join lateral (select jsonb_array_elements_text(v) as number from jsonb_each(coalesce(s.room_numbers, '{}'::jsonb)) as e(k, v)
        union select g.room_number from guests g where g.incident_id = s.incident_id and g.party_id = s.party_id
          and g.whereabouts = 'checked_in' and g.room_number is not null) n
      where s.incident_id = ${incidentId}::uuid and s.hotel_id = ${hotelId} and s.status = 'checked_in' and s.id <> ${exceptStayId}::uuid
        and n.number = any(${sql.param([...numbers])}::text[])`),
  );
  return rows;
}
