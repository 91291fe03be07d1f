/**
 * Totals of a ledger, computed in one pass over its lines in seq order (so exports of any size
 * aggregate with flat memory: only the small per-category/hotel/household/night maps grow).
 * Every format (API summary, CSV check, XLSX sheets, PDF) takes its figures from here, which is
 * why they agree to the penny. Only `posted` lines count; a pending charge counts through its approval.
 */
import { allocate, LEDGER_CATEGORIES, nightOf, type LedgerTotals, type MoneyRow } from '../../shared/ledger.js';

export interface TotalsContext {
  currency: string;
  timezone: string;
  hotelNames: Map<string, string>;
  /** `lodged`: members actually checked in (lodging and guest-nights count them, not the booking). */
  households: Map<string, { name: string; guests: number; lodged?: number }>;
  /** Riders of each trip (household and head count), to allocate a trip's cost to households. */
  tripRiders: Map<string, TripRider[]>;
}

/** A household on a trip: its head count on board, and who they were once it boarded. */
export interface TripRider {
  partyId: string;
  guests: number;
  /** The members who got on; absent before boarding (the whole household is assumed). */
  guestIds?: readonly string[];
}

/** A household's share of one trip that only some of its members rode (the By guest sheet charges it to them). */
export interface RideShare {
  amountMinor: number;
  guestIds: readonly string[];
}

export interface TotalsLine {
  id: string;
  seq: number;
  kind: string;
  category: string;
  amountMinor: number;
  occurredAt: Date;
  partyId: string | null;
  /** Set on a perk given to one member of the household (the By guest sheet charges it to them). */
  guestId: string | null;
  hotelId: string | null;
  tripId: string | null;
  night: string | null;
  status: string;
  relatedEntryId: string | null;
  flags: string[];
  hash: string;
}

export interface HouseholdTotals {
  partyId: string;
  name: string;
  guests: number;
  hotels: Set<string>;
  nights: number;
  byCategory: Record<string, number>;
  totalMinor: number;
  flagged: number;
}

export class LedgerAggregator {
  lines = 0;
  totalMinor = 0;
  headSeq = 0;
  headHash = '';
  readonly byCategory = new Map<string, number>(LEDGER_CATEGORIES.map((c) => [c, 0]));
  readonly byHotel = new Map<string, number>();
  readonly byNight = new Map<string, number>();
  readonly households = new Map<string, HouseholdTotals>();
  unallocatedTransportMinor = 0;
  /** Money on lines naming one guest, by guest and category (a small map: perks for one person). */
  readonly guestDirect = new Map<string, Record<string, number>>();
  /** Each household's shares of trips it boarded, with the members aboard. */
  readonly rideShares = new Map<string, RideShare[]>();
  private readonly pending = new Map<string, number>();

  constructor(private readonly ctx: TotalsContext) {}

  /** The night a line belongs to: a lodging line's own night, otherwise the night it occurred in. */
  nightOfLine(l: TotalsLine): string {
    if (l.night) return l.night;
    // Every real UTC offset is a multiple of 15 minutes: cache per quarter hour (Intl is slow).
    const hour = Math.floor(l.occurredAt.getTime() / 900_000);
    let n = this.nightCache.get(hour);
    if (!n) {
      n = nightOf(l.occurredAt, this.ctx.timezone);
      this.nightCache.set(hour, n);
    }
    return n;
  }
  private readonly nightCache = new Map<number, string>();

  add(l: TotalsLine): void {
    this.lines += 1;
    this.headSeq = l.seq;
    this.headHash = l.hash;
    if (l.kind === 'charge' && l.status === 'pending_approval') this.pending.set(l.id, l.amountMinor);
    if ((l.kind === 'approval' || l.kind === 'rejection') && l.relatedEntryId) this.pending.delete(l.relatedEntryId);
    if (l.status !== 'posted') return;
    this.totalMinor += l.amountMinor;
    bump(this.byCategory, l.category, l.amountMinor);
    bump(this.byHotel, l.hotelId ?? '', l.amountMinor);
    bump(this.byNight, this.nightOfLine(l), l.amountMinor);
    if (l.category === 'transport' && !l.partyId) {
      const riders = l.tripId ? (this.ctx.tripRiders.get(l.tripId) ?? []) : [];
      if (riders.length === 0) {
        this.unallocatedTransportMinor += l.amountMinor;
        return;
      }
      const parts = allocate(
        l.amountMinor,
        riders.map((r) => r.guests),
      );
      riders.forEach((r, i) => {
        this.addToHousehold(r.partyId, null, 'transport', parts[i]!, 0, false);
        if (r.guestIds && parts[i]) {
          const list = this.rideShares.get(r.partyId) ?? [];
          list.push({ amountMinor: parts[i]!, guestIds: r.guestIds });
          this.rideShares.set(r.partyId, list);
        }
      });
      return;
    }
    if (!l.partyId) return;
    const nights = l.category === 'lodging' && l.night ? Math.sign(l.amountMinor) : 0;
    this.addToHousehold(l.partyId, l.hotelId, l.category, l.amountMinor, nights, l.flags.length > 0);
    if (l.guestId) {
      const by = this.guestDirect.get(l.guestId) ?? {};
      by[l.category] = (by[l.category] ?? 0) + l.amountMinor;
      this.guestDirect.set(l.guestId, by);
    }
  }

  private addToHousehold(partyId: string, hotelId: string | null, category: string, amount: number, nights: number, flagged: boolean): void {
    let h = this.households.get(partyId);
    if (!h) {
      const info = this.ctx.households.get(partyId);
      h = {
        partyId,
        name: info?.name ?? partyId,
        guests: info?.lodged || (info?.guests ?? 0),
        hotels: new Set(),
        nights: 0,
        byCategory: {},
        totalMinor: 0,
        flagged: 0,
      };
      this.households.set(partyId, h);
    }
    if (hotelId) h.hotels.add(hotelId);
    h.byCategory[category] = (h.byCategory[category] ?? 0) + amount;
    h.totalMinor += amount;
    h.nights += nights;
    if (flagged) h.flagged += 1;
  }

  pendingMinor(): number {
    let n = 0;
    for (const v of this.pending.values()) n += v;
    return n;
  }

  result(headSeq: number, headHash: string): LedgerTotals {
    const housed = [...this.households.values()].filter((h) => h.nights > 0);
    return {
      currency: this.ctx.currency,
      headSeq,
      headHash,
      lines: this.lines,
      totalMinor: this.totalMinor,
      pendingMinor: this.pendingMinor(),
      pendingCount: this.pending.size,
      byCategory: [...this.byCategory].map(([key, amountMinor]) => ({ key, label: key, amountMinor })),
      byHotel: sortRows(
        [...this.byHotel].map(([key, amountMinor]) => ({ key, label: key ? (this.ctx.hotelNames.get(key) ?? key) : '(no hotel: transport)', amountMinor })),
      ),
      byNight: [...this.byNight].sort(([a], [b]) => a.localeCompare(b)).map(([key, amountMinor]) => ({ key, label: key, amountMinor })),
      households: housed.length,
      guests: housed.reduce((n, h) => n + h.guests, 0),
      householdNights: housed.reduce((n, h) => n + h.nights, 0),
      guestNights: housed.reduce((n, h) => n + h.nights * h.guests, 0),
    };
  }
}

function bump(m: Map<string, number>, k: string, v: number): void {
  m.set(k, (m.get(k) ?? 0) + v);
}

function sortRows(rows: MoneyRow[]): MoneyRow[] {
  return rows.sort((a, b) => b.amountMinor - a.amountMinor || a.label.localeCompare(b.label));
}
