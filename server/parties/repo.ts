/** A household's row and its members, as a duty manager's status change or correction reads and writes them. */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { guests, hotels, parties, stays, type PartyStatus } from '../db/schema.js';

export async function lockParty(tx: Tx, incidentId: string, partyId: string) {
  const [party] = await tx
    .select()
    .from(parties)
    .where(and(eq(parties.incidentId, incidentId), eq(parties.id, partyId)))
    .for('update');
  return party;
}

/** The household's members in order, with where each one is. */
export async function members(tx: Tx, incidentId: string, partyId: string): Promise<{ id: string; name: string; w: string }[]> {
  return tx
    .select({ id: guests.id, name: guests.name, w: guests.whereabouts })
    .from(guests)
    .where(and(eq(guests.incidentId, incidentId), eq(guests.partyId, partyId)))
    .orderBy(guests.position);
}

export async function setPartyStatus(tx: Tx, incidentId: string, partyId: string, status: PartyStatus): Promise<void> {
  await tx
    .update(parties)
    .set({ status })
    .where(and(eq(parties.incidentId, incidentId), eq(parties.id, partyId)));
}

/** The household's members as stored, in order: what a correction compares against. */
export async function guestRows(tx: Tx, incidentId: string, partyId: string) {
  return tx
    .select({ id: guests.id, name: guests.name, age: guests.age, needs: guests.needs, whereabouts: guests.whereabouts })
    .from(guests)
    .where(and(eq(guests.incidentId, incidentId), eq(guests.partyId, partyId)))
    .orderBy(guests.position);
}

type PartyFields = Pick<typeof parties.$inferInsert, 'name' | 'unit' | 'siteId' | 'needs' | 'notes' | 'phone' | 'email' | 'language'>;

/**
 * Write a corrected household: its own fields, then its members as listed (kept ones updated in
 * place, new ones added waiting, the rest removed; the caller has checked that only people still
 * waiting are removed).
 */
export async function writeHousehold(
  tx: Tx,
  incidentId: string,
  partyId: string,
  fields: PartyFields,
  list: readonly { id: string; name: string; age: string; needs: string[] }[],
  removedIds: readonly string[],
): Promise<void> {
  await tx
    .update(parties)
    .set(fields)
    .where(and(eq(parties.incidentId, incidentId), eq(parties.id, partyId)));
  if (removedIds.length) await tx.delete(guests).where(and(eq(guests.incidentId, incidentId), inArray(guests.id, [...removedIds])));
  // Kept members are updated in place and new ones inserted, 1,000 at a time. A row of another
  // household under a new id (a colleague's add committed meanwhile) is never taken over: it is
  // left alone, and the shortfall refuses the correction.
  const rows = list.map((g, position) => ({ incidentId, partyId, id: g.id, name: g.name, age: g.age, needs: g.needs, position }));
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    const written = await tx
      .insert(guests)
      .values(chunk)
      .onConflictDoUpdate({
        target: [guests.incidentId, guests.id],
        set: { name: sql`excluded.name`, age: sql`excluded.age`, needs: sql`excluded.needs`, position: sql`excluded.position` },
        setWhere: eq(guests.partyId, partyId),
      })
      .returning({ id: guests.id });
    if (written.length !== chunk.length) {
      const mine = new Set(written.map((w) => w.id));
      const lost = chunk.filter((g) => !mine.has(g.id)).map((g) => g.id);
      throw new AppError('conflict', `Guest id ${lost.join(', ')} was just given to another household: correct this one again with another id.`, {
        guestIds: lost,
      });
    }
  }
}

/** The household's stay in force (planned or checked in), with its hotel's name and phone. */
export async function stayInForce(tx: Tx, incidentId: string, partyId: string) {
  const [row] = await tx
    .select({ hotelId: stays.hotelId, status: stays.status, hotelName: hotels.name, hotelPhone: hotels.phone })
    .from(stays)
    .innerJoin(hotels, and(eq(hotels.incidentId, stays.incidentId), eq(hotels.id, stays.hotelId)))
    .where(and(eq(stays.incidentId, incidentId), eq(stays.partyId, partyId), inArray(stays.status, ['planned', 'checked_in'])))
    .limit(1);
  return row;
}
