/** What leaves the server about an incident: shaped here, never raw rows. */
import type { IncidentState, IncidentSummary } from '../../shared/api.js';
import { groupBy, HOTEL_FIELDS, pick } from '../../shared/collections.js';
import { isoUtc } from '../../shared/time.js';
import type { IncidentRow, IncidentRows, SummaryRows } from './repo.js';
import { zoneOrUtc } from '../../shared/fields.js';
import { roomNumbersText } from '../../shared/room-numbers.js';
import { emptyCounts, householdWhereabouts, isWhereabouts, needsGlance, type GlanceNeed, type NeedCount, type Whereabouts } from '../../shared/whereabouts.js';

const where = (w: string): Whereabouts => (isWhereabouts(w) ? w : 'waiting');

/** The counters that always add up: every guest counted once, by where they are. */
export function guestCountsOf(r: Pick<IncidentRows, 'guestRows' | 'stayRows' | 'openItemRows'>): IncidentState['guestCounts'] {
  const byWhereabouts = emptyCounts();
  const placed = new Set(r.stayRows.map((s) => s.partyId));
  let unplaced = 0;
  for (const g of r.guestRows) {
    const w = where(g.whereabouts);
    byWhereabouts[w]++;
    if (w === 'waiting' && !placed.has(g.partyId)) unplaced++;
  }
  const flagged = new Set(r.openItemRows.flatMap((i) => i.guestIds));
  return { total: r.guestRows.length, byWhereabouts, unplaced, needsAttention: r.guestRows.filter((g) => flagged.has(g.id)).length };
}

/** Needs at a glance, from the rows (the same count the console's replay makes from a rolled-back state). */
export function needsAtAGlance(r: Pick<IncidentRows, 'guestRows' | 'stayRows' | 'partyRows'>): Record<GlanceNeed, NeedCount> {
  return needsGlance(r.guestRows, new Set(r.stayRows.map((s) => s.partyId)), r.partyRows);
}

export function presentIncident(inc: IncidentRow): IncidentSummary['incident'] {
  return {
    id: inc.id,
    name: inc.name,
    startedAt: isoUtc(inc.startedAt),
    currency: inc.currency,
    timezone: zoneOrUtc(inc.timezone),
    helpline: inc.helpline ?? null,
    status: inc.status,
    staffSpendLimitMinor: inc.staffSpendLimitMinor,
  };
}

export function presentSummary(inc: IncidentRow, r: SummaryRows): IncidentSummary {
  const ages = { adult: 0, child: 0, infant: 0 } as Record<string, number>;
  const needs = { wheelchair: 0, reducedMobility: 0, medical: 0, petHouseholds: 0 };
  for (const g of r.guestRows) {
    ages[g.age] = (ages[g.age] ?? 0) + 1;
    if (g.needs.includes('wheelchair')) needs.wheelchair++;
    if (g.needs.includes('reduced_mobility')) needs.reducedMobility++;
    if (g.needs.includes('medical')) needs.medical++;
  }
  const householdsByStatus: Record<string, number> = {};
  for (const p of r.partyRows) {
    if (p.needs.includes('pets')) needs.petHouseholds++;
    householdsByStatus[p.status] = (householdsByStatus[p.status] ?? 0) + 1;
  }
  return {
    incident: presentIncident(inc),
    counts: {
      households: r.partyRows.length,
      guests: r.guestRows.length,
      adults: ages.adult ?? 0,
      children: ages.child ?? 0,
      infants: ages.infant ?? 0,
      needs,
      musterPoints: r.siteRows.filter((s) => s.kind === 'muster').length,
      hotels: r.hotelRows.length,
      roomsOffered: sum(r.roomRows, (x) => x.count),
      bedsOffered: sum(r.roomRows, (x) => x.count * x.sleeps),
      accessibleRooms: sum(r.roomRows, (x) => (x.accessible ? x.count : 0)),
      petFriendlyHotels: r.hotelRows.filter((h) => h.petsAllowed).length,
      vehicles: r.vehicleRows.length,
      seats: sum(r.vehicleRows, (v) => v.seats),
      wheelchairSpaces: sum(r.vehicleRows, (v) => v.wheelchairSpaces),
      householdsByStatus,
    },
  };
}

