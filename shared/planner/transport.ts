/**
 * The transport stage: load households onto vehicles in waves. The vehicle that can be loaded
 * soonest goes next; it takes the farthest (or busiest) hotel's households first and then fills
 * up with nearby hotels while the detour stays short (multi-stop). A taxi replaces a coach when the
 * coach would mostly run empty. Several parameter settings are tried and the plan with the
 * earliest last arrival (then the lowest cost) is kept.
 */
import { haversineKm } from '../geo.js';
import type { Trip } from '../plan.js';
import { driveMs, type Model } from './model.js';
import { buildTrip, earliestDeparture, initialVehicles, type VehicleState } from './route.js';
import { MINUTE_MS } from './time.js';

export interface TransportInput {
  hotelOf: Int32Array;
  /** Parties to carry (housed and not on a locked trip). */
  riders: number[];
  lockedTrips: readonly Trip[];
  /** Manual vehicle pins: party -> vehicle. */
  vehiclePins: Map<number, number>;
  deadline: number;
}

export interface TransportResult {
  trips: Trip[];
  /** Parties no vehicle could take, with why. */
  unserved: Map<number, string>;
  lastArrivalMs: number;
  costMinor: number;
}

interface Params {
  maxStops: number;
  maxDetourMin: number;
  seed: 'far' | 'big';
  taxiSlackMin: number;
}

const SETTINGS: Params[] = [
  { maxStops: 4, maxDetourMin: 20, seed: 'far', taxiSlackMin: 10 },
  { maxStops: 6, maxDetourMin: 35, seed: 'far', taxiSlackMin: 10 },
  { maxStops: 3, maxDetourMin: 12, seed: 'big', taxiSlackMin: 10 },
  { maxStops: 1, maxDetourMin: 0, seed: 'far', taxiSlackMin: 10 },
  { maxStops: 8, maxDetourMin: 60, seed: 'far', taxiSlackMin: 20 },
  { maxStops: 2, maxDetourMin: 8, seed: 'far', taxiSlackMin: 5 },
];

/** Nearest hotels to each hotel (multi-stop candidates), computed once per schedule. */
function neighbours(m: Model, hotels: number[], k: number): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const h of hotels) {
    const a = m.hotels[h]!.hotel;
    const list = hotels.filter((x) => x !== h).map((x) => [x, haversineKm(a, m.hotels[x]!.hotel)] as const);
    list.sort((x, y) => x[1] - y[1]);
    out.set(h, list.slice(0, k).map((x) => x[0]));
  }
  return out;
}

/** Schedule the riders; tries several settings within the time budget and keeps the best. */
export function scheduleTransport(m: Model, inp: TransportInput): TransportResult {
  const unserved = new Map<number, string>();
  const riders: number[] = [];
  for (const p of inp.riders) {
    const info = m.parties[p]!;
    const pin = inp.vehiclePins.get(p);
    const fitsV = (v: number) => m.vehicles[v]!.seats >= info.seated && m.vehicles[v]!.wheelchairSpaces >= info.wheel;
    if (pin !== undefined && !fitsV(pin)) inp.vehiclePins.delete(p);
    if (m.vehicles.some((_, v) => fitsV(v))) riders.push(p);
    else unserved.set(p, `no vehicle has ${info.seated} seats and ${info.wheel} wheelchair spaces`);
  }
  const used = [...new Set(riders.map((p) => inp.hotelOf[p]!))];
  const nb = neighbours(m, used, 25);
  let best: TransportResult | null = null;
  for (const params of SETTINGS) {
    const r = runSchedule(m, inp, riders, nb, params);
    if (!best || r.lastArrivalMs < best.lastArrivalMs - 1 || (Math.abs(r.lastArrivalMs - best.lastArrivalMs) <= 1 && r.costMinor < best.costMinor)) best = r;
    if (performance.now() > inp.deadline) break;
  }
  for (const [p, why] of best!.unserved) unserved.set(p, why);
  return { ...best!, unserved };
}

