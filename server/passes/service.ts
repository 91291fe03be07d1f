/**
 * Guest passes for a muster point, built from the state in force at the moment of the request:
 * a reprint after a re-plan shows the household's new hotel, vehicle and time. The QR carries the
 * household's status link; reception's scanner turns a scanned link (or a pass code) back into
 * the household, only if it is staying at that reception's hotel.
 */
import { and, asc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { guests, hotels, incidents, parties, sites, stays, tripRiders, trips, vehicles, type PartyStatus } from '../db/schema.js';
import { passScanSchema, scanTargetFrom, type GuestPass, type PassScanResult, type PassSheet, type PassSites } from '../../shared/passes.js';
import type { SessionUser } from '../auth/types.js';
import { AppError, parseOr400 } from '../http/errors.js';
import { groupBy, isoUtc } from '../incidents/export.js';
import { qrPath } from './qr.js';

/** Households with nothing left to travel for get no pass. */
const NO_PASS: PartyStatus[] = ['checked_out', 'self_evacuated', 'no_show'];

/** Stays that make a household "at" a hotel for its reception (as in the arrivals list). */
const AT_HOTEL = ['planned', 'checked_in', 'checked_out', 'no_show'];

export interface PassOptions {
  /** The public status link for a token (messaging's, so passes and messages agree). */
  linkFor?: (token: string) => string;
}

export class PassService {
  constructor(
    private readonly db: Db,
    private readonly opts: PassOptions = {},
  ) {}

  /** The status link printed in the QR; `origin` (the caller's) when no public URL is wired in. */
  private linkFor(token: string, origin: string): string {
    return this.opts.linkFor ? this.opts.linkFor(token) : `${origin.replace(/\/$/, '')}/#/s/${token}`;
  }

  /**
   * Which household a scanned QR or typed code names: a status link is resolved here, so the
   * device learns nothing but the pass code of a household it already lists. Reception gets
   * "not found" for a household that is not staying at its hotel.
   */
  async resolveScan(incidentId: string, user: SessionUser, raw: unknown): Promise<PassScanResult> {
    const { text } = parseOr400(passScanSchema, raw ?? {}, 'body');
    const target = scanTargetFrom(text);
    const nothing = () => new AppError('not_found', 'No household here has that pass. Check the code, or search by surname.');
    if (!target) throw nothing();
    const match = target.kind === 'status_link' ? eq(parties.statusToken, target.token) : eq(parties.passCode, target.code);
    const [party] = await this.db.select({ id: parties.id, passCode: parties.passCode }).from(parties).where(and(eq(parties.incidentId, incidentId), match));
    if (!party) throw nothing();
    if (user.role === 'reception') {
      const [stay] = await this.db
        .select({ id: stays.id })
        .from(stays)
        .where(and(eq(stays.incidentId, incidentId), eq(stays.partyId, party.id), eq(stays.hotelId, user.hotelId ?? ''), inArray(stays.status, AT_HOTEL)))
        .limit(1);
      if (!stay) throw nothing();
    }
    return { partyId: party.id, passCode: party.passCode };
  }

  async sites(incidentId: string): Promise<PassSites> {
    const [siteRows, counts] = await Promise.all([
      this.db.select().from(sites).where(eq(sites.incidentId, incidentId)).orderBy(asc(sites.position)),
      this.db
        .select({ siteId: parties.siteId, n: sql<number>`count(*)::int` })
        .from(parties)
        .where(and(eq(parties.incidentId, incidentId), notInArray(parties.status, NO_PASS)))
        .groupBy(parties.siteId),
    ]);
    const bySite = new Map(counts.map((c) => [c.siteId, c.n]));
    return { sites: siteRows.map((s) => ({ id: s.id, name: s.name, households: bySite.get(s.id) ?? 0 })).filter((s) => s.households > 0) };
  }

  async sheet(incidentId: string, siteId: string, origin: string): Promise<PassSheet> {
    const [incident] = await this.db.select().from(incidents).where(eq(incidents.id, incidentId));
    const [site] = await this.db.select().from(sites).where(and(eq(sites.incidentId, incidentId), eq(sites.id, siteId)));
    if (!incident || !site) throw new AppError('not_found', 'No such muster point.');
    const partyRows = await this.db
      .select()
      .from(parties)
      .where(and(eq(parties.incidentId, incidentId), eq(parties.siteId, siteId), notInArray(parties.status, NO_PASS)))
      .orderBy(asc(parties.name), asc(parties.position));
    const ids = partyRows.map((p) => p.id);
    const [guestRows, stayRows, rideRows] = ids.length
      ? await Promise.all([
          this.db.select().from(guests).where(and(eq(guests.incidentId, incidentId), inArray(guests.partyId, ids))).orderBy(asc(guests.position)),
          this.db.select().from(stays).where(and(eq(stays.incidentId, incidentId), inArray(stays.partyId, ids), inArray(stays.status, ['planned', 'checked_in']))),
          this.db
            .select({ partyId: tripRiders.partyId, hotelId: tripRiders.hotelId, trip: trips, vehicle: vehicles })
            .from(tripRiders)
            .innerJoin(trips, eq(trips.id, tripRiders.tripId))
            .innerJoin(vehicles, and(eq(vehicles.incidentId, trips.incidentId), eq(vehicles.id, trips.vehicleId)))
            .where(and(eq(tripRiders.incidentId, incidentId), inArray(tripRiders.partyId, ids), inArray(tripRiders.status, ['planned', 'boarded']))),
        ])
      : [[], [], []];
    const hotelIds = [...new Set(stayRows.map((s) => s.hotelId))];
    const hotelRows = hotelIds.length ? await this.db.select().from(hotels).where(and(eq(hotels.incidentId, incidentId), inArray(hotels.id, hotelIds))) : [];
    const hotelById = new Map(hotelRows.map((h) => [h.id, h]));
    const guestsByParty = groupBy(guestRows, (g) => g.partyId);
    const stayByParty = new Map(stayRows.map((s) => [s.partyId, s]));
    const rideByParty = new Map(rideRows.map((r) => [r.partyId, r]));
    const passes: GuestPass[] = partyRows.map((p) => {
      const gs = guestsByParty.get(p.id) ?? [];
      const stay = stayByParty.get(p.id);
      const h = stay ? hotelById.get(stay.hotelId) : undefined;
      const ride = rideByParty.get(p.id);
      const stop = ride ? ride.trip.stops.indexOf(ride.hotelId) : -1;
      const statusUrl = p.statusToken ? this.linkFor(p.statusToken, origin) : null;
      return {
        partyId: p.id,
        name: p.name,
        unit: p.unit,
        size: gs.length,
        ages: { adults: gs.filter((g) => g.age === 'adult').length, children: gs.filter((g) => g.age === 'child').length, infants: gs.filter((g) => g.age === 'infant').length },
        needs: p.needs,
        guests: gs.map((g) => g.name),
        status: p.status,
        passCode: p.passCode,
        statusUrl,
        qr: qrPath(statusUrl ?? p.passCode),
        hotel: h ? { id: h.id, name: h.name, address: h.address, phone: h.phone, perks: h.perks.map((k) => perkText(k, incident.currency)) } : null,
        transport: ride ? { vehicleId: ride.vehicle.id, kind: ride.vehicle.kind, provider: ride.vehicle.provider, departAt: isoUtc(ride.trip.departAt), eta: stop >= 0 ? (ride.trip.arrivals[stop] ?? null) : null } : null,
      };
    });
    return {
      incident: { id: incident.id, name: incident.name, timezone: incident.timezone },
      site: { id: site.id, name: site.name },
      generatedAt: new Date().toISOString(),
      seq: incident.lastSeq,
      passes,
    };
  }
}

/** `open_bar` capped at 2500 -> "Open bar (up to £25.00 per guest per night)". */
export function perkText(perk: { kind: string; capMinorPerGuestPerNight?: number; note?: string }, currency: string): string {
  const name = perk.kind.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
  const parts: string[] = [];
  if (perk.capMinorPerGuestPerNight != null) {
    let money: string;
    try {
      money = new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(perk.capMinorPerGuestPerNight / 100);
    } catch {
      money = `${(perk.capMinorPerGuestPerNight / 100).toFixed(2)} ${currency}`;
    }
    parts.push(`up to ${money} per guest per night`);
  }
  if (perk.note) parts.push(perk.note);
  return parts.length ? `${name} (${parts.join('; ')})` : name;
}
