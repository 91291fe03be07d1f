/**
 * Plan metrics recomputed from the scenario and the plan alone, so the planner, the validator, the
 * CLI and the benchmark all report the same figures and `comparePlans` can trust them.
 */
import { roadKm, type LatLng } from '../geo.js';
import type { Plan, PlanMetrics } from '../plan.js';
import { isVulnerable, type Scenario } from '../scenario.js';
import { formatIso, parseIso } from './time.js';

export interface FullMetrics extends PlanMetrics {
  /** Guests housed from parties with a wheelchair, medical or infant member (ordering tier 1). */
  vulnerableHoused: number;
  /** Parties housed at a different hotel than the previous plan gave them (tier 3), when a previous plan is known. */
  partiesMoved: number;
  stayCostMinor: number;
}

/** Every figure of the contract's "better plan" ordering, computed the same way everywhere. */
export function computeMetrics(scenario: Scenario, plan: Plan, previous?: Plan | null): FullMetrics {
  const policy = scenario.incident.policy;
  const parties = new Map(scenario.parties.map((p) => [p.id, p]));
  const hotels = new Map(scenario.hotels.map((h) => [h.id, h]));
  const sites = new Map(scenario.sites.map((s) => [s.id, s]));
  let peopleHoused = 0;
  let vulnerableHoused = 0;
  let room = 0;
  let travel = 0;
  const hotelOf = new Map<string, string>();
  for (const s of plan.stays) {
    const p = parties.get(s.partyId);
    const h = hotels.get(s.hotelId);
    if (!p || hotelOf.has(s.partyId)) continue;
    hotelOf.set(s.partyId, s.hotelId);
    peopleHoused += p.guests.length;
    if (isVulnerable(p)) vulnerableHoused += p.guests.length;
    if (!h) continue;
    for (const r of s.rooms) room += (h.roomTypes.find((t) => t.type === r.type)?.rateMinor ?? 0) * r.count;
    const site = sites.get(p.siteId);
    if (site) travel += p.guests.length * roadKm(site, h, policy) * policy.travelCostMinorPerPersonKm;
  }
  const total = scenario.parties.reduce((n, p) => n + p.guests.length, 0);
  const transport = transportCost(scenario, plan);
  let last = -Infinity;
  let vLast = -Infinity;
  let minutesSum = 0;
  let arrived = 0;
  const start = parseIso(scenario.incident.startedAt);
  for (const t of plan.trips) {
    t.partyIds.forEach((pid) => {
      const i = t.stops.indexOf(hotelOf.get(pid) ?? '');
      const at = i >= 0 ? parseIso(t.arrivals[i] ?? '') : NaN;
      const p = parties.get(pid);
      if (!Number.isFinite(at) || !p) return;
      last = Math.max(last, at);
      if (isVulnerable(p)) vLast = Math.max(vLast, at);
      minutesSum += ((at - start) / 60_000) * p.guests.length;
      arrived += p.guests.length;
    });
  }
  let partiesMoved = 0;
  if (previous) {
    for (const s of previous.stays) {
      const now = hotelOf.get(s.partyId);
      if (parties.has(s.partyId) && now !== s.hotelId) partiesMoved++;
    }
  }
  const travelCostMinor = Math.round(travel);
  return {
    peopleHoused,
    peopleUnassigned: total - peopleHoused,
    roomCostMinorPerNight: room,
    travelCostMinor,
    transportCostMinor: Math.round(transport),
    lastArrivalAt: Number.isFinite(last) ? formatIso(last) : null,
    vulnerableLastArrivalAt: Number.isFinite(vLast) ? formatIso(vLast) : null,
    // As the contract defines it: negative when vehicles ready before the incident begins carry people before it.
    meanArrivalMinutes: arrived ? Math.round((minutesSum / arrived) * 10) / 10 : null,
    solveMs: plan.metrics.solveMs ?? 0,
    vulnerableHoused,
    partiesMoved,
    stayCostMinor: room + travelCostMinor,
  };
}

/** The metrics a plan carries (the contract's `metrics`), recomputed from the plan itself, with the solve time. */
export function planMetrics(scenario: Scenario, plan: Plan, solveMs: number): PlanMetrics {
  const m = computeMetrics(scenario, plan);
  return {
    peopleHoused: m.peopleHoused,
    peopleUnassigned: m.peopleUnassigned,
    roomCostMinorPerNight: m.roomCostMinorPerNight,
    travelCostMinor: m.travelCostMinor,
    transportCostMinor: m.transportCostMinor,
    lastArrivalAt: m.lastArrivalAt,
    vulnerableLastArrivalAt: m.vulnerableLastArrivalAt,
    meanArrivalMinutes: m.meanArrivalMinutes,
    solveMs: Math.round(solveMs),
  };
}

/** Per trip the fixed price plus every km driven, the run from the depot or previous stop included. */
export function transportCost(scenario: Scenario, plan: Plan): number {
  const policy = scenario.incident.policy;
  const sites = new Map(scenario.sites.map((s) => [s.id, s]));
  const hotels = new Map(scenario.hotels.map((h) => [h.id, h]));
  const vehicles = new Map(scenario.vehicles.map((v) => [v.id, v]));
  let cost = 0;
  for (const [vehicle, trips] of tripsByVehicle(plan)) {
    const v = vehicles.get(vehicle);
    if (!v) continue;
    let pos: LatLng | undefined = sites.get(v.depotSiteId);
    for (const t of trips) {
      let km = 0;
      const from = sites.get(t.fromSiteId);
      if (pos && from) km += roadKm(pos, from, policy);
      pos = from;
      for (const s of t.stops) {
        const h = hotels.get(s);
        if (pos && h) km += roadKm(pos, h, policy);
        pos = h ?? pos;
      }
      cost += v.costPerTripMinor + v.costPerKmMinor * km;
    }
  }
  return cost;
}

/** Trips of each vehicle in `departAt` order (rule 9's order). */
export function tripsByVehicle(plan: Plan): Map<string, Plan['trips']> {
  const out = new Map<string, Plan['trips']>();
  for (const t of plan.trips) {
    const list = out.get(t.vehicleId);
    if (list) list.push(t);
    else out.set(t.vehicleId, [t]);
  }
  for (const list of out.values()) list.sort((a, b) => parseIso(a.departAt) - parseIso(b.departAt));
  return out;
}
