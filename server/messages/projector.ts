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
import type { Db, Tx } from '../db/client.js';
import { languageFor, renderTemplate, type Language, type TemplateKey } from '../../shared/messages.js';
import { loadSettings, loadTemplates } from './templates.js';
import { queueRoomingLists, ROOMING_TRIGGERS } from '../rooming/mail.js';
import { contactLine, helplineOf, perksText, roomsText, timeText, vehicleText, word } from './wording.js';
import { currentJourneys } from '../guest/journey.js';
import type { IncidentJobGuard } from '../jobs/isolation.js';
import * as repo from './repo.js';

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
  /**
   * Per-incident isolation for the background loop: an incident that fails is logged, reported
   * to its duty managers, retried with backoff, and the next incident goes on. Without guards
   * (direct calls) a failure throws.
   */
  guards?: { projection: IncidentJobGuard; notices: IncidentJobGuard };
}

const BATCH = 500;

/** Project every incident whose log is ahead of its cursor; returns how many events were read. */
export async function projectAll(db: Db, opts: ProjectorOptions): Promise<number> {
  const behind = await repo.incidentsBehind(db);
  let n = 0;
  const drain = async (id: string) => {
    for (;;) {
      const read = await projectIncident(db, id, opts);
      n += read;
      if (read < BATCH) break;
    }
  };
  for (const id of behind) {
    if (opts.guards) await opts.guards.projection.run(id, () => drain(id));
    else await drain(id);
  }
  return n;
}

