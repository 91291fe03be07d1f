/**
 * Turns the incident's committed events into guest messages. The event log is written in the
 * same transaction as each change, so it is our transactional outbox: this projector reads it
 * after a per-incident cursor and, in ONE transaction, writes the outbox rows and moves the cursor.
 * A crash before that commit leaves the cursor behind and the events are projected again; the
 * unique (incident, dedupe_key) makes a repeat insert nothing. No message is lost or doubled.
 *
 * Departure notices are time-driven, not event-driven: a tick looks for trips leaving within the
 * incident's notice window; the dedupe key (party, trip) makes each notice once.
 */
import { and, asc, desc, eq, gt, gte, inArray, lte, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { events, hotels, incidents, messageCursors, messageSettings, outbox, parties, sites, stays, tripRiders, trips, vehicles } from '../db/schema.js';
import { languageFor, renderTemplate, type Language, type TemplateKey } from '../../shared/messages.js';
import { loadSettings, loadTemplates } from './templates.js';
import { perksText, roomsText, timeText, vehicleText, word } from './wording.js';

/** One message to one household, before it is rendered per language and channel. */
export interface Draft {
  partyId: string;
  key: TemplateKey;
  /** Unique per incident and message; the channel is appended. */
  dedupe: string;
  hotelId?: string | null;
  previousHotelId?: string | null;
  tripId?: string | null;
  /** Departure is not known yet (the vehicle broke down). */
  departTbc?: boolean;
  roomNumbers?: Record<string, string[]> | null;
}

export interface ProjectorOptions {
  /** Absolute base of the status link, e.g. https://relocate.example.org */
  publicUrl: string;
  /** Channels with a transport in this deployment; the status page ('page') is always written. */
  channels: ReadonlySet<'email' | 'sms'>;
  now?: () => Date;
}

const BATCH = 500;

/** Project every incident whose log is ahead of its cursor; returns how many events were read. */
export async function projectAll(db: Db, opts: ProjectorOptions): Promise<number> {
  const behind = await db
    .select({ id: incidents.id })
    .from(incidents)
    .leftJoin(messageCursors, eq(messageCursors.incidentId, incidents.id))
    .where(sql`${incidents.lastSeq} > coalesce(${messageCursors.lastSeq}, 0)`);
  let n = 0;
  for (const { id } of behind) {
    for (;;) {
      const read = await projectIncident(db, id, opts);
      n += read;
      if (read < BATCH) break;
    }
  }
  return n;
}

/** One batch of one incident's events, in one transaction with the cursor; skipped if another process holds it. */
export async function projectIncident(db: Db, incidentId: string, opts: ProjectorOptions): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.insert(messageCursors).values({ incidentId, lastSeq: 0 }).onConflictDoNothing();
    const [cursor] = await tx.select().from(messageCursors).where(eq(messageCursors.incidentId, incidentId)).for('update', { skipLocked: true });
    if (!cursor) return 0;
    const list = await tx.select().from(events).where(and(eq(events.incidentId, incidentId), gt(events.seq, cursor.lastSeq))).orderBy(asc(events.seq)).limit(BATCH);
    if (!list.length) return 0;
    const drafts: Draft[] = [];
    for (const e of list) drafts.push(...(await draftsFor(tx, incidentId, e.seq, e.type, e.payload)));
    await enqueue(tx, incidentId, drafts, opts);
    await tx.update(messageCursors).set({ lastSeq: list[list.length - 1]!.seq, updatedAt: new Date() }).where(eq(messageCursors.incidentId, incidentId));
    return list.length;
  });
}

/** Which households an event should tell, and what. */
async function draftsFor(tx: Tx, incidentId: string, seq: number, type: string, payload: Record<string, unknown>): Promise<Draft[]> {
  switch (type) {
    case 'plan.applied':
      return planDrafts(tx, incidentId, String(payload.planId), new Set((payload.moved as string[] | undefined) ?? []));
    case 'vehicle.status_changed': {
      if (payload.to !== 'out_of_service') return [];
      const stranded = (payload.strandedPartyIds as string[] | undefined) ?? [];
      if (!stranded.length) return [];
      const stayRows = await tx.select({ partyId: stays.partyId, hotelId: stays.hotelId }).from(stays).where(and(eq(stays.incidentId, incidentId), inArray(stays.partyId, stranded), eq(stays.status, 'planned')));
      const hotelOf = new Map(stayRows.map((s) => [s.partyId, s.hotelId]));
      return stranded.map((partyId) => ({ partyId, key: 'delayed' as const, dedupe: `delayed:${partyId}:seq${seq}`, hotelId: hotelOf.get(partyId) ?? null, departTbc: true }));
    }
    case 'guest.checked_in': {
      const partyId = String(payload.partyId);
      const hotelId = String(payload.hotelId);
      return [{ partyId, key: 'checked_in', dedupe: `checked_in:${partyId}:${hotelId}`, hotelId, roomNumbers: (payload.roomNumbers as Record<string, string[]> | undefined) ?? null }];
    }
    case 'guest.checked_out': {
      const partyId = String(payload.partyId);
      const hotelId = String(payload.hotelId);
      return [{ partyId, key: 'feedback_request', dedupe: `feedback_request:${partyId}:${hotelId}`, hotelId }];
    }
    default:
      return [];
  }
}

