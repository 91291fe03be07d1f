/**
 * The household's own view through its status link (the token is the credential; no sign-in),
 * and what the household may send back: "we made our own way", "we need help", "someone is
 * missing", and how the stay went. Only that household's data ever leaves here.
 *
 * A reply is one transaction: recorded (a repeat of the phone's key records nothing), the
 * household's status changed where it should (own way leaves the plan and gives back its room
 * and seat), and a `guest.replied` event appended, which reaches duty managers' sockets after commit.
 * A duty manager then marks it handled (`guest.reply_handled`), which takes it off every console's
 * "Needs attention" list; with `resume` (help given) a household still marked "needs help" goes back
 * to where its journey stands (on a vehicle, placed, or waiting).
 */
import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { feedback, guestReplies, guests, guestStatuses, hotels, incidents, outbox, parties, sites, stays, tripRiders, trips, users, vehicles, type PartyStatus } from '../db/schema.js';
import { guestFeedbackSchema, guestReplySchema, handleReplySchema, languageFor, type GuestReplyResult, type GuestReplyView, type GuestStatusView, type HandleReplyResult, type ReplyKind, type StaffReplyView } from '../../shared/messages.js';
import { zodFieldErrors } from '../../shared/errors.js';
import { AppError, validationError } from '../http/errors.js';
import { commitWithEvents, type Actor, type EventBus, type NewEvent } from '../events/log.js';
import { isoUtc } from '../incidents/export.js';
import { releaseRooms } from '../stays/repo.js';
import { releaseSeatsOfParties } from '../stays/riders.js';
import { loadSettings } from '../messages/templates.js';

type PartyRow = typeof parties.$inferSelect;

/** Statuses in which a household is still on its way (a reply may change them). */
const BEFORE_ARRIVAL: PartyStatus[] = ['waiting', 'assigned', 'on_vehicle', 'needs_help'];
/** What each reply does to a household that has not arrived yet. */
const REPLY_STATUS: Record<ReplyKind, PartyStatus> = { own_way: 'self_evacuated', need_help: 'needs_help', missing_member: 'needs_help' };

export const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,128}$/;

