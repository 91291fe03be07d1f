/** Incident facts the ledger and exports need next to the lines: names, head counts, riders, rates. */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { guests, hotels, incidents, parties, tripRiders } from '../db/schema.js';
import { AppError } from '../http/errors.js';
import type { TotalsContext } from './totals.js';

export type IncidentRow = typeof incidents.$inferSelect;

export async function loadIncident(db: Db | Tx, incidentId: string): Promise<IncidentRow> {
  const [inc] = await db.select().from(incidents).where(eq(incidents.id, incidentId));
  if (!inc) throw new AppError('not_found', 'No such incident.');
  return inc;
}

export async function loadTotalsContext(db: Db, incident: IncidentRow): Promise<TotalsContext> {
  const [hotelRows, partyRows, guestCounts, riderRows] = await Promise.all([
    db.select({ id: hotels.id, name: hotels.name }).from(hotels).where(eq(hotels.incidentId, incident.id)),
    db.select({ id: parties.id, name: parties.name }).from(parties).where(eq(parties.incidentId, incident.id)),
    db.select({ partyId: guests.partyId, n: sql<number>`count(*)::int` }).from(guests).where(eq(guests.incidentId, incident.id)).groupBy(guests.partyId),
    db
      .select({ tripId: tripRiders.tripId, partyId: tripRiders.partyId })
      .from(tripRiders)
      .where(and(eq(tripRiders.incidentId, incident.id), inArray(tripRiders.status, ['planned', 'boarded', 'dropped']))),
  ]);
  const counts = new Map(guestCounts.map((g) => [g.partyId, Number(g.n)]));
  const households = new Map(partyRows.map((p) => [p.id, { name: p.name, guests: counts.get(p.id) ?? 0 }]));
  const riders = new Map<string, { partyId: string; guests: number }[]>();
  for (const r of riderRows) {
    const list = riders.get(r.tripId) ?? [];
    list.push({ partyId: r.partyId, guests: households.get(r.partyId)?.guests ?? 1 });
    riders.set(r.tripId, list);
  }
  for (const list of riders.values()) list.sort((a, b) => a.partyId.localeCompare(b.partyId));
  return { currency: incident.currency, timezone: incident.timezone, hotelNames: new Map(hotelRows.map((h) => [h.id, h.name])), households, tripRiders: riders };
}
