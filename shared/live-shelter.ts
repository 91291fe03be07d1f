/**
 * "Everyone sheltered by", kept live: from what really happened (departures, arrivals at each
 * hotel, drivers' positions, vehicles out of service, households' whereabouts, stays in force),
 * the time the last guest, and the last vulnerable guest, will be at their hotel; and how far that
 * has slipped against the plan as applied. Pure: the server answers it in the incident's state and
 * uses the same rules to show what a transport re-plan would gain.
 *
 * The rules, per vehicle in service, its trips in departure order:
 * - a stop already reached is at the time it was reached;
 * - a trip on the road goes on from its real departure (or from the driver's position, when that
 *   is fresh) with the plan's legs between stops;
 * - a trip not yet left leaves at its planned time, or later when its vehicle is late from its
 *   previous run (previous run's end + drive to the pick-up + boarding), and never before now;
 * - a time that is still ahead is never before now.
 * Households with a bed but no ride (their vehicle dropped out, or they were left behind) are
 * carried, in this projection, by the vehicle in service that can bring them in soonest once its
 * own runs are done, vulnerable households first: what a dispatcher would do by phone. A time more
 * than 12 h in the past is an exercise or a replayed night: the clock does not push it.
 */
import { roadKm, travelMinutes, type LatLng } from './geo.js';
import type { Policy } from './scenario.js';
import { formatIso as iso } from './planner/time.js';

const MINUTE = 60_000;
/** A driver's position older than this says nothing about where the vehicle is now. */
export const POSITION_FRESH_MS = 10 * MINUTE;
/** Times further in the past than this are an exercise or a replay: not pushed by the clock. */
export const STALE_MS = 12 * 60 * MINUTE;
/** Per-incident default: offer a transport re-plan when the last arrival slips by more than this. */
export const DEFAULT_SLIP_MINUTES = 15;
/** Stops a hand-over run makes at most. */
const HANDOVER_STOPS = 3;

export type LiveTripStatus = 'planned' | 'boarding' | 'departed' | 'completed';

export interface LiveTrip {
  id: string;
  vehicleId: string;
  fromSiteId: string;
  stops: string[];
  departAt: string;
  /** Planned arrival at each stop. */
  arrivals: string[];
  status: LiveTripStatus;
  departedAt: string | null;
  /** When each stop was reached (hotel id -> ISO time). */
  reached: Record<string, string>;
  /** Households still riding it (planned or aboard). */
  partyIds: string[];
}

export interface LiveVehicle {
  id: string;
  seats: number;
  wheelchairSpaces: number;
  depotSiteId: string;
  availableFrom: string;
  status: string;
  /** Last position a driver's phone reported. */
  position: (LatLng & { at: string }) | null;
}

export interface LiveHousehold {
  id: string;
  siteId: string;
  /** A wheelchair, medical or infant member (the contract's tier 1: the whole household counts). */
  vulnerable: boolean;
  /** Hotel of its stay in force; null when it has no bed. */
  hotelId: string | null;
  /** Members still to be carried (waiting at the pick-up, or aboard). */
  toTravel: number;
  /** Of those, wheelchair users (they take wheelchair spaces). */
  wheelchair: number;
  /** Members already at the hotel (arrived, checked in or out). */
  arrived: number;
  /** When its members reached the hotel, if they did. */
  arrivedAt: string | null;
  /** Members nobody knows the whereabouts of (missing): no time can be promised for them. */
  missing?: number;
  /** Members marked no-show (at the muster point, by the driver or by reception): in no bed of the plan. */
  noShow?: number;
}

export interface ShelterInput {
  /** ms since the epoch. */
  now: number;
  policy: Pick<Policy, 'roadFactor' | 'speedKmh' | 'boardingMinutes' | 'stopMinutes'>;
  sites: (LatLng & { id: string })[];
  hotels: (LatLng & { id: string })[];
  vehicles: LiveVehicle[];
  /** Trips not cancelled. */
  trips: LiveTrip[];
  households: LiveHousehold[];
  /** The plan as applied (its metrics); null before any plan was applied. */
  planned: ShelterTimes | null;
  slipThresholdMinutes: number;
}

export interface ShelterTimes {
  lastArrivalAt: string | null;
  vulnerableLastArrivalAt: string | null;
}

