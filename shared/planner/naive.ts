/**
 * The greedy a coordinator would run by hand, and the benchmark's and property tests' "naive":
 * households with a wheelchair, medical or infant member first, then larger households first; each
 * goes to the nearest eligible hotel (pets, distance) that can bed it, taking an accessible room
 * first for a wheelchair household, then the largest rooms that fit (the largest free room that
 * sleeps no more than the guests still without a bed; when every free room sleeps more, the
 * smallest of them). Transport: one hotel per trip, each load on the vehicle that can leave the
 * pick-up site earliest. Valid, but blind to cost and to combining stops.
 */
import { elapsedNow } from './time.js';
import { PLAN_FORMAT, type Plan, type Stay, type Trip, type Unassigned } from '../plan.js';
import type { Scenario } from '../scenario.js';
import { hotelAllowed } from './columns.js';
import { comboRooms, take, type Combo } from './combos.js';
import { unassignedReason } from './explain.js';
import { planMetrics } from './metrics.js';
import { buildModel, carriable, kmSiteHotel, type Model } from './model.js';
import { buildTrip, earliestDeparture, initialVehicles } from './route.js';

/** The greedy's order: vulnerable households first, then larger ones, then file order. */
export function greedyOrder(m: Model): number[] {
  return m.parties
    .map((p) => p.idx)
    .sort((x, y) => {
      const a = m.parties[x]!;
      const b = m.parties[y]!;
      return Number(b.vulnerable) - Number(a.vulnerable) || b.size - a.size || x - y;
    });
}

/** The rooms the greedy takes at one hotel (accessible first when needed, then the largest that fit), or null. */
export function greedyRooms(m: Model, hotel: number, size: number, needAccessible: boolean, avail: Int32Array): Combo | null {
  const slots = m.hotels[hotel]!.rooms;
  const used = new Int32Array(slots.length);
  let left = size;
  const better = (s: number, t: number) => {
    const r = m.rooms[s]!;
    const q = m.rooms[t]!;
    return (Number(r.accessible) - Number(q.accessible) || r.rate - q.rate) < 0;
  };
  const pick = (accessibleOnly: boolean): number => {
    let fit = -1;
    let over = -1;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      const r = m.rooms[s]!;
      if (avail[s]! - used[i]! <= 0 || (accessibleOnly && !r.accessible)) continue;
      if (r.sleeps <= left) {
        if (fit < 0 || r.sleeps > m.rooms[slots[fit]!]!.sleeps || (r.sleeps === m.rooms[slots[fit]!]!.sleeps && better(s, slots[fit]!))) fit = i;
      } else if (over < 0 || r.sleeps < m.rooms[slots[over]!]!.sleeps || (r.sleeps === m.rooms[slots[over]!]!.sleeps && better(s, slots[over]!))) over = i;
    }
    return fit >= 0 ? fit : over;
  };
  if (needAccessible) {
    const i = pick(true);
    if (i < 0) return null;
    used[i]!++;
    left -= m.rooms[slots[i]!]!.sleeps;
  }
  while (left > 0) {
    const i = pick(false);
    if (i < 0) return null;
    used[i]!++;
    left -= m.rooms[slots[i]!]!.sleeps;
  }
  const c: Combo = { slots: [], counts: [], rate: 0, beds: 0 };
  for (let i = 0; i < slots.length; i++) {
    const n = used[i]!;
    if (!n) continue;
    const s = slots[i]!;
    c.slots.push(s);
    c.counts.push(n);
    c.rate += m.rooms[s]!.rate * n;
    c.beds += m.rooms[s]!.sleeps * n;
  }
  return c;
}

/** The greedy's rooms: hotel and rooms per party (-1 / null when unhoused). */
export function greedyStays(
  m: Model,
  parties: readonly number[] = greedyOrder(m),
  avail: Int32Array = Int32Array.from(m.rooms, (r) => r.count),
): { hotelOf: Int32Array; combo: (Combo | null)[]; avail: Int32Array } {
  const hotelOf = new Int32Array(m.parties.length).fill(-1);
  const combo: (Combo | null)[] = new Array(m.parties.length).fill(null);
  // Free beds and free accessible rooms per hotel: a hotel that cannot bed the party is skipped at once.
  const beds = new Float64Array(m.hotels.length);
  const acc = new Float64Array(m.hotels.length);
  const book = (c: Combo, sign: 1 | -1) => {
    for (let i = 0; i < c.slots.length; i++) {
      const r = m.rooms[c.slots[i]!]!;
      beds[r.hotel]! -= sign * r.sleeps * c.counts[i]!;
      if (r.accessible) acc[r.hotel]! -= sign * c.counts[i]!;
    }
  };
  m.rooms.forEach((r, s) => {
    beds[r.hotel]! += r.sleeps * Math.max(0, avail[s]!);
    if (r.accessible) acc[r.hotel]! += Math.max(0, avail[s]!);
  });
  const byDistance = m.sites.map((_, s) =>
    m.hotels
      .map((h) => h.idx)
      .filter((h) => kmSiteHotel(m, s, h) <= m.policy.maxDistanceKm + 1e-9)
      .sort((a, b) => kmSiteHotel(m, s, a) - kmSiteHotel(m, s, b) || a - b),
  );
  const canCarry = m.parties.map((p) => carriable(m, p));
  for (const idx of parties) {
    const p = m.parties[idx]!;
    if (!canCarry[idx]) continue;
    const need = p.wheel > 0;
    for (const h of byDistance[p.site]!) {
      if (beds[h]! < p.size || (need && acc[h]! < 1) || !hotelAllowed(m, p, h)) continue;
      const c = greedyRooms(m, h, p.size, need, avail);
      if (!c) continue;
      take(c, avail, 1);
      book(c, 1);
      hotelOf[idx] = h;
      combo[idx] = c;
      break;
    }
  }
  return { hotelOf, combo, avail };
}