/** One batch of one incident's events, in one transaction with the cursor; skipped if another process holds it. */
export async function projectIncident(db: Db, incidentId: string, opts: ProjectorOptions): Promise<number> {
  return db.transaction(async (tx) => {
    const cursor = await repo.lockCursor(tx, incidentId);
    if (!cursor) return 0;
    const list = await repo.eventsAfter(tx, incidentId, cursor.lastSeq, BATCH);
    if (!list.length) return 0;
    const drafts: Draft[] = [];
    for (const e of list) drafts.push(...(await draftsFor(tx, incidentId, e.seq, e.type, e.payload)));
    await enqueue(tx, incidentId, drafts, opts);
    if (opts.channels.has('email') && list.some((e) => ROOMING_TRIGGERS.has(e.type)))
      await queueRoomingLists(tx, incidentId, list[list.length - 1]!.seq, opts.now?.() ?? new Date());
    await repo.moveCursor(tx, incidentId, list[list.length - 1]!.seq);
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
      const stayRows = await repo.stayHotels(tx, incidentId, stranded, 'planned');
      const hotelOf = new Map(stayRows.map((s) => [s.partyId, s.hotelId]));
      return stranded.map((partyId) => ({
        partyId,
        key: 'delayed' as const,
        dedupe: `delayed:${partyId}:seq${seq}`,
        hotelId: hotelOf.get(partyId) ?? null,
        departTbc: true,
      }));
    }
    case 'guest.checked_in': {
      const partyId = String(payload.partyId);
      const hotelId = String(payload.hotelId);
      return [
        {
          partyId,
          key: 'checked_in',
          dedupe: `checked_in:${partyId}:${hotelId}`,
          hotelId,
          roomNumbers: (payload.roomNumbers as Record<string, string[]> | undefined) ?? null,
        },
      ];
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
  const newStays = await repo.liveStaysOfPlan(tx, incidentId, planId);
  const rides = await repo.plannedRidesOfPlan(tx, incidentId, planId);
  const rideOf = new Map(rides.map((r) => [r.partyId, r]));
  const movedIds = newStays.filter((s) => moved.has(s.partyId)).map((s) => s.partyId);
  const previous = movedIds.length ? await repo.stayHotels(tx, incidentId, movedIds, 'cancelled', true) : [];
  const prevHotel = new Map<string, string>();
  for (const p of previous) if (!prevHotel.has(p.partyId)) prevHotel.set(p.partyId, p.hotelId);
  const told = new Set<string>();
  for (const s of newStays) {
    const key: TemplateKey = moved.has(s.partyId) ? 're_routed' : 'assigned';
    told.add(s.partyId);
    drafts.push({
      partyId: s.partyId,
      key,
      dedupe: `${key}:${s.partyId}:${s.id}`,
      hotelId: s.hotelId,
      previousHotelId: prevHotel.get(s.partyId) ?? null,
      tripId: rideOf.get(s.partyId)?.tripId ?? null,
    });
  }
  const retimed = rides.filter((r) => !told.has(r.partyId));
  if (retimed.length) {
    const retimedIds = retimed.map((r) => r.partyId);
    const before = await repo.cancelledRides(tx, incidentId, retimedIds);
    const lastRide = new Map<string, Date>();
    for (const b of before) if (!lastRide.has(b.partyId)) lastRide.set(b.partyId, b.departAt);
    const hotelRows = await repo.stayHotels(tx, incidentId, retimedIds, 'planned');
    const hotelOf = new Map(hotelRows.map((h) => [h.partyId, h.hotelId]));
    for (const r of retimed) {
      const old = lastRide.get(r.partyId);
      if (old && r.departAt.getTime() - old.getTime() >= 5 * 60_000)
        drafts.push({
          partyId: r.partyId,
          key: 'delayed',
          dedupe: `delayed:${r.partyId}:${r.tripId}`,
          hotelId: hotelOf.get(r.partyId) ?? null,
          tripId: r.tripId,
        });
    }
  }
  return drafts;
}

/** Households on trips leaving within their incident's notice window get one "leaving soon" each. */
export async function departureNotices(db: Db, opts: ProjectorOptions, now: Date): Promise<number> {
  const horizon = new Date(now.getTime() + 720 * 60_000);
  const rows = await repo.ridersLeavingBetween(db, now, horizon);
  const due = rows.filter((r) => r.departAt.getTime() - now.getTime() <= (r.minutes ?? 30) * 60_000);
  const byIncident = new Map<string, Draft[]>();
  for (const r of due) {
    const list = byIncident.get(r.incidentId) ?? [];
    list.push({ partyId: r.partyId, key: 'departing_soon', dedupe: `departing_soon:${r.partyId}:${r.tripId}`, hotelId: r.hotelId, tripId: r.tripId });
    byIncident.set(r.incidentId, list);
  }
  let n = 0;
  for (const [incidentId, drafts] of byIncident) {
    const write = () => db.transaction((tx) => enqueue(tx, incidentId, drafts, opts));
    if (!opts.guards) n += await write();
    else {
      const r = await opts.guards.notices.run(incidentId, write);
      if (r.status === 'ok') n += r.value;
    }
  }
  return n;
}

/** Render each draft in the household's language and write one outbox row per channel it can reach. */
export async function enqueue(tx: Tx, incidentId: string, drafts: Draft[], opts: ProjectorOptions): Promise<number> {
  if (!drafts.length) return 0;
  const partyIds = [...new Set(drafts.map((d) => d.partyId))];
  // One after another: a transaction is one connection, and node-postgres does not pipeline.
  const { inc, partyRows, hotelRows, siteRows } = await repo.renderParts(tx, incidentId, partyIds);
  // Vehicle, time and hotel come from where each journey stands now, read as the status page reads it.
  const journeys = await currentJourneys(tx, incidentId, partyIds);
  const lookup = await loadTemplates(tx, incidentId);
  const settings = await loadSettings(tx, incidentId);
  const party = new Map(partyRows.map((p) => [p.id, p]));
  const hotel = new Map(hotelRows.map((h) => [h.id, h]));
  const site = new Map(siteRows.map((s) => [s.id, s.name]));
  const now = opts.now?.() ?? new Date();
  const timezone = inc?.timezone ?? 'UTC';
  const helpline = helplineOf(inc?.helpline, settings.helplinePhone);
  const rows: repo.NewOutboxRow[] = [];
  for (const d of drafts) {
    const p = party.get(d.partyId);
    if (!p) continue;
    const lang: Language = languageFor(p.language);
    const j = journeys.get(p.id);
    // A household with no stay left (left the plan) keeps the hotel the event named.
    const h = j?.current?.hotel ?? (d.hotelId ? hotel.get(d.hotelId) : undefined);
    const ride = j?.ride;
    const t = ride?.trip;
    const link = p.statusToken ? `${opts.publicUrl.replace(/\/$/, '')}/#/s/${p.statusToken}` : word(lang, 'staff');
    const values: Record<string, string> = {
      household: p.name,
      link,
      feedbackLink: p.statusToken ? `${link}/feedback` : link,
      helpline: helpline || word(lang, 'staff'),
      hotel: h?.name ?? word(lang, 'tbc'),
      previousHotel: (d.previousHotelId && hotel.get(d.previousHotelId)?.name) || word(lang, 'tbc'),
      address: h?.address || word(lang, 'tbc'),
      hotelPhone: h?.phone || word(lang, 'tbc'),
      perks: perksText(lang, h?.perks ?? []),
      vehicle: d.departTbc ? word(lang, 'tbc') : vehicleText(lang, ride?.vehicle ?? null),
      departAt: d.departTbc ? word(lang, 'tbc') : timeText(lang, t?.departAt ?? null, timezone, now),
      from: ride?.from || site.get(p.siteId) || word(lang, 'tbc'),
      rooms: roomsText(d.roomNumbers ?? j?.current?.stay.roomNumbers, lang),
    };
    const rendered = renderTemplate(lookup(d.key, lang), values);
    const subject = rendered.subject;
    const body = `${rendered.body.trimEnd()}\n\n${contactLine(lang, helpline, h ?? null)}`;
    const base = { incidentId, partyId: p.id, template: d.key, subject, body, language: lang };
    rows.push({ ...base, channel: 'page', recipient: 'status-link', dedupeKey: `${d.dedupe}:page`, status: 'sent', sentAt: now });
    if (opts.channels.has('email') && p.email) rows.push({ ...base, channel: 'email', recipient: p.email, dedupeKey: `${d.dedupe}:email`, nextAttemptAt: now });
    if (opts.channels.has('sms') && p.phone) rows.push({ ...base, channel: 'sms', recipient: p.phone, dedupeKey: `${d.dedupe}:sms`, nextAttemptAt: now });
  }
  return repo.insertOutbox(tx, rows);
}
