/**
 * The client's copy of the incident's event log: batches merged in seq order without duplicates,
 * gaps detected so the caller can ask the server to fill them. Pure.
 */
import type { LiveEvent } from '../../../shared/realtime.js';
import { countOf } from '../../../shared/plural.js';
import type { EventPayloads, EventType, NewEvent } from '../../../shared/events.js';
import { formatMoneyMinor } from '../../../shared/ledger.js';

export interface EventLog {
  events: LiveEvent[];
  /** Highest seq applied with no gap before it. */
  lastSeq: number;
}

export const EMPTY_LOG: EventLog = { events: [], lastSeq: 0 };

export interface MergeResult {
  log: EventLog;
  /** Events that were new to this log, in seq order. */
  added: LiveEvent[];
  /** True when the batch starts after lastSeq + 1: some events were missed. */
  gap: boolean;
}

/**
 * Merge a batch into the log. Events at or below lastSeq are duplicates and dropped; events beyond
 * a gap are kept (so nothing is lost) but lastSeq stops before the gap until it is filled.
 */
export function mergeEvents(log: EventLog, batch: readonly LiveEvent[]): MergeResult {
  const known = new Set(log.events.map((e) => e.seq));
  const added = [...batch].filter((e) => !known.has(e.seq) && (known.add(e.seq), true)).sort((a, b) => a.seq - b.seq);
  if (added.length === 0) return { log, added, gap: false };
  const events = [...log.events, ...added].sort((a, b) => a.seq - b.seq);
  let lastSeq = log.lastSeq;
  const seqs = new Set(events.map((e) => e.seq));
  while (seqs.has(lastSeq + 1)) lastSeq++;
  const gap = events.some((e) => e.seq > lastSeq);
  return { log: { events, lastSeq }, added, gap };
}

/** The household ids an event is about, from whichever of its payload's fields name households. */
export function partyIdsOf(e: { payload: EventPayloads[EventType] }): string[] {
  const p = e.payload;
  const out = new Set<string>();
  if ('partyId' in p && p.partyId) out.add(p.partyId);
  if ('items' in p)
    for (const i of p.items) {
      if (i.partyId) out.add(i.partyId);
      for (const g of i.people) out.add(g.partyId);
    }
  const lists = [
    'partyIds' in p ? p.partyIds : [],
    'displacedPartyIds' in p ? p.displacedPartyIds : [],
    'strandedPartyIds' in p ? p.strandedPartyIds : [],
    'moved' in p ? p.moved : [],
    'leftBehindPartyIds' in p ? p.leftBehindPartyIds : [],
    'boardedPartyIds' in p ? p.boardedPartyIds : [],
  ];
  for (const list of lists) for (const id of list) out.add(id);
  return [...out];
}

/** One household's story: every event that names it, oldest first. */
export function timelineFor(events: readonly LiveEvent[], partyId: string): LiveEvent[] {
  return events.filter((e) => partyIdsOf(e).includes(partyId));
}

const human = (s: string) => s.replace(/_/g, ' ');
const quoted = (s: string | null | undefined) => (s ? ` (“${s}”)` : '');

/** A household marked by a duty manager, in the words of the buttons they pressed. */
const MARKED: Record<string, string> = {
  self_evacuated: 'as having made their own way',
  needs_help: 'as needing help',
  waiting: 'as waiting again',
  no_show: 'as a no-show',
};

