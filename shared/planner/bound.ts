/**
 * A lower bound on the last arrival of any plan that houses the same households (the contract's
 * rule 9 relaxed): hotel capacity is ignored, a household may be split over trips, and every trip is
 * as short as the geometry allows. Each vehicle leaves the nearest pick-up site no earlier than
 * availableFrom + the drive from its depot + boarding, then once per shortest possible cycle (the
 * shortest pick-up-to-eligible-hotel leg there and back + stop + boarding), each trip arriving a
 * shortest leg after leaving. The bound is the first time by which those trips can have carried
 * every housed seated guest (in seats) and every housed wheelchair user (in wheelchair spaces), and
 * never earlier than any housed household's own earliest arrival. Two terms add what hotel capacity
 * costs (`bedsBound`, `accessibleRoomsBound`): guests cannot all sleep at the nearest hotel, nor
 * wheelchair households all take the nearest accessible room, so the nearest beds and rooms are paired
 * with the earliest departures; a third (`carrierGroupsBound`) counts the few vehicles that can
 * carry each kind of wheelchair household, whose households also take an accessible room each. Pure; reported by the benchmark, checked against every plan by the
 * property tests.
 */
import { roadKm } from '../geo.js';
import type { Plan } from '../plan.js';
import type { Scenario } from '../scenario.js';
import { hotelAllowed } from './columns.js';
import { buildModel, driveMs, kmSiteHotel, vehicleReadyMs, type Model } from './model.js';
import { MINUTE_MS } from './time.js';

/** Lower bound in epoch ms on the last arrival for carrying `riders` (party indices); -Infinity if none. */
export function lastArrivalBoundMs(m: Model, riders: readonly number[]): number {
  if (!riders.length || !m.vehicles.length) return -Infinity;
  const board = m.policy.boardingMinutes * MINUTE_MS;
  const stop = m.policy.stopMinutes * MINUTE_MS;
  const sites = [...new Set(riders.map((p) => m.parties[p]!.site))];
  // Shortest leg from each pick-up site to a hotel one of its households may use.
  const leg = new Map<number, number>();
  for (const p of riders) {
    const info = m.parties[p]!;
    let best = leg.get(info.site) ?? Infinity;
    for (let h = 0; h < m.hotels.length; h++) if (hotelAllowed(m, info, h)) best = Math.min(best, kmSiteHotel(m, info.site, h));
    leg.set(info.site, best);
  }
  // A household's own shortest leg: to a hotel it may use that has beds enough, and an accessible
  // room for a wheelchair user (rules 4-6).
  const beds = m.hotels.map((h) => h.rooms.reduce((n, s) => n + m.rooms[s]!.sleeps * m.rooms[s]!.count, 0));
  const hasAcc = m.hotels.map((h) => h.rooms.some((s) => m.rooms[s]!.accessible && m.rooms[s]!.count > 0));
  const ownLeg = (p: number) => {
    const info = m.parties[p]!;
    let best = Infinity;
    for (let h = 0; h < m.hotels.length; h++) {
      if (beds[h]! < info.size || (info.wheel > 0 && !hasAcc[h]) || !hotelAllowed(m, info, h)) continue;
      best = Math.min(best, kmSiteHotel(m, info.site, h));
    }
    return driveMs(m, best);
  };
  // The same hotels' drive back to the nearest pick-up site, the least a trip there holds a vehicle.
  const back = m.hotels.map((_, h) => Math.min(...sites.map((s) => driveMs(m, kmSiteHotel(m, s, h)))));
  const ownBack = (p: number) => {
    const info = m.parties[p]!;
    let best = Infinity;
    for (let h = 0; h < m.hotels.length; h++) {
      if (beds[h]! < info.size || (info.wheel > 0 && !hasAcc[h]) || !hotelAllowed(m, info, h)) continue;
      best = Math.min(best, back[h]!);
    }
    return best;
  };
  const legMs = (s: number) => driveMs(m, leg.get(s) ?? Infinity);
  const minLeg = Math.min(...sites.map(legMs));
  const cycle = 2 * minLeg + stop + board;
  let seated = 0;
  let wheel = 0;
  let floor = -Infinity;
  const firstDep = m.vehicles.map((v) => firstDeparture(m, v, sites, board));
  const firstBySite = new Map<number, number>();
  for (const p of riders) {
    const info = m.parties[p]!;
    seated += info.seated;
    wheel += info.wheel;
    const key = info.site * 1_000_003 + info.seated * 1000 + info.wheel;
    let d = firstBySite.get(key);
    if (d === undefined) {
      d = Infinity;
      for (const v of m.vehicles) if (v.seats >= info.seated && v.wheelchairSpaces >= info.wheel) d = Math.min(d, firstDeparture(m, v, [info.site], board));
      firstBySite.set(key, d);
    }
    floor = Math.max(floor, d + ownLeg(p));
  }
  const need = (cap: (i: number) => number, total: number): number => {
    if (total <= 0) return -Infinity;
    // Bisection on T: trips of vehicle i arriving by T = floor((T - firstDep - minLeg) / cycle) + 1.
    const carried = (t: number) => {
      let n = 0;
      for (let i = 0; i < firstDep.length; i++) {
        const c = cap(i);
        if (!c || !Number.isFinite(firstDep[i]!)) continue;
        const k = Math.floor((t - firstDep[i]! - minLeg) / cycle) + 1;
        if (k > 0) n += k * c;
      }
      return n;
    };
    let lo = Math.min(...firstDep) + minLeg - 1;
    let hi = lo + cycle;
    for (let guard = 0; carried(hi) < total && guard < 60; guard++) hi = lo + (hi - lo) * 2;
    if (carried(hi) < total) return Infinity;
    while (hi - lo > 1000) {
      const mid = (lo + hi) / 2;
      if (carried(mid) >= total) hi = mid;
      else lo = mid;
    }
    return hi;
  };
  return Math.max(
    floor,
    need((i) => m.vehicles[i]!.seats, seated),
    need((i) => m.vehicles[i]!.wheelchairSpaces, wheel),
    bedsBound(m, riders, sites, cycle, board),
    accessibleRoomsBound(m, riders, cycle, board),
    carrierGroupsBound(m, riders, ownLeg, ownBack, cycle, board),
  );
}