export class GuestService {
  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
  ) {}

  /** The household behind a token, or "not found" (revoked, replaced, mistyped: all look the same). */
  async partyByToken(db: Db | Tx, token: string, lock = false): Promise<PartyRow> {
    if (!TOKEN_SHAPE.test(token)) throw notFound();
    const q = db.select().from(parties).where(eq(parties.statusToken, token));
    const [party] = lock ? await q.for('update') : await q;
    if (!party) throw notFound();
    return party;
  }

  async status(token: string): Promise<GuestStatusView> {
    const p = await this.partyByToken(this.db, token);
    const { incidentId, id: partyId } = p;
    const [[inc], settings, guestRows, stayRows, rideRows, replyRows, pageRows, [fb]] = await Promise.all([
      this.db.select({ name: incidents.name, timezone: incidents.timezone }).from(incidents).where(eq(incidents.id, incidentId)),
      loadSettings(this.db, incidentId),
      this.db.select({ id: guests.id, name: guests.name, age: guests.age, position: guests.position }).from(guests).where(and(eq(guests.incidentId, incidentId), eq(guests.partyId, partyId))),
      this.db.select({ stay: stays, hotel: hotels }).from(stays).innerJoin(hotels, and(eq(hotels.incidentId, stays.incidentId), eq(hotels.id, stays.hotelId))).where(and(eq(stays.incidentId, incidentId), eq(stays.partyId, partyId), inArray(stays.status, ['planned', 'checked_in', 'checked_out']))).orderBy(desc(stays.createdAt)).limit(5),
      this.db
        .select({ rider: tripRiders, trip: trips, vehicle: vehicles, from: sites.name })
        .from(tripRiders)
        .innerJoin(trips, eq(trips.id, tripRiders.tripId))
        .innerJoin(vehicles, and(eq(vehicles.incidentId, trips.incidentId), eq(vehicles.id, trips.vehicleId)))
        .innerJoin(sites, and(eq(sites.incidentId, trips.incidentId), eq(sites.id, trips.fromSiteId)))
        .where(and(eq(tripRiders.incidentId, incidentId), eq(tripRiders.partyId, partyId), inArray(tripRiders.status, ['planned', 'boarded', 'dropped'])))
        .orderBy(desc(trips.createdAt))
        .limit(3),
      this.db.select().from(guestReplies).where(and(eq(guestReplies.incidentId, incidentId), eq(guestReplies.partyId, partyId))).orderBy(desc(guestReplies.createdAt)).limit(20),
      this.db.select().from(outbox).where(and(eq(outbox.incidentId, incidentId), eq(outbox.partyId, partyId), eq(outbox.channel, 'page'))).orderBy(desc(outbox.createdAt)).limit(20),
      this.db.select().from(feedback).where(and(eq(feedback.incidentId, incidentId), eq(feedback.partyId, partyId))),
    ]);
    const current = stayRows.find((s) => s.stay.status !== 'checked_out') ?? stayRows[0];
    const ride = rideRows.find((r) => r.rider.status !== 'dropped') ?? (current ? rideRows.find((r) => r.rider.hotelId === current.stay.hotelId) : undefined);
    const h = current?.hotel;
    const stopIdx = ride && h ? ride.trip.stops.indexOf(h.id) : -1;
    const left = p.status === 'self_evacuated' || p.status === 'no_show';
    return {
      household: {
        name: p.name,
        unit: p.unit,
        passCode: p.passCode,
        status: p.status,
        language: languageFor(p.language),
        guests: guestRows.sort((a, b) => a.position - b.position).map((g) => ({ id: g.id, name: g.name, age: g.age })),
      },
      incident: { name: inc?.name ?? '', timezone: inc?.timezone ?? 'UTC', helplinePhone: settings.helplinePhone || null },
      destination:
        h && current && !left
          ? {
              name: h.name,
              address: h.address,
              phone: h.phone,
              lat: h.lat,
              lng: h.lng,
              mapUrl: `https://www.openstreetmap.org/?mlat=${h.lat}&mlon=${h.lng}#map=16/${h.lat}/${h.lng}`,
              perks: h.perks.map((k) => ({ kind: k.kind, note: k.note ?? null })),
              rooms: current.stay.rooms,
              roomNumbers: current.stay.roomNumbers,
              stayStatus: current.stay.status,
            }
          : null,
      transport:
        ride && !left
          ? {
              vehicleKind: ride.vehicle.kind,
              vehicleId: ride.vehicle.id,
              provider: ride.vehicle.provider,
              from: ride.from,
              departAt: isoUtc(ride.trip.departAt),
              eta: stopIdx >= 0 ? (ride.trip.arrivals[stopIdx] ?? null) : null,
              status: ride.rider.status === 'dropped' ? 'arrived' : ride.trip.status,
            }
          : null,
      replies: replyRows.map(presentReply),
      messages: pageRows.map((m) => ({ template: m.template, subject: m.subject, body: m.body, at: isoUtc(m.createdAt) })),
      feedback: fb ? { rating: fb.rating, comment: fb.comment } : null,
      feedbackOpen: p.status === 'checked_out' || p.status === 'checked_in' || pageRows.some((m) => m.template === 'feedback_request'),
      updatedAt: new Date().toISOString(),
    };
  }

  /** Record a reply once per phone key; change status where it should; tell the duty managers. */
  async reply(token: string, raw: unknown): Promise<GuestReplyResult> {
    const parsed = guestReplySchema.safeParse(raw);
    if (!parsed.success) throw validationError(zodFieldErrors(parsed.error, ['body']), 'reply');
    const req = parsed.data;
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const p = await this.partyByToken(tx, token, true);
      const [existing] = await tx.select().from(guestReplies).where(and(eq(guestReplies.incidentId, p.incidentId), eq(guestReplies.partyId, p.id), eq(guestReplies.clientKey, req.key)));
      if (existing) return { reply: presentReply(existing), status: p.status, recorded: false };
      let guestName: string | null = null;
      if (req.kind === 'missing_member') {
        if (!req.guestId && !req.text) throw validationError([{ path: 'body.guestId', message: 'say who is missing: pick a member or write a few words' }], 'reply');
        if (req.guestId) {
          const [g] = await tx.select({ name: guests.name }).from(guests).where(and(eq(guests.incidentId, p.incidentId), eq(guests.partyId, p.id), eq(guests.id, req.guestId)));
          if (!g) throw validationError([{ path: 'body.guestId', message: 'that person is not in your party' }], 'reply');
          guestName = g.name;
        }
      }
      const text = req.kind === 'own_way' ? [req.place, req.text].filter(Boolean).join(' - ') : req.text;
      const to = BEFORE_ARRIVAL.includes(p.status) ? REPLY_STATUS[req.kind] : p.status;
      const hotelIds = to === 'self_evacuated' && p.status !== 'self_evacuated' ? await leavePlan(tx, p.incidentId, p.id) : [];
      if (to !== p.status) await tx.update(parties).set({ status: to }).where(and(eq(parties.incidentId, p.incidentId), eq(parties.id, p.id)));
      const actor = { userId: null, name: `${p.name} (status link)` };
      // The id is chosen here so the event names the reply a console will mark handled.
      const replyId = randomUUID();
      const list: NewEvent[] = [
        {
          type: 'guest.replied',
          payload: { replyId, partyId: p.id, name: p.name, kind: req.kind, text, place: req.kind === 'own_way' ? req.place : null, guestId: req.kind === 'missing_member' ? (req.guestId ?? null) : null, guestName, from: p.status, to, hotelIds },
        },
      ];
      if (to !== p.status) list.push({ type: 'party.status_changed', payload: { partyId: p.id, name: p.name, from: p.status, to, note: `status link: ${text}`.slice(0, 1000), hotelIds } });
      const [ev] = await emit(p.incidentId, actor, list);
      const [row] = await tx
        .insert(guestReplies)
        .values({ id: replyId, incidentId: p.incidentId, partyId: p.id, kind: req.kind, text, guestId: req.kind === 'missing_member' ? (req.guestId ?? null) : null, clientKey: req.key, statusFrom: p.status, statusTo: to, eventSeq: ev!.seq })
        .returning();
      if (to !== p.status) await tx.insert(guestStatuses).values({ incidentId: p.incidentId, partyId: p.id, status: to, eventSeq: ev!.seq });
      return { reply: presentReply(row!), status: to, recorded: true };
    });
  }

  /** How the stay went: one answer per household; a second replaces the first. */
  async giveFeedback(token: string, raw: unknown): Promise<{ rating: number; comment: string }> {
    const parsed = guestFeedbackSchema.safeParse(raw);
    if (!parsed.success) throw validationError(zodFieldErrors(parsed.error, ['body']), 'feedback');
    const { rating, comment } = parsed.data;
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const p = await this.partyByToken(tx, token, true);
      const [stay] = await tx.select({ hotelId: stays.hotelId }).from(stays).where(and(eq(stays.incidentId, p.incidentId), eq(stays.partyId, p.id), inArray(stays.status, ['checked_in', 'checked_out']))).orderBy(desc(stays.createdAt)).limit(1);
      if (!stay) throw new AppError('conflict', 'You can tell us how your stay went once you have checked in at the hotel.');
      const now = new Date();
      await tx
        .insert(feedback)
        .values({ incidentId: p.incidentId, partyId: p.id, rating, comment, hotelId: stay.hotelId, createdAt: now, updatedAt: now })
        .onConflictDoUpdate({ target: [feedback.incidentId, feedback.partyId], set: { rating, comment, hotelId: stay.hotelId, updatedAt: now } });
      await emit(p.incidentId, { userId: null, name: `${p.name} (status link)` }, [{ type: 'guest.feedback_given', payload: { partyId: p.id, name: p.name, hotelId: stay.hotelId, rating, comment } }]);
      return { rating, comment };
    });
  }

  /**
   * Replies for the duty managers' console: newest first, or with `open` only those nobody has
   * handled yet, oldest first (the order they should be dealt with).
   */
  async repliesOf(incidentId: string, opts: { partyId?: string; open?: boolean; limit: number }): Promise<StaffReplyView[]> {
    const where = [eq(guestReplies.incidentId, incidentId)];
    if (opts.partyId) where.push(eq(guestReplies.partyId, opts.partyId));
    if (opts.open) where.push(isNull(guestReplies.handledAt));
    const rows = await this.db
      .select({ r: guestReplies, name: parties.name, handler: users.name })
      .from(guestReplies)
      .innerJoin(parties, and(eq(parties.incidentId, guestReplies.incidentId), eq(parties.id, guestReplies.partyId)))
      .leftJoin(users, eq(users.id, guestReplies.handledBy))
      .where(and(...where))
      .orderBy(opts.open ? asc(guestReplies.createdAt) : desc(guestReplies.createdAt))
      .limit(opts.limit);
    return rows.map(({ r, name, handler }) => presentStaffReply(r, name, handler));
  }

  /**
   * A duty manager marks a reply dealt with, once: one transaction records who, when and the note,
   * and appends `guest.reply_handled` so every console drops it from "Needs attention".
   */
  async handleReply(incidentId: string, replyId: string, raw: unknown, actor: Actor): Promise<HandleReplyResult> {
    const parsed = handleReplySchema.safeParse(raw ?? {});
    if (!parsed.success) throw validationError(zodFieldErrors(parsed.error, ['body']), 'request');
    const { note, resume } = parsed.data;
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const [found] = await tx
        .select({ r: guestReplies, name: parties.name, status: parties.status })
        .from(guestReplies)
        .innerJoin(parties, and(eq(parties.incidentId, guestReplies.incidentId), eq(parties.id, guestReplies.partyId)))
        .where(and(eq(guestReplies.incidentId, incidentId), eq(guestReplies.id, replyId)))
        .for('update', { of: [guestReplies, parties] });
      if (!found) throw new AppError('not_found', 'No such reply in this incident.');
      if (found.r.handledAt) {
        const [by] = found.r.handledBy ? await tx.select({ name: users.name }).from(users).where(eq(users.id, found.r.handledBy)) : [];
        throw new AppError('conflict', `This reply was already marked handled${by ? ` by ${by.name}` : ''}.`, { handledAt: isoUtc(found.r.handledAt), handledBy: found.r.handledBy });
      }
      const [ev] = await emit(incidentId, actor, [
        { type: 'guest.reply_handled', payload: { replyId, partyId: found.r.partyId, name: found.name, kind: found.r.kind, note } },
      ]);
      const [row] = await tx
        .update(guestReplies)
        .set({ handledAt: new Date(ev!.at), handledBy: actor.userId, handledNote: note })
        .where(and(eq(guestReplies.incidentId, incidentId), eq(guestReplies.id, replyId)))
        .returning();
      let partyStatus: PartyStatus = found.status;
      if (resume && found.status === 'needs_help') {
        const { partyId } = found.r;
        partyStatus = await journeyStatus(tx, incidentId, partyId);
        await tx.update(parties).set({ status: partyStatus }).where(and(eq(parties.incidentId, incidentId), eq(parties.id, partyId)));
        const [changed] = await emit(incidentId, actor, [
          { type: 'party.status_changed', payload: { partyId, name: found.name, from: found.status, to: partyStatus, note: note || 'help given (guest reply handled)', hotelIds: [] } },
        ]);
        await tx.insert(guestStatuses).values({ incidentId, partyId, status: partyStatus, eventSeq: changed!.seq });
      }
      return { reply: presentStaffReply(row!, found.name, actor.userId ? actor.name : null), partyStatus, seq: ev!.seq };
    });
  }
}

