/**
 * Exports' own reads and writes: the export log (recorded once per export, listed newest first,
 * read back for verification), user names for the lines, and a household's rides for its claim
 * pack. The ledger itself is read through server/ledger/repo.ts.
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { exportsLog, guests, parties, tripRiders, trips, users } from '../db/schema.js';
import type { Member } from '../ledger/guest-shares.js';

type Exec = Db | Tx;
export type ExportLogRow = typeof exportsLog.$inferSelect;

/** Every user's name by id (entries name who recorded them). */
export async function userNames(db: Exec): Promise<Map<string, string>> {
  const rows = await db.select({ id: users.id, name: users.name }).from(users);
  return new Map(rows.map((u) => [u.id, u.name]));
}

/** Every household's members in their listed order, and whether each was checked in (the By guest sheet). */
export async function membersByHousehold(db: Exec, incidentId: string): Promise<Map<string, Member[]>> {
  const rows = await db
    .select({ id: guests.id, partyId: guests.partyId, name: guests.name, checkedInAt: guests.checkedInAt })
    .from(guests)
    .where(eq(guests.incidentId, incidentId))
    .orderBy(asc(guests.partyId), asc(guests.position));
  const out = new Map<string, Member[]>();
  for (const r of rows) {
    const list = out.get(r.partyId) ?? [];
    list.push({ id: r.id, name: r.name, checkedIn: r.checkedInAt !== null });
    out.set(r.partyId, list);
  }
  return out;
}

export async function recordExport(db: Exec, row: typeof exportsLog.$inferInsert): Promise<void> {
  await db.insert(exportsLog).values(row);
}

/** The incident's last 100 exports, newest first, with who made them. */
/** Ids of an incident's exports older than its newest `keep` (their files may go; their manifests stay). */
export async function exportsBeyond(db: Exec, incidentId: string, keep: number): Promise<string[]> {
  const rows = await db
    .select({ id: exportsLog.id })
    .from(exportsLog)
    .where(eq(exportsLog.incidentId, incidentId))
    .orderBy(desc(exportsLog.createdAt), desc(exportsLog.id))
    .offset(keep)
    .limit(1000);
  return rows.map((r) => r.id);
}

export function recentExports(db: Exec, incidentId: string) {
  return db
    .select({ e: exportsLog, name: users.name })
    .from(exportsLog)
    .leftJoin(users, eq(users.id, exportsLog.userId))
    .where(eq(exportsLog.incidentId, incidentId))
    .orderBy(desc(exportsLog.createdAt))
    .limit(100);
}

export async function exportOnRecord(db: Exec, incidentId: string, exportId: string): Promise<ExportLogRow | undefined> {
  const [row] = await db
    .select()
    .from(exportsLog)
    .where(and(eq(exportsLog.incidentId, incidentId), eq(exportsLog.id, exportId)));
  return row;
}

export async function findParty(db: Exec, incidentId: string, partyId: string) {
  const [party] = await db
    .select()
    .from(parties)
    .where(and(eq(parties.incidentId, incidentId), eq(parties.id, partyId)));
  return party;
}

/** The household's trips (planned, aboard or done), earliest departure first. */
export function partyTrips(db: Exec, incidentId: string, partyId: string) {
  return db
    .select({ trip: trips })
    .from(tripRiders)
    .innerJoin(trips, eq(trips.id, tripRiders.tripId))
    .where(and(eq(tripRiders.incidentId, incidentId), eq(tripRiders.partyId, partyId), inArray(tripRiders.status, ['planned', 'boarded', 'dropped'])))
    .orderBy(asc(trips.departAt));
}