function runSchedule(m: Model, inp: TransportInput, riders: number[], nb: Map<number, number[]>, prm: Params): TransportResult {
  const vs = initialVehicles(m, inp.lockedTrips);
  const siteCount = m.sites.length;
  // pending[site] : hotel -> parties (largest first)
  const pending: Map<number, number[]>[] = m.sites.map(() => new Map());
  const seatsLeft = new Float64Array(siteCount);
  const pinnedOf = new Map<number, number[]>();
  const sorted = [...riders].sort((x, y) => m.parties[y]!.size - m.parties[x]!.size);
  for (const p of sorted) {
    const info = m.parties[p]!;
    const pin = inp.vehiclePins.get(p);
    if (pin !== undefined) pinnedOf.set(pin, [...(pinnedOf.get(pin) ?? []), p]);
    const h = inp.hotelOf[p]!;
    const byHotel = pending[info.site]!;
    byHotel.set(h, [...(byHotel.get(h) ?? []), p]);
    seatsLeft[info.site]! += info.size;
  }
  let left = riders.length;
  const blocked = new Set<number>();
  const trips: Trip[] = [];
  let lastArrivalMs = -Infinity;
  let costMinor = 0;
  const unserved = new Map<number, string>();
  const removeParty = (p: number) => {
    const info = m.parties[p]!;
    const byHotel = pending[info.site]!;
    const h = inp.hotelOf[p]!;
    const list = byHotel.get(h)!.filter((x) => x !== p);
    if (list.length) byHotel.set(h, list);
    else byHotel.delete(h);
    seatsLeft[info.site]! -= info.size;
    left--;
  };
  const dep = new Float64Array(vs.length * siteCount);
  const refresh = (v: VehicleState) => {
    for (let s = 0; s < siteCount; s++) dep[v.idx * siteCount + s] = earliestDeparture(m, v, s);
  };
  vs.forEach(refresh);
  const liveSites = () => [...Array(siteCount).keys()].filter((s) => pending[s]!.size > 0);
  while (left > 0) {
    const live = liveSites();
    let bestV: VehicleState | null = null;
    let bestS = -1;
    let bestD = Infinity;
    for (const v of vs) {
      const pins = !pinnedOf.has(v.idx) ? undefined : pinnedOf.get(v.idx)!.filter((p) => pending[m.parties[p]!.site]!.get(inp.hotelOf[p]!)?.includes(p));
      const sites = pins && pins.length ? [m.parties[pins[0]!]!.site] : live;
      for (const s of sites) {
        if (!pending[s]!.size || blocked.has(v.idx * siteCount + s)) continue;
        const d = dep[v.idx * siteCount + s]!;
        if (d < bestD) [bestV, bestS, bestD] = [v, s, d];
      }
    }
    if (!bestV) break;
    // A coach that would run mostly empty gives way to a smaller vehicle free almost as soon.
    const need = seatsLeft[bestS]!;
    const veh0 = m.vehicles[bestV.idx]!;
    if (veh0.seats > need * 1.5 + 4 && !pinnedOf.get(bestV.idx)?.length) {
      let alt: VehicleState | null = null;
      for (const v of vs) {
        const veh = m.vehicles[v.idx]!;
        if (veh.seats >= need && veh.seats < (alt ? m.vehicles[alt.idx]!.seats : veh0.seats) && !blocked.has(v.idx * siteCount + bestS) && !pinnedOf.get(v.idx)?.length) {
          if (dep[v.idx * siteCount + bestS]! <= bestD + prm.taxiSlackMin * MINUTE_MS) alt = v;
        }
      }
      if (alt) bestV = alt;
    }
    const load = buildLoad(m, inp, pending[bestS]!, bestV.idx, bestS, nb, prm, pinnedOf.get(bestV.idx) ?? []);
    if (!load.parties.length) {
      blocked.add(bestV.idx * siteCount + bestS);
      continue;
    }
    for (const p of load.parties) removeParty(p);
    const built = buildTrip(m, bestV, bestS, load.stops, load.parties.map((p) => m.parties[p]!.party.id));
    refresh(bestV);
    trips.push(built.trip);
    lastArrivalMs = Math.max(lastArrivalMs, built.lastArrivalMs);
    costMinor += built.costMinor;
  }
  for (const site of pending) for (const list of site.values()) for (const p of list) unserved.set(p, 'no vehicle that can carry this household is free to reach its pick-up site');
  return { trips, unserved, lastArrivalMs, costMinor };
}

