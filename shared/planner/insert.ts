/**
 * A re-plan's households without a ride (their hotel changed, or they are newly housed) put on the
 * runs kept from the plan in force, where the night ends soonest: on a trip from their pick-up with
 * seats and wheelchair spaces for them (their hotel added as a stop), or on a new trip slotted into
 * a vehicle's runs (first, between two, or last). The vehicle's later runs are re-timed, never
 * earlier. Scheduled after every kept run instead, one changed household could end the night 44
 * minutes later. Each way is judged by the night's last arrival, then by how many households on the
 * vehicle would see their pick-up move (the plan diff's tolerance), then by the household's own
 * arrival. Vulnerable households first, then the largest; whoever fits nowhere is left to the scheduler.
 */
import type { Trip } from '../plan.js';
import { RETIME_MINUTES } from '../plan-diff.js';
import type { Model } from './model.js';
import { retimeTrips, timeRuns, type Run as TimedRun, type VehicleStart } from './retime.js';
import { MINUTE_MS, now, parseIso } from './time.js';

/**
 * Above this many households to fit, the scheduler places them: a large change is a re-schedule.
 * A coach of 15-25 households out of service is not one: at 12, losing one sent the whole fleet to
 * be re-scheduled (94 households re-timed for 15) and often landed the night later.
 */
const MAX_INSERTED = 40;

/** A kept run and its households (party ids). */
interface Run extends TimedRun {
  riders: string[];
}

/**
 * `kept`: the kept runs, timed. `hotelOf`: each rider's hotel id. `starts`: per vehicle, where it
 * stands once its locked trips are done (its runs here come after them). Returns the runs with the
 * households fitted, and the households that fit nowhere.
 */
export function insertRiders(
  m: Model,
  kept: readonly Trip[],
  rest: readonly number[],
  hotelOf: Map<string, string>,
  starts: readonly VehicleStart[],
  pins: ReadonlyMap<number, number>,
  /** Planner clock (time.ts `now`) past which the households not yet fitted are left to the scheduler. */
  deadline = Infinity,
): { trips: Trip[]; left: number[] } {
  if (!rest.length || rest.length > MAX_INSERTED) return { trips: [...kept], left: [...rest] };
  const runs = new Map<number, Run[]>();
  for (const t of [...kept].sort((a, b) => parseIso(a.departAt) - parseIso(b.departAt))) {
    const v = m.vehicleIndex.get(t.vehicleId)!;
    const run = {
      site: m.siteIndex.get(t.fromSiteId)!,
      stops: t.stops.map((h) => m.hotelIndex.get(h)!),
      listed: parseIso(t.departAt),
      riders: [...t.partyIds],
    };
    runs.set(v, [...(runs.get(v) ?? []), run]);
  }
  const lastOf = (v: number) => Math.max(-Infinity, ...timeRuns(m, v, runs.get(v) ?? [], starts[v]).arrive.flat());
  const last = new Map([...runs.keys()].map((v) => [v, lastOf(v)]));
  const order = [...rest].sort((a, b) => {
    const x = m.parties[a]!;
    const y = m.parties[b]!;
    return Number(y.vulnerable) - Number(x.vulnerable) || y.size - x.size || a - b;
  });
  const left: number[] = [];
  for (const p of order) {
    const info = m.parties[p]!;
    const id = info.party.id;
    const hotel = m.hotelIndex.get(hotelOf.get(id) ?? '');
    const site = m.siteIndex.get(info.party.siteId);
    if (hotel === undefined || site === undefined || now() > deadline) {
      left.push(p);
      continue;
    }
    // The latest arrival of every vehicle but one, from the two latest.
    let [top, second, topV] = [-Infinity, -Infinity, -1];
    for (const [v, at] of last) {
      if (at > top) [second, top, topV] = [top, at, v];
      else if (at > second) second = at;
    }
    let best: { key: [number, number, number]; v: number; runs: Run[] } | null = null;
    const departures = new Map<number, number[]>();
    const consider = (v: number, next: Run[], before: readonly Run[]) => {
      const { depart, arrive } = timeRuns(m, v, next, starts[v]);
      let was = departures.get(v);
      if (!was) departures.set(v, (was = timeRuns(m, v, before, starts[v]).depart));
      let mine = NaN;
      let moved = 0;
      let vehicleLast = -Infinity;
      let j = 0;
      next.forEach((r, i) => {
        for (const a of arrive[i]!) vehicleLast = Math.max(vehicleLast, a);
        if (r.riders.includes(id)) mine = arrive[i]![r.stops.indexOf(hotel)]!;
        // The runs of `before`, in order, are in `next` too (one of them may carry the household now).
        if (r.riders.some((q) => q !== id)) {
          if (Math.abs(depart[i]! - was[j]!) > RETIME_MINUTES * MINUTE_MS) moved += r.riders.filter((q) => q !== id).length;
          j++;
        }
      });
      const key: [number, number, number] = [Math.max(v === topV ? second : top, vehicleLast), moved, mine];
      if (!best || key[0] < best.key[0] || (key[0] === best.key[0] && (key[1] < best.key[1] || (key[1] === best.key[1] && key[2] < best.key[2]))))
        best = { key, v, runs: next };
    };
    for (let v = 0; v < m.vehicles.length; v++) {
      const veh = m.vehicles[v]!;
      if (veh.seats < info.seated || veh.wheelchairSpaces < info.wheel) continue;
      if ((pins.get(p) ?? v) !== v) continue;
      const list = runs.get(v) ?? [];
      // On one of its trips from the household's pick-up, with room: its hotel as a stop, wherever it fits best.
      list.forEach((r, i) => {
        if (r.site !== site) return;
        let seats = info.seated;
        let wheel = info.wheel;
        for (const q of r.riders) {
          const o = m.parties[m.partyIndex.get(q) ?? -1];
          seats += o?.seated ?? 0;
          wheel += o?.wheel ?? 0;
        }
        if (seats > veh.seats || wheel > veh.wheelchairSpaces) return;
        const at = r.stops.includes(hotel) ? [-1] : r.stops.map((_, k) => k).concat(r.stops.length);
        for (const k of at) {
          const stops = k < 0 ? r.stops : [...r.stops.slice(0, k), hotel, ...r.stops.slice(k)];
          consider(
            v,
            list.map((x, n) => (n === i ? { ...x, stops, riders: [...x.riders, id] } : x)),
            list,
          );
        }
      });
      // On a trip of its own, before, between or after the vehicle's runs; listed as leaving with the
      // run before it, so the vehicle's own timing decides when it leaves.
      for (let k = 0; k <= list.length; k++) {
        const own: Run = { site, stops: [hotel], listed: k > 0 ? list[k - 1]!.listed : 0, riders: [id] };
        consider(v, [...list.slice(0, k), own, ...list.slice(k)], list);
      }
    }
    const chosen = best as { v: number; runs: Run[] } | null;
    if (!chosen) {
      left.push(p);
      continue;
    }
    runs.set(chosen.v, chosen.runs);
    last.set(chosen.v, lastOf(chosen.v));
  }
  // The runs as trips, timed as the plan times them.
  const out: Trip[] = [];
  for (const [v, list] of runs) {
    const vehicleId = m.vehicles[v]!.id;
    const timed = list.map<Trip>((r) => ({
      vehicleId,
      fromSiteId: m.sites[r.site]!.id,
      stops: r.stops.map((h) => m.hotels[h]!.hotel.id),
      partyIds: r.riders,
      departAt: new Date(r.listed).toISOString(),
      arrivals: [],
    }));
    out.push(...retimeTrips(m, timed, hotelOf, starts));
  }
  return { trips: out, left };
}