/**
 * After a plan is applied: stays written by this plan are new (assigned) or changed hotel
 * (re-routed); households whose hotel stayed but whose new ride leaves later hear of the delay.
 */
async function planDrafts(tx: Tx, incidentId: string, planId: string, moved: Set<string>): Promise<Draft[]> {
  const drafts: Draft[] = [];
  const newStays = await tx.select().from(stays).where(and(eq(stays.incidentId, incidentId), eq(stays.planId, planId), inArray(stays.status, ['planned', 'checked_in'])));
  const rides = await tx
    .select({ partyId: tripRiders.partyId, tripId: trips.id, departAt: trips.departAt })
    .from(tripRiders)
    .innerJoin(trips, eq(trips.id, tripRiders.tripId))
    .where(and(eq(tripRiders.incidentId, incidentId), eq(trips.planId, planId), eq(tripRiders.status, 'planned')));
  const rideOf = new Map(rides.map((r) => [r.partyId, r]));
  const movedIds = newStays.filter((s) => moved.has(s.partyId)).map((s) => s.partyId);
  const previous = movedIds.length
    ? await tx.select({ partyId: stays.partyId, hotelId: stays.hotelId }).from(stays).where(and(eq(stays.incidentId, incidentId), inArray(stays.partyId, movedIds), eq(stays.status, 'cancelled'))).orderBy(desc(stays.endedAt))
    : [];
  const prevHotel = new Map<string, string>();
  for (const p of previous) if (!prevHotel.has(p.partyId)) prevHotel.set(p.partyId, p.hotelId);
  const told = new Set<string>();
  for (const s of newStays) {
    const key: TemplateKey = moved.has(s.partyId) ? 're_routed' : 'assigned';
    told.add(s.partyId);
    drafts.push({ partyId: s.partyId, key, dedupe: `${key}:${s.partyId}:${s.id}`, hotelId: s.hotelId, previousHotelId: prevHotel.get(s.partyId) ?? null, tripId: rideOf.get(s.partyId)?.tripId ?? null });
  }
  const retimed = rides.filter((r) => !told.has(r.partyId));
  if (retimed.length) {
    const before = await tx
      .select({ partyId: tripRiders.partyId, departAt: trips.departAt, createdAt: trips.createdAt })
      .from(tripRiders)
      .innerJoin(trips, eq(trips.id, tripRiders.tripId))
      .where(and(eq(tripRiders.incidentId, incidentId), inArray(tripRiders.partyId, retimed.map((r) => r.partyId)), eq(tripRiders.status, 'cancelled')))
      .orderBy(desc(trips.createdAt));
    const lastRide = new Map<string, Date>();
    for (const b of before) if (!lastRide.has(b.partyId)) lastRide.set(b.partyId, b.departAt);
    const hotelRows = await tx.select({ partyId: stays.partyId, hotelId: stays.hotelId }).from(stays).where(and(eq(stays.incidentId, incidentId), inArray(stays.partyId, retimed.map((r) => r.partyId)), eq(stays.status, 'planned')));
    const hotelOf = new Map(hotelRows.map((h) => [h.partyId, h.hotelId]));
    for (const r of retimed) {
      const old = lastRide.get(r.partyId);
      if (old && r.departAt.getTime() - old.getTime() >= 5 * 60_000) drafts.push({ partyId: r.partyId, key: 'delayed', dedupe: `delayed:${r.partyId}:${r.tripId}`, hotelId: hotelOf.get(r.partyId) ?? null, tripId: r.tripId });
    }
  }
  return drafts;
}

/** Households on trips leaving within their incident's notice window get one "leaving soon" each. */
export async function departureNotices(db: Db, opts: ProjectorOptions, now: Date): Promise<number> {
  const horizon = new Date(now.getTime() + 720 * 60_000);
  const rows = await db
    .select({ incidentId: trips.incidentId, tripId: trips.id, departAt: trips.departAt, partyId: tripRiders.partyId, hotelId: tripRiders.hotelId, minutes: messageSettings.departureNoticeMinutes })
    .from(trips)
    .innerJoin(tripRiders, eq(tripRiders.tripId, trips.id))
    .leftJoin(messageSettings, eq(messageSettings.incidentId, trips.incidentId))
    .where(and(inArray(trips.status, ['planned', 'boarding']), gte(trips.departAt, now), lte(trips.departAt, horizon), eq(tripRiders.status, 'planned')));
  const due = rows.filter((r) => r.departAt.getTime() - now.getTime() <= (r.minutes ?? 30) * 60_000);
  const byIncident = new Map<string, Draft[]>();
  for (const r of due) {
    const list = byIncident.get(r.incidentId) ?? [];
    list.push({ partyId: r.partyId, key: 'departing_soon', dedupe: `departing_soon:${r.partyId}:${r.tripId}`, hotelId: r.hotelId, tripId: r.tripId });
    byIncident.set(r.incidentId, list);
  }
  let n = 0;
  for (const [incidentId, drafts] of byIncident) n += await db.transaction((tx) => enqueue(tx, incidentId, drafts, opts));
  return n;
}