/**
 * Wheelchair households ride only vehicles with wheelchair spaces enough for them and seats enough
 * for the rest of the household, often a handful of the fleet (a family of five with a wheelchair
 * user fits no accessible taxi). For each (w, s) among the wheelchair households, those with at
 * least w wheelchair users and s seated guests need a departure each on the vehicles with w spaces
 * and s seats (min(floor(spaces / w), floor(seats / s)) such households per trip), ride at least
 * their own shortest leg after it (`pairing`), and hold the vehicle until it is back at a pick-up
 * site, as near as any hotel they may use is to one (`spaceTime`).
 */
function carrierGroupsBound(
  m: Model,
  riders: readonly number[],
  ownLeg: (p: number) => number,
  ownBack: (p: number) => number,
  cycle: number,
  board: number,
): number {
  let out = -Infinity;
  const wheelers = riders.filter((p) => m.parties[p]!.wheel > 0);
  const kinds = new Map(wheelers.map((p) => [`${m.parties[p]!.wheel}|${m.parties[p]!.seated}`, m.parties[p]!] as const));
  for (const { wheel: w, seated: s } of kinds.values()) {
    const group = wheelers.filter((p) => m.parties[p]!.wheel >= w && m.parties[p]!.seated >= s);
    const own = group.map(ownLeg).sort((a, b) => a - b);
    // Each household of the group also takes an accessible room of its own: the i-th shortest drive
    // is at least the i-th nearest such room's (as near as the nearest of the group's sites allowed it).
    const rooms = nearestDrives(accessibleRooms(m, group, group.length), group.length);
    const drives = rooms.length >= group.length ? own.map((d, i) => Math.max(d, rooms[i]!)) : own;
    const backs = group.map(ownBack);
    const sites = [...new Set(group.map((p) => m.parties[p]!.site))];
    const cap = (v: Model['vehicles'][number]) => Math.min(Math.floor(v.wheelchairSpaces / w), s > 0 ? Math.floor(v.seats / s) : Infinity);
    out = Math.max(out, pairing(m, drives, sites, cap, cycle, board), spaceTime(m, drives, backs, sites, cap, board));
  }
  return out;
}

/**
 * Hotels near the pick-up sites are few, so most guests ride further than the shortest leg: the
 * terms the shortest-leg counting misses. Both are relaxed so they stay lower bounds, and both end in
 * the same bottleneck pairing (`pairing`):
 * - beds: every seated guest needs a bed; every hotel's beds are as near as the nearest pick-up site
 *   with housed households; the guests take the nearest beds (any plan's drives, sorted, are at
 *   least these) and ride in seats.
 * - accessible rooms: every wheelchair household needs its own accessible room; every accessible
 *   room is as near as the nearest pick-up site of a wheelchair household that may use its hotel;
 *   the households take the nearest rooms, one each, and ride in wheelchair spaces (each household
 *   needs at least one).
 */
