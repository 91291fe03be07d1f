/** Incident facts the ledger and exports need next to the lines: names, head counts, riders, rates. */
import type { Db, Tx } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { findIncident, type IncidentRow } from '../incidents/repo.js';
import { totalsRows } from './repo.js';
import type { TotalsContext } from './totals.js';

export type { IncidentRow };

export async function loadIncident(db: Db | Tx, incidentId: string): Promise<IncidentRow> {
  const inc = await findIncident(db, incidentId);
  if (!inc) throw new AppError('not_found', 'No such incident.');
  return inc;
}

export async function loadTotalsContext(db: Db, incident: IncidentRow): Promise<TotalsContext> {
  const [hotelRows, partyRows, guestCounts, riderRows] = await totalsRows(db, incident.id);
  const counts = new Map(guestCounts.map((g) => [g.partyId, g]));
  const households = new Map(
    partyRows.map((p) => [p.id, { name: p.name, guests: Number(counts.get(p.id)?.n ?? 0), lodged: Number(counts.get(p.id)?.lodged ?? 0) }]),
  );
  const riders = new Map<string, { partyId: string; guests: number }[]>();
  for (const r of riderRows) {
    const list = riders.get(r.tripId) ?? [];
    list.push({ partyId: r.partyId, guests: households.get(r.partyId)?.guests ?? 1 });
    riders.set(r.tripId, list);
  }
  for (const list of riders.values()) list.sort((a, b) => a.partyId.localeCompare(b.partyId));
  return {
    currency: incident.currency,
    timezone: incident.timezone,
    hotelNames: new Map(hotelRows.map((h) => [h.id, h.name])),
    households,
    tripRiders: riders,
  };
}