/** The greedy plan, for comparison. */
export function naivePlan(scenario: Scenario): Plan {
  const t0 = elapsedNow();
  const m = buildModel(scenario);
  const order = greedyOrder(m);
  const { hotelOf, combo, avail } = greedyStays(m, order);
  const stays: Stay[] = [];
  const unassigned: Unassigned[] = [];
  for (const p of m.parties)
    if (hotelOf[p.idx]! >= 0) stays.push({ partyId: p.party.id, hotelId: m.hotels[hotelOf[p.idx]!]!.hotel.id, rooms: comboRooms(m, combo[p.idx]!) });
  for (const p of m.parties) if (hotelOf[p.idx]! < 0) unassigned.push({ partyId: p.party.id, reason: unassignedReason(m, p.idx, avail) });
  const { trips } = greedyTrips(m, hotelOf, order, []);
  const plan: Plan = { format: PLAN_FORMAT, stays, trips, unassigned, metrics: {} };
  plan.metrics = planMetrics(scenario, plan, elapsedNow() - t0);
  return plan;
}

/**
 * The greedy's transport: (site, hotel) groups in `order` (households not housed, or not in it,
 * are skipped), one hotel per trip, each trip on the vehicle that can leave the site first and that
 * fits the group's first household, taking every household of the group that still fits. Vehicles
 * start after `lockedTrips`. Also a candidate schedule for the planner (transport.ts).
 */
export function greedyTrips(
  m: Model,
  hotelOf: Int32Array,
  order: readonly number[],
  lockedTrips: readonly Trip[],
): { trips: Trip[]; lastArrivalMs: number; costMinor: number; unserved: number[] } {
  const groups = new Map<string, number[]>();
  for (const idx of order) {
    if (hotelOf[idx]! < 0) continue;
    const key = `${m.parties[idx]!.site}|${hotelOf[idx]}`;
    const g = groups.get(key);
    if (g) g.push(idx);
    else groups.set(key, [idx]);
  }
  const vs = initialVehicles(m, lockedTrips);
  // Each vehicle's earliest departure from each site, kept up to date as vehicles are used.
  const S = m.sites.length;
  const dep = new Float64Array(vs.length * S);
  const refresh = (i: number) => {
    for (let s = 0; s < S; s++) dep[i * S + s] = earliestDeparture(m, vs[i]!, s);
  };
  for (let i = 0; i < vs.length; i++) refresh(i);
  const trips: Trip[] = [];
  const unserved: number[] = [];
  let lastArrivalMs = -Infinity;
  let costMinor = 0;
  for (const list of groups.values()) {
    const pending = [...list];
    while (pending.length) {
      const first = m.parties[pending[0]!]!;
      let best = -1;
      let bestD = Infinity;
      for (let i = 0; i < vs.length; i++) {
        const d = dep[i * S + first.site]!;
        if (d >= bestD) continue;
        const veh = m.vehicles[vs[i]!.idx]!;
        if (veh.seats < first.seated || veh.wheelchairSpaces < first.wheel) continue;
        [best, bestD] = [i, d];
      }
      if (best < 0) {
        unserved.push(pending.shift()!);
        continue;
      }
      const v = vs[best]!;
      const veh = m.vehicles[v.idx]!;
      let seats = veh.seats;
      let wc = veh.wheelchairSpaces;
      const load: number[] = [];
      for (const p of pending) {
        const info = m.parties[p]!;
        if (info.seated <= seats && info.wheel <= wc) {
          seats -= info.seated;
          wc -= info.wheel;
          load.push(p);
        }
      }
      const taken = new Set(load);
      const rest = pending.filter((p) => !taken.has(p));
      pending.length = 0;
      pending.push(...rest);
      const built = buildTrip(
        m,
        v,
        first.site,
        [hotelOf[first.idx]!],
        load.map((p) => m.parties[p]!.party.id),
      );
      refresh(best);
      trips.push(built.trip);
      lastArrivalMs = Math.max(lastArrivalMs, built.lastArrivalMs);
      costMinor += built.costMinor;
    }
  }
  return { trips, lastArrivalMs, costMinor, unserved };
}