function bedsBound(m: Model, riders: readonly number[], sites: readonly number[], cycle: number, board: number): number {
  const seated = riders.reduce((n, p) => n + m.parties[p]!.seated, 0);
  if (!seated) return -Infinity;
  const near: { ms: number; beds: number }[] = [];
  for (let h = 0; h < m.hotels.length; h++) {
    const beds = m.hotels[h]!.rooms.reduce((n, s) => n + m.rooms[s]!.sleeps * m.rooms[s]!.count, 0);
    if (!beds) continue;
    let km = Infinity;
    for (const s of sites) km = Math.min(km, kmSiteHotel(m, s, h));
    near.push({ ms: driveMs(m, km), beds });
  }
  near.sort((a, b) => a.ms - b.ms);
  const drives: number[] = [];
  for (const h of near) for (let i = 0; i < h.beds && drives.length < seated; i++) drives.push(h.ms);
  if (drives.length < seated) return -Infinity;
  // A bed's drive back to the nearest pick-up site is its drive out: the same nearest beds.
  return Math.max(
    pairing(m, drives, sites, (v) => v.seats, cycle, board),
    spaceTime(m, drives, drives, sites, (v) => v.seats, board),
  );
}

/**
 * Every accessible room (up to `n` per hotel) that one of `wheelers` may use, with its hotel and its
 * drive: as near as the nearest of their sites allowed to use the hotel.
 */
function accessibleRooms(m: Model, wheelers: readonly number[], n: number): { hotel: number; ms: number }[] {
  const out: { hotel: number; ms: number }[] = [];
  for (let h = 0; h < m.hotels.length; h++) {
    const rooms = m.hotels[h]!.rooms.reduce((k, s) => k + (m.rooms[s]!.accessible ? m.rooms[s]!.count : 0), 0);
    if (!rooms) continue;
    let km = Infinity;
    for (const p of wheelers) if (hotelAllowed(m, m.parties[p]!, h)) km = Math.min(km, kmSiteHotel(m, m.parties[p]!.site, h));
    if (!Number.isFinite(km)) continue;
    const ms = driveMs(m, km);
    for (let i = 0; i < Math.min(rooms, n); i++) out.push({ hotel: h, ms });
  }
  return out;
}

/** The `n` shortest drives of `rooms`, ascending (fewer when there are fewer). */
function nearestDrives(rooms: readonly { ms: number }[], n: number): number[] {
  return rooms
    .map((r) => r.ms)
    .sort((a, b) => a - b)
    .slice(0, n);
}

function accessibleRoomsBound(m: Model, riders: readonly number[], cycle: number, board: number): number {
  const wheelers = riders.filter((p) => m.parties[p]!.wheel > 0);
  if (!wheelers.length) return -Infinity;
  const sites = [...new Set(wheelers.map((p) => m.parties[p]!.site))];
  const riderSites = [...new Set(riders.map((p) => m.parties[p]!.site))];
  const rooms = accessibleRooms(m, wheelers, wheelers.length);
  if (rooms.length < wheelers.length) return -Infinity; // not all can be housed: the plan houses fewer; no claim
  const backOf = new Map<number, number>();
  for (const { hotel } of rooms) if (!backOf.has(hotel)) backOf.set(hotel, Math.min(...riderSites.map((s) => driveMs(m, kmSiteHotel(m, s, hotel)))));
  const drives = nearestDrives(rooms, wheelers.length);
  const backs = rooms.map((r) => backOf.get(r.hotel)!);
  return Math.max(
    pairing(m, drives, sites, (v) => v.wheelchairSpaces, cycle, board),
    spaceTime(m, drives, backs, sites, (v) => v.wheelchairSpaces, board),
  );
}

/**
 * Space-time: a vehicle with c places (seats, or wheelchair spaces) works from its first boarding
 * to the last arrival T, and each trip holds each of its places at least for boarding + the drive
 * out to that unit's hotel + the stop + the drive back from that hotel to the nearest pick-up site
 * (a multi-stop trip holds it longer: road km obey the triangle inequality), except that a
 * vehicle's last trip need not stop or drive back. So the units' drives out plus all but the
 * (sum of c) largest stop-and-drive-back terms fit in the sum over vehicles of c x (T - first
 * departure + boarding). `drivesAsc` are the units' shortest drives out (one per unit, ascending;
 * from the nearest beds or rooms), `backs` the drives back of the same candidate beds or rooms
 * (any order, at least as many): the smallest of each are taken apart, which only lowers the sum.
 * One minute is given back for the contract's rounding of arrivals.
 */