export interface ShelterProjection extends ShelterTimes {
  /** The plan as applied; null before any plan was applied. */
  planned: ShelterTimes | null;
  /** Projected minus planned, in whole minutes (negative: ahead); null when either is unknown. */
  slipMinutes: number | null;
  vulnerableSlipMinutes: number | null;
  thresholdMinutes: number;
  /** Guests with a bed and no ride on a vehicle in service (counted in the times by hand-over). */
  strandedGuests: number;
  /** Guests no vehicle in service can carry: not in the times above. */
  noRideGuests: number;
  /** Guests still to travel without a bed: not in the times above. */
  noBedGuests: number;
  /** Guests missing: in nobody's time above until they are found. */
  missingGuests: number;
  /** Guests marked no-show: in nobody's time above, and not in a bed of the plan. */
  noShowGuests: number;
  /** Vehicles out of service. */
  vehiclesOut: string[];
  /** Whether the console should offer a transport re-plan, and why (sentences). */
  replan: { advised: boolean; reasons: string[] };
}

interface Ready {
  at: number;
  pos: LatLng;
}

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : NaN);

/** A live time is not before now; one more than 12 h in the past (an exercise, a replay) stays. */
export function notBeforeNow(isoTime: string, now: number): string {
  const t = ms(isoTime);
  return now - t <= STALE_MS && t < now ? iso(now) : isoTime;
}

/**
 * From when a live re-plan may use a vehicle (the planner's `availableFrom`): never so that a trip
 * leaves before now, as `notBeforeNow`; but a vehicle whose first trip of the plan in force has not
 * left, and which by that plan has already left its depot for it, is on its way: it is not sent back
 * to the depot at now, which would push every trip of the night later each time the plan is
 * computed again. It can leave that pick-up at its planned time, as the live projection has it, or,
 * when that time has passed, as soon as it could reach the nearest pick-up from now. Vehicles with
 * a trip on the road are placed by that trip (locked), not by this.
 */
export function offeredFrom(
  vehicle: { availableFrom: string; depot: LatLng | undefined },
  now: number,
  firstPlanned: { departAt: string; from: LatLng | undefined } | undefined,
  pickups: readonly LatLng[],
  policy: Pick<Policy, 'roadFactor' | 'speedKmh' | 'boardingMinutes'>,
): string {
  const offered = ms(vehicle.availableFrom);
  const depart = ms(firstPlanned?.departAt);
  const { depot } = vehicle;
  if (!firstPlanned?.from || !depot || !pickups.length || !Number.isFinite(depart) || now - offered > STALE_MS) return notBeforeNow(vehicle.availableFrom, now);
  const left = readyToLeave(depot, [firstPlanned.from], depart, policy);
  return iso(Math.max(offered, Math.min(now, Math.max(left, readyToLeave(depot, pickups, now, policy)))));
}

/**
 * When a vehicle at `from` must be free to leave the nearest of `pickups` at `leave`, having driven
 * there and boarded; whole seconds down, so the planner's own sum (up to the second) lands on
 * `leave`, not after it.
 */
function readyToLeave(from: LatLng, pickups: readonly LatLng[], leave: number, policy: Pick<Policy, 'roadFactor' | 'speedKmh' | 'boardingMinutes'>): number {
  const nearest = Math.min(...pickups.map((p) => travelMinutes(roadKm(from, p, policy), policy) * MINUTE));
  return Math.floor((leave - policy.boardingMinutes * MINUTE - nearest) / 1000) * 1000;
}

/**
 * From when a live re-plan may use a vehicle that has a trip on the road or done (the planner
 * places it at that trip's last stop, ready once stopped there, and never before this): so that
 * its next trip, from any pick-up, leaves no earlier than now. A trip done long ago does not leave
 * the vehicle waiting in the past.
 */
export function offeredAfterRun(
  availableFrom: string,
  lastStop: LatLng | undefined,
  now: number,
  pickups: readonly LatLng[],
  policy: Pick<Policy, 'roadFactor' | 'speedKmh' | 'boardingMinutes'>,
): string {
  const offered = ms(availableFrom);
  if (!lastStop || !pickups.length || now - offered > STALE_MS) return availableFrom;
  return iso(Math.max(offered, readyToLeave(lastStop, pickups, now, policy)));
}

