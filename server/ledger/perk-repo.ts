/**
 * Queries behind recording perks in batches (server/ledger/perks.ts): everything a batch of perk
 * requests needs is read in a few statements, whatever the batch's size, so appends cost round
 * trips per batch rather than per entry. Only ever called under the chain head's lock.
 */
import { sql } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import type { hotels } from '../db/schema.js';
import { eventAppend, type ActorEvent, type StoredEvent } from '../events/log.js';
import { AppError } from '../http/errors.js';
import { PERK_CATEGORIES } from '../../shared/ledger.js';
import { GENESIS_HASH } from './chain.js';
import { rowsOf } from '../db/rows.js';
import { chainEntries, INSERT_BATCH, insertEntriesCte, type EntryDraft, type Head, type LedgerRow } from './repo.js';

export interface IncidentTerms {
  currency: string;
  timezone: string;
  staffSpendLimitMinor: number;
  startedAt: Date;
}

/**
 * Lock the chain head (creating it on first use) and read the incident's terms, in one statement;
 * null when there is no such incident.
 */
export async function lockHeadWithIncident(tx: Tx, incidentId: string): Promise<{ head: Head; incident: IncidentTerms } | null> {
  const res = await tx.execute(sql`
    with h as (
      insert into ledger_heads (incident_id, seq, hash)
      select id, 0, ${GENESIS_HASH} from incidents where id = ${incidentId}
      on conflict (incident_id) do update set seq = ledger_heads.seq
      returning incident_id, seq, hash)
    select h.seq, h.hash, i.currency, i.timezone, i.staff_spend_limit_minor as "limit", i.started_at as "startedAt"
    from h join incidents i on i.id = h.incident_id`);
  const row = rowsOf<{ seq: number | string; hash: string; currency: string; timezone: string; limit: number | string; startedAt: Date | string }>(res)[0];
  if (!row) return null;
  return {
    head: { incidentId, seq: Number(row.seq), hash: row.hash },
    incident: { currency: row.currency, timezone: row.timezone, staffSpendLimitMinor: Number(row.limit), startedAt: new Date(row.startedAt) },
  };
}

export interface StayFact {
  hotelId: string;
  status: string;
  checkedInAt: Date | null;
  checkedOutAt: Date | null;
  endedAt: Date | null;
}

export interface PartyFacts {
  id: string;
  name: string;
  stays: StayFact[];
  guestIds: string[];
}

export type HotelFacts = Pick<typeof hotels.$inferSelect, 'id' | 'name' | 'perks'>;

export const pairKey = (userId: string, partyId: string) => `${userId}\u0000${partyId}`;
export const capKey = (partyId: string, hotelId: string, category: string) => `${partyId}\u0000${hotelId}\u0000${category}`;

/** Everything a batch of perk requests is decided on. */
export interface PerkFacts {
  parties: Map<string, PartyFacts>;
  hotels: Map<string, HotelFacts>;
  /**
   * What each member of staff has spent on each household without approval (posted perk charges
   * they recorded, net of their reversals), keyed by `pairKey`: the totals the staff limit applies to.
   */
  spent: Map<string, number>;
  /** Spend against the hotels' perk caps (charges not rejected, net of reversals), keyed by `capKey`. */
  perkSpent: Map<string, number>;
  /** Receipt photos of this incident among those cited (another incident's never match). */
  /** Photos cited, with the hotel whose reception uploaded each (null: a duty manager or admin). */
  receipts: Map<string, { id: string; sha256: string; hotelId: string | null }>;
}

export interface PerkFactsQuery {
  partyIds: string[];
  /** Hotels named by the requests; the hotels the households are placed at are added. */
  hotelIds: string[];
  /** Members of staff whose limit applies, and the households they ask for. */
  staffIds: string[];
  staffPartyIds: string[];
  receiptIds: string[];
}

const date = (v: string | null) => (v ? new Date(v) : null);
const arr = (v: string[]) => sql.param(v);

/**
 * The facts for a whole batch in one round trip, whatever its size: households with their stays
 * and guests, hotels with their perk terms, spend so far per (staff, household) and per (household,
 * hotel, category), and the receipt photos cited. Served by the (incident, party) indexes of
 * parties, guests and ledger_entries and the one-reversal / one-resolution indexes. Must run after
 * the head is locked (a statement of its own), so it sees every entry committed before.
 */
