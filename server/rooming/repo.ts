/**
 * Rooming lists' reads and the front-desk mail's writes: the households coming to a hotel (with
 * guests and rides), the helpline, the last list sent to each hotel and the email queued in the
 * outbox, in the caller's transaction or on the database.
 */
import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { guests, hotels, messageSettings, outbox, parties, roomingSent, tripRiders, trips, vehicles } from '../db/schema.js';

type Exec = Db | Tx;
export type RoomingSentRow = typeof roomingSent.$inferSelect;

export async function helplinePhone(q: Exec, incidentId: string): Promise<string | undefined> {
  const [settings] = await q.select({ helpline: messageSettings.helplinePhone }).from(messageSettings).where(eq(messageSettings.incidentId, incidentId));
  return settings?.helpline;
}

/** The households' rows, their guests in order, and their live rides to this hotel (with trip and vehicle). */
export async function comingParts(q: Exec, incidentId: string, hotelId: string, partyIds: string[]) {
  const partyRows = await q
    .select()
    .from(parties)
    .where(and(eq(parties.incidentId, incidentId), inArray(parties.id, partyIds)));
  const guestRows = await q
    .select()
    .from(guests)
    .where(and(eq(guests.incidentId, incidentId), inArray(guests.partyId, partyIds)))
    .orderBy(asc(guests.position));
  const rideRows = await q
    .select({ partyId: tripRiders.partyId, trip: trips, vehicle: vehicles })
    .from(tripRiders)
    .innerJoin(trips, eq(trips.id, tripRiders.tripId))
    .innerJoin(vehicles, and(eq(vehicles.incidentId, trips.incidentId), eq(vehicles.id, trips.vehicleId)))
    .where(
      and(
        eq(tripRiders.incidentId, incidentId),
        inArray(tripRiders.partyId, partyIds),
        eq(tripRiders.hotelId, hotelId),
        inArray(tripRiders.status, ['planned', 'boarded', 'dropped']),
      ),
    );
  return { partyRows, guestRows, rideRows };
}

export async function hotelIdsWithEmail(tx: Tx, incidentId: string): Promise<{ id: string }[]> {
  return tx
    .select({ id: hotels.id })
    .from(hotels)
    .where(and(eq(hotels.incidentId, incidentId), ne(hotels.email, '')));
}

export async function lastSent(tx: Tx, incidentId: string, hotelId: string): Promise<RoomingSentRow | undefined> {
  const [prev] = await tx
    .select()
    .from(roomingSent)
    .where(and(eq(roomingSent.incidentId, incidentId), eq(roomingSent.hotelId, hotelId)));
  return prev;
}

/** The email in the outbox (once per hotel and version) and the list remembered as sent. */
export async function queueRoomingEmail(
  tx: Tx,
  incidentId: string,
  hotelId: string,
  mail: { recipient: string; subject: string; body: string },
  sent: Pick<RoomingSentRow, 'version' | 'digest' | 'rows' | 'sentSeq'>,
  now: Date,
): Promise<void> {
  const { version, digest, rows, sentSeq } = sent;
  await tx
    .insert(outbox)
    .values({
      incidentId,
      partyId: '',
      hotelId,
      channel: 'email',
      template: 'rooming_list',
      recipient: mail.recipient,
      subject: mail.subject,
      body: mail.body,
      language: 'en',
      dedupeKey: `rooming:${hotelId}:v${version}:email`,
      nextAttemptAt: now,
    })
    .onConflictDoNothing({ target: [outbox.incidentId, outbox.dedupeKey] });
  await tx
    .insert(roomingSent)
    .values({ incidentId, hotelId, version, digest, rows, sentSeq, updatedAt: now })
    .onConflictDoUpdate({ target: [roomingSent.incidentId, roomingSent.hotelId], set: { version, digest, rows, sentSeq, updatedAt: now } });
}
