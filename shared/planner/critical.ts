/**
 * Shortening a schedule's critical path. The loading in transport.ts fills one vehicle at a time,
 * in the order vehicles come free, and never revisits a run: a late second-wave run often carries a
 * few households that an earlier run had seats for, or that a vehicle idle since the first wave
 * could have taken. Here the households of the run that lands last, one hotel stop at a time, are
 * moved onto another vehicle: into one of its runs from the same pick-up site (their hotel added as
 * a stop where it delays that run least) or onto a new run after its last. When no vehicle has the
 * seats or the time, the stop's households trade places with another run's households for one
 * hotel: a far hotel's group onto an earlier run, a near one's onto the late run. A change is kept
 * when both vehicles then finish before the late run did and no vulnerable household lands later
 * than the latest did before; the next run to land last is taken up in turn, until none changes.
 */
import type { Trip } from '../plan.js';
import { buildTrip, earliestDeparture, initialVehicles, standAt, type VehicleState } from './route.js';
import { driveMs, kmHotelHotel, kmSiteHotel, type Model } from './model.js';
import { MINUTE_MS, ceilSecond, now, parseIso, tick } from './time.js';

/** At most this many vehicle chains timed per repair (a 650-guest schedule takes 100-450). */
const MAX_WORK = 50_000;

interface Run {
  site: number;
  stops: number[];
  parties: number[];
}

export interface Repaired {
  trips: Trip[];
  lastArrivalMs: number;
  costMinor: number;
}

/**
 * Repair `trips` (the schedule transport.ts built after `locked`); null when no move helps.
 * `pinned` households keep their vehicle.
 */
