/**
 * The client's copy of the incident's event log: batches merged in seq order without duplicates,
 * gaps detected so the caller can ask the server to fill them. Pure.
 */
import type { LiveEvent } from '../../../shared/realtime.js';

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

/** The household ids an event is about, from whichever payload fields it carries. */
export function partyIdsOf(e: Pick<LiveEvent, 'payload'>): string[] {
  const p = e.payload;
  const out = new Set<string>();
  if (typeof p.partyId === 'string') out.add(p.partyId);
  for (const key of ['partyIds', 'displacedPartyIds', 'strandedPartyIds', 'moved']) {
    const v = p[key];
    if (Array.isArray(v)) for (const id of v) if (typeof id === 'string') out.add(id);
  }
  return [...out];
}

/** One household's story: every event that names it, oldest first. */
export function timelineFor(events: readonly LiveEvent[], partyId: string): LiveEvent[] {
  return events.filter((e) => partyIdsOf(e).includes(partyId));
}

const human = (s: unknown) => String(s ?? '').replace(/_/g, ' ');
const num = (v: unknown) => (typeof v === 'number' ? v : 0);
/** `£12.50` from a payload's amountMinor and currency (GBP when not given). */
function money(p: Record<string, unknown>): string {
  const currency = typeof p.currency === 'string' ? p.currency : 'GBP';
  try {
    return new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(num(p.amountMinor) / 100);
  } catch {
    return `${(num(p.amountMinor) / 100).toFixed(2)} ${currency}`;
  }
}

/** What happened, in the words a duty manager would use (the actor's name is shown beside it). */
export function describeEvent(e: Pick<LiveEvent, 'type' | 'payload'>): string {
  const p = e.payload;
  const name = typeof p.name === 'string' ? p.name : '';
  switch (e.type) {
    case 'incident.imported':
      return `imported the incident ${name}`.trim();
    case 'parties.added':
      return `added ${Array.isArray(p.partyIds) ? p.partyIds.length : 0} households (${num(p.guests)} guests)`;
    case 'plan.applied':
      return `applied a plan: ${num(p.housed)} households housed, ${num(p.unassigned)} not placed${Array.isArray(p.moved) && p.moved.length ? `, ${p.moved.length} moved` : ''}`;
    case 'hotel.offered':
      return `recorded an offer from ${name} (${num(p.rooms)} rooms)`;
    case 'hotel.rooms_changed': {
      const changes = Array.isArray(p.roomChanges) ? (p.roomChanges as { type: string; from: number; to: number }[]) : [];
      const rooms = changes.map((c) => `${c.type} ${c.from}→${c.to}`).join(', ');
      const displaced = Array.isArray(p.displacedPartyIds) ? p.displacedPartyIds.length : 0;
      return `changed rooms at ${name}${rooms ? `: ${rooms}` : ''}${displaced ? `; ${displaced} households displaced` : ''}`;
    }
    case 'party.status_changed':
      return `marked ${name} as ${human(p.to)}${p.note ? ` (“${String(p.note)}”)` : ''}`;
    case 'vehicle.status_changed':
      return `marked vehicle ${String(p.vehicleId)} ${p.to === 'out_of_service' ? 'broken down / out of service' : 'back in service'}${p.reason ? ` (${String(p.reason)})` : ''}`;
    case 'guest.checked_in':
      return `checked in ${name}${p.wholeHousehold === false ? ' (part of the household)' : ''}`;
    case 'guest.checked_out':
      return `checked out ${name}`;
    case 'party.no_show':
      return `marked ${name} as a no-show`;
    case 'guest.replied': {
      const what = p.kind === 'own_way' ? `made their own way${p.place ? ` to ${String(p.place)}` : ''}` : p.kind === 'missing_member' ? `someone is missing${p.guestName ? ` (${String(p.guestName)})` : ''}` : 'need help';
      return `said: ${what}${p.text && p.kind !== 'own_way' ? ` (“${String(p.text)}”)` : ''}`;
    }
    case 'guest.reply_handled':
      return `handled ${name}'s reply${p.note ? ` (“${String(p.note)}”)` : ''}`;
    case 'ledger.entry_recorded':
      return `recorded ${human(p.category)} ${money(p)}`;
    case 'ledger.approval_requested':
      return `asked for approval: ${human(p.category)} ${money(p)}${typeof p.householdName === 'string' ? ` for ${p.householdName}` : ''}`;
    case 'ledger.entry_approved':
      return `approved ${human(p.category)} ${money(p)}`;
    case 'ledger.entry_rejected':
      return `rejected ${human(p.category)} ${money(p)}`;
    case 'ledger.lodging_accrued':
      return `posted ${num(p.posted)} lodging charges, ${money({ amountMinor: p.totalMinor, currency: p.currency })}`;
    case 'ledger.trip_costed':
      return `costed a trip, ${money(p)}`;
    default:
      return human(e.type.replace(/\./g, ' '));
  }
}
