/**
 * The exceptions queue's storage, and the one way any service opens or closes an item: inside the
 * service's own transaction, with an `attention.opened` / `attention.resolved` event, so an item
 * exists exactly when the change that caused it committed and every console hears of it.
 */
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { attentionItems, guests, hotels, incidents, parties, rollcallLinks, sites, tripRiders, trips, vehicles } from '../db/schema.js';
import type { AttentionItem, AttentionKind, AttentionPlace } from '../../shared/attention.js';
import type { Actor, Emit } from '../events/log.js';
import { isoUtc } from '../../shared/time.js';

export type { Emit } from '../events/log.js';
type Row = typeof attentionItems.$inferSelect;

export interface AttentionDraft {
  kind: AttentionKind;
  partyId: string | null;
  guestIds: readonly string[];
  place: AttentionPlace | null;
  tripId?: string | null;
  summary: string;
  suggestion: string;
  /** One open item per situation: a second draft with the same key opens nothing. */
  dedupeKey: string;
}

/** Open items for these drafts (skipping situations already open) and announce them; returns the new items. */
export async function openAttention(tx: Tx, emit: Emit, incidentId: string, actor: Actor, drafts: readonly AttentionDraft[]): Promise<AttentionItem[]> {
  const wanted = drafts.filter((d) => d.guestIds.length > 0 || d.kind === 'unplaced');
  if (!wanted.length) return [];
  const inserted: Row[] = [];
  for (let i = 0; i < wanted.length; i += 500) {
    const rows = await tx
      .insert(attentionItems)
      .values(
        wanted.slice(i, i + 500).map((d) => ({
          incidentId,
          kind: d.kind,
          partyId: d.partyId,
          guestIds: [...d.guestIds],
          placeKind: d.place?.kind ?? null,
          placeId: d.place?.id ?? null,
          placeName: d.place?.name ?? null,
          tripId: d.tripId ?? null,
          summary: d.summary,
          suggestion: d.suggestion,
          dedupeKey: d.dedupeKey,
          createdSeq: 0,
        })),
      )
      .onConflictDoNothing({ target: [attentionItems.incidentId, attentionItems.dedupeKey], where: sql`resolved_at is null` })
      .returning();
    inserted.push(...rows);
  }
  if (!inserted.length) return [];
  const items = await present(tx, incidentId, inserted);
  const [ev] = await emit(incidentId, actor, [
    {
      type: 'attention.opened',
      payload: {
        items,
        partyIds: uniq(items.map((x) => x.partyId)),
        guestIds: items.flatMap((x) => x.guestIds),
        hotelIds: uniq(items.map((x) => (x.place?.kind === 'hotel' ? x.place.id : null))),
      },
    },
  ]);
  const ids = inserted.map((r) => r.id);
  for (let i = 0; i < ids.length; i += 1000)
    await tx
      .update(attentionItems)
      .set({ createdSeq: ev!.seq })
      .where(inArray(attentionItems.id, ids.slice(i, i + 1000)));
  return items.map((x) => ({ ...x, seq: ev!.seq }));
}

/**
 * The same situation reported again (a guest asking for help once more): while its item is open,
 * the item takes the draft's people and suggestion, and its words unless `keepWords` (a repeat
 * with nothing to add keeps what was said before), counts one more report, and every console hears
 * of it (`attention.updated`); otherwise the draft opens a new item. One open item per situation
 * however often it is reported, so whoever holds a household's status link cannot fill the list.
 */