/** Arrival time (ms) per household and the vehicles' state after their trips. */
export function projectArrivals(input: ShelterInput): { at: Map<string, number>; stranded: Set<string>; noRide: Set<string>; ready: Map<string, Ready> } {
  const { now, policy } = input;
  const clock = (t: number) => (now - t <= STALE_MS ? Math.max(t, now) : t);
  const drive = (a: LatLng, b: LatLng) => travelMinutes(roadKm(a, b, policy), policy) * MINUTE;
  const sites = new Map(input.sites.map((s) => [s.id, s]));
  const hotels = new Map(input.hotels.map((h) => [h.id, h]));
  const households = new Map(input.households.map((h) => [h.id, h]));
  const at = new Map<string, number>();
  const ready = new Map<string, Ready>();
  const rescue: { id: string; from: LatLng; fromKey: string }[] = [];
  const carried = new Set<string>();
  const inService = input.vehicles.filter((v) => v.status !== 'out_of_service');
  const byVehicle = new Map<string, LiveTrip[]>();
  for (const t of input.trips) byVehicle.set(t.vehicleId, [...(byVehicle.get(t.vehicleId) ?? []), t]);

  for (const v of input.vehicles) {
    const trips = (byVehicle.get(v.id) ?? []).sort((a, b) => ms(a.departAt) - ms(b.departAt));
    const depot = sites.get(v.depotSiteId);
    let r: Ready = { at: ms(v.availableFrom), pos: depot ?? { lat: 0, lng: 0 } };
    const fresh = v.position && now - ms(v.position.at) <= POSITION_FRESH_MS ? v.position : null;
    const out = v.status === 'out_of_service';
    for (const t of trips) {
      const site = sites.get(t.fromSiteId);
      const planned0 = ms(t.departAt);
      const left = t.status === 'departed' || t.status === 'completed';
      if (out && !left) continue; // its households wait for another vehicle (below)
      let depart: number;
      if (left) depart = ms(t.departedAt) || planned0;
      else {
        const earliest = r.at + (site ? drive(r.pos, site) : 0) + policy.boardingMinutes * MINUTE;
        depart = clock(Math.max(planned0, earliest > planned0 + 999 ? earliest : planned0));
      }
      let prev = depart;
      let prevPlanned = planned0;
      let pos: LatLng | undefined = site;
      let onRoad = t.status === 'departed';
      const stopAt = new Map<string, number>();
      t.stops.forEach((stop, i) => {
        const plannedAt = ms(t.arrivals[i]);
        const hotel = hotels.get(stop);
        const reachedAt = ms(t.reached[stop]);
        let when: number;
        if (Number.isFinite(reachedAt)) when = reachedAt;
        else if (onRoad && fresh && (!t.departedAt || ms(fresh.at) >= ms(t.departedAt)) && hotel && !out) {
          when = Math.max(now, ms(fresh.at)) + drive(fresh, hotel);
          onRoad = false; // the next stops follow the plan's legs from here
        } else when = prev + (plannedAt - prevPlanned);
        if (!Number.isFinite(reachedAt) && !out) when = clock(when);
        stopAt.set(stop, when);
        prev = when;
        prevPlanned = plannedAt;
        if (Number.isFinite(reachedAt)) pos = hotel ?? pos;
      });
      for (const pid of t.partyIds) {
        const h = households.get(pid);
        if (!h || h.toTravel === 0 || !h.hotelId) continue;
        const when = stopAt.get(h.hotelId);
        if (out && !Number.isFinite(ms(t.reached[h.hotelId]))) {
          // Aboard a vehicle that broke down on the road: fetched from where it stands.
          const from = v.position && (!t.departedAt || ms(v.position.at) >= ms(t.departedAt)) ? v.position : (pos ?? site);
          if (from) rescue.push({ id: pid, from, fromKey: `vehicle:${v.id}` });
          carried.add(pid);
          continue;
        }
        if (when !== undefined) {
          at.set(pid, Math.max(at.get(pid) ?? -Infinity, when));
          carried.add(pid);
        }
      }
      const lastStop = t.stops[t.stops.length - 1];
      r = { at: prev + policy.stopMinutes * MINUTE, pos: (lastStop && hotels.get(lastStop)) || r.pos };
    }
    if (!out) ready.set(v.id, r);
  }

  // Households with a bed and members still to travel, on no trip that will carry them.
  for (const h of input.households) {
    if (h.toTravel === 0 || !h.hotelId || carried.has(h.id)) continue;
    const site = sites.get(h.siteId);
    if (site) rescue.push({ id: h.id, from: site, fromKey: `site:${h.siteId}` });
  }
  const stranded = new Set(rescue.map((x) => x.id));
  const noRide = new Set<string>();
  const order = rescue
    .map((x) => ({ ...x, h: households.get(x.id)! }))
    .sort(
      (a, b) => Number(b.h.vulnerable) - Number(a.h.vulnerable) || b.h.wheelchair - a.h.wheelchair || b.h.toTravel - a.h.toTravel || a.id.localeCompare(b.id),
    );
  const done = new Set<string>();
  for (const first of order) {
    if (done.has(first.id)) continue;
    done.add(first.id);
    const hotel = hotels.get(first.h.hotelId!);
    const fits = (v: LiveVehicle, seated: number, wheel: number) => seated <= v.seats && wheel <= v.wheelchairSpaces;
    let best: { v: LiveVehicle; depart: number; arrive: number } | null = null;
    for (const v of inService) {
      const r = ready.get(v.id);
      if (!r || !hotel || !fits(v, first.h.toTravel - first.h.wheelchair, first.h.wheelchair)) continue;
      const depart = clock(r.at + drive(r.pos, first.from) + policy.boardingMinutes * MINUTE);
      const arrive = depart + drive(first.from, hotel);
      if (!best || arrive < best.arrive) best = { v, depart, arrive };
    }
    if (!best || !hotel) {
      noRide.add(first.id);
      continue;
    }
    // Fill the run with others waiting at the same place, while seats and stops allow.
    const load = [first];
    let seated = first.h.toTravel - first.h.wheelchair;
    let wheel = first.h.wheelchair;
    const stops = new Set([first.h.hotelId!]);
    for (const o of order) {
      if (done.has(o.id) || o.fromKey !== first.fromKey) continue;
      const s = o.h.toTravel - o.h.wheelchair;
      const addsStop = !stops.has(o.h.hotelId!);
      if (!fits(best.v, seated + s, wheel + o.h.wheelchair) || (addsStop && stops.size >= HANDOVER_STOPS) || !hotels.has(o.h.hotelId!)) continue;
      load.push(o);
      done.add(o.id);
      seated += s;
      wheel += o.h.wheelchair;
      stops.add(o.h.hotelId!);
    }
    // Nearest stop next, from the pick-up.
    let pos: LatLng = first.from;
    let t = best.depart;
    const left = new Set(stops);
    const stopAt = new Map<string, number>();
    while (left.size) {
      const next = [...left].sort((a, b) => drive(pos, hotels.get(a)!) - drive(pos, hotels.get(b)!) || a.localeCompare(b))[0]!;
      t += (stopAt.size ? policy.stopMinutes * MINUTE : 0) + drive(pos, hotels.get(next)!);
      stopAt.set(next, t);
      pos = hotels.get(next)!;
      left.delete(next);
    }
    for (const x of load) at.set(x.id, stopAt.get(x.h.hotelId!)!);
    ready.set(best.v.id, { at: t + policy.stopMinutes * MINUTE, pos });
  }
  return { at, stranded, noRide, ready };
}

