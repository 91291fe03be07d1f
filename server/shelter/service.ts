/**
 * "Everyone sheltered by", kept live: the incident's rows turned into the pure projection's input
 * (shared/live-shelter.ts). The incident's state carries the projection, so every event that
 * refreshes the console's state refreshes it too.
 */
import type { Db, Tx } from '../db/client.js';
import { isoUtc } from '../../shared/time.js';
import { findIncident, loadIncidentRows, type IncidentRow, type IncidentRows } from '../incidents/repo.js';
import { isVulnerable } from '../../shared/scenario.js';
import type { LiveHousehold, LiveTrip, LiveTripStatus, ShelterInput } from '../../shared/live-shelter.js';
import { loadShelterExtras, type ShelterExtras } from './repo.js';

const TO_TRAVEL = new Set(['waiting', 'aboard']);
const ARRIVED = new Set(['arrived', 'checked_in', 'checked_out']);

type Rows = Pick<IncidentRows, 'siteRows' | 'hotelRows' | 'vehicleRows' | 'tripRows' | 'riderRows' | 'stayRows' | 'guestRows' | 'partyRows'>;

/** The projection's extra rows for state rows already read. */
export function shelterExtras(db: Db | Tx, incidentId: string, rows: Pick<IncidentRows, 'tripRows'>): Promise<ShelterExtras> {
  return loadShelterExtras(
    db,
    incidentId,
    rows.tripRows.filter((t) => t.status === 'departed').map((t) => t.id),
  );
}

/** The live input, read from the database now. */
export async function loadShelterInput(db: Db, incidentId: string, now = Date.now()): Promise<ShelterInput | null> {
  const inc = await findIncident(db, incidentId);
  if (!inc) return null;
  const rows = await loadIncidentRows(db, incidentId);
  return shelterInput(inc, rows, await shelterExtras(db, incidentId, rows), now);
}

export function shelterInput(inc: IncidentRow, r: Rows, x: ShelterExtras, now: number): ShelterInput {
  const ridersOf = new Map<string, string[]>();
  for (const rr of r.riderRows) ridersOf.set(rr.tripId, [...(ridersOf.get(rr.tripId) ?? []), rr.partyId]);
  const trips: LiveTrip[] = r.tripRows.map((t) =>
    liveTrip(t, t.status as LiveTripStatus, Object.fromEntries(x.reached.get(t.id) ?? []), ridersOf.get(t.id) ?? []),
  );
  for (const t of x.completed) {
    const last = t.stops[t.stops.length - 1];
    trips.push(liveTrip(t, 'completed', last && t.completedAt ? { [last]: isoUtc(t.completedAt) } : {}, []));
  }
  const hotelOf = new Map(r.stayRows.map((s) => [s.partyId, s.hotelId]));
  const members = new Map<string, IncidentRows['guestRows']>();
  for (const g of r.guestRows) members.set(g.partyId, [...(members.get(g.partyId) ?? []), g]);
  const households: LiveHousehold[] = r.partyRows.map((p) => {
    const gs = members.get(p.id) ?? [];
    const going = gs.filter((g) => TO_TRAVEL.has(g.whereabouts));
    const dropped = x.droppedAt.get(p.id);
    return {
      id: p.id,
      siteId: p.siteId,
      vulnerable: isVulnerable({ guests: gs.map((g) => ({ ...g, age: g.age as 'adult' | 'child' | 'infant' })) }),
      hotelId: hotelOf.get(p.id) ?? null,
      toTravel: going.length,
      wheelchair: going.filter((g) => g.needs.includes('wheelchair')).length,
      arrived: gs.filter((g) => ARRIVED.has(g.whereabouts)).length,
      arrivedAt: dropped ? isoUtc(dropped) : null,
      missing: gs.filter((g) => g.whereabouts === 'missing').length,
      noShow: gs.filter((g) => g.whereabouts === 'no_show').length,
    };
  });
  return {
    now,
    policy: inc.policy,
    sites: r.siteRows.map((s) => ({ id: s.id, lat: s.lat, lng: s.lng })),
    hotels: r.hotelRows.map((h) => ({ id: h.id, lat: h.lat, lng: h.lng })),
    vehicles: r.vehicleRows.map((v) => ({
      id: v.id,
      seats: v.seats,
      wheelchairSpaces: v.wheelchairSpaces,
      depotSiteId: v.depotSiteId,
      availableFrom: isoUtc(v.availableFrom),
      status: v.status,
      position: v.lat != null && v.lng != null && v.positionAt ? { lat: v.lat, lng: v.lng, at: isoUtc(v.positionAt) } : null,
    })),
    trips,
    households,
    planned: x.planned,
    slipThresholdMinutes: inc.shelterSlipMinutes,
  };
}

/** A stored trip as the projection reads it. */
function liveTrip(
  t: { id: string; vehicleId: string; fromSiteId: string; stops: string[]; departAt: Date; arrivals: LiveTrip['arrivals']; departedAt: Date | null },
  status: LiveTripStatus,
  reached: LiveTrip['reached'],
  partyIds: string[],
): LiveTrip {
  const { id, vehicleId, fromSiteId, stops, arrivals } = t;
  return {
    id,
    vehicleId,
    fromSiteId,
    stops,
    departAt: isoUtc(t.departAt),
    arrivals,
    status,
    departedAt: t.departedAt ? isoUtc(t.departedAt) : null,
    reached,
    partyIds,
  };
}
