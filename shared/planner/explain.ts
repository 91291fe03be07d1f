/**
 * Why a household is unassigned and what would house it; why a household stays where it does and
 * what the next-best options cost. A duty manager must be able to act on the answer, so each reason
 * names the binding constraint and the nearest way out.
 */
import type { Plan } from '../plan.js';
import type { Scenario } from '../scenario.js';
import { hotelAllowed } from './columns.js';
import { cheapestFreeCombo, comboRooms, minimalCombos } from './combos.js';
import { buildModel, carriable, kmSiteHotel, type Model } from './model.js';
import { countOf } from '../plural.js';

/** A distance as people read it: whole km, or to 0.1 km below 10 km. */
const shownKm = (x: number) => (x < 10 ? Math.round(x * 10) / 10 : Math.round(x));
const km1 = (x: number) => `${shownKm(x)} km`;

/** The nearest hotel (any distance) passing `ok`, with its road km. */
function nearest(m: Model, site: number, ok: (h: number) => boolean): { h: number; km: number } | null {
  let best: { h: number; km: number } | null = null;
  for (let h = 0; h < m.hotels.length; h++) {
    if (!ok(h)) continue;
    const km = kmSiteHotel(m, site, h);
    if (!best || km < best.km) best = { h, km };
  }
  return best;
}

/** A reason naming the binding constraint for an unhoused party, given the rooms still free. */
export function unassignedReason(m: Model, p: number, avail: Int32Array): string {
  const info = m.parties[p]!;
  // The limit as the policy says it (a limit of 14.45 km is not "14 km"), and beyond it never "at 14 km" for a hotel just past it.
  const limit = m.policy.maxDistanceKm;
  const max = String(Math.floor(limit * 100) / 100);
  const beyond = (km: number) => (shownKm(km) <= limit ? `${Math.ceil(km * 100) / 100} km` : km1(km));
  const name = (h: number) => m.hotels[h]!.hotel.name;
  if (!m.vehicles.length) return 'no vehicles in the scenario to carry anyone; add a vehicle';
  if (!carriable(m, info)) {
    const wcMax = Math.max(0, ...m.vehicles.map((v) => v.wheelchairSpaces));
    const seatMax = Math.max(0, ...m.vehicles.map((v) => v.seats));
    return info.wheel > wcMax
      ? `needs ${countOf(info.wheel, 'wheelchair space')} in one vehicle; the most any vehicle has is ${wcMax}; book an accessible vehicle`
      : `needs ${countOf(info.seated, 'seat')} and ${countOf(info.wheel, 'wheelchair space')} in one vehicle; no vehicle has both (largest has ${countOf(seatMax, 'seat')})`;
  }
  const within = (h: number) => kmSiteHotel(m, info.site, h) <= limit + 1e-9;
  const hasBeds = (h: number) => minimalCombos(m, h, info.size, info.wheel > 0).length > 0;
  if (!m.hotels.some((_, h) => within(h))) {
    const n = nearest(m, info.site, () => true);
    return n ? `no hotel within ${max} km; nearest is ${name(n.h)} at ${beyond(n.km)}` : 'no hotels in the scenario; add a hotel';
  }
  if (info.pets && !m.hotels.some((h) => h.hotel.petsAllowed && within(h.idx))) {
    const n = nearest(m, info.site, (h) => m.hotels[h]!.hotel.petsAllowed);
    return `no pet-friendly hotel within ${max} km${n ? `; ${name(n.h)} at ${beyond(n.km)} takes pets` : '; no hotel in the scenario takes pets'}`;
  }
  const accOk = (h: number) => m.hotels[h]!.rooms.some((s) => m.rooms[s]!.accessible && m.rooms[s]!.count > 0);
  if (info.wheel > 0 && !m.hotels.some((_, h) => hotelAllowed(m, info, h) && accOk(h))) {
    const n = nearest(m, info.site, (h) => accOk(h) && (!info.pets || m.hotels[h]!.hotel.petsAllowed));
    return `no accessible room within ${max} km${info.pets ? ' at a pet-friendly hotel' : ''}${n ? `; ${name(n.h)} at ${beyond(n.km)} has one` : '; no hotel in the scenario has one'}`;
  }
  if (!m.hotels.some((_, h) => hotelAllowed(m, info, h) && hasBeds(h))) {
    return `no hotel within ${max} km can bed ${countOf(info.size, 'guest')}${info.wheel ? ' with an accessible room' : ''}; split the booking with the household's consent or add rooms`;
  }
  const suitable = (h: number) => (!info.pets || m.hotels[h]!.hotel.petsAllowed) && cheapestFreeCombo(m, h, info.size, info.wheel > 0, avail) !== null;
  const kind = `${info.wheel ? 'accessible ' : ''}${info.pets ? 'pet-friendly ' : ''}rooms for ${info.size}`;
  const out = nearest(m, info.site, (h) => !within(h) && suitable(h));
  const checked = m.hotels.filter((_, h) => hotelAllowed(m, info, h) && hasBeds(h)).length;
  const way = out ? `${name(out.h)} at ${beyond(out.km)} has free ${kind}` : `ask the nearest suitable hotel for more rooms`;
  return `all ${kind} within ${max} km are taken (${countOf(checked, 'hotel')} checked; ${info.vulnerable ? 'other vulnerable households were placed too' : 'vulnerable and larger households were placed first'}); ${way}`;
}