/** The projection the console's header shows, against the plan as applied. */
export function projectShelter(input: ShelterInput): ShelterProjection {
  const { at, stranded, noRide } = projectArrivals(input);
  let last = -Infinity;
  let vLast = -Infinity;
  let strandedGuests = 0;
  let noRideGuests = 0;
  let noBedGuests = 0;
  let missingGuests = 0;
  let noShowGuests = 0;
  for (const h of input.households) {
    missingGuests += h.missing ?? 0;
    noShowGuests += h.noShow ?? 0;
    if (h.toTravel > 0 && !h.hotelId) noBedGuests += h.toTravel;
    if (stranded.has(h.id)) strandedGuests += h.toTravel;
    if (noRide.has(h.id)) {
      noRideGuests += h.toTravel;
      continue;
    }
    let t = h.toTravel > 0 ? (at.get(h.id) ?? NaN) : NaN;
    if (h.arrived > 0) t = Math.max(Number.isFinite(t) ? t : -Infinity, ms(h.arrivedAt) || -Infinity);
    if (!Number.isFinite(t)) continue;
    last = Math.max(last, t);
    if (h.vulnerable) vLast = Math.max(vLast, t);
  }
  const times: ShelterTimes = { lastArrivalAt: Number.isFinite(last) ? iso(last) : null, vulnerableLastArrivalAt: Number.isFinite(vLast) ? iso(vLast) : null };
  const slip = (a: string | null, b: string | null | undefined) => (a && b ? Math.round((ms(a) - ms(b)) / MINUTE) : null);
  const slipMinutes = slip(times.lastArrivalAt, input.planned?.lastArrivalAt);
  const vulnerableSlipMinutes = slip(times.vulnerableLastArrivalAt, input.planned?.vulnerableLastArrivalAt);
  const vehiclesOut = input.vehicles.filter((v) => v.status === 'out_of_service').map((v) => v.id);
  const reasons: string[] = [];
  if (input.planned) {
    const th = input.slipThresholdMinutes;
    if (slipMinutes !== null && slipMinutes > th) reasons.push(`the last arrival has slipped ${slipMinutes} min (more than ${th})`);
    if (vulnerableSlipMinutes !== null && vulnerableSlipMinutes > th)
      reasons.push(`the last vulnerable arrival has slipped ${vulnerableSlipMinutes} min (more than ${th})`);
    if (strandedGuests > 0) {
      reasons.push(`${strandedGuests} ${strandedGuests === 1 ? 'guest has' : 'guests have'} a bed but no vehicle`);
      // Said on its own: the guests above may have lost their ride for another reason (left behind, split at check-in).
      if (vehiclesOut.length) reasons.push(`out of service: ${vehiclesOut.join(', ')}`);
    }
  }
  return {
    ...times,
    planned: input.planned,
    slipMinutes,
    vulnerableSlipMinutes,
    thresholdMinutes: input.slipThresholdMinutes,
    strandedGuests,
    noRideGuests,
    noBedGuests,
    missingGuests,
    noShowGuests,
    vehiclesOut,
    replan: { advised: reasons.length > 0, reasons },
  };
}

