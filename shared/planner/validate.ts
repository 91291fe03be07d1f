/**
 * The plan validator: checks a plan against the contract's nine rules (docs/scenario-format.md),
 * plus locks and pins on a re-plan, and recomputes the metrics. The planner, the CLI, the server
 * (before it stores a plan or applies a manual change) and the tests all judge plans with this.
 */
import { roadKm, travelMinutes, type LatLng } from '../geo.js';
import type { Plan, Stay, Trip } from '../plan.js';
import { hasPets, wheelchairCount, type Party, type Scenario } from '../scenario.js';
import { computeMetrics, tripsByVehicle, type FullMetrics } from './metrics.js';
import type { Pin } from './planner.js';
import { MINUTE_MS, parseIso } from './time.js';
import { countOf } from '../plural.js';

export type RuleId = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 'locked' | 'pin';

export interface Violation {
  rule: RuleId;
  message: string;
  partyId?: string;
  hotelId?: string;
  vehicleId?: string;
  tripIndex?: number;
}

export interface ValidationResult {
  ok: boolean;
  violations: Violation[];
  metrics: FullMetrics;
}

export interface ValidateOptions {
  previous?: Plan | null;
  locked?: Pick<Plan, 'stays' | 'trips'> | null;
  pins?: readonly Pin[];
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Check every rule; `ok` only when there is no violation at all. */
export function validatePlan(scenario: Scenario, plan: Plan, opts: ValidateOptions = {}): ValidationResult {
  const v: Violation[] = [];
  const policy = scenario.incident.policy;
  const parties = new Map(scenario.parties.map((p) => [p.id, p]));
  const hotels = new Map(scenario.hotels.map((h) => [h.id, h]));
  const sites = new Map(scenario.sites.map((s) => [s.id, s]));
  const vehicles = new Map(scenario.vehicles.map((x) => [x.id, x]));

  // Rule 1: each party exactly once across stays and unassigned.
  const seen = new Map<string, number>();
  for (const s of plan.stays) seen.set(s.partyId, (seen.get(s.partyId) ?? 0) + 1);
  for (const u of plan.unassigned) {
    seen.set(u.partyId, (seen.get(u.partyId) ?? 0) + 1);
    if (!u.reason.trim()) v.push({ rule: 1, partyId: u.partyId, message: `unassigned party ${u.partyId} has no reason` });
  }
  for (const p of scenario.parties) {
    const n = seen.get(p.id) ?? 0;
    if (n !== 1)
      v.push({
        rule: 1,
        partyId: p.id,
        message: n === 0 ? `party ${p.id} is neither in stays nor unassigned` : `party ${p.id} appears ${n} times in stays/unassigned`,
      });
  }
  for (const id of seen.keys()) if (!parties.has(id)) v.push({ rule: 1, partyId: id, message: `unknown party ${id} in the plan` });

  // Rules 2-6: each stay.
  const used = new Map<string, number>();
  const stayOf = new Map<string, Stay>();
  for (const s of plan.stays) {
    const p = parties.get(s.partyId);
    const h = hotels.get(s.hotelId);
    if (!p) continue;
    stayOf.set(s.partyId, s);
    if (!h) {
      v.push({ rule: 2, partyId: p.id, hotelId: s.hotelId, message: `party ${p.id} stays at unknown hotel ${s.hotelId}` });
      continue;
    }
    let beds = 0;
    let accessible = false;
    for (const r of s.rooms) {
      const rt = h.roomTypes.find((t) => t.type === r.type);
      if (!rt) v.push({ rule: 2, partyId: p.id, hotelId: h.id, message: `room type "${r.type}" is not a room type of ${h.id}` });
      if (!Number.isInteger(r.count) || r.count <= 0)
        v.push({ rule: 2, partyId: p.id, hotelId: h.id, message: `room count ${r.count} for "${r.type}" is not a positive integer` });
      if (!rt) continue;
      beds += rt.sleeps * r.count;
      accessible ||= rt.accessible && r.count > 0;
      const key = `${h.id}\u0000${rt.type}`;
      used.set(key, (used.get(key) ?? 0) + r.count);
    }
    if (beds < p.guests.length)
      v.push({ rule: 2, partyId: p.id, hotelId: h.id, message: `rooms at ${h.id} sleep ${beds}, party ${p.id} has ${p.guests.length}` });
    if (wheelchairCount(p) > 0 && !accessible)
      v.push({ rule: 4, partyId: p.id, hotelId: h.id, message: `party ${p.id} has a wheelchair user but no accessible room` });
    if (hasPets(p) && !h.petsAllowed) v.push({ rule: 5, partyId: p.id, hotelId: h.id, message: `party ${p.id} has pets; ${h.id} does not allow pets` });
    const site = sites.get(p.siteId);
    const km = site ? roadKm(site, h, policy) : Infinity;
    if (km > policy.maxDistanceKm + 1e-9)
      v.push({
        rule: 6,
        partyId: p.id,
        hotelId: h.id,
        message: `${h.id} is ${km.toFixed(1)} road km from party ${p.id}'s site; the limit is ${policy.maxDistanceKm}`,
      });
  }
  // Rule 3: room-type capacity.
  for (const h of scenario.hotels) {
    for (const rt of h.roomTypes) {
      const n = used.get(`${h.id}\u0000${rt.type}`) ?? 0;
      if (n > rt.count) v.push({ rule: 3, hotelId: h.id, message: `${h.id} "${rt.type}": ${countOf(n, 'room')} used, ${rt.count} available` });
    }
  }

  // Rules 7-8: riders.
  const rides = new Map<string, number>();
  plan.trips.forEach((t, ti) => {
    const veh = vehicles.get(t.vehicleId);
    let seated = 0;
    let wheel = 0;
    const onBoard = new Set<string>();
    for (const pid of t.partyIds) {
      const p = parties.get(pid);
      if (!p) {
        v.push({ rule: 7, partyId: pid, tripIndex: ti, message: `trip ${ti} carries unknown party ${pid}` });
        continue;
      }
      if (onBoard.has(pid)) v.push({ rule: 7, partyId: pid, tripIndex: ti, message: `party ${pid} is listed twice on trip ${ti}` });
      onBoard.add(pid);
      rides.set(pid, (rides.get(pid) ?? 0) + 1);
      const w = wheelchairCount(p);
      wheel += w;
      seated += p.guests.length - w;
      const s = stayOf.get(pid);
      if (!s) v.push({ rule: 7, partyId: pid, tripIndex: ti, message: `unassigned party ${pid} rides trip ${ti}` });
      else if (!t.stops.includes(s.hotelId))
        v.push({ rule: 7, partyId: pid, tripIndex: ti, message: `trip ${ti} does not stop at ${s.hotelId}, party ${pid}'s hotel` });
      if (t.fromSiteId !== p.siteId)
        v.push({ rule: 7, partyId: pid, tripIndex: ti, message: `trip ${ti} leaves from ${t.fromSiteId}, party ${pid} waits at ${p.siteId}` });
    }
    if (!veh) v.push({ rule: 8, vehicleId: t.vehicleId, tripIndex: ti, message: `trip ${ti} uses unknown vehicle ${t.vehicleId}` });
    else {
      if (seated > veh.seats)
        v.push({
          rule: 8,
          vehicleId: veh.id,
          tripIndex: ti,
          message: `trip ${ti}: ${countOf(seated, 'seated rider')}, ${veh.id} has ${countOf(veh.seats, 'seat')}`,
        });
      if (wheel > veh.wheelchairSpaces)
        v.push({
          rule: 8,
          vehicleId: veh.id,
          tripIndex: ti,
          message: `trip ${ti}: ${countOf(wheel, 'wheelchair user')}, ${veh.id} has ${countOf(veh.wheelchairSpaces, 'wheelchair space')}`,
        });
    }
  });
  for (const s of plan.stays) {
    const n = rides.get(s.partyId) ?? 0;
    if (parties.has(s.partyId) && n !== 1)
      v.push({ rule: 7, partyId: s.partyId, message: `housed party ${s.partyId} rides ${countOf(n, 'trip')}; expected exactly 1` });
  }

  v.push(...checkTiming(scenario, plan, sites, hotels, vehicles, parties, stayOf));
  v.push(...checkLocksAndPins(plan, opts, stayOf));
  return { ok: v.length === 0, violations: v, metrics: computeMetrics(scenario, plan, opts.previous) };
}

/** Rule 9: per vehicle, trips in departure order, each timed from where and when the vehicle is free. */
function checkTiming(
  scenario: Scenario,
  plan: Plan,
  sites: Map<string, LatLng>,
  hotels: Map<string, LatLng & { id: string }>,
  vehicles: Map<string, Scenario['vehicles'][number]>,
  parties: Map<string, Party>,
  stayOf: Map<string, Stay>,
): Violation[] {
  const v: Violation[] = [];
  const policy = scenario.incident.policy;
  const index = new Map(plan.trips.map((t, i) => [t, i]));
  const ms = (km: number) => travelMinutes(km, policy) * MINUTE_MS;
  for (const [vid, trips] of tripsByVehicle(plan)) {
    const veh = vehicles.get(vid);
    if (!veh) continue;
    let pos: LatLng | undefined = sites.get(veh.depotSiteId);
    let ready = parseIso(veh.availableFrom);
    for (const t of trips as Trip[]) {
      const ti = index.get(t)!;
      const bad = (message: string) => v.push({ rule: 9, vehicleId: vid, tripIndex: ti, message: `trip ${ti} (${vid}): ${message}` });
      const from = sites.get(t.fromSiteId);
      const depart = parseIso(t.departAt);
      if (!from) {
        bad(`unknown pick-up site ${t.fromSiteId}`);
        continue;
      }
      const earliest = ready + (pos ? ms(roadKm(pos, from, policy)) : 0) + policy.boardingMinutes * MINUTE_MS;
      if (depart < earliest - 1000) bad(`departs ${t.departAt}, but the vehicle cannot be boarded and leave before ${new Date(earliest).toISOString()}`);
      if (new Set(t.stops).size !== t.stops.length) bad('stops repeat');
      if (t.arrivals.length !== t.stops.length) bad(`${countOf(t.stops.length, 'stop')} but ${countOf(t.arrivals.length, 'arrival')}`);
      const served = new Set(t.partyIds.map((p) => stayOf.get(p)?.hotelId).filter((x) => x !== undefined));
      let at: LatLng = from;
      let exp = depart;
      let lastListed = depart;
      t.stops.forEach((sid, i) => {
        const h = hotels.get(sid);
        if (!h) return bad(`unknown stop ${sid}`);
        if (!served.has(sid)) bad(`stop ${sid} is not the hotel of any party on board`);
        exp += (i > 0 ? policy.stopMinutes * MINUTE_MS : 0) + ms(roadKm(at, h, policy));
        at = h;
        const listed = parseIso(t.arrivals[i] ?? '');
        if (!Number.isFinite(listed) || Math.abs(listed - exp) > MINUTE_MS)
          bad(`arrival at ${sid} listed ${t.arrivals[i] ?? 'missing'}, expected ${new Date(exp).toISOString()}`);
        lastListed = Number.isFinite(listed) ? listed : exp;
      });
      pos = at;
      ready = lastListed + policy.stopMinutes * MINUTE_MS;
    }
  }
  return v;
}

/** A re-plan keeps every locked stay and trip exactly, and every pin it was given. */
function checkLocksAndPins(plan: Plan, opts: ValidateOptions, stayOf: Map<string, Stay>): Violation[] {
  const v: Violation[] = [];
  for (const s of opts.locked?.stays ?? []) {
    const got = stayOf.get(s.partyId);
    if (!got || !sameJson({ h: got.hotelId, r: got.rooms }, { h: s.hotelId, r: s.rooms }))
      v.push({ rule: 'locked', partyId: s.partyId, message: `locked stay of ${s.partyId} changed or missing` });
  }
  const trips = new Set(plan.trips.map((t) => JSON.stringify([t.vehicleId, t.fromSiteId, t.stops, t.partyIds, t.departAt, t.arrivals])));
  for (const t of opts.locked?.trips ?? []) {
    if (!trips.has(JSON.stringify([t.vehicleId, t.fromSiteId, t.stops, t.partyIds, t.departAt, t.arrivals])))
      v.push({ rule: 'locked', vehicleId: t.vehicleId, message: `locked trip of ${t.vehicleId} departing ${t.departAt} changed or missing` });
  }
  for (const pin of opts.pins ?? []) {
    if (pin.hotelId && stayOf.get(pin.partyId)?.hotelId !== pin.hotelId)
      v.push({ rule: 'pin', partyId: pin.partyId, hotelId: pin.hotelId, message: `${pin.partyId} is pinned to ${pin.hotelId}` });
    if (pin.vehicleId && !plan.trips.some((t) => t.vehicleId === pin.vehicleId && t.partyIds.includes(pin.partyId)))
      v.push({ rule: 'pin', partyId: pin.partyId, vehicleId: pin.vehicleId, message: `${pin.partyId} is pinned to vehicle ${pin.vehicleId}` });
  }
  return v;
}