/** What happened, in the words a duty manager would use (the actor's name is shown beside it). */
/** `name`: a household's or hotel's name from its id, where the console knows it (else the id). */
export function describeEvent(e: NewEvent, name: (id: string) => string = (id) => id): string {
  const { type, payload: p } = e;
  switch (type) {
    case 'incident.imported':
      return `imported the incident ${p.name}`.trim();
    case 'parties.added':
      return `added ${countOf(p.partyIds.length, 'household')} (${countOf(p.guests, 'guest')})`;
    case 'plan.applied':
      return `applied a plan: ${countOf(p.housed, 'household')} housed, ${p.unassigned} not placed${p.moved.length ? `, ${p.moved.length} moved` : ''}`;
    case 'hotel.offered':
      return `recorded an offer from ${p.name} (${countOf(p.rooms, 'room')})`;
    case 'hotel.rooms_changed': {
      const rooms = p.roomChanges.map((c) => `${c.type} ${c.from}→${c.to}`).join(', ');
      const displaced = p.displacedPartyIds.length;
      return `changed rooms at ${p.name}${rooms ? `: ${rooms}` : ''}${displaced ? `; ${countOf(displaced, 'household')} displaced` : ''}`;
    }
    case 'party.status_changed':
      return `marked ${p.name} ${MARKED[p.to] ?? `as ${human(p.to)}`}${quoted(p.note)}`;
    case 'party.changed': {
      const people = [
        p.addedGuestIds.length ? `added ${countOf(p.addedGuestIds.length, 'guest')}` : '',
        p.removedGuestIds.length ? `took ${countOf(p.removedGuestIds.length, 'guest')} off the list` : '',
      ].filter(Boolean);
      return `corrected ${p.name} (${p.fields.join(', ')})${people.length ? `: ${people.join(', ')}` : ''}${p.released ? '; their room and seat were given back' : ''}`;
    }
    case 'site.added':
      return `added ${p.kind === 'muster' ? 'the muster point' : p.kind === 'depot' ? 'the vehicle depot' : 'the place'} ${p.name}`;
    case 'vehicle.offered': {
      const kind = p.kind.replace(/_/g, ' ');
      const spaces = p.wheelchairSpaces ? `, ${countOf(p.wheelchairSpaces, 'wheelchair space')}` : '';
      return `recorded ${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} ${p.vehicleId}${p.provider ? ` from ${p.provider}` : ''} (${countOf(p.seats, 'seat')}${spaces})`;
    }
    case 'vehicle.status_changed':
      return `marked vehicle ${p.vehicleId} ${p.to === 'out_of_service' ? 'broken down / out of service' : 'back in service'}${p.reason ? ` (${p.reason})` : ''}`;
    case 'guest.checked_in':
      return `checked in ${p.name}${p.wholeHousehold === false ? ' (part of the household)' : ''}`;
    case 'guest.checked_out':
      return `checked out ${p.name}`;
    case 'party.boarded':
      return `ticked ${p.name} aboard vehicle ${p.vehicleId}`;
    case 'party.unboarded':
      return `unticked ${p.name}: not aboard vehicle ${p.vehicleId} after all`;
    case 'trip.arrived':
      return `vehicle ${p.vehicleId} reached ${name(p.hotelId)} with ${countOf(p.partyIds.length, 'household')}${p.completed ? '; its trip is done' : ''}`;
    case 'trip.completed':
      return `vehicle ${p.vehicleId} completed its trip`;
    case 'party.no_show':
      return `marked ${p.name} as a no-show`;
    case 'guest.replied': {
      const what =
        p.kind === 'own_way'
          ? `made their own way${p.place ? ` to ${p.place}` : ''}`
          : p.kind === 'missing_member'
            ? `someone is missing${p.guestName ? ` (${p.guestName})` : ''}`
            : 'need help';
      return `said: ${what}${p.kind !== 'own_way' ? quoted(p.text) : ''}`;
    }
    case 'guest.reply_handled':
      return `handled ${p.name}'s reply${quoted(p.note)}`;
    case 'ledger.entry_recorded':
      return `recorded ${human(p.category)} ${formatMoneyMinor(p.amountMinor, p.currency)}`;
    case 'ledger.approval_requested':
      return `asked for approval: ${human(p.category)} ${formatMoneyMinor(p.amountMinor, p.currency)}${p.householdName ? ` for ${p.householdName}` : ''}`;
    // The claim's amount: a rejection line itself carries 0 (it never counts), the claim did not
    // (older events without claimedMinor: their own amount).
    case 'ledger.entry_approved':
      return `approved ${human(p.category)} ${formatMoneyMinor(p.claimedMinor ?? p.amountMinor, p.currency)}`;
    case 'ledger.entry_rejected':
      return `rejected a ${human(p.category)} claim of ${formatMoneyMinor(p.claimedMinor ?? p.amountMinor, p.currency)}`;
    case 'ledger.lodging_accrued':
      return `posted ${countOf(p.posted, 'lodging charge')}, ${formatMoneyMinor(p.totalMinor)}`;
    case 'ledger.trip_costed':
      return `costed a trip, ${formatMoneyMinor(p.amountMinor, p.currency)}`;
    case 'job.failed':
      return `could not run ${p.job || 'a background job'} for this incident (${p.error || 'unknown error'}); retrying, other incidents carry on`;
    case 'job.recovered':
      return `${p.job || 'a background job'} works again for this incident`;
    case 'message.failed':
      return `could not send a ${p.channel} message (${p.error})`.replace('a  message', 'a message');
    case 'attention.opened':
      return p.items.length === 1 ? `exception: ${p.items[0]?.summary ?? ''}` : `${countOf(p.items.length, 'exception')} opened`;
    case 'attention.updated':
      return p.items.length === 1 ? `reported again: ${p.items[0]?.summary ?? ''}` : `${countOf(p.items.length, 'exception')} reported again`;
    case 'attention.resolved':
      return `resolved ${human(p.kind)}${p.partyId ? ` for ${name(p.partyId)}` : ''}${quoted(p.note)}`;
    case 'rollcall.taken':
      return `took a roll call at ${p.siteName}: ${p.present} present of ${p.expected}${p.missingGuestIds.length ? `, ${p.missingGuestIds.length} missing` : ''}`;
    case 'rollcall.links_withdrawn':
      return `withdrew the roll-call links of ${p.siteName}: they no longer open`;
    case 'trip.departed':
      return `vehicle ${p.vehicleId} left${p.leftBehindPartyIds.length ? `, ${countOf(p.leftBehindPartyIds.length, 'household')} not aboard` : ''}`;
    default:
      return human(type.replace(/\./g, ' '));
  }
}