export async function reportAgain(
  tx: Tx,
  emit: Emit,
  incidentId: string,
  actor: Actor,
  draft: AttentionDraft,
  keepWords: boolean,
): Promise<AttentionItem | null> {
  if (!draft.guestIds.length && draft.kind !== 'unplaced') return null;
  const [row] = await tx
    .update(attentionItems)
    .set({
      guestIds: [...draft.guestIds],
      suggestion: draft.suggestion,
      ...(keepWords ? {} : { summary: draft.summary }),
      reports: sql`${attentionItems.reports} + 1`,
      repeatedAt: new Date(),
    })
    .where(and(eq(attentionItems.incidentId, incidentId), eq(attentionItems.dedupeKey, draft.dedupeKey), isNull(attentionItems.resolvedAt)))
    .returning();
  if (!row) return (await openAttention(tx, emit, incidentId, actor, [draft]))[0] ?? null;
  const [item] = await present(tx, incidentId, [row]);
  await emit(incidentId, actor, [
    {
      type: 'attention.updated',
      payload: {
        items: [item!],
        partyIds: uniq([item!.partyId]),
        guestIds: item!.guestIds,
        hotelIds: uniq([item!.place?.kind === 'hotel' ? item!.place.id : null]),
      },
    },
  ]);
  return item!;
}

/**
 * What a household's leaving our hands cures (own way, whoever says so; a duty manager's no-show):
 * it needs no bed, seat or vehicle from us any more. Its `missing` items too, unless a member
 * reported missing stays missing (a household-level move does not move them).
 */
export function curedByLeaving(stillMissing: boolean): AttentionKind[] {
  return ['unplaced', 'left_behind', 'transport_lost', 'overdue', ...(stillMissing ? [] : (['missing'] as const))];
}

/**
 * People taken off the guest list (a guest typed twice): open items of the household stop naming
 * them, and an item about nobody but them closes (they never existed to be found, carried or
 * checked in). An item about the household as a whole (`unplaced`) stays, naming the rest.
 */
export async function forgetGuests(tx: Tx, emit: Emit, incidentId: string, actor: Actor, partyId: string, removed: readonly string[]): Promise<void> {
  if (!removed.length) return;
  const gone = new Set(removed);
  const rows = await tx
    .select()
    .from(attentionItems)
    .where(and(eq(attentionItems.incidentId, incidentId), eq(attentionItems.partyId, partyId), isNull(attentionItems.resolvedAt)))
    .for('update');
  const touched = rows.filter((r) => r.guestIds.some((id) => gone.has(id)));
  if (!touched.length) return;
  const emptied = touched.filter((r) => r.kind !== 'unplaced' && r.guestIds.every((id) => gone.has(id)));
  const trimmed = touched.filter((r) => !emptied.includes(r));
  await resolveCured(tx, emit, incidentId, actor, emptied, 'taken off the guest list');
  if (!trimmed.length) return;
  const updated: Row[] = [];
  for (const r of trimmed) {
    const [row] = await tx
      .update(attentionItems)
      .set({ guestIds: r.guestIds.filter((id) => !gone.has(id)) })
      .where(eq(attentionItems.id, r.id))
      .returning();
    updated.push(row!);
  }
  const items = await present(tx, incidentId, updated);
  await emit(incidentId, actor, [
    {
      type: 'attention.updated',
      payload: {
        items,
        partyIds: [partyId],
        guestIds: items.flatMap((i) => i.guestIds),
        hotelIds: uniq(items.map((i) => (i.place?.kind === 'hotel' ? i.place.id : null))),
      },
    },
  ]);
}

/**
 * Close the `missing` items of those of these households of whom nobody is missing or a no-show any
 * more (found: set back to waiting, ticked aboard): an item naming people who are where they should
 * be would otherwise stay open until someone noticed. Members still missing keep theirs open.
 */
export async function closeFound(tx: Tx, emit: Emit, incidentId: string, actor: Actor, partyIds: readonly string[], note: string): Promise<number> {
  if (!partyIds.length) return 0;
  const lost = await tx
    .select({ partyId: guests.partyId })
    .from(guests)
    .where(and(eq(guests.incidentId, incidentId), inArray(guests.partyId, [...partyIds]), inArray(guests.whereabouts, ['missing', 'no_show'])));
  const still = new Set(lost.map((r) => r.partyId));
  return closeCured(
    tx,
    emit,
    incidentId,
    actor,
    partyIds.filter((p) => !still.has(p)),
    ['missing'],
    note,
  );
}

