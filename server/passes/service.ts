/**
 * Guest passes for a muster point, built from the state in force at the moment of the request:
 * a reprint after a re-plan shows the household's new hotel, vehicle and time. The QR carries the
 * household's status link; reception's scanner turns a scanned link (or a pass code) back into
 * the household, only if it is staying at that reception's hotel.
 */
import { needsOf } from '../../shared/whereabouts.js';
import type { Db } from '../db/client.js';
import type { PartyStatus } from '../db/schema.js';
import type { StayStatus } from '../../shared/statuses.js';
import { passScanSchema, scanTargetFrom, type GuestPass, type PassScanResult, type PassSheet, type PassSites } from '../../shared/passes.js';
import type { SessionUser } from '../auth/types.js';
import { AppError, parseOr400 } from '../http/errors.js';
import { groupBy } from '../../shared/collections.js';
import { isoUtc } from '../../shared/time.js';
import { qrPath } from './qr.js';
import { roomNumbersText } from '../../shared/room-numbers.js';
import { zoneOrUtc } from '../../shared/fields.js';
import { formatMoneyMinor } from '../../shared/ledger.js';
import * as repo from './repo.js';

/** Households with nothing left to travel for get no pass. */
const NO_PASS: PartyStatus[] = ['checked_out', 'self_evacuated', 'no_show'];

/** Households still standing at their muster point. */
const WAITING: PartyStatus[] = ['waiting', 'assigned', 'needs_help'];

/** Stays that make a household "at" a hotel for its reception (as in the arrivals list). */
const AT_HOTEL: StayStatus[] = ['planned', 'checked_in', 'checked_out', 'no_show'];

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
    const party = await repo.partyByTokenOrCode(this.db, incidentId, target.kind === 'status_link' ? { token: target.token } : { code: target.code });
    if (!party) throw nothing();
    if (user.role === 'reception' && !(await repo.hasStayAt(this.db, incidentId, party.id, user.hotelId ?? '', AT_HOTEL))) throw nothing();
    return { partyId: party.id, passCode: party.passCode };
  }

  async sites(incidentId: string): Promise<PassSites> {
    const [siteRows, counts] = await Promise.all([repo.sitesInOrder(this.db, incidentId), repo.householdsPerSite(this.db, incidentId, NO_PASS)]);
    const bySite = new Map(counts.map((c) => [c.siteId, c.n]));
    return { sites: siteRows.map((s) => ({ id: s.id, name: s.name, households: bySite.get(s.id) ?? 0 })).filter((s) => s.households > 0) };
  }

  /**
   * Passes for a muster point: every household with something left to travel for, or with
   * `waitingOnly` those still standing there (not yet on a vehicle), for the sheet pinned up at it.
   */
  async sheet(incidentId: string, siteId: string, origin: string, opts: { waitingOnly?: boolean } = {}): Promise<PassSheet> {
    const site = await repo.site(this.db, incidentId, siteId);
    if (!site) throw new AppError('not_found', 'No such muster point.');
    const partyRows = await repo.partiesAtSite(this.db, incidentId, siteId, opts.waitingOnly ? { only: WAITING } : { except: NO_PASS });
    return this.build(incidentId, { id: site.id, name: opts.waitingOnly ? `${site.name} (waiting here)` : site.name }, partyRows, origin);
  }

  /** One household's pass (a reprint from its panel), whatever its status. */
  async household(incidentId: string, partyId: string, origin: string): Promise<PassSheet> {
    const partyRows = await repo.partyRow(this.db, incidentId, partyId);
    const p = partyRows[0];
    if (!p) throw new AppError('not_found', `No household ${partyId} in this incident.`);
    const site = await repo.site(this.db, incidentId, p.siteId);
    return this.build(incidentId, { id: p.siteId, name: site?.name ?? p.siteId }, partyRows, origin);
  }

  /** Passes of every household placed at a hotel (planned or checked in), for its front desk. */
  async hotel(incidentId: string, hotelId: string, origin: string): Promise<PassSheet> {
    const h = await repo.hotel(this.db, incidentId, hotelId);
    if (!h) throw new AppError('not_found', 'No such hotel.');
    const partyRows = await repo.partiesStayingAt(this.db, incidentId, hotelId, ['planned', 'checked_in']);
    return this.build(incidentId, { id: h.id, name: `Guests for ${h.name}` }, partyRows, origin);
  }

  private async build(incidentId: string, site: { id: string; name: string }, partyRows: repo.PartyRow[], origin: string): Promise<PassSheet> {
    const incident = await repo.incident(this.db, incidentId);
    if (!incident) throw new AppError('not_found', 'No such incident.');
    const ids = partyRows.map((p) => p.id);
    const [guestRows, stayRows, rideRows] = ids.length ? await repo.passParts(this.db, incidentId, ids) : [[], [], []];
    const hotelRows = await repo.hotelsById(this.db, incidentId, [...new Set(stayRows.map((s) => s.hotelId))]);
    const hotelById = new Map(hotelRows.map((h) => [h.id, h]));
    const guestsByParty = groupBy(guestRows, (g) => g.partyId);
    const stayByParty = new Map(stayRows.map((s) => [s.partyId, s]));
    // The ride still to come wins over one already done (a member left behind travels later).
    const rideByParty = new Map<string, (typeof rideRows)[number]>();
    for (const r of rideRows) {
      const had = rideByParty.get(r.partyId);
      if (!had || (had.status === 'dropped' && r.status !== 'dropped')) rideByParty.set(r.partyId, r);
    }
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
        ages: {
          adults: gs.filter((g) => g.age === 'adult').length,
          children: gs.filter((g) => g.age === 'child').length,
          infants: gs.filter((g) => g.age === 'infant').length,
        },
        // Everyone's needs, as the console lists them.
        needs: needsOf({ needs: p.needs, guests: gs }),
        guests: gs.map((g) => g.name),
        status: p.status,
        passCode: p.passCode,
        statusUrl,
        qr: qrPath(statusUrl ?? p.passCode),
        hotel: h ? { id: h.id, name: h.name, address: h.address, phone: h.phone, perks: h.perks.map((k) => perkText(k, incident.currency)) } : null,
        transport: ride
          ? {
              vehicleId: ride.vehicle.id,
              kind: ride.vehicle.kind,
              provider: ride.vehicle.provider,
              departAt: isoUtc(ride.trip.departAt),
              eta: stop >= 0 ? (ride.trip.arrivals[stop] ?? null) : null,
              arrived: ride.status === 'dropped',
            }
          : null,
        checkedIn:
          stay?.status === 'checked_in' ? { guests: gs.filter((g) => g.whereabouts === 'checked_in').length, rooms: roomNumbersText(stay.roomNumbers) } : null,
      };
    });
    return {
      incident: { id: incident.id, name: incident.name, timezone: zoneOrUtc(incident.timezone) },
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
    parts.push(`up to ${formatMoneyMinor(perk.capMinorPerGuestPerNight, currency)} per guest per night`);
  }
  if (perk.note) parts.push(perk.note);
  return parts.length ? `${name} (${parts.join('; ')})` : name;
}