export function repairCritical(
  m: Model,
  hotelOf: Int32Array,
  trips: readonly Trip[],
  locked: readonly Trip[],
  pinned: ReadonlySet<number>,
  deadline: number,
): Repaired | null {
  const start = initialVehicles(m, locked);
  const chains: Run[][] = m.vehicles.map(() => []);
  for (const t of [...trips].sort((a, b) => parseIso(a.departAt) - parseIso(b.departAt))) {
    const v = m.vehicleIndex.get(t.vehicleId);
    const s = m.siteIndex.get(t.fromSiteId);
    if (v === undefined || s === undefined) return null;
    const parties = t.partyIds.map((id) => m.partyIndex.get(id));
    if (parties.some((p) => p === undefined)) return null;
    chains[v]!.push({ site: s, stops: t.stops.map((h) => m.hotelIndex.get(h)!), parties: parties as number[] });
  }
  const stopMs = m.policy.stopMinutes * MINUTE_MS;
  /** Chains timed so far: the repair stops at MAX_WORK whatever the clock says (the same answer on a busy machine). */
  let work = 0;
  /** When each run of a chain lands at its last stop, and the latest arrival of a vulnerable household. */
  const timeChain = (v: number, runs: readonly Run[]): { end: number; vuln: number } => {
    work++;
    tick(4 + 4 * runs.length);
    const st: VehicleState = { ...start[v]! };
    let end = -Infinity;
    let vuln = -Infinity;
    for (const r of runs) {
      let t = ceilSecond(earliestDeparture(m, st, r.site));
      let at = -1;
      const arrival = new Map<number, number>();
      for (const h of r.stops) {
        t += at < 0 ? driveMs(m, kmSiteHotel(m, r.site, h)) : stopMs + driveMs(m, kmHotelHotel(m, at, h));
        arrival.set(h, t);
        at = h;
      }
      standAt(m, st, at);
      st.readyMs = t + stopMs;
      end = Math.max(end, t);
      for (const p of r.parties) if (m.parties[p]!.vulnerable) vuln = Math.max(vuln, arrival.get(hotelOf[p]!)!);
    }
    return { end, vuln };
  };
  const ends = chains.map((c, v) => timeChain(v, c));
  const seatsOf = (parties: readonly number[]) => parties.reduce((n, p) => n + m.parties[p]!.seated, 0);
  const wheelOf = (parties: readonly number[]) => parties.reduce((n, p) => n + m.parties[p]!.wheel, 0);
  /** Run `i` of a chain carrying `parties` instead: stops kept in order, new hotels inserted where they land it soonest. */
  const carrying = (v: number, runs: Run[], i: number, parties: number[]): Run[] | null => {
    const veh = m.vehicles[v]!;
    if (seatsOf(parties) > veh.seats || wheelOf(parties) > veh.wheelchairSpaces) return null;
    const wanted = new Set(parties.map((p) => hotelOf[p]!));
    let next = runs.map((x, j) => (j === i ? { site: x.site, stops: x.stops.filter((h) => wanted.has(h)), parties } : x));
    for (const h of wanted) {
      const r = next[i]!;
      if (r.stops.includes(h)) continue;
      let best: Run[] | null = null;
      let bestEnd = Infinity;
      for (let k = 0; k <= r.stops.length; k++) {
        const cand = next.map((x, j) => (j === i ? { ...x, stops: [...x.stops.slice(0, k), h, ...x.stops.slice(k)] } : x));
        const e = timeChain(v, cand).end;
        if (e < bestEnd) [best, bestEnd] = [cand, e];
      }
      next = best!;
    }
    return next;
  };
  type Timed = { end: number; vuln: number };
  /** The latest vulnerable arrival were vehicles `a` and `b` to finish as `ta` and `tb`, the rest as they do. */
  const vulnWith = (a: number, ta: Timed, b: number, tb: Timed) => {
    let vuln = Math.max(ta.vuln, tb.vuln);
    for (let x = 0; x < ends.length; x++) if (x !== a && x !== b) vuln = Math.max(vuln, ends[x]!.vuln);
    return vuln;
  };
  const keep = (a: number, runsA: Run[], ta: Timed, b: number, runsB: Run[], tb: Timed) => {
    [chains[a], ends[a], chains[b], ends[b]] = [runsA, ta, runsB, tb];
  };
  let changed = false;
  for (let round = 0; round < 4 * m.vehicles.length && work < MAX_WORK && now() < deadline; round++) {
    let cv = -1;
    for (let v = 0; v < ends.length; v++) if (chains[v]!.length && (cv < 0 || ends[v]!.end > ends[cv]!.end)) cv = v;
    if (cv < 0) break;
    const before = ends[cv]!.end;
    let vulnBefore = -Infinity;
    for (const e of ends) vulnBefore = Math.max(vulnBefore, e.vuln);
    const runs = chains[cv]!;
    const last = runs[runs.length - 1]!;
    // Each hotel stop of the run that lands last, from its last stop back (pinned households stay).
    const stops = [...last.stops]
      .reverse()
      .map((h) => ({ h, group: last.parties.filter((p) => hotelOf[p] === h), rest: last.parties.filter((p) => hotelOf[p] !== h) }))
      .filter((x) => !x.group.some((p) => pinned.has(p)));
    let moved = false;
    for (const { h, group, rest } of stops) {
      const mine = rest.length ? carrying(cv, runs, runs.length - 1, rest)! : runs.slice(0, -1);
      const mineT = timeChain(cv, mine);
      if (mineT.end >= before - 1000) continue;
      let pick: { v: number; runs: Run[]; t: Timed } | null = null;
      for (let v = 0; v < chains.length; v++) {
        if (v === cv) continue;
        const veh = m.vehicles[v]!;
        if (seatsOf(group) > veh.seats || wheelOf(group) > veh.wheelchairSpaces) continue;
        const theirs = chains[v]!;
        const options: Run[][] = [[...theirs, { site: last.site, stops: [h], parties: group }]];
        for (let i = 0; i < theirs.length; i++) {
          if (theirs[i]!.site !== last.site) continue;
          const o = carrying(v, theirs, i, [...theirs[i]!.parties, ...group]);
          if (o) options.push(o);
        }
        for (const o of options) {
          const t = timeChain(v, o);
          if (t.end >= before - 1000 || (pick && t.end >= pick.t.end)) continue;
          if (vulnWith(v, t, cv, mineT) > vulnBefore + 1000) continue;
          pick = { v, runs: o, t };
        }
      }
      if (!pick) continue;
      keep(cv, mine, mineT, pick.v, pick.runs, pick.t);
      moved = changed = true;
      break;
    }
    // Else a swap: a stop's households on the late run trade places with another run's households
    // for one hotel (a far hotel's group onto an earlier run, a near one's onto the late run).
    for (const { h, group, rest } of moved ? [] : stops) {
      for (let v = 0; v < chains.length && !moved; v++) {
        if (v === cv) continue;
        const theirs = chains[v]!;
        for (let i = 0; i < theirs.length && !moved; i++) {
          const r = theirs[i]!;
          if (r.site !== last.site) continue;
          for (const h2 of r.stops) {
            if (h2 === h) continue;
            const other = r.parties.filter((p) => hotelOf[p] === h2);
            if (other.some((p) => pinned.has(p))) continue;
            const mine = carrying(cv, runs, runs.length - 1, [...rest, ...other]);
            if (!mine) continue;
            const mineT = timeChain(cv, mine);
            if (mineT.end >= before - 1000) continue;
            const next = carrying(v, theirs, i, r.parties.filter((p) => hotelOf[p] !== h2).concat(group));
            if (!next) continue;
            const t = timeChain(v, next);
            if (t.end >= before - 1000 || vulnWith(v, t, cv, mineT) > vulnBefore + 1000) continue;
            keep(cv, mine, mineT, v, next, t);
            moved = changed = true;
            break;
          }
        }
      }
      if (moved) break;
    }
    if (!moved) break;
  }
  if (!changed) return null;
  const out: Trip[] = [];
  let lastArrivalMs = -Infinity;
  let costMinor = 0;
  chains.forEach((runs, v) => {
    const st: VehicleState = { ...start[v]! };
    for (const r of runs) {
      const b = buildTrip(
        m,
        st,
        r.site,
        r.stops,
        r.parties.map((p) => m.parties[p]!.party.id),
      );
      out.push(b.trip);
      lastArrivalMs = Math.max(lastArrivalMs, b.lastArrivalMs);
      costMinor += b.costMinor;
    }
  });
  return { trips: out, lastArrivalMs, costMinor };
}