/**
 * Close the open items of these households (of these kinds) because the situation itself was
 * cured, e.g. the rest of the family checked in; recorded with a system note, announced like a
 * manager's resolution.
 */
export async function closeCured(
  tx: Tx,
  emit: Emit,
  incidentId: string,
  actor: Actor,
  partyIds: readonly string[],
  kinds: readonly AttentionKind[],
  note: string,
): Promise<number> {
  if (!partyIds.length || !kinds.length) return 0;
  const rows = await tx
    .select()
    .from(attentionItems)
    .where(
      and(
        eq(attentionItems.incidentId, incidentId),
        inArray(attentionItems.partyId, [...partyIds]),
        inArray(attentionItems.kind, [...kinds]),
        isNull(attentionItems.resolvedAt),
      ),
    )
    .for('update');
  await resolveCured(tx, emit, incidentId, actor, rows, note);
  return rows.length;
}

/** Resolve these locked open items as cured, with a system note, announced like a manager's resolution. */
async function resolveCured(tx: Tx, emit: Emit, incidentId: string, actor: Actor, rows: readonly Row[], note: string): Promise<void> {
  if (!rows.length) return;
  const [ev] = await emit(
    incidentId,
    actor,
    rows.map((r) => ({
      type: 'attention.resolved' as const,
      payload: { itemId: r.id, kind: r.kind as AttentionKind, partyId: r.partyId, guestIds: r.guestIds, note, by: actor.name, cured: true },
    })),
  );
  await tx
    .update(attentionItems)
    .set({ resolvedAt: new Date(ev!.at), resolvedBy: actor.userId, resolvedByName: actor.name, note })
    .where(
      inArray(
        attentionItems.id,
        rows.map((r) => r.id),
      ),
    );
}

export async function openItems(db: Db | Tx, incidentId: string): Promise<AttentionItem[]> {
  const rows = await db
    .select()
    .from(attentionItems)
    .where(and(eq(attentionItems.incidentId, incidentId), isNull(attentionItems.resolvedAt)))
    .orderBy(asc(attentionItems.createdAt), asc(attentionItems.id));
  return present(db, incidentId, rows);
}

export async function lockItem(tx: Tx, incidentId: string, itemId: string): Promise<Row | undefined> {
  const [row] = await tx
    .select()
    .from(attentionItems)
    .where(and(eq(attentionItems.incidentId, incidentId), eq(attentionItems.id, itemId)))
    .for('update');
  return row;
}

export async function markResolved(tx: Tx, itemId: string, at: Date, actor: Actor, note: string): Promise<Row> {
  const [row] = await tx
    .update(attentionItems)
    .set({ resolvedAt: at, resolvedBy: actor.userId, resolvedByName: actor.name, note })
    .where(eq(attentionItems.id, itemId))
    .returning();
  return row!;
}

/** Dedupe keys of the incident's open items (the sweep skips what is already open). */
export async function openKeys(db: Db | Tx, incidentId: string): Promise<Set<string>> {
  const rows = await db
    .select({ k: attentionItems.dedupeKey })
    .from(attentionItems)
    .where(and(eq(attentionItems.incidentId, incidentId), isNull(attentionItems.resolvedAt)));
  return new Set(rows.map((r) => r.k));
}

