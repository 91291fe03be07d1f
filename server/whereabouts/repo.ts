/**
 * Moving people: the only code that writes a guest's whereabouts. Every move goes through the
 * state machine in shared/whereabouts.ts (a guest who may not make a move is left where they are
 * and not reported as moved), is recorded per guest in guest_statuses under the change's event,
 * and the household's status column follows from its members (`syncJourney`).
 */
import { and, asc, eq, inArray, isNotNull, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { guests, guestStatuses, parties, stays } from '../db/schema.js';
import { canMove, isWhereabouts, journeyOf, type HouseholdJourney, type Whereabouts } from '../../shared/whereabouts.js';

export interface Moved {
  guestId: string;
  partyId: string;
  from: Whereabouts;
}

export interface GuestSelection {
  partyIds?: readonly string[];
  guestIds?: readonly string[];
  /** Only guests currently in one of these states (on top of the state machine's rule). */
  from?: readonly Whereabouts[];
}

/**
 * What is said of a whole household is not said of members it does not describe: a member reported
 * missing stays missing (and their item open) until someone finds them (a roll call names who was
 * seen; a household set back to waiting does not), and members a vehicle has already set down at
 * the hotel did not make their own way there.
 */
const HOUSEHOLD_MOVES_KEEP: Partial<Record<Whereabouts, readonly Whereabouts[]>> = {
  own_way: ['missing', 'arrived'],
  no_show: ['missing'],
  waiting: ['missing'],
};

/**
 * Move the selected guests to `to` where the state machine allows it; returns who moved. Each
 * row is written only if it is still where it was read (the rows are not locked on reading): a
 * change that committed in between (a roll call marking someone missing while their driver ticks
 * the household aboard) wins, and the person is not in the returned list, so no event claims a
 * move that did not happen.
 */
export async function moveGuests(tx: Tx, incidentId: string, sel: GuestSelection, to: Whereabouts, at = new Date()): Promise<Moved[]> {
  const where = [eq(guests.incidentId, incidentId)];
  if (sel.partyIds) {
    if (!sel.partyIds.length) return [];
    where.push(inArray(guests.partyId, [...sel.partyIds]));
  }
  if (sel.guestIds) {
    if (!sel.guestIds.length) return [];
    where.push(inArray(guests.id, [...sel.guestIds]));
  }
  const rows = await tx
    .select({ id: guests.id, partyId: guests.partyId, whereabouts: guests.whereabouts })
    .from(guests)
    .where(and(...where))
    .orderBy(guests.partyId, guests.position);
  const moved: Moved[] = [];
  for (const r of rows) {
    const from = isWhereabouts(r.whereabouts) ? r.whereabouts : 'waiting';
    if (sel.from && !sel.from.includes(from)) continue;
    if (!sel.guestIds && HOUSEHOLD_MOVES_KEEP[to]?.includes(from)) continue;
    if (!canMove(from, to)) continue;
    moved.push({ guestId: r.id, partyId: r.partyId, from });
  }
  const written = new Set<string>();
  for (const from of new Set(moved.map((m) => m.from)))
    for (let i = 0; i < moved.length; i += 1000) {
      const ids = moved
        .slice(i, i + 1000)
        .filter((m) => m.from === from)
        .map((m) => m.guestId);
      if (!ids.length) continue;
      const rows = await tx
        .update(guests)
        .set({ whereabouts: to, whereaboutsAt: at })
        .where(and(eq(guests.incidentId, incidentId), inArray(guests.id, ids), eq(guests.whereabouts, from)))
        .returning({ id: guests.id });
      for (const r of rows) written.add(r.id);
    }
  return written.size === moved.length ? moved : moved.filter((m) => written.has(m.guestId));
}

/**
 * Every person's moves in the incident, in log order: [event seq, guest id, where to]. Everyone
 * starts waiting, so replay folds these up to any step to say where each person was then.
 */
export async function movesOf(db: Db | Tx, incidentId: string): Promise<[number, string, string][]> {
  const rows = await db
    .select({ seq: guestStatuses.eventSeq, guestId: guestStatuses.guestId, to: guestStatuses.status })
    .from(guestStatuses)
    .where(and(eq(guestStatuses.incidentId, incidentId), isNotNull(guestStatuses.guestId), isNotNull(guestStatuses.eventSeq)))
    .orderBy(asc(guestStatuses.eventSeq), asc(guestStatuses.id));
  return rows.map((r) => [r.seq!, r.guestId!, r.to]);
}

/** One status row per moved guest, tied to the event that moved them (the person's timeline). */
export async function recordMoves(tx: Tx, incidentId: string, moved: readonly Moved[], to: Whereabouts, eventSeq: number, at = new Date()): Promise<void> {
  for (let i = 0; i < moved.length; i += 1000) {
    const chunk = moved.slice(i, i + 1000);
    if (chunk.length)
      await tx.insert(guestStatuses).values(chunk.map((m) => ({ incidentId, partyId: m.partyId, guestId: m.guestId, status: to, at, eventSeq })));
  }
}

/**
 * `recordMoves` as SQL to ride in the event append's own statement (`emit(..., also)`): the moves'
 * lines take the append's first seq, so nothing is written while the incident's lock is held.
 */
export function recordMovesSql(incidentId: string, moved: readonly Moved[], to: Whereabouts, at: Date): (firstSeq: SQL) => SQL {
  return (firstSeq) => sql`insert into guest_statuses (incident_id, party_id, guest_id, status, at, event_seq)
    select ${incidentId}::uuid, t.party_id, t.guest_id, ${to}::text, ${at.toISOString()}::timestamptz, ${firstSeq}
    from unnest(${sql.param(moved.map((m) => m.partyId))}::text[], ${sql.param(moved.map((m) => m.guestId))}::text[]) as t(party_id, guest_id)`;
}

/**
 * Check these guests in, as SQL for one statement (the check-in's single write): whereabouts
 * `checked_in`, the time, and each one's room (null where reception gave none). The caller holds
 * their rows and has checked with `canMove` that each may move to `checked_in`.
 */
export function checkInGuestsSql(incidentId: string, list: readonly { guestId: string; roomNumber: string | null }[], at: Date): SQL {
  return sql`update guests g set whereabouts = 'checked_in', whereabouts_at = ${at.toISOString()}::timestamptz,
      checked_in_at = ${at.toISOString()}::timestamptz, room_number = t.room
    from unnest(${sql.param(list.map((x) => x.guestId))}::text[], ${sql.param(list.map((x) => x.roomNumber))}::text[]) as t(id, room)
    where g.incident_id = ${incidentId}::uuid and g.id = t.id`;
}

/** A household-level line in the timeline (its status after a change), tied to the change's event. */
export async function recordHouseholdStatus(tx: Tx, row: { incidentId: string; partyId: string; status: string; eventSeq: number; at?: Date }): Promise<void> {
  await tx.insert(guestStatuses).values(row);
}

/**
 * Bring each household's status column in line with its members (and its placement); returns the
 * households whose status changed. Callers run it after moving guests, inside the same transaction.
 */
export async function syncJourney(tx: Tx, incidentId: string, partyIds: readonly string[]): Promise<{ partyId: string; from: string; to: HouseholdJourney }[]> {
  const ids = [...new Set(partyIds)];
  if (!ids.length) return [];
  const out: { partyId: string; from: string; to: HouseholdJourney }[] = [];
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    // One after the other: a transaction is one connection.
    const ps = await tx
      .select({ id: parties.id, status: parties.status })
      .from(parties)
      .where(and(eq(parties.incidentId, incidentId), inArray(parties.id, chunk)));
    const gs = await tx
      .select({ partyId: guests.partyId, w: guests.whereabouts })
      .from(guests)
      .where(and(eq(guests.incidentId, incidentId), inArray(guests.partyId, chunk)));
    const ss = await tx
      .select({ partyId: stays.partyId })
      .from(stays)
      .where(and(eq(stays.incidentId, incidentId), inArray(stays.partyId, chunk), inArray(stays.status, ['planned', 'checked_in'])));
    const members = new Map<string, Whereabouts[]>();
    for (const g of gs) {
      const list = members.get(g.partyId) ?? [];
      list.push(isWhereabouts(g.w) ? g.w : 'waiting');
      members.set(g.partyId, list);
    }
    const placed = new Set(ss.map((s) => s.partyId));
    const byTarget = new Map<HouseholdJourney, string[]>();
    for (const p of ps) {
      const to = journeyOf(members.get(p.id) ?? [], p.status, placed.has(p.id));
      if (to === p.status) continue;
      out.push({ partyId: p.id, from: p.status, to });
      byTarget.set(to, [...(byTarget.get(to) ?? []), p.id]);
    }
    for (const [to, list] of byTarget)
      await tx
        .update(parties)
        .set({ status: to })
        .where(and(eq(parties.incidentId, incidentId), inArray(parties.id, list)));
  }
  return out;
}

/** Guests of these households (ids in household order), e.g. to name who an item is about. */
export async function membersOf(
  tx: Tx,
  incidentId: string,
  partyIds: readonly string[],
  states?: readonly Whereabouts[],
): Promise<{ id: string; partyId: string; name: string; whereabouts: string }[]> {
  if (!partyIds.length) return [];
  const where = [eq(guests.incidentId, incidentId), inArray(guests.partyId, [...partyIds])];
  if (states) where.push(inArray(guests.whereabouts, [...states]));
  return tx
    .select({ id: guests.id, partyId: guests.partyId, name: guests.name, whereabouts: guests.whereabouts })
    .from(guests)
    .where(and(...where))
    .orderBy(guests.partyId, guests.position);
}

/** Whereabouts per state over an incident: the counters that always add up to the guest total. */
export async function countByWhereabouts(db: Tx | import('../db/client.js').Db, incidentId: string): Promise<Record<string, number>> {
  const rows = await db
    .select({ w: guests.whereabouts, n: sql<number>`count(*)::int` })
    .from(guests)
    .where(eq(guests.incidentId, incidentId))
    .groupBy(guests.whereabouts);
  return Object.fromEntries(rows.map((r) => [r.w, Number(r.n)]));
}