interface Load {
  stops: number[];
  parties: number[];
}

/** Fill one vehicle at one site: a seed hotel, then nearby hotels while the detour is short. */
function buildLoad(m: Model, inp: TransportInput, byHotel: Map<number, number[]>, v: number, s: number, nb: Map<number, number[]>, prm: Params, pinned: number[]): Load {
  const veh = m.vehicles[v]!;
  let seats = veh.seats;
  let wc = veh.wheelchairSpaces;
  const taken = new Set<number>();
  const stops: number[] = [];
  const fitsParty = (p: number) => {
    const info = m.parties[p]!;
    return !taken.has(p) && info.seated <= seats && info.wheel <= wc && (inp.vehiclePins.get(p) ?? v) === v;
  };
  const takeFrom = (h: number) => {
    for (const p of byHotel.get(h) ?? []) {
      if (!fitsParty(p)) continue;
      const info = m.parties[p]!;
      seats -= info.seated;
      wc -= info.wheel;
      taken.add(p);
    }
  };
  const site = m.sites[s]!;
  const km = (a: number, b: number) => haversineKm(m.hotels[a]!.hotel, m.hotels[b]!.hotel) * m.policy.roadFactor;
  const kmSite = (h: number) => haversineKm(site, m.hotels[h]!.hotel) * m.policy.roadFactor;
  const myPins = pinned.filter((p) => m.parties[p]!.site === s && byHotel.get(inp.hotelOf[p]!)?.includes(p));
  if (myPins.length) {
    for (const p of myPins) {
      const h = inp.hotelOf[p]!;
      if (!stops.includes(h)) stops.push(h);
      if (fitsParty(p)) {
        seats -= m.parties[p]!.seated;
        wc -= m.parties[p]!.wheel;
        taken.add(p);
      }
    }
  } else {
    let seed = -1;
    let score = -Infinity;
    for (const [h, list] of byHotel) {
      if (!list.some(fitsParty)) continue;
      const sc = prm.seed === 'far' ? kmSite(h) : list.reduce((n, p) => n + m.parties[p]!.size, 0);
      if (sc > score) [seed, score] = [h, sc];
    }
    if (seed < 0) return { stops: [], parties: [] };
    stops.push(seed);
  }
  for (const h of stops) takeFrom(h);
  while (stops.length < prm.maxStops && seats + wc > 0) {
    let bestH = -1;
    let bestPos = 0;
    let bestScore = Infinity;
    let bestDetour = 0;
    const cands = new Set<number>();
    for (const h of stops) for (const x of nb.get(h) ?? []) if (!stops.includes(x) && byHotel.has(x)) cands.add(x);
    for (const h of cands) {
      let add = 0;
      let addSeats = seats;
      let addWc = wc;
      for (const p of byHotel.get(h)!) {
        const info = m.parties[p]!;
        if (!taken.has(p) && info.seated <= addSeats && info.wheel <= addWc && (inp.vehiclePins.get(p) ?? v) === v) {
          addSeats -= info.seated;
          addWc -= info.wheel;
          add += info.size;
        }
      }
      if (!add) continue;
      for (let i = 0; i <= stops.length; i++) {
        const prevKm = i === 0 ? kmSite(h) : km(stops[i - 1]!, h);
        const before = i === 0 ? kmSite(stops[0]!) : i < stops.length ? km(stops[i - 1]!, stops[i]!) : 0;
        const after = i < stops.length ? km(h, stops[i]!) : 0;
        const detourMin = driveMs(m, prevKm + after - before) / MINUTE_MS + m.policy.stopMinutes;
        const sc = detourMin / add;
        if (sc < bestScore) [bestH, bestPos, bestScore, bestDetour] = [h, i, sc, detourMin];
      }
    }
    if (bestH < 0 || bestDetour > prm.maxDetourMin) break;
    stops.splice(bestPos, 0, bestH);
    takeFrom(bestH);
  }
  const parties = [...taken];
  const used = new Set(parties.map((p) => inp.hotelOf[p]!));
  return { stops: stops.filter((h) => used.has(h)), parties };
}
