/**
 * Filling one vehicle at one pick-up site: a seed hotel (the farthest, or the busiest), then the
 * nearby hotels whose households fit, by cheapest insertion per passenger, while the detour stays
 * short and (when a target is set) the last drop-off is no later than the target.
 */
import { driveMs, kmHotelHotel, kmSiteHotel, type Model } from './model.js';
import { MINUTE_MS, tick } from './time.js';

export interface LoadParams {
  maxStops: number;
  maxDetourMin: number;
  seed: 'far' | 'big';
}

export interface LoadContext {
  m: Model;
  hotelOf: Int32Array;
  vehiclePins: Map<number, number>;
  nb: Map<number, number[]>;
  /** How many vehicles can carry each party: the fewer, the sooner it must get one of them. */
  carriers: Int32Array;
  /** Scratch per hotel for listing candidate stops once each (a stamp per listing). */
  listed: { stamp: Int32Array; n: number };
  /** Scratch per party: stamped when the load being built takes it (a stamp per load). */
  taken: { stamp: Int32Array; n: number };
}

export interface Load {
  stops: number[];
  parties: number[];
}

/** Choose the households and stop order for vehicle `v` leaving site `s` at `departMs`. */
export function buildLoad(
  cx: LoadContext,
  byHotel: Map<number, number[]>,
  v: number,
  s: number,
  departMs: number,
  targetMs: number,
  prm: LoadParams,
  pinned: number[],
): Load {
  const { m, hotelOf, vehiclePins, nb } = cx;
  const veh = m.vehicles[v]!;
  let seats = veh.seats;
  let wc = veh.wheelchairSpaces;
  // Who this load takes, in the order taken (the stamp answers "taken?" without a Set).
  const taken: number[] = [];
  const mark = ++cx.taken.n;
  const isTaken = (p: number) => cx.taken.stamp[p] === mark;
  const pinnedElsewhere = (p: number) => vehiclePins.size > 0 && (vehiclePins.get(p) ?? v) !== v;
  const stops: number[] = [];
  const stopMs = m.policy.stopMinutes * MINUTE_MS;
  const fitsParty = (p: number) => {
    const info = m.parties[p]!;
    return !isTaken(p) && info.seated <= seats && info.wheel <= wc && !pinnedElsewhere(p);
  };
  const takeParty = (p: number) => {
    seats -= m.parties[p]!.seated;
    wc -= m.parties[p]!.wheel;
    taken.push(p);
    cx.taken.stamp[p] = mark;
  };
  const km = (a: number, b: number) => kmHotelHotel(m, a, b);
  const kmSite = (h: number) => kmSiteHotel(m, s, h);
  const routeEnd = (route: number[]) => {
    let t = departMs;
    route.forEach((h, i) => (t += i ? stopMs + driveMs(m, km(route[i - 1]!, h)) : driveMs(m, kmSite(h))));
    return t;
  };
  const myPins = pinned.filter((p) => m.parties[p]!.site === s && byHotel.get(hotelOf[p]!)?.includes(p));
  if (myPins.length) {
    for (const p of myPins) {
      if (!fitsParty(p)) continue;
      takeParty(p);
      if (!stops.includes(hotelOf[p]!)) stops.push(hotelOf[p]!);
    }
  } else {
    let seed = -1;
    let score = -Infinity;
    tick(4 + 2 * byHotel.size);
    for (const [h, list] of byHotel) {
      if (!list.some(fitsParty)) continue;
      const far = kmSite(h);
      if (departMs + driveMs(m, far) > targetMs) continue;
      // Serve first the hotel whose waiting household has the fewest vehicles able to carry it.
      let hardest = Infinity;
      for (const p of list) if (fitsParty(p)) hardest = Math.min(hardest, cx.carriers[p]!);
      const hard = hardest < m.vehicles.length * 0.1 ? (m.vehicles.length - hardest) * 1e6 : 0;
      // A vehicle with wheelchair spaces serves hotels with wheelchair users waiting first.
      const wcFirst = wc > 0 && list.some((p) => m.parties[p]!.wheel > 0 && fitsParty(p)) ? 1e5 : 0;
      const sc = hard + wcFirst + (prm.seed === 'far' ? far : list.reduce((n, p) => n + m.parties[p]!.size, 0));
      if (sc > score) [seed, score] = [h, sc];
    }
    if (seed < 0) return { stops: [], parties: [] };
    stops.push(seed);
  }
  for (const h of stops) for (const p of byHotel.get(h) ?? []) if (fitsParty(p)) takeParty(p);
  // While wheelchair users still wait here, a vehicle with wheelchair spaces keeps its run short
  // and comes back for them rather than touring with other households.
  let wcWaiting = false;
  if (veh.wheelchairSpaces > 0) for (const list of byHotel.values()) for (const p of list) if (!isTaken(p) && m.parties[p]!.wheel > 0) wcWaiting = true;
  const maxStops = wcWaiting ? Math.min(prm.maxStops, 2) : prm.maxStops;
  const maxDetourMin = wcWaiting ? Math.min(prm.maxDetourMin, 10) : prm.maxDetourMin;
  while (stops.length < maxStops && seats + wc > 0) {
    let bestH = -1;
    let bestPos = 0;
    let bestScore = Infinity;
    let bestDetour = 0;
    const cands: number[] = [];
    const listing = ++cx.listed.n;
    for (const h of stops)
      for (const x of nb.get(h) ?? [])
        if (cx.listed.stamp[x] !== listing && !stops.includes(x) && byHotel.has(x)) {
          cx.listed.stamp[x] = listing;
          cands.push(x);
        }
    for (const h of cands) {
      tick(4 + 4 * stops.length);
      let add = 0;
      let addSeats = seats;
      let addWc = wc;
      for (const p of byHotel.get(h)!) {
        const info = m.parties[p]!;
        if (!isTaken(p) && info.seated <= addSeats && info.wheel <= addWc && !pinnedElsewhere(p)) {
          addSeats -= info.seated;
          addWc -= info.wheel;
          // Wheelchair places are the scarce capacity: a stop that fills them counts for much more.
          add += info.size + info.wheel * 20;
        }
      }
      if (!add) continue;
      for (let i = 0; i <= stops.length; i++) {
        const prevKm = i === 0 ? kmSite(h) : km(stops[i - 1]!, h);
        const before = i === 0 ? kmSite(stops[0]!) : i < stops.length ? km(stops[i - 1]!, stops[i]!) : 0;
        const after = i < stops.length ? km(h, stops[i]!) : 0;
        const detourMin = driveMs(m, prevKm + after - before) / MINUTE_MS + m.policy.stopMinutes;
        const sc = detourMin / add;
        if (sc >= bestScore || detourMin > maxDetourMin) continue;
        if (targetMs < Infinity && routeEnd([...stops.slice(0, i), h, ...stops.slice(i)]) > targetMs) continue;
        [bestH, bestPos, bestScore, bestDetour] = [h, i, sc, detourMin];
      }
    }
    if (bestH < 0 || bestDetour > maxDetourMin) break;
    stops.splice(bestPos, 0, bestH);
    for (const p of byHotel.get(bestH) ?? []) if (fitsParty(p)) takeParty(p);
  }
  const parties = taken;
  const used = new Set(parties.map((p) => hotelOf[p]!));
  return { stops: stops.filter((h) => used.has(h)), parties };
}
