/** Typed event-log fixtures: a test builds an event the way the server's writer must, payload and all. */
import type { EventPayloads, EventType, LedgerEventBase } from '../../shared/events.js';
import type { LiveEventMeta, LiveEventOf } from '../../shared/realtime.js';

/** One committed event of type `type`, its payload checked against `EventPayloads`. */
export function liveEvent<K extends EventType>(seq: number, type: K, payload: EventPayloads[K], meta: Partial<LiveEventMeta> = {}): LiveEventOf<K> {
  const event = {
    incidentId: 'i',
    seq,
    at: new Date(Date.UTC(2026, 2, 1, 20, seq)).toISOString(),
    actor: { userId: 'u', name: 'Sam Second' },
    ...meta,
    type,
    payload,
  };
  // A mapped union cannot be rebuilt from a generic key without this step; the parameters are checked.
  return event as unknown as LiveEventOf<K>;
}

/** The fields every ledger event carries, with `over` on top. */
export function ledgerBase(over: Partial<LedgerEventBase> = {}): LedgerEventBase {
  return {
    entryId: 'e',
    ledgerSeq: 1,
    kind: 'charge',
    category: 'meal',
    amountMinor: 0,
    currency: 'GBP',
    status: 'posted',
    partyId: null,
    hotelId: null,
    tripId: null,
    flags: [],
    ...over,
  };
}