/** Items as they leave the server: the people by name, the household's name. */
export async function present(db: Db | Tx, incidentId: string, rows: readonly Row[]): Promise<AttentionItem[]> {
  const guestIds = uniq(rows.flatMap((r) => r.guestIds));
  const partyIds = uniq(rows.map((r) => r.partyId));
  // One after the other: `db` is often a transaction, which is one connection.
  const gs = await chunked(guestIds, (ids) =>
    db
      .select({ id: guests.id, name: guests.name, partyId: guests.partyId, position: guests.position })
      .from(guests)
      .where(and(eq(guests.incidentId, incidentId), inArray(guests.id, ids))),
  );
  const ps = await chunked(partyIds, (ids) =>
    db
      .select({ id: parties.id, name: parties.name })
      .from(parties)
      .where(and(eq(parties.incidentId, incidentId), inArray(parties.id, ids))),
  );
  const guestById = new Map(gs.map((g) => [g.id, g]));
  const partyName = new Map(ps.map((p) => [p.id, p.name]));
  return rows.map((r) => presentRow(r, guestById, partyName));
}

export function presentRow(r: Row, guestById: Map<string, { id: string; name: string; partyId: string }>, partyName: Map<string, string>): AttentionItem {
  return {
    id: r.id,
    kind: r.kind as AttentionKind,
    partyId: r.partyId,
    partyName: r.partyId ? (partyName.get(r.partyId) ?? r.partyId) : (r.placeName ?? null),
    guestIds: r.guestIds,
    people: r.guestIds
      .map((id) => guestById.get(id))
      .filter((g) => g !== undefined)
      .map((g) => ({ id: g.id, name: g.name, partyId: g.partyId })),
    place: r.placeKind && r.placeId ? { kind: r.placeKind as AttentionPlace['kind'], id: r.placeId, name: r.placeName ?? r.placeId } : null,
    tripId: r.tripId,
    summary: r.summary,
    suggestion: r.suggestion,
    createdAt: isoUtc(r.createdAt),
    seq: r.createdSeq,
    reports: r.reports,
    repeatedAt: r.repeatedAt ? isoUtc(r.repeatedAt) : null,
    resolvedAt: r.resolvedAt ? isoUtc(r.resolvedAt) : null,
    resolvedBy: r.resolvedByName,
    note: r.note,
  };
}

function uniq<T>(xs: readonly (T | null)[]): T[] {
  return [...new Set(xs.filter((x): x is T => x !== null))];
}

async function chunked<T>(ids: string[], q: (ids: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += 1000) out.push(...(await q(ids.slice(i, i + 1000))));
  return out;
}