export interface StayOption {
  hotelId: string;
  hotelName: string;
  distanceKm: number;
  rooms: { type: string; count: number }[];
  roomCostMinor: number;
  travelCostMinor: number;
  totalMinor: number;
  /** Whether these rooms are free in the plan as it stands (with this party's own rooms released). */
  freeNow: boolean;
}

export interface StayExplanation {
  partyId: string;
  current: StayOption | null;
  /** Next-best hotels for this party, cheapest first. */
  alternatives: StayOption[];
  reason?: string;
}

/** Cost, distance and next-best options of one party's stay: the answer to "why this hotel?". */
export function explainStay(scenario: Scenario, plan: Plan, partyId: string, limit = 5): StayExplanation {
  const m = buildModel(scenario);
  const p = m.partyIndex.get(partyId);
  if (p === undefined) return { partyId, current: null, alternatives: [], reason: 'unknown party' };
  const info = m.parties[p]!;
  const avail = Int32Array.from(m.rooms, (r) => r.count);
  const slotOf = (hotel: number, type: string) => m.hotels[hotel]!.rooms.find((s) => m.rooms[s]!.type === type);
  for (const s of plan.stays) {
    if (s.partyId === partyId) continue;
    const h = m.hotelIndex.get(s.hotelId);
    if (h === undefined) continue;
    for (const r of s.rooms) {
      const slot = slotOf(h, r.type);
      if (slot !== undefined) avail[slot]! -= r.count;
    }
  }
  const option = (h: number, rooms: { type: string; count: number }[], rate: number, freeNow: boolean): StayOption => {
    const km = kmSiteHotel(m, info.site, h);
    const travel = Math.round(info.size * km * m.policy.travelCostMinorPerPersonKm);
    return {
      hotelId: m.hotels[h]!.hotel.id,
      hotelName: m.hotels[h]!.hotel.name,
      distanceKm: Math.round(km * 10) / 10,
      rooms,
      roomCostMinor: rate,
      travelCostMinor: travel,
      totalMinor: rate + travel,
      freeNow,
    };
  };
  const stay = plan.stays.find((s) => s.partyId === partyId);
  let current: StayOption | null = null;
  if (stay) {
    const h = m.hotelIndex.get(stay.hotelId);
    if (h !== undefined) {
      const rate = stay.rooms.reduce((n, r) => n + (m.rooms[slotOf(h, r.type) ?? -1]?.rate ?? 0) * r.count, 0);
      current = option(h, stay.rooms, rate, true);
    }
  }
  const alternatives: StayOption[] = [];
  for (let h = 0; h < m.hotels.length; h++) {
    if (!hotelAllowed(m, info, h) || m.hotels[h]!.hotel.id === stay?.hotelId) continue;
    const free = cheapestFreeCombo(m, h, info.size, info.wheel > 0, avail);
    const any = free ?? minimalCombos(m, h, info.size, info.wheel > 0)[0];
    if (any) alternatives.push(option(h, comboRooms(m, any), any.rate, !!free));
  }
  alternatives.sort((a, b) => a.totalMinor - b.totalMinor);
  const reason = stay ? undefined : (plan.unassigned.find((u) => u.partyId === partyId)?.reason ?? unassignedReason(m, p, avail));
  return { partyId, current, alternatives: alternatives.slice(0, limit), ...(reason ? { reason } : {}) };
}
