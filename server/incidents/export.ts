/** Reading an incident back out as `relocation-scenario/1`: import -> export is a round trip. */
import { asc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { guests, hotels, incidents, parties, roomTypes, sites, vehicles } from '../db/schema.js';
import { SCENARIO_FORMAT, type Scenario } from '../../shared/scenario.js';
import { AppError } from '../http/errors.js';
import { groupBy, HOTEL_FIELDS, PARTY_FIELDS, pick } from '../../shared/collections.js';
import { isoUtc } from '../../shared/time.js';

/** `oneConnection`: read one table at a time (inside a transaction, whose one connection runs one query at once). */
export async function exportScenario(db: Db | Tx, incidentId: string, opts: { oneConnection?: boolean } = {}): Promise<Scenario> {
  const [inc] = await db.select().from(incidents).where(eq(incidents.id, incidentId));
  if (!inc) throw new AppError('not_found', 'No such incident.');
  const siteRead = () => db.select().from(sites).where(eq(sites.incidentId, incidentId)).orderBy(asc(sites.position));
  const partyRead = () => db.select().from(parties).where(eq(parties.incidentId, incidentId)).orderBy(asc(parties.position));
  const guestRead = () => db.select().from(guests).where(eq(guests.incidentId, incidentId)).orderBy(asc(guests.position));
  const hotelRead = () => db.select().from(hotels).where(eq(hotels.incidentId, incidentId)).orderBy(asc(hotels.position));
  const roomRead = () => db.select().from(roomTypes).where(eq(roomTypes.incidentId, incidentId)).orderBy(asc(roomTypes.position));
  const vehicleRead = () => db.select().from(vehicles).where(eq(vehicles.incidentId, incidentId)).orderBy(asc(vehicles.position));
  const [siteRows, partyRows, guestRows, hotelRows, roomRows, vehicleRows] = opts.oneConnection
    ? ([await siteRead(), await partyRead(), await guestRead(), await hotelRead(), await roomRead(), await vehicleRead()] as const)
    : await Promise.all([siteRead(), partyRead(), guestRead(), hotelRead(), roomRead(), vehicleRead()]);
  const guestsByParty = groupBy(guestRows, (g) => g.partyId);
  const roomsByHotel = groupBy(roomRows, (r) => r.hotelId);
  return {
    format: SCENARIO_FORMAT,
    incident: {
      name: inc.name,
      startedAt: isoUtc(inc.startedAt),
      currency: inc.currency,
      timezone: inc.timezone,
      ...(inc.helpline ? { helpline: inc.helpline } : {}),
      staffSpendLimitMinor: inc.staffSpendLimitMinor,
      policy: inc.policy,
    },
    sites: siteRows.map((s) => ({ id: s.id, name: s.name, kind: s.kind as Scenario['sites'][number]['kind'], lat: s.lat, lng: s.lng })),
    parties: partyRows.map((p) => ({
      ...pick(p, PARTY_FIELDS),
      ...(p.language ? { language: p.language } : {}),
      guests: (guestsByParty.get(p.id) ?? []).map((g) => ({ id: g.id, name: g.name, age: g.age as 'adult' | 'child' | 'infant', needs: g.needs })),
    })),
    hotels: hotelRows.map((h) => ({
      ...pick(h, HOTEL_FIELDS),
      roomTypes: (roomsByHotel.get(h.id) ?? []).map((r) => ({
        type: r.type,
        sleeps: r.sleeps,
        count: r.count,
        accessible: r.accessible,
        rateMinor: r.rateMinor,
      })),
      perks: h.perks,
    })),
    vehicles: vehicleRows.map((v) => ({
      id: v.id,
      provider: v.provider,
      kind: v.kind as Scenario['vehicles'][number]['kind'],
      seats: v.seats,
      wheelchairSpaces: v.wheelchairSpaces,
      depotSiteId: v.depotSiteId,
      availableFrom: isoUtc(v.availableFrom),
      costPerTripMinor: v.costPerTripMinor,
      costPerKmMinor: v.costPerKmMinor,
    })),
  };
}