export function presentState(inc: IncidentRow, r: IncidentRows): IncidentState {
  const guestsByParty = groupBy(r.guestRows, (g) => g.partyId);
  const roomsByHotel = groupBy(r.roomRows, (x) => x.hotelId);
  const stayByParty = new Map(r.stayRows.map((s) => [s.partyId, s]));
  const ridersByTrip = groupBy(r.riderRows, (x) => x.tripId);
  const tripByParty = new Map(r.riderRows.map((x) => [x.partyId, x.tripId]));
  // People waiting at each place, person by person: a household split at check-in, or one whose
  // vehicle left without one of them, still has someone there.
  const waitingBySite = new Map<string, number>();
  for (const p of r.partyRows) {
    const n = (guestsByParty.get(p.id) ?? []).filter((g) => where(g.whereabouts) === 'waiting').length;
    if (n) waitingBySite.set(p.siteId, (waitingBySite.get(p.siteId) ?? 0) + n);
  }
  return {
    incident: presentIncident(inc),
    seq: inc.lastSeq,
    sites: r.siteRows.map((s) => ({ id: s.id, name: s.name, kind: s.kind, lat: s.lat, lng: s.lng, waiting: waitingBySite.get(s.id) ?? 0 })),
    hotels: r.hotelRows.map((h) => {
      const rooms = roomsByHotel.get(h.id) ?? [];
      return {
        ...pick(h, HOTEL_FIELDS),
        perks: h.perks,
        roomTypes: rooms.map((x) => ({ type: x.type, sleeps: x.sleeps, count: x.count, used: x.used, accessible: x.accessible, rateMinor: x.rateMinor })),
        bedsOffered: sum(rooms, (x) => x.count * x.sleeps),
        bedsTaken: sum(rooms, (x) => x.used * x.sleeps),
      };
    }),
    vehicles: r.vehicleRows.map((v) => ({
      id: v.id,
      provider: v.provider,
      kind: v.kind,
      seats: v.seats,
      wheelchairSpaces: v.wheelchairSpaces,
      depotSiteId: v.depotSiteId,
      availableFrom: isoUtc(v.availableFrom),
      status: v.status,
      lat: v.lat,
      lng: v.lng,
    })),
    parties: r.partyRows.map((p) => {
      const gs = guestsByParty.get(p.id) ?? [];
      return {
        id: p.id,
        name: p.name,
        unit: p.unit,
        siteId: p.siteId,
        needs: p.needs,
        notes: p.notes,
        status: p.status,
        passCode: p.passCode,
        size: gs.length,
        guests: gs.map((g) => ({ id: g.id, name: g.name, age: g.age, needs: g.needs, whereabouts: where(g.whereabouts), roomNumber: g.roomNumber })),
        hotelId: stayByParty.get(p.id)?.hotelId ?? null,
        roomNumbers: roomNumbersText(stayByParty.get(p.id)?.roomNumbers),
        tripId: tripByParty.get(p.id) ?? null,
        whereabouts: (({ state, label }) => ({ state, label }))(householdWhereabouts(gs.map((g) => where(g.whereabouts)))),
        phone: p.phone,
        email: p.email,
        language: p.language,
      };
    }),
    trips: r.tripRows.map((t) => ({
      id: t.id,
      vehicleId: t.vehicleId,
      fromSiteId: t.fromSiteId,
      stops: t.stops,
      partyIds: (ridersByTrip.get(t.id) ?? []).map((x) => x.partyId),
      departAt: isoUtc(t.departAt),
      arrivals: t.arrivals,
      status: t.status,
    })),
    guestCounts: guestCountsOf(r),
    needs: needsAtAGlance(r),
  };
}

function sum<T>(items: readonly T[], f: (t: T) => number): number {
  let n = 0;
  for (const it of items) n += f(it);
  return n;
}
