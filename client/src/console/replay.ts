/**
 * After-action replay: fold the event log up to step N into what can be known from the events
 * alone. The log does not carry per-hotel bed counts for applied plans (only totals), so replay
 * reconstructs household statuses, check-ins per hotel, offers and withdrawals, and the running
 * plan totals; the map shows check-in fill per hotel at that moment. Pure.
 */
import type { IncidentState } from '../../../shared/api.js';
import type { LiveEvent } from '../../../shared/realtime.js';
import type { PartyStatus, VehicleStatus } from '../../../shared/statuses.js';
import {
  emptyCounts,
  householdWhereabouts,
  isWhereabouts,
  journeyOf,
  needsGlance,
  WHEREABOUTS_LABEL,
  type HouseholdJourney,
  type Whereabouts,
} from '../../../shared/whereabouts.js';

export interface ReplayHotel {
  offeredAtStep: boolean;
  checkedInHouseholds: number;
  checkedInGuests: number;
  touchedByPlan: boolean;
}

export interface ReplayFrame {
  step: number;
  at: string | null;
  partyStatus: Map<string, string>;
  hotels: Map<string, ReplayHotel>;
  plansApplied: number;
  housed: number;
  unassigned: number;
  brokenVehicles: Set<string>;
}

/** Household size by id (from the current state), so check-ins can count guests. */
export type SizeOf = (partyId: string) => number;

export function foldEvents(events: readonly LiveEvent[], step: number, sizeOf: SizeOf): ReplayFrame {
  const frame: ReplayFrame = {
    step,
    at: null,
    partyStatus: new Map(),
    hotels: new Map(),
    plansApplied: 0,
    housed: 0,
    unassigned: 0,
    brokenVehicles: new Set(),
  };
  const hotel = (id: string) => {
    let h = frame.hotels.get(id);
    if (!h) frame.hotels.set(id, (h = { offeredAtStep: false, checkedInHouseholds: 0, checkedInGuests: 0, touchedByPlan: false }));
    return h;
  };
  const inHouse = new Map<string, string>();
  for (const e of events.slice(0, Math.max(0, step))) {
    frame.at = e.at;
    switch (e.type) {
      case 'plan.applied':
        frame.plansApplied++;
        frame.housed = e.payload.housed;
        frame.unassigned = e.payload.unassigned;
        for (const id of e.payload.hotelIds ?? []) hotel(id).touchedByPlan = true;
        break;
      case 'hotel.offered':
        hotel(e.payload.hotelId).offeredAtStep = true;
        break;
      case 'party.status_changed':
        frame.partyStatus.set(e.payload.partyId, e.payload.to);
        break;
      case 'vehicle.status_changed':
        if (e.payload.to === 'out_of_service') frame.brokenVehicles.add(e.payload.vehicleId);
        else frame.brokenVehicles.delete(e.payload.vehicleId);
        break;
      case 'guest.checked_in': {
        const { partyId, hotelId } = e.payload;
        if (!inHouse.has(partyId)) {
          inHouse.set(partyId, hotelId);
          hotel(hotelId).checkedInHouseholds++;
          hotel(hotelId).checkedInGuests += sizeOf(partyId);
        }
        frame.partyStatus.set(partyId, 'checked_in');
        break;
      }
      case 'guest.checked_out':
      case 'party.no_show': {
        const { partyId } = e.payload;
        const at = inHouse.get(partyId);
        if (at) {
          inHouse.delete(partyId);
          hotel(at).checkedInHouseholds--;
          hotel(at).checkedInGuests -= sizeOf(partyId);
        }
        frame.partyStatus.set(partyId, e.type === 'party.no_show' ? 'no_show' : 'checked_out');
        break;
      }
      default:
        break;
    }
  }
  return frame;
}

/** Household status (the journey column) -> where its members were, when the log says no more. */
const JOURNEY_WHEREABOUTS: Record<PartyStatus, Whereabouts> = {
  waiting: 'waiting',
  assigned: 'waiting',
  needs_help: 'waiting',
  on_vehicle: 'aboard',
  arrived: 'arrived',
  checked_in: 'checked_in',
  checked_out: 'checked_out',
  self_evacuated: 'own_way',
  no_show: 'no_show',
};

