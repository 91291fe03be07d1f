/** A household's row and its members, as a duty manager's status change reads and writes them. */
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { guests, parties, type PartyStatus } from '../db/schema.js';

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
