/**
 * The incident event log, typed once: event type -> payload. The server's writer accepts only
 * these (`NewEvent`), the socket contract carries them (`LiveEvent` in realtime.ts), and client
 * readers narrow on `type` instead of reading payload fields by string. Every event that moves
 * people names the guests it moved (`guestIds`); `hotelIds` routes a notice to reception rooms.
 */
import type { AttentionItem, AttentionKind } from './attention.js';
import type { PlanMetrics } from './plan.js';
import type { PartyStatus, VehicleStatus } from './statuses.js';

interface Routed {
  /** Hotels whose reception should hear of it. */
  hotelIds?: string[];
}

/** Moves people: the guests moved by this event, by id. */
interface Moves {
  guestIds: string[];
}

export interface LedgerEventBase extends Routed {
  entryId: string;
  ledgerSeq: number;
  kind: string;
  category: string;
  amountMinor: number;
  currency: string;
  status: string;
  partyId: string | null;
  hotelId: string | null;
  tripId: string | null;
  flags: string[];
}

/**
 * What a household's correction may change that the plan decides by (`party.changed`'s `fields`):
 * the validator judges its room and seat again, and a proposal computed before it is stale. Its
 * name, unit, phone, email, language and notes are neither.
 */
export const PLANNING_FIELDS: readonly string[] = ['guests', 'pets', 'needs', 'muster point'];

export interface EventPayloads {
  'incident.imported': { name: string; counts: Record<string, number> };
  'parties.added': { partyIds: string[]; guests: number };
  'plan.applied': Routed & {
    planId: string;
    housed: number;
    unassigned: number;
    moved: string[];
    partyIds: string[];
    hotelFill: Record<string, number>;
    newlyAssigned: number;
    metrics: Partial<PlanMetrics>;
  };
  'hotel.offered': Routed & { hotelId: string; name: string; rooms: number };
  'hotel.rooms_changed': Routed & {
    hotelId: string;
    name: string;
    roomChanges: { type: string; from: number; to: number }[];
    petsAllowed?: boolean;
    perksChanged: boolean;
    emailChanged?: boolean;
    displacedPartyIds: string[];
    /** Something the planner reads changed (rooms, their terms, pets); absent in older events, which count as a change. */
    planningChanged?: boolean;
  };
  'site.added': Routed & { siteId: string; name: string; kind: string; lat: number; lng: number };
  'vehicle.offered': Routed & { vehicleId: string; kind: string; provider: string; seats: number; wheelchairSpaces: number; availableFrom: string };
  'vehicle.status_changed': Routed & Moves & { vehicleId: string; from: VehicleStatus; to: VehicleStatus; reason: string | null; strandedPartyIds: string[] };
  /**
   * A duty manager corrected a household: `fields` names what changed (name, unit, phone, email,
   * language, notes, muster point, pets, guests). `released`: its planned room and seat no longer
   * suited it and were given back (it waits for the next plan).
   */
  'party.changed': Routed & {
    partyId: string;
    name: string;
    fields: string[];
    addedGuestIds: string[];
    removedGuestIds: string[];
    released: boolean;
  };
  'party.status_changed': Routed & Partial<Moves> & { partyId: string; name: string; from: PartyStatus; to: PartyStatus; note: string | null };
  'party.boarded': Routed & Moves & { partyId: string; name: string; tripId: string; vehicleId: string; hotelId: string };
  'party.unboarded': Routed & Moves & { partyId: string; name: string; tripId: string; vehicleId: string; hotelId: string };
  'party.no_show': Routed & Moves & { partyId: string; name: string; hotelId: string; kind: 'no_show' | 'went_elsewhere'; note: string | null };
  'trip.departed': Routed & {
    tripId: string;
    vehicleId: string;
    fromSiteId: string;
    boardedPartyIds: string[];
    leftBehindPartyIds: string[];
    leftBehindGuestIds: string[];
  };
  'trip.arrived': Routed & Moves & { tripId: string; vehicleId: string; hotelId: string; partyIds: string[]; completed: boolean };
  'trip.completed': Routed & { tripId: string; vehicleId: string };
  'guest.checked_in': Routed & Moves & { partyId: string; name: string; hotelId: string; wholeHousehold: boolean; roomNumbers: Record<string, string[]> };
  'guest.checked_out': Routed & Moves & { partyId: string; name: string; hotelId: string };
  'guest.replied': Routed &
    Moves & {
      replyId: string;
      partyId: string;
      name: string;
      kind: string;
      text: string;
      place: string | null;
      guestId: string | null;
      guestName: string | null;
      from: string;
      to: string;
    };
  'guest.reply_handled': { replyId: string; partyId: string; name: string; kind: string; note: string };
  'guest.feedback_given': { partyId: string; name: string; hotelId: string; rating: number; comment: string };
  'rollcall.taken': Moves & {
    siteId: string;
    siteName: string;
    present: number;
    expected: number;
    missingGuestIds: string[];
    foundGuestIds: string[];
    partyIds: string[];
  };
  'rollcall.links_withdrawn': { siteId: string; siteName: string; generation: number };
  'attention.opened': Routed & { items: AttentionItem[]; partyIds: string[]; guestIds: string[] };
  /** Open items reported again (a guest asking for help once more): each as it now stands, same id. */
  'attention.updated': Routed & { items: AttentionItem[]; partyIds: string[]; guestIds: string[] };
  'attention.resolved': { itemId: string; kind: AttentionKind; partyId: string | null; guestIds: string[]; note: string; by: string; cured: boolean };
  'attention.settings_changed': { overdueMinutes: number; notCheckedInMinutes: number; shelterSlipMinutes?: number; costTolerancePct?: number };
  'ledger.entry_recorded': LedgerEventBase;
  'ledger.approval_requested': LedgerEventBase & { householdName: string; recordedByName: string; limitMinor: number; spentMinor: number };
  'ledger.entry_approved': LedgerEventBase & { pendingEntryId: string; claimedMinor?: number; recordedBy: string | null };
  'ledger.entry_rejected': LedgerEventBase & { pendingEntryId: string; claimedMinor?: number; recordedBy: string | null };
  'ledger.entry_reversed': Routed & { reversedEntryId: string; entries: LedgerEventBase[] };
  'ledger.lodging_accrued': Routed & { posted: number; totalMinor: number; nights: string[]; fromSeq: number; toSeq: number; asOf: string };
  'ledger.trip_costed': LedgerEventBase & { km: number };
  'status_link.reissued': { partyId: string; name: string };
  'status_link.revoked': { partyId: string; name: string };
  'vehicle.driver_link_revoked': { vehicleId: string; generation: number };
  'job.failed': { job: string; error: string; failures: number; retryAt: string };
  'job.recovered': { job: string; failures: number };
  'message.failed': { partyId: string; outboxId: string; channel: string; template: string; attempts: number; error: string };
}