/** Render each draft in the household's language and write one outbox row per channel it can reach. */
export async function enqueue(tx: Tx, incidentId: string, drafts: Draft[], opts: ProjectorOptions): Promise<number> {
  if (!drafts.length) return 0;
  const partyIds = [...new Set(drafts.map((d) => d.partyId))];
  const tripIds = [...new Set(drafts.map((d) => d.tripId).filter((t): t is string => Boolean(t)))];
  const [inc] = await tx.select({ timezone: incidents.timezone }).from(incidents).where(eq(incidents.id, incidentId));
  // One after another: a transaction is one connection, and node-postgres does not pipeline.
  const partyRows = await tx.select().from(parties).where(and(eq(parties.incidentId, incidentId), inArray(parties.id, partyIds)));
  const hotelRows = await tx.select().from(hotels).where(eq(hotels.incidentId, incidentId));
  const siteRows = await tx.select({ id: sites.id, name: sites.name }).from(sites).where(eq(sites.incidentId, incidentId));
  const tripRows = tripIds.length ? await tx.select().from(trips).where(inArray(trips.id, tripIds)) : [];
  const vehicleRows = await tx.select({ id: vehicles.id, kind: vehicles.kind, provider: vehicles.provider }).from(vehicles).where(eq(vehicles.incidentId, incidentId));
  const lookup = await loadTemplates(tx, incidentId);
  const settings = await loadSettings(tx, incidentId);
  const party = new Map(partyRows.map((p) => [p.id, p]));
  const hotel = new Map(hotelRows.map((h) => [h.id, h]));
  const site = new Map(siteRows.map((s) => [s.id, s.name]));
  const trip = new Map(tripRows.map((t) => [t.id, t]));
  const vehicle = new Map(vehicleRows.map((v) => [v.id, v]));
  const now = opts.now?.() ?? new Date();
  const timezone = inc?.timezone ?? 'UTC';
  const rows: (typeof outbox.$inferInsert)[] = [];
  for (const d of drafts) {
    const p = party.get(d.partyId);
    if (!p) continue;
    const lang: Language = languageFor(p.language);
    const h = d.hotelId ? hotel.get(d.hotelId) : undefined;
    const t = d.tripId ? trip.get(d.tripId) : undefined;
    const link = p.statusToken ? `${opts.publicUrl.replace(/\/$/, '')}/#/s/${p.statusToken}` : word(lang, 'staff');
    const values: Record<string, string> = {
      household: p.name,
      link,
      feedbackLink: p.statusToken ? `${link}/feedback` : link,
      helpline: settings.helplinePhone || word(lang, 'staff'),
      hotel: h?.name ?? word(lang, 'tbc'),
      previousHotel: (d.previousHotelId && hotel.get(d.previousHotelId)?.name) || word(lang, 'tbc'),
      address: h?.address || word(lang, 'tbc'),
      hotelPhone: h?.phone || word(lang, 'tbc'),
      perks: perksText(lang, h?.perks ?? []),
      vehicle: d.departTbc ? word(lang, 'tbc') : vehicleText(lang, t ? (vehicle.get(t.vehicleId) ?? null) : null),
      departAt: d.departTbc ? word(lang, 'tbc') : timeText(lang, t?.departAt ?? null, timezone, now),
      from: (t && site.get(t.fromSiteId)) || site.get(p.siteId) || word(lang, 'tbc'),
      rooms: roomsText(d.roomNumbers, lang),
    };
    const { subject, body } = renderTemplate(lookup(d.key, lang), values);
    const base = { incidentId, partyId: p.id, template: d.key, subject, body, language: lang };
    rows.push({ ...base, channel: 'page', recipient: 'status-link', dedupeKey: `${d.dedupe}:page`, status: 'sent', sentAt: now });
    if (opts.channels.has('email') && p.email) rows.push({ ...base, channel: 'email', recipient: p.email, dedupeKey: `${d.dedupe}:email`, nextAttemptAt: now });
    if (opts.channels.has('sms') && p.phone) rows.push({ ...base, channel: 'sms', recipient: p.phone, dedupeKey: `${d.dedupe}:sms`, nextAttemptAt: now });
  }
  let inserted = 0;
  for (let i = 0; i < rows.length; i += 200) {
    const res = await tx.insert(outbox).values(rows.slice(i, i + 200)).onConflictDoNothing({ target: [outbox.incidentId, outbox.dedupeKey] }).returning({ id: outbox.id });
    inserted += res.length;
  }
  return inserted;
}
