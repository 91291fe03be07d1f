/**
 * After-action replay: fold the event log up to step N into what can be known from the events
 * alone. The log does not carry per-hotel bed counts for applied plans (only totals), so replay
 * reconstructs household statuses, check-ins per hotel, offers and withdrawals, and the running
 * plan totals; the map shows check-in fill per hotel at that moment. Pure.
 */
import type { LiveEvent } from '../../../shared/realtime.js';

export interface ReplayHotel {
  offeredAtStep: boolean;
  checkedInHouseholds: number;
  checkedInGuests: number;
  touchedByPlan: boolean;
}

export interface ReplayFrame {
  step: number;
  at: string | null;
  partyStatus: Map<string, string>;
  hotels: Map<string, ReplayHotel>;
  plansApplied: number;
  housed: number;
  unassigned: number;
  brokenVehicles: Set<string>;
}

/** Household size by id (from the current state), so check-ins can count guests. */
export type SizeOf = (partyId: string) => number;

export function foldEvents(events: readonly LiveEvent[], step: number, sizeOf: SizeOf): ReplayFrame {
  const frame: ReplayFrame = { step, at: null, partyStatus: new Map(), hotels: new Map(), plansApplied: 0, housed: 0, unassigned: 0, brokenVehicles: new Set() };
  const hotel = (id: string) => {
    let h = frame.hotels.get(id);
    if (!h) frame.hotels.set(id, (h = { offeredAtStep: false, checkedInHouseholds: 0, checkedInGuests: 0, touchedByPlan: false }));
    return h;
  };
  const inHouse = new Map<string, string>();
  for (const e of events.slice(0, Math.max(0, step))) {
    frame.at = e.at;
    const p = e.payload;
    const partyId = typeof p.partyId === 'string' ? p.partyId : null;
    const hotelId = typeof p.hotelId === 'string' ? p.hotelId : null;
    switch (e.type) {
      case 'plan.applied':
        frame.plansApplied++;
        frame.housed = typeof p.housed === 'number' ? p.housed : frame.housed;
        frame.unassigned = typeof p.unassigned === 'number' ? p.unassigned : frame.unassigned;
        if (Array.isArray(p.hotelIds)) for (const id of p.hotelIds) if (typeof id === 'string') hotel(id).touchedByPlan = true;
        break;
      case 'hotel.offered':
        if (hotelId) hotel(hotelId).offeredAtStep = true;
        break;
      case 'party.status_changed':
        if (partyId && typeof p.to === 'string') frame.partyStatus.set(partyId, p.to);
        break;
      case 'vehicle.status_changed':
        if (typeof p.vehicleId === 'string') {
          if (p.to === 'out_of_service') frame.brokenVehicles.add(p.vehicleId);
          else frame.brokenVehicles.delete(p.vehicleId);
        }
        break;
      case 'guest.checked_in':
        if (partyId && hotelId && !inHouse.has(partyId)) {
          inHouse.set(partyId, hotelId);
          hotel(hotelId).checkedInHouseholds++;
          hotel(hotelId).checkedInGuests += sizeOf(partyId);
        }
        if (partyId) frame.partyStatus.set(partyId, 'checked_in');
        break;
      case 'guest.checked_out':
      case 'party.no_show': {
        const at = partyId ? inHouse.get(partyId) : undefined;
        if (partyId && at) {
          inHouse.delete(partyId);
          hotel(at).checkedInHouseholds--;
          hotel(at).checkedInGuests -= sizeOf(partyId);
        }
        if (partyId) frame.partyStatus.set(partyId, e.type === 'party.no_show' ? 'no_show' : 'checked_out');
        break;
      }
      default:
        break;
    }
  }
  return frame;
}