/**
 * The live input with a proposal's trips in place of those not yet left: what the night would look
 * like if the proposal were applied now (the proposal's locked trips are the live ones already).
 * A household the proposal does not speak of (left out of planning: aboard a vehicle that broke
 * down on the road, on its own way to its rooms) keeps its bed and is counted as it is now; only
 * those the proposal leaves unplaced lose theirs.
 */
export function withProposal(
  input: ShelterInput,
  proposal: {
    stays: { partyId: string; hotelId: string }[];
    trips: { vehicleId: string; fromSiteId: string; stops: string[]; partyIds: string[]; departAt: string; arrivals: string[] }[];
    unassigned?: { partyId: string }[];
  },
): ShelterInput {
  const unplaced = new Set((proposal.unassigned ?? []).map((u) => u.partyId));
  const left = input.trips.filter((t) => t.status === 'departed' || t.status === 'completed');
  const leftKeys = new Set(left.map((t) => `${t.vehicleId}@${ms(t.departAt)}`));
  const hotelOf = new Map(proposal.stays.map((s) => [s.partyId, s.hotelId]));
  const fresh: LiveTrip[] = proposal.trips
    .filter((t) => !leftKeys.has(`${t.vehicleId}@${ms(t.departAt)}`))
    .map((t, i) => ({
      id: `proposed-${i}`,
      vehicleId: t.vehicleId,
      fromSiteId: t.fromSiteId,
      stops: t.stops,
      departAt: t.departAt,
      arrivals: t.arrivals,
      status: 'planned',
      departedAt: null,
      reached: {},
      partyIds: t.partyIds,
    }));
  return {
    ...input,
    trips: [...left, ...fresh],
    households: input.households.map((h) => ({
      ...h,
      hotelId: h.toTravel > 0 ? (hotelOf.get(h.id) ?? (unplaced.has(h.id) ? null : h.hotelId)) : h.hotelId,
    })),
  };
}