/** "Jack and Jayden Davies", "Ann, Bob and Cy Lee": people named the way a person would say it. */
export function nameList(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? 'nobody';
  if (names.length > 6) return `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`;
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** The per-incident thresholds' columns (the cost tolerance is read from the policy). */
const SETTINGS = {
  overdueMinutes: incidents.overdueMinutes,
  notCheckedInMinutes: incidents.notCheckedInMinutes,
  shelterSlipMinutes: incidents.shelterSlipMinutes,
  costTolerancePct: sql<number | null>`(${incidents.policy}->>'costTolerancePct')::float8`,
};
export interface SettingsRow {
  overdueMinutes: number;
  notCheckedInMinutes: number;
  shelterSlipMinutes: number;
  costTolerancePct: number | null;
}
export type SettingsChange = Partial<{ overdueMinutes: number; notCheckedInMinutes: number; shelterSlipMinutes: number; costTolerancePct: number }>;

export async function settingsAndSeq(db: Db | Tx, incidentId: string): Promise<(SettingsRow & { lastSeq: number }) | undefined> {
  const [inc] = await db
    .select({ lastSeq: incidents.lastSeq, ...SETTINGS })
    .from(incidents)
    .where(eq(incidents.id, incidentId));
  return inc;
}

/** Change the thresholds given; the planner's tolerance goes into the incident's policy, where the next compute reads it. */
export async function updateSettings(tx: Tx, incidentId: string, change: SettingsChange): Promise<SettingsRow | undefined> {
  const { overdueMinutes, notCheckedInMinutes, shelterSlipMinutes, costTolerancePct } = change;
  const [inc] = await tx
    .update(incidents)
    .set({
      ...(overdueMinutes !== undefined ? { overdueMinutes } : {}),
      ...(notCheckedInMinutes !== undefined ? { notCheckedInMinutes } : {}),
      ...(shelterSlipMinutes !== undefined ? { shelterSlipMinutes } : {}),
      ...(costTolerancePct !== undefined ? { policy: sql`${incidents.policy} || ${JSON.stringify({ costTolerancePct })}::jsonb` } : {}),
    })
    .where(eq(incidents.id, incidentId))
    .returning(SETTINGS);
  return inc;
}

/** The sweep's thresholds, in minutes. */
export async function sweepThresholds(db: Db | Tx, incidentId: string): Promise<{ overdue: number; nci: number } | undefined> {
  const [inc] = await db.select({ overdue: incidents.overdueMinutes, nci: incidents.notCheckedInMinutes }).from(incidents).where(eq(incidents.id, incidentId));
  return inc;
}

/** A muster point's id and name. */
export async function siteRef(db: Db | Tx, incidentId: string, siteId: string): Promise<{ id: string; name: string } | undefined> {
  const [site] = await db
    .select({ id: sites.id, name: sites.name })
    .from(sites)
    .where(and(eq(sites.incidentId, incidentId), eq(sites.id, siteId)));
  return site;
}

/** The incident's status, the place's name and kind and its links' generation, when the incident has that place. */
export async function rollCallLinkState(
  db: Db | Tx,
  incidentId: string,
  siteId: string,
): Promise<{ status: string; siteName: string; siteKind: string; generation: number } | undefined> {
  const [row] = await db
    .select({ status: incidents.status, siteName: sites.name, siteKind: sites.kind, generation: rollcallLinks.generation })
    .from(incidents)
    .innerJoin(sites, and(eq(sites.incidentId, incidents.id), eq(sites.id, siteId)))
    .leftJoin(rollcallLinks, and(eq(rollcallLinks.incidentId, incidents.id), eq(rollcallLinks.siteId, siteId)))
    .where(eq(incidents.id, incidentId));
  return row ? { ...row, generation: row.generation ?? 1 } : undefined;
}

/** Move a site's roll-call links to their next generation: every link handed out so far stops (one statement: concurrent withdrawals each count). */
export async function bumpRollCallGeneration(
  tx: Tx,
  incidentId: string,
  siteId: string,
  userId: string | null,
): Promise<{ generation: number; revokedAt: Date | null }> {
  const [row] = await tx
    .insert(rollcallLinks)
    .values({ incidentId, siteId, generation: 2, revokedAt: sql`now()`, revokedBy: userId })
    .onConflictDoUpdate({
      target: [rollcallLinks.incidentId, rollcallLinks.siteId],
      set: { generation: sql`${rollcallLinks.generation} + 1`, revokedAt: sql`now()`, revokedBy: userId },
    })
    .returning({ generation: rollcallLinks.generation, revokedAt: rollcallLinks.revokedAt });
  return row!;
}

/** Members of these households with their whereabouts, household by household. */
export async function membersWhereabouts(db: Db | Tx, incidentId: string, partyIds: string[]): Promise<{ id: string; partyId: string; w: string }[]> {
  return db
    .select({ id: guests.id, partyId: guests.partyId, w: guests.whereabouts })
    .from(guests)
    .where(and(eq(guests.incidentId, incidentId), inArray(guests.partyId, partyIds)))
    .orderBy(guests.partyId, guests.position);
}

/** Hotel names and vehicle labels' parts of the incident. */
export function hotelNames(db: Db | Tx, incidentId: string): Promise<{ id: string; name: string }[]> {
  return db.select({ id: hotels.id, name: hotels.name }).from(hotels).where(eq(hotels.incidentId, incidentId));
}
export function vehicleNames(db: Db | Tx, incidentId: string): Promise<{ id: string; provider: string; kind: string }[]> {
  return db.select({ id: vehicles.id, provider: vehicles.provider, kind: vehicles.kind }).from(vehicles).where(eq(vehicles.incidentId, incidentId));
}

/** Guests at a hotel's door ("arrived"), with since when, household by household. */
export function arrivedGuests(db: Db | Tx, incidentId: string) {
  return db
    .select({ id: guests.id, partyId: guests.partyId, at: guests.whereaboutsAt })
    .from(guests)
    .where(and(eq(guests.incidentId, incidentId), eq(guests.whereabouts, 'arrived')))
    .orderBy(guests.partyId, guests.position);
}

/** Where these households were dropped: hotel and its name, with the household's name. */
export function droppedAt(db: Db | Tx, incidentId: string, partyIds: string[]) {
  return db
    .select({ partyId: tripRiders.partyId, hotelId: tripRiders.hotelId, name: hotels.name, party: parties.name })
    .from(tripRiders)
    .innerJoin(hotels, and(eq(hotels.incidentId, tripRiders.incidentId), eq(hotels.id, tripRiders.hotelId)))
    .innerJoin(parties, and(eq(parties.incidentId, tripRiders.incidentId), eq(parties.id, tripRiders.partyId)))
    .where(and(eq(tripRiders.incidentId, incidentId), inArray(tripRiders.partyId, partyIds), eq(tripRiders.status, 'dropped')));
}

/** A muster point's people still expected there: waiting, or marked missing. */
const expectedAt = (incidentId: string, siteId: string) =>
  and(eq(guests.incidentId, incidentId), eq(parties.siteId, siteId), inArray(guests.whereabouts, ['waiting', 'missing']));

/** Everyone of a muster point's households still waiting there or marked missing, in household order. */
export function rollCallRows(db: Db | Tx, incidentId: string, siteId: string) {
  return db
    .select({ party: parties, guest: guests })
    .from(guests)
    .innerJoin(parties, and(eq(parties.incidentId, guests.incidentId), eq(parties.id, guests.partyId)))
    .where(expectedAt(incidentId, siteId))
    .orderBy(parties.position, guests.position);
}

/** The same people under their guests' row locks, for recording a head count. */
export function lockRollCall(tx: Tx, incidentId: string, siteId: string) {
  return tx
    .select({ id: guests.id, partyId: guests.partyId, name: guests.name, w: guests.whereabouts, party: parties.name, phone: parties.phone })
    .from(guests)
    .innerJoin(parties, and(eq(parties.incidentId, guests.incidentId), eq(parties.id, guests.partyId)))
    .where(expectedAt(incidentId, siteId))
    .orderBy(parties.position, guests.position)
    .for('update', { of: [guests] });
}

/** The incident's trips that are planned, boarding or on the road. */
export function openTripsOf(db: Db | Tx, incidentId: string) {
  return db
    .select()
    .from(trips)
    .where(and(eq(trips.incidentId, incidentId), inArray(trips.status, ['planned', 'boarding', 'departed'])));
}

/**
 * Of these households, those whose ride has left the muster point without some of them (the trip
 * departed or done, the household aboard or set down): members found there now need a ride of their own.
 */
export async function ridesGone(tx: Tx, incidentId: string, partyIds: readonly string[]) {
  if (!partyIds.length) return [];
  return tx
    .select({
      partyId: tripRiders.partyId,
      tripId: trips.id,
      riderStatus: tripRiders.status,
      vehicle: { id: vehicles.id, provider: vehicles.provider, kind: vehicles.kind },
    })
    .from(tripRiders)
    .innerJoin(trips, eq(trips.id, tripRiders.tripId))
    .innerJoin(vehicles, and(eq(vehicles.incidentId, trips.incidentId), eq(vehicles.id, trips.vehicleId)))
    .where(
      and(
        eq(tripRiders.incidentId, incidentId),
        inArray(tripRiders.partyId, [...partyIds]),
        inArray(tripRiders.status, ['boarded', 'dropped']),
        inArray(trips.status, ['departed', 'completed']),
      ),
    );
}