export type EventType = keyof EventPayloads;

/** An event as a writer appends it: the type decides the payload's shape. */
export type NewEvent = { [K in EventType]: { type: K; payload: EventPayloads[K] } }[EventType];

/** Narrow a loosely typed event to one type (a `LiveEvent` narrows by `e.type` alone). */
export function isEvent<K extends EventType>(e: { type: string; payload: unknown }, type: K): e is { type: K; payload: EventPayloads[K] } {
  return e.type === type;
}

/**
 * An event read back from the log. The writer accepts only `NewEvent`, so a stored row's type names
 * its payload's shape; this is the one place that trust is written down.
 */
export function storedAs(type: string, payload: unknown): NewEvent {
  return { type, payload } as NewEvent;
}

/** The hotels whose reception should hear of an event (none when the payload names none). */
export function hotelIdsOf(payload: EventPayloads[EventType]): string[] {
  return 'hotelIds' in payload && Array.isArray(payload.hotelIds) ? payload.hotelIds : [];
}

/** Events that move people (each names its `guestIds`). */
export const WHEREABOUTS_EVENTS = [
  'party.boarded',
  'party.unboarded',
  'trip.arrived',
  'guest.checked_in',
  'guest.checked_out',
  'party.no_show',
  'party.status_changed',
  'vehicle.status_changed',
  'guest.replied',
  'rollcall.taken',
] as const satisfies readonly EventType[];