function notFound(): AppError {
  return new AppError('not_found', 'This status link is not valid any more. Please ask a member of staff for a new one.');
}

function presentReply(r: typeof guestReplies.$inferSelect): GuestReplyView {
  return { id: r.id, kind: r.kind as ReplyKind, text: r.text, guestId: r.guestId, at: isoUtc(r.createdAt) };
}

function presentStaffReply(r: typeof guestReplies.$inferSelect, name: string, handledByName: string | null): StaffReplyView {
  return {
    ...presentReply(r),
    partyId: r.partyId,
    name,
    statusFrom: r.statusFrom,
    statusTo: r.statusTo,
    seq: r.eventSeq,
    handledAt: r.handledAt ? isoUtc(r.handledAt) : null,
    handledBy: r.handledBy,
    handledByName: r.handledAt ? handledByName : null,
    handledNote: r.handledNote,
  };
}

/** As when a duty manager marks a household self-evacuated: planned room and seat go back at once. */
async function leavePlan(tx: Tx, incidentId: string, partyId: string): Promise<string[]> {
  const active = await tx.select().from(stays).where(and(eq(stays.incidentId, incidentId), eq(stays.partyId, partyId), eq(stays.status, 'planned')));
  for (const s of active) {
    await releaseRooms(tx, incidentId, s.hotelId, s.rooms);
    await tx.update(stays).set({ status: 'cancelled', endedAt: new Date() }).where(eq(stays.id, s.id));
  }
  await releaseSeatsOfParties(tx, incidentId, [partyId]);
  return active.map((s) => s.hotelId);
}

/** Where a household's journey stands, leaving "needs help" aside: aboard, placed, or waiting. */
async function journeyStatus(tx: Tx, incidentId: string, partyId: string): Promise<PartyStatus> {
  const [ride] = await tx.select({ status: tripRiders.status }).from(tripRiders).where(and(eq(tripRiders.incidentId, incidentId), eq(tripRiders.partyId, partyId), eq(tripRiders.status, 'boarded'))).limit(1);
  if (ride) return 'on_vehicle';
  const [stay] = await tx.select({ id: stays.id }).from(stays).where(and(eq(stays.incidentId, incidentId), eq(stays.partyId, partyId), eq(stays.status, 'planned'))).limit(1);
  return stay ? 'assigned' : 'waiting';
}
