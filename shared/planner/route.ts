/** Vehicle state and the timing of one trip, exactly as rule 9 of the contract computes it. */
import { roadKm, type LatLng } from '../geo.js';
import type { Trip } from '../plan.js';
import { driveMs, kmHotelHotel, kmSiteHotel, vehicleReadyMs, type Model } from './model.js';
import { ceilSecond, formatIso, MINUTE_MS, parseIso } from './time.js';

export interface VehicleState {
  idx: number;
  pos: LatLng;
  readyMs: number;
  /** The hotel the vehicle stands at (`pos` is that hotel's), or -1. */
  hotel: number;
  /** When not at a hotel: the site it stands at (its depot, or an empty run's pick-up site), or -1. */
  site: number;
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
    const site = m.siteIndex.get(v.depotSiteId) ?? 0;
    const depot = m.sites[site]!;
    return { idx, pos: { lat: depot.lat, lng: depot.lng }, readyMs: vehicleReadyMs(v), hotel: -1, site };
  });
  const last = new Map<number, Trip>();
  for (const t of locked) {
    const v = m.vehicleIndex.get(t.vehicleId);
    if (v === undefined) continue;
    const prev = last.get(v);
    if (!prev || parseIso(t.departAt) > parseIso(prev.departAt)) last.set(v, t);
  }
  for (const [v, t] of last) {
    const hi = m.hotelIndex.get(t.stops[t.stops.length - 1]!) ?? -1;
    const arr = parseIso(t.arrivals[t.arrivals.length - 1]!);
    if (hi >= 0) standAt(m, states[v]!, hi);
    if (Number.isFinite(arr)) states[v]!.readyMs = Math.max(arr + m.policy.stopMinutes * MINUTE_MS, vehicleReadyMs(m.vehicles[v]!));
  }
  return states;
}

/**
 * The vehicle now stands at hotel `h` (-1: at site `s`). The one way to move it: `hotel`/`site` are
 * what its distances are read by (kmTo), so `pos` never changes without them.
 */
export function standAt(m: Model, v: VehicleState, h: number, s = -1): void {
  const p = h >= 0 ? m.hotels[h]!.hotel : m.sites[s]!;
  v.pos = { lat: p.lat, lng: p.lng };
  v.hotel = h;
  v.site = h >= 0 ? -1 : s;
}

/** Earliest departure of vehicle `v` from site `s`: ready + drive there + boarding. */
export function earliestDeparture(m: Model, v: VehicleState, s: number): number {
  return v.readyMs + driveMs(m, kmTo(m, v, s)) + m.policy.boardingMinutes * MINUTE_MS;
}

/** Road km from where the vehicle stands to site `s` (from the model's matrices where it can). */
function kmTo(m: Model, v: VehicleState, s: number): number {
  if (v.hotel >= 0) return kmSiteHotel(m, s, v.hotel);
  if (v.site >= 0) return m.siteSiteKm[v.site * m.sites.length + s]!;
  return roadKm(v.pos, m.sites[s]!, m.policy);
}

/** Time a trip with stops in the given order and move the vehicle to its last stop. */
export function buildTrip(m: Model, v: VehicleState, s: number, stops: number[], partyIds: string[]): BuiltTrip {
  const site = m.sites[s]!;
  const veh = m.vehicles[v.idx]!;
  const depart = ceilSecond(earliestDeparture(m, v, s));
  let km = kmTo(m, v, s);
  let at = -1;
  let t = depart;
  const arrivals: string[] = [];
  for (const h of stops) {
    const leg = at < 0 ? kmSiteHotel(m, s, h) : kmHotelHotel(m, at, h);
    km += leg;
    t += (at >= 0 ? m.policy.stopMinutes * MINUTE_MS : 0) + driveMs(m, leg);
    arrivals.push(formatIso(t));
    at = h;
  }
  standAt(m, v, at, s);
  v.readyMs = t + m.policy.stopMinutes * MINUTE_MS;
  return {
    trip: { vehicleId: veh.id, fromSiteId: site.id, stops: stops.map((h) => m.hotels[h]!.hotel.id), partyIds, departAt: formatIso(depart), arrivals },
    lastArrivalMs: t,
    costMinor: veh.costPerTripMinor + veh.costPerKmMinor * km,
  };
}