function spaceTime(
  m: Model,
  drivesAsc: readonly number[],
  backs: readonly number[],
  sites: readonly number[],
  cap: (v: Model['vehicles'][number]) => number,
  board: number,
): number {
  const n = drivesAsc.length;
  if (!n) return -Infinity;
  const stop = m.policy.stopMinutes * MINUTE_MS;
  const firsts: { first: number; units: number }[] = [];
  for (const v of m.vehicles) {
    const units = cap(v);
    const first = units ? firstDeparture(m, v, sites, board) : Infinity;
    if (Number.isFinite(first)) firsts.push({ first, units });
  }
  if (!firsts.length) return -Infinity;
  const lastTrips = firsts.reduce((k, f) => k + f.units, 0);
  const sortedBacks = [...backs].sort((a, b) => a - b);
  let need = 0;
  for (let i = 0; i < n; i++) need += board + drivesAsc[i]!;
  for (let i = 0; i < n - lastTrips; i++) need += stop + sortedBacks[i]!;
  // A vehicle that cannot land anything by T holds no place by T.
  const supply = (t: number) => firsts.reduce((k, f) => k + (t >= f.first + drivesAsc[0]! ? f.units * (t - f.first + board) : 0), 0);
  let lo = Math.min(...firsts.map((f) => f.first)) + drivesAsc[0]!;
  let hi = lo + 1000;
  for (let guard = 0; supply(hi) < need && guard < 60; guard++) hi = lo + (hi - lo) * 2;
  if (supply(hi) < need) return -Infinity;
  while (hi - lo > 1000) {
    const mid = (lo + hi) / 2;
    if (supply(mid) >= need) hi = mid;
    else lo = mid;
  }
  return lo - MINUTE_MS;
}

/**
 * The earliest time by which units with these drives (ascending) can all have arrived, when every
 * vehicle leaves at its first possible departure from the nearest of `sites`, then once per
 * shortest cycle, each time with `cap(vehicle)` units: the earliest departures, the longest drives
 * on the earliest (optimal for the latest of the sums).
 */
function pairing(
  m: Model,
  drivesAsc: readonly number[],
  sites: readonly number[],
  cap: (v: Model['vehicles'][number]) => number,
  cycle: number,
  board: number,
): number {
  const n = drivesAsc.length;
  const firsts: { first: number; units: number }[] = [];
  for (const v of m.vehicles) {
    const units = cap(v);
    if (!units) continue;
    const first = firstDeparture(m, v, sites, board);
    if (Number.isFinite(first)) firsts.push({ first, units });
  }
  if (!n || !firsts.length || !(cycle > 0)) return -Infinity;
  // The time by which enough departures have left (bisection), then only the departures up to it.
  const leaving = (t: number) => firsts.reduce((k, f) => k + (t >= f.first ? (Math.floor((t - f.first) / cycle) + 1) * f.units : 0), 0);
  const perRound = firsts.reduce((k, f) => k + f.units, 0);
  let lo = Math.min(...firsts.map((f) => f.first));
  let hi = Math.max(...firsts.map((f) => f.first)) + cycle * (Math.ceil(n / perRound) + 1);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (leaving(mid) >= n) hi = mid;
    else lo = mid;
  }
  const departures: number[] = [];
  for (const f of firsts) for (let t = f.first; t <= hi; t += cycle) for (let i = 0; i < f.units; i++) departures.push(t);
  if (departures.length < n) return -Infinity;
  departures.sort((a, b) => a - b);
  let last = -Infinity;
  for (let i = 0; i < n; i++) last = Math.max(last, departures[i]! + drivesAsc[n - 1 - i]!);
  return last;
}

/** A vehicle's earliest departure from the nearest of `sites`: ready, driven from its depot, boarded. */
function firstDeparture(m: Model, v: Model['vehicles'][number], sites: readonly number[], board: number): number {
  const depot = m.sites[m.siteIndex.get(v.depotSiteId) ?? 0]!;
  let first = Infinity;
  for (const s of sites) first = Math.min(first, vehicleReadyMs(v) + driveMs(m, roadKm(depot, m.sites[s]!, m.policy)) + board);
  return first;
}

/** The same bound for the households a plan houses, as an ISO time (null when it houses none). */
export function lastArrivalBound(scenario: Scenario, plan: Pick<Plan, 'stays'>): string | null {
  const m = buildModel(scenario);
  const riders = plan.stays.map((s) => m.partyIndex.get(s.partyId)).filter((p): p is number => p !== undefined);
  const ms = lastArrivalBoundMs(m, riders);
  return Number.isFinite(ms) ? new Date(Math.round(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') : null;
}
