/** Incident facts the ledger and exports need next to the lines: names, head counts, riders, rates. */
import type { Db, Tx } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { findIncident, type IncidentRow } from '../incidents/repo.js';
import { totalsRows } from './repo.js';
import type { TotalsContext, TripRider } from './totals.js';

export type { IncidentRow };

export async function loadIncident(db: Db | Tx, incidentId: string): Promise<IncidentRow> {
  const inc = await findIncident(db, incidentId);
  if (!inc) throw new AppError('not_found', 'No such incident.');
  return inc;
}

export async function loadTotalsContext(db: Db, incident: IncidentRow): Promise<TotalsContext> {
  const [hotelRows, partyRows, guestCounts, riderRows, boardings] = await totalsRows(db, incident.id);
  const counts = new Map(guestCounts.map((g) => [g.partyId, g]));
  const households = new Map(
    partyRows.map((p) => [p.id, { name: p.name, guests: Number(counts.get(p.id)?.n ?? 0), lodged: Number(counts.get(p.id)?.lodged ?? 0) }]),
  );
  const aboard = membersAboard(boardings);
  const riders = new Map<string, TripRider[]>();
  for (const r of riderRows) {
    const list = riders.get(r.tripId) ?? [];
    const rode = aboard.get(`${r.tripId}|${r.partyId}`);
    // A ride someone boarded is charged to the members who got on; one not boarded yet (its cost
    // is an estimate until the trip completes) to the whole household.
    list.push(
      rode?.size ? { partyId: r.partyId, guests: rode.size, guestIds: [...rode] } : { partyId: r.partyId, guests: households.get(r.partyId)?.guests ?? 1 },
    );
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

/** The members aboard each ride (`tripId|partyId`) after replaying its boarding events in order. */
export function membersAboard(boardings: readonly { type: string; payload: Record<string, unknown> }[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const { type, payload } of boardings) {
    const key = `${String(payload.tripId)}|${String(payload.partyId)}`;
    const ids = Array.isArray(payload.guestIds) ? payload.guestIds.filter((g): g is string => typeof g === 'string') : [];
    const set = out.get(key) ?? new Set<string>();
    for (const id of ids) {
      if (type === 'party.boarded') set.add(id);
      else set.delete(id);
    }
    out.set(key, set);
  }
  return out;
}