/** How many events happened at or before `at` (ms): the replay step the replay clock stands on. */
export function stepAt(events: readonly LiveEvent[], at: number): number {
  let n = 0;
  while (n < events.length && Date.parse(events[n]!.at) <= at) n++;
  return n;
}

/**
 * The incident as it stood after the first `step` events: the current state rolled back. A
 * household's status is the last one the log gave it by then (or the `from` of its first change
 * afterwards, or its current status when the log never moved it); households added later, hotels
 * and vehicles offered later, places added later (unless a household shown names one) and trips of
 * plans not yet applied are left out; beds taken are those of the last
 * plan applied by then; needs at a glance are counted again from the rolled-back households.
 * With every person's moves (`moves`, from the server's timelines: [seq, guest id, where to] in log
 * order) each person is where their last move by then put them, or waiting (where everyone starts),
 * and each household's status follows from its members, as on the server; people added to a
 * household later are left out. Without them (not loaded yet), a household's members move together
 * by the household events of the log. Open exceptions and spend are not in the log and stay as they
 * are now (the console dashes them). Counters, map lines, dots and labels all read this one state.
 */
export type WhereaboutsMove = readonly [seq: number, guestId: string, to: string];

export function replayState(state: IncidentState, events: readonly LiveEvent[], step: number, moves?: readonly WhereaboutsMove[]): IncidentState {
  const upTo = Math.max(0, Math.min(step, events.length));
  const statusAt = new Map<string, PartyStatus>();
  const addedLater = new Set<string>();
  const offeredLater = new Set<string>();
  const vehiclesLater = new Set<string>();
  const sitesLater = new Set<string>();
  const brokenLater = new Map<string, VehicleStatus>();
  const guestsLater = new Set<string>();
  let fill: Record<string, number> | null = null;
  let plansApplied = 0;
  const track = (partyId: string, to: PartyStatus, from: PartyStatus | null, before: boolean) => {
    if (before) statusAt.set(partyId, to);
    else if (!statusAt.has(partyId)) statusAt.set(partyId, from ?? 'waiting');
  };
  events.forEach((e, i) => {
    const before = i < upTo;
    switch (e.type) {
      case 'parties.added':
        if (!before) for (const id of e.payload.partyIds) addedLater.add(id);
        return;
      case 'hotel.offered':
        if (!before) offeredLater.add(e.payload.hotelId);
        return;
      case 'vehicle.offered':
        if (!before) vehiclesLater.add(e.payload.vehicleId);
        return;
      case 'site.added':
        if (!before) sitesLater.add(e.payload.siteId);
        return;
      case 'plan.applied':
        if (before) {
          plansApplied++;
          fill = e.payload.hotelFill;
        }
        return;
      case 'vehicle.status_changed':
        if (!before && !brokenLater.has(e.payload.vehicleId)) brokenLater.set(e.payload.vehicleId, e.payload.from);
        return;
      case 'party.status_changed':
        return track(e.payload.partyId, e.payload.to, e.payload.from, before);
      case 'guest.checked_in':
        return track(e.payload.partyId, 'checked_in', null, before);
      case 'guest.checked_out':
        return track(e.payload.partyId, 'checked_out', null, before);
      case 'party.no_show':
        return track(e.payload.partyId, 'no_show', null, before);
      case 'party.changed':
        if (!before) for (const id of e.payload.addedGuestIds) guestsLater.add(id);
        return;
      default:
        return;
    }
  });
  // Where each person was after the first `upTo` events, when their moves are known.
  const seqAt = upTo > 0 ? events[upTo - 1]!.seq : 0;
  const placeOf = moves ? new Map<string, Whereabouts>() : null;
  if (placeOf && moves) {
    for (const [seq, guestId, to] of moves) {
      if (seq > seqAt) break;
      if (isWhereabouts(to)) placeOf.set(guestId, to);
    }
  }
  const beds = fill as Record<string, number> | null;
  const parties = state.parties
    .filter((p) => !addedLater.has(p.id))
    .map((p) => {
      const status = statusAt.get(p.id) ?? p.status;
      const hotelId = plansApplied > 0 ? p.hotelId : null;
      if (placeOf) {
        const guests = p.guests.filter((g) => !guestsLater.has(g.id)).map((g) => ({ ...g, whereabouts: placeOf.get(g.id) ?? ('waiting' as const) }));
        const ws = guests.map((g) => g.whereabouts);
        const journey = journeyOf(ws, status as HouseholdJourney, Boolean(hotelId));
        const w = householdWhereabouts(ws);
        return {
          ...p,
          status: journey,
          size: guests.length,
          hotelId,
          tripId: plansApplied > 0 ? p.tripId : null,
          guests,
          whereabouts: { state: w.state, label: w.label },
        };
      }
      if (status === p.status && plansApplied > 0) return p;
      const w = JOURNEY_WHEREABOUTS[status] ?? 'waiting';
      const placedStatus = status === 'assigned' && !hotelId ? 'waiting' : status;
      return {
        ...p,
        status: placedStatus,
        hotelId,
        tripId: plansApplied > 0 ? p.tripId : null,
        guests: p.guests.map((g) => ({ ...g, whereabouts: w })),
        whereabouts: { state: w, label: WHEREABOUTS_LABEL[w] },
      };
    });
  const byWhereabouts = emptyCounts();
  let unplaced = 0;
  for (const p of parties) {
    for (const g of p.guests) byWhereabouts[g.whereabouts]++;
    if (!p.hotelId) unplaced += p.guests.filter((g) => g.whereabouts === 'waiting').length;
  }
  const total = parties.reduce((n, p) => n + p.guests.length, 0);
  const hotels = state.hotels.filter((h) => !offeredLater.has(h.id)).map((h) => ({ ...h, bedsTaken: beds ? (beds[h.id] ?? 0) : 0 }));
  const vehicles = state.vehicles.filter((v) => !vehiclesLater.has(v.id)).map((v) => (brokenLater.has(v.id) ? { ...v, status: brokenLater.get(v.id)! } : v));
  // People waiting at each place, person by person (as the live state counts them).
  const waitingBySite = new Map<string, number>();
  for (const p of parties) {
    const n = p.guests.filter((g) => g.whereabouts === 'waiting').length;
    if (n) waitingBySite.set(p.siteId, (waitingBySite.get(p.siteId) ?? 0) + n);
  }
  // A household corrected to a place added later still needs its place on the map.
  const named = new Set(parties.map((p) => p.siteId));
  const sites = state.sites.filter((s) => !sitesLater.has(s.id) || named.has(s.id)).map((s) => ({ ...s, waiting: waitingBySite.get(s.id) ?? 0 }));
  return {
    ...state,
    sites,
    parties,
    hotels,
    vehicles,
    trips: plansApplied > 0 ? state.trips : [],
    needs: needsGlance(
      parties.flatMap((p) => p.guests.map((g) => ({ ...g, partyId: p.id }))),
      new Set(parties.filter((p) => p.hotelId).map((p) => p.id)),
      parties,
    ),
    guestCounts: { total, byWhereabouts, unplaced, needsAttention: state.guestCounts.needsAttention },
  };
}

/** Where replay stands: the step in the log and the replay clock (ms), which may run between events. */
export interface ReplayPosition {
  step: number;
  at: number;
}

export const REPLAY_SPEEDS = [1, 10, 60] as const;
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];

/** The position at step N of the slider: the clock at that event (just before the first for step 0). */
export function positionAtStep(events: readonly LiveEvent[], step: number): ReplayPosition {
  const n = Math.max(0, Math.min(step, events.length));
  if (n > 0) return { step: n, at: Date.parse(events[n - 1]!.at) };
  return { step: 0, at: events.length ? Date.parse(events[0]!.at) - 1 : 0 };
}

/**
 * Play: the replay clock moves `realMs * speed`, never past `until` (now: replay then shows what
 * live shows), and the step follows the clock (never backwards, so events sharing a timestamp that
 * the slider split stay split). `done` when the clock reached `until`.
 */
export function advanceReplay(
  pos: ReplayPosition,
  events: readonly LiveEvent[],
  realMs: number,
  speed: ReplaySpeed,
  until: number,
): ReplayPosition & { done: boolean } {
  const at = Math.min(until, pos.at + realMs * speed);
  return { step: Math.max(pos.step, stepAt(events, at)), at, done: at >= until };
}
