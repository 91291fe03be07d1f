/** Vehicle state and the timing of one trip, exactly as rule 9 of the contract computes it. */
import { roadKm, type LatLng } from '../geo.js';
import type { Trip } from '../plan.js';
import { driveMs, vehicleReadyMs, type Model } from './model.js';
import { ceilSecond, formatIso, MINUTE_MS, parseIso } from './time.js';

export interface VehicleState {
  idx: number;
  pos: LatLng;
  readyMs: number;
}

export interface BuiltTrip {
  trip: Trip;
  lastArrivalMs: number;
  costMinor: number;
}

/**
 * Where every vehicle is and when it is free, after the locked trips (which stay as they are): at
 * the last stop of its last locked trip, once stopped there, and never before it is offered
 * (`availableFrom`; a live re-plan offers it so that no trip leaves before now).
 */
export function initialVehicles(m: Model, locked: readonly Trip[]): VehicleState[] {
  const states = m.vehicles.map((v, idx) => {
    const depot = m.sites[m.siteIndex.get(v.depotSiteId) ?? 0]!;
    return { idx, pos: { lat: depot.lat, lng: depot.lng }, readyMs: vehicleReadyMs(v) };
  });
  const last = new Map<number, Trip>();
  for (const t of locked) {
    const v = m.vehicleIndex.get(t.vehicleId);
    if (v === undefined) continue;
    const prev = last.get(v);
    if (!prev || parseIso(t.departAt) > parseIso(prev.departAt)) last.set(v, t);
  }
  for (const [v, t] of last) {
    const h = m.hotels[m.hotelIndex.get(t.stops[t.stops.length - 1]!) ?? -1]?.hotel;
    const arr = parseIso(t.arrivals[t.arrivals.length - 1]!);
    if (h) states[v]!.pos = { lat: h.lat, lng: h.lng };
    if (Number.isFinite(arr)) states[v]!.readyMs = Math.max(arr + m.policy.stopMinutes * MINUTE_MS, vehicleReadyMs(m.vehicles[v]!));
  }
  return states;
}

/** Earliest departure of vehicle `v` from site `s`: ready + drive there + boarding. */
export function earliestDeparture(m: Model, v: VehicleState, s: number): number {
  const site = m.sites[s]!;
  return v.readyMs + driveMs(m, roadKm(v.pos, site, m.policy)) + m.policy.boardingMinutes * MINUTE_MS;
}

/** Time a trip with stops in the given order and move the vehicle to its last stop. */
export function buildTrip(m: Model, v: VehicleState, s: number, stops: number[], partyIds: string[]): BuiltTrip {
  const site = m.sites[s]!;
  const veh = m.vehicles[v.idx]!;
  const depart = ceilSecond(earliestDeparture(m, v, s));
  let km = roadKm(v.pos, site, m.policy);
  let at: LatLng = site;
  let t = depart;
  const arrivals: string[] = [];
  stops.forEach((h, i) => {
    const hotel = m.hotels[h]!.hotel;
    const leg = roadKm(at, hotel, m.policy);
    km += leg;
    t += (i > 0 ? m.policy.stopMinutes * MINUTE_MS : 0) + driveMs(m, leg);
    arrivals.push(formatIso(t));
    at = hotel;
  });
  v.pos = { lat: at.lat, lng: at.lng };
  v.readyMs = t + m.policy.stopMinutes * MINUTE_MS;
  return {
    trip: { vehicleId: veh.id, fromSiteId: site.id, stops: stops.map((h) => m.hotels[h]!.hotel.id), partyIds, departAt: formatIso(depart), arrivals },
    lastArrivalMs: t,
    costMinor: veh.costPerTripMinor + veh.costPerKmMinor * km,
  };
}