export async function perkFacts(tx: Tx, incidentId: string, q: PerkFactsQuery): Promise<PerkFacts> {
  const res = await tx.execute(sql`
    select json_build_object(
      'parties', (select json_agg(json_build_array(p.id, p.name,
          (select json_agg(json_build_array(s.hotel_id, s.status, s.checked_in_at, s.checked_out_at, s.ended_at))
             from stays s where s.incident_id = p.incident_id and s.party_id = p.id),
          (select json_agg(g.id) from guests g where g.incident_id = p.incident_id and g.party_id = p.id)))
        from parties p where p.incident_id = ${incidentId} and p.id = any(${arr(q.partyIds)}::text[])),
      'hotels', (select json_agg(json_build_array(h.id, h.name, h.perks)) from hotels h
        where h.incident_id = ${incidentId} and (h.id = any(${arr(q.hotelIds)}::text[]) or h.id in (
          select s.hotel_id from stays s where s.incident_id = ${incidentId} and s.party_id = any(${arr(q.partyIds)}::text[]) and s.status in ('checked_in', 'planned')))),
      'spent', (select json_agg(json_build_array(x.u, x.p, x.spent)) from (
          select c.recorded_by as u, c.party_id as p, sum(c.amount_minor + coalesce(r.amount_minor, 0)) as spent
          from ledger_entries c
          left join ledger_entries r on r.reverses_entry_id = c.id and r.kind = 'reversal'
          where c.incident_id = ${incidentId} and c.party_id = any(${arr(q.staffPartyIds)}::text[]) and c.recorded_by = any(${arr(q.staffIds)}::uuid[])
            and c.kind = 'charge' and c.status = 'posted' and c.category <> 'lodging' and c.category <> 'transport'
          group by c.recorded_by, c.party_id) x),
      'perkSpent', (select json_agg(json_build_array(y.p, y.h, y.c, y.spent)) from (
          select e.party_id as p, e.hotel_id as h, e.category as c, sum(e.amount_minor) as spent from ledger_entries e
          where e.incident_id = ${incidentId} and e.party_id = any(${arr(q.partyIds)}::text[]) and e.hotel_id is not null
            and e.category = any(${arr([...PERK_CATEGORIES])}::text[])
            and (e.kind = 'reversal' or (e.kind = 'charge' and not exists (
              select 1 from ledger_entries x where x.related_entry_id = e.id and x.kind = 'rejection')))
          group by e.party_id, e.hotel_id, e.category) y),
      'receipts', (select json_agg(json_build_array(r.id, r.sha256, r.hotel_id)) from ledger_receipts r
        where r.incident_id = ${incidentId} and r.id = any(${arr(q.receiptIds)}::uuid[]))
    )::text as facts`);
  const raw = JSON.parse(rowsOf<{ facts: string }>(res)[0]!.facts) as {
    parties: [string, string, [string, string, string | null, string | null, string | null][] | null, string[] | null][] | null;
    hotels: [string, string, HotelFacts['perks']][] | null;
    spent: [string, string, number][] | null;
    perkSpent: [string, string, string, number][] | null;
    receipts: [string, string, string | null][] | null;
  };
  const parties = new Map<string, PartyFacts>();
  for (const [id, name, stays, guests] of raw.parties ?? []) {
    parties.set(id, {
      id,
      name,
      stays: (stays ?? []).map(([hotelId, status, a, b, c]) => ({ hotelId, status, checkedInAt: date(a), checkedOutAt: date(b), endedAt: date(c) })),
      guestIds: guests ?? [],
    });
  }
  return {
    parties,
    // A hotel's perks that are not a list (written by hand) cap nothing rather than failing the batch.
    hotels: new Map(
      (raw.hotels ?? []).map(([id, name, perks]) => [id, { id, name, perks: Array.isArray(perks) ? perks.filter((p) => p && typeof p === 'object') : [] }]),
    ),
    spent: new Map((raw.spent ?? []).map(([u, p, n]) => [pairKey(u, p), Number(n)])),
    perkSpent: new Map((raw.perkSpent ?? []).map(([p, h, c, n]) => [capKey(p, h, c), Number(n)])),
    receipts: new Map((raw.receipts ?? []).map(([id, sha256, hotelId]) => [id, { id, sha256, hotelId }])),
  };
}

/**
 * Append the drafts to the chain after the locked head and their events to the incident's log, in
 * one statement: the entries (`insertEntriesCte`), the head moved, and the events through the same
 * SQL `appendEvents` uses (`eventAppend`, server/events/log.ts), each event with its own actor: a
 * group-committed batch holds requests of many members of staff. Moves `head`.
 */
export async function appendEntriesWithEvents(
  tx: Tx,
  head: Head,
  currency: string,
  drafts: EntryDraft[],
  eventsOf: (rows: LedgerRow[]) => ActorEvent[],
): Promise<{ rows: LedgerRow[]; events: StoredEvent[] }> {
  if (drafts.length === 0) return { rows: [], events: [] };
  if (drafts.length > INSERT_BATCH) throw new Error('appendEntriesWithEvents: batch too large for one statement');
  const rows = chainEntries(head, currency, drafts);
  const list = eventsOf(rows);
  const last = rows[rows.length - 1]!;
  const moved: Head = { incidentId: head.incidentId, seq: last.seq, hash: last.hash };
  const n = list.length;
  const at = new Date();
  const append = eventAppend(head.incidentId, list, at);
  const res = await tx.execute(sql`with ${insertEntriesCte(rows, moved)}, ${append.ctes} ${append.result}`);
  const row = rowsOf<{ last: number | string }>(res)[0];
  if (!row) throw new AppError('not_found', 'No such incident.');
  const lastSeq = Number(row.last);
  head.seq = moved.seq;
  head.hash = moved.hash;
  return { rows, events: list.map((x, i) => ({ ...x.event, incidentId: head.incidentId, seq: lastSeq - n + 1 + i, at: at.toISOString(), actor: x.actor })) };
}
