/**
 * What a batch of live events changed in the console's state, and how to read only that.
 *
 * At 10,000 guests the whole state is megabytes of JSON: reading and parsing it after every
 * colleague's change, and re-deriving every panel from it, cost the console long tasks of
 * 55-105 ms (decision 0017). Most changes touch a few households: the console asks for those
 * (`GET .../state/part`), with everything small whole (sites, hotels, vehicles, counts, shelter),
 * and lays the answer over the state it holds. Households nobody touched keep their objects, so
 * the panels and map layers that depend on them only are not re-derived.
 *
 * Every event type is classified here (a new type does not compile until it is); anything that
 * cannot be read this way (an import, a plan, a breakdown, a roll call, a household this state
 * does not know, a move of people the event does not name) asks for the whole state.
 */
import type { IncidentState, IncidentStatePart } from '../../../shared/api.js';
import { STATE_PART_MAX_PARTIES } from '../../../shared/api.js';
import type { EventType } from '../../../shared/events.js';
import type { LiveEvent } from '../../../shared/realtime.js';
import { partyIdsOf } from './event-log.js';

/**
 * What an event type can change in the state:
 * - `none`: nothing the state shows (money, messages, links, attention items);
 * - `small`: only what the part always carries whole (hotels' rooms, vehicles, sites, counts);
 * - `parties`: the households it names, and the trips;
 * - `whole`: too much, or not named: read the whole state.
 */
type Reach = 'none' | 'small' | 'parties' | 'whole';

const REACH: Record<EventType, Reach> = {
  'incident.imported': 'whole',
  'parties.added': 'whole',
  'plan.applied': 'whole',
  'hotel.offered': 'small',
  'hotel.rooms_changed': 'small',
  'vehicle.offered': 'small',
  'site.added': 'small',
  'vehicle.status_changed': 'whole',
  'party.status_changed': 'parties',
  'party.changed': 'parties',
  'party.boarded': 'parties',
  'party.unboarded': 'parties',
  'party.no_show': 'parties',
  'trip.departed': 'parties',
  'trip.arrived': 'parties',
  'trip.completed': 'parties',
  'guest.checked_in': 'parties',
  'guest.checked_out': 'parties',
  'guest.replied': 'parties',
  'guest.reply_handled': 'none',
  'guest.feedback_given': 'none',
  'rollcall.taken': 'whole',
  'rollcall.links_withdrawn': 'none',
  'attention.opened': 'none',
  'attention.updated': 'none',
  'attention.resolved': 'none',
  'attention.settings_changed': 'none',
  'ledger.entry_recorded': 'none',
  'ledger.approval_requested': 'none',
  'ledger.entry_approved': 'none',
  'ledger.entry_rejected': 'none',
  'ledger.entry_reversed': 'none',
  'ledger.lodging_accrued': 'none',
  'ledger.trip_costed': 'none',
  'status_link.reissued': 'none',
  'status_link.revoked': 'none',
  'vehicle.driver_link_revoked': 'none',
  'job.failed': 'none',
  'job.recovered': 'none',
  'message.failed': 'none',
};

/** What to read: nothing, the part (these households, the trips or not), or the whole state. */
export interface StateAsk {
  whole: boolean;
  /** Anything to read at all (a batch of ledger notices needs no state). */
  any: boolean;
  partyIds: Set<string>;
  trips: boolean;
}

export const askNothing = (): StateAsk => ({ whole: false, any: false, partyIds: new Set(), trips: false });
export const askWhole = (): StateAsk => ({ whole: true, any: true, partyIds: new Set(), trips: true });

/** Add what `events` changed to `ask` (in place), judged against the state the console holds. */
export function addToAsk(ask: StateAsk, events: readonly LiveEvent[], state: IncidentState | null): StateAsk {
  if (ask.whole) return ask;
  if (!state) return Object.assign(ask, askWhole());
  for (const e of events) {
    const reach = REACH[e.type] ?? 'whole';
    if (reach === 'none') continue;
    ask.any = true;
    if (reach === 'whole' || (e.type === 'hotel.rooms_changed' && e.payload.displacedPartyIds.length > 0)) return Object.assign(ask, askWhole());
    if (reach === 'small') continue;
    ask.trips = true;
    const named = partyIdsOf(e);
    for (const id of named) ask.partyIds.add(id);
    // Every person it moved must be in a household it names, and every household must be one we hold.
    const moved = 'guestIds' in e.payload ? (e.payload.guestIds ?? []) : [];
    if (moved.some((g) => !named.includes(held(state.parties).householdOf.get(g) ?? ''))) return Object.assign(ask, askWhole());
  }
  if (ask.partyIds.size > STATE_PART_MAX_PARTIES || [...ask.partyIds].some((id) => !held(state.parties).ids.has(id))) return Object.assign(ask, askWhole());
  return ask;
}

/** Merge `from` into `into` (in place): what a failed read still has to read. */
export function mergeAsk(into: StateAsk, from: StateAsk): StateAsk {
  if (into.whole || from.whole) return Object.assign(into, askWhole());
  for (const id of from.partyIds) into.partyIds.add(id);
  into.any ||= from.any;
  into.trips ||= from.trips;
  return into;
}

/** The households held, and each guest's household: built once per list (it keeps its identity until one changes). */
const indexes = new WeakMap<IncidentState['parties'], { ids: Set<string>; householdOf: Map<string, string> }>();
function held(parties: IncidentState['parties']) {
  let index = indexes.get(parties);
  if (!index) {
    index = { ids: new Set(), householdOf: new Map() };
    for (const p of parties) {
      index.ids.add(p.id);
      for (const g of p.guests) index.householdOf.set(g.id, p.id);
    }
    indexes.set(parties, index);
  }
  return index;
}

/** The query of `GET .../state/part` for `ask`. */
export function partQuery(ask: StateAsk): string {
  return `parties=${[...ask.partyIds].map(encodeURIComponent).join(',')}&trips=${ask.trips}`;
}

/**
 * `part` laid over `state`: its households replace those with the same id (in place in the list,
 * so the order stays), the trips when it carries them, everything else from the part. Households
 * it does not carry keep their objects; so does the list itself when no household changed.
 */
export function layOver(state: IncidentState, part: IncidentStatePart): IncidentState {
  const { parties: changed, trips, ...rest } = part;
  let parties = state.parties;
  if (changed.length) {
    const byId = new Map(changed.map((p) => [p.id, p]));
    parties = state.parties.map((p) => byId.get(p.id) ?? p);
  }
  return { ...state, ...rest, parties, trips: trips ?? state.trips };
}
