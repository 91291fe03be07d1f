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
import { isWhereabouts } from '../../shared/whereabouts.js';
import { randomUUID } from 'node:crypto';
import type { Db, Tx } from '../db/client.js';
import type { PartyStatus } from '../db/schema.js';
import {
  guestFeedbackSchema,
  guestReplySchema,
  handleReplySchema,
  languageFor,
  type GuestReplyResult,
  type GuestReplyView,
  type GuestStatusView,
  type HandleReplyResult,
  type ReplyKind,
  type StaffReplyView,
} from '../../shared/messages.js';
import { AppError, parseOr400, validationError } from '../http/errors.js';
import { commitWithEvents, type Actor, type EventBus, type NewEvent } from '../events/log.js';
import { isoUtc } from '../../shared/time.js';
import { leavePlan } from '../stays/repo.js';
import { releaseSeatsOfParties } from '../stays/riders.js';
import { DEFAULT_SETTINGS } from '../messages/templates.js';
import { helplineOf, JOURNEY_TEMPLATES } from '../messages/wording.js';
import { journeysOf } from './journey.js';
import { zoneOrUtc } from '../../shared/fields.js';
import { membersOf, moveGuests, recordHouseholdStatus, recordMoves, syncJourney } from '../whereabouts/repo.js';
import { closeCured, curedByLeaving, reportAgain } from '../attention/repo.js';
import * as repo from './repo.js';
import { ifNoneMatch, pageEtag } from './etag.js';

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
  async partyByToken(db: Db | Tx, token: string, lock = false): Promise<repo.PartyRow> {
    if (!TOKEN_SHAPE.test(token)) throw notFound();
    const party = await repo.partyByToken(db, token, lock);
    if (!party) throw notFound();
    return party;
  }

  async status(token: string): Promise<GuestStatusView> {
    return this.statusOf(await this.partyByToken(this.db, token));
  }

  /**
   * The status page for a phone that sent back the ETag of its last answer: `view` null means
   * "unchanged, 304". The ETag is the version of every row the page is built from
   * (repo.partyAndPageVersion: one read, shared by the polls that arrive together), so an
   * unchanged page is answered from that read alone, by any process: a second process, or one
   * restarted, knows a phone's page without having built it (decision 0017).
   */
  async statusIfChanged(token: string, ifNoneMatchHeader: string | undefined): Promise<{ etag: string; view: GuestStatusView | null }> {
    if (!TOKEN_SHAPE.test(token)) throw notFound();
    const found = await repo.partyAndPageVersion(this.db, token);
    if (!found) throw notFound();
    const etag = pageEtag(found.version);
    if (ifNoneMatch(ifNoneMatchHeader, etag)) return { etag, view: null };
    // Read after the version: the page is as new as the tag or newer (then the next poll reads it again).
    return { etag, view: await this.statusOf(found.party) };
  }

  private async statusOf(p: repo.PartyRow): Promise<GuestStatusView> {
    const { incidentId, id: partyId } = p;
    const { inc, guestRows, replyRows, pageRows, fb, stayRows, rideRows } = await repo.statusPage(this.db, incidentId, partyId);
    const { current, ride } = journeysOf([partyId], stayRows, rideRows).get(partyId) ?? { current: undefined, ride: undefined };
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
        guests: guestRows
          .sort((a, b) => a.position - b.position)
          .map((g) => ({ id: g.id, name: g.name, age: g.age, whereabouts: isWhereabouts(g.whereabouts) ? g.whereabouts : 'waiting' })),
      },
      incident: {
        name: inc?.name ?? '',
        timezone: zoneOrUtc(inc?.timezone),
        helplinePhone: helplineOf(inc?.helpline, inc?.settingsHelpline ?? DEFAULT_SETTINGS.helplinePhone),
      },
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
      ownWayToHotel: !!current && !left && guestRows.length > 0 && guestRows.every((g) => g.whereabouts === 'own_way'),
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
      messages: withSupersession(pageRows),
      feedback: fb ? { rating: fb.rating, comment: fb.comment } : null,
      feedbackOpen: p.status === 'checked_out' || p.status === 'checked_in' || pageRows.some((m) => m.template === 'feedback_request'),
      updatedAt: new Date().toISOString(),
    };
  }

  /** Record a reply once per phone key; change status where it should; tell the duty managers. */
  async reply(token: string, raw: unknown): Promise<GuestReplyResult> {
    const req = parseOr400(guestReplySchema, raw, 'body', 'reply');
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const p = await this.partyByToken(tx, token, true);
      const existing = await repo.replyByKey(tx, p.incidentId, p.id, req.key);
      if (existing) return { reply: presentReply(existing), status: p.status, recorded: false };
      let guestName: string | null = null;
      if (req.kind === 'missing_member') {
        if (!req.guestId && !req.text)
          throw validationError([{ path: 'body.guestId', message: 'say who is missing: pick a member or write a few words' }], 'reply');
        if (req.guestId) {
          const name = await repo.memberName(tx, p.incidentId, p.id, req.guestId);
          if (name === undefined) throw validationError([{ path: 'body.guestId', message: 'that person is not in your party' }], 'reply');
          guestName = name;
        }
      }
      // Someone of the household aboard one of our vehicles: the driver sets them down (or unticks
      // them before it leaves). The reply is recorded for the duty managers and moves nobody: their
      // rooms and seat stay theirs, as they are on the way.
      const onBoard = req.kind === 'own_way' && (await membersOf(tx, p.incidentId, [p.id], ['aboard'])).length > 0;
      // Their own way to the hotel booked for them: they keep their rooms and give back only the seat.
      const booked = req.kind === 'own_way' && req.toHotel && !onBoard ? await repo.bookedHotel(tx, p.incidentId, p.id) : null;
      if (req.kind === 'own_way' && req.toHotel && !booked && !onBoard)
        throw validationError([{ path: 'body.toHotel', message: 'no hotel is booked for you yet: say where you are going instead' }], 'reply');
      const text = req.kind === 'own_way' ? [booked ? `to ${booked.name}, booked for them` : req.place, req.text].filter(Boolean).join(' - ') : req.text;
      // A no-show household telling us it made its own way is accounted for: it never reached the hotel.
      const moves = !onBoard && (BEFORE_ARRIVAL.includes(p.status) || (p.status === 'no_show' && req.kind === 'own_way'));
      const to = booked ? p.status : moves ? REPLY_STATUS[req.kind] : p.status;
      const hotelIds = booked ? [booked.id] : to === 'self_evacuated' && p.status !== 'self_evacuated' ? await leavePlan(tx, p.incidentId, p.id) : [];
      if (booked) await releaseSeatsOfParties(tx, p.incidentId, [p.id]);
      if (to !== p.status) await repo.setPartyStatus(tx, p.incidentId, p.id, to);
      // Who moved: the household made its own way; or the one member said to be missing is missing.
      const missingId = req.kind === 'missing_member' ? (req.guestId ?? null) : null;
      const moveTo = req.kind === 'own_way' && (to === 'self_evacuated' || booked) ? 'own_way' : missingId ? 'missing' : null;
      const moved = moveTo ? await moveGuests(tx, p.incidentId, missingId ? { guestIds: [missingId] } : { partyIds: [p.id] }, moveTo) : [];
      const actor = { userId: null, name: `${p.name} (status link)` };
      // The id is chosen here so the event names the reply a console will mark handled.
      const replyId = randomUUID();
      const list: NewEvent[] = [
        {
          type: 'guest.replied',
          payload: {
            replyId,
            partyId: p.id,
            name: p.name,
            kind: req.kind,
            text,
            place: req.kind === 'own_way' ? req.place : null,
            guestId: req.kind === 'missing_member' ? (req.guestId ?? null) : null,
            guestName,
            from: p.status,
            to,
            guestIds: moved.map((m) => m.guestId),
            hotelIds,
          },
        },
      ];
      if (to !== p.status)
        list.push({
          type: 'party.status_changed',
          payload: { partyId: p.id, name: p.name, from: p.status, to, note: `status link: ${text}`.slice(0, 1000), hotelIds },
        });
      const [ev] = await emit(p.incidentId, actor, list);
      const row = await repo.insertReply(tx, {
        id: replyId,
        incidentId: p.incidentId,
        partyId: p.id,
        kind: req.kind,
        text,
        guestId: req.kind === 'missing_member' ? (req.guestId ?? null) : null,
        clientKey: req.key,
        statusFrom: p.status,
        statusTo: to,
        eventSeq: ev!.seq,
      });
      if (to !== p.status) await recordHouseholdStatus(tx, { incidentId: p.incidentId, partyId: p.id, status: to, eventSeq: ev!.seq });
      if (moveTo) {
        await recordMoves(tx, p.incidentId, moved, moveTo, ev!.seq);
        await syncJourney(tx, p.incidentId, [p.id]);
      }
      // On their own way, as if a duty manager had marked it: no bed, seat or vehicle is owed them.
      if (moveTo === 'own_way' && moved.length) {
        const stillMissing = (await membersOf(tx, p.incidentId, [p.id], ['missing'])).length > 0;
        await closeCured(tx, emit, p.incidentId, actor, [p.id], curedByLeaving(stillMissing), `made their own way (status link): ${text}`.slice(0, 1000));
      }
      if (req.kind !== 'own_way') {
        const members = await membersOf(tx, p.incidentId, [p.id]);
        const named = missingId ? members.filter((g) => g.id === missingId) : members.filter((g) => !['checked_out', 'own_way'].includes(g.whereabouts));
        // One item per household, kind (and person said to be missing) while it is open: asking
        // again updates it with the latest words and counts the asks, never a second item.
        await reportAgain(
          tx,
          emit,
          p.incidentId,
          actor,
          {
            kind: missingId ? 'missing' : 'need_help',
            partyId: p.id,
            guestIds: named.map((g) => g.id),
            place: null,
            summary:
              req.kind === 'missing_member'
                ? `${p.name}: ${guestName ?? 'someone'} is missing${text ? ` ("${text}")` : ''}.`
                : `${p.name} need help${text ? `: "${text}"` : ''}.`,
            suggestion: p.phone ? `Ring ${p.name} on ${p.phone} now.` : `Reply through their status link and send staff to them.`,
            dedupeKey: `${req.kind}:${p.id}${missingId ? `:${missingId}` : ''}`,
          },
          !text,
        );
      }
      return { reply: presentReply(row!), status: to, recorded: true };
    });
  }

  /** How the stay went: one answer per household; a second replaces the first. */
  async giveFeedback(token: string, raw: unknown): Promise<{ rating: number; comment: string }> {
    const { rating, comment } = parseOr400(guestFeedbackSchema, raw, 'body', 'feedback');
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const p = await this.partyByToken(tx, token, true);
      const hotelId = await repo.latestCheckedInHotel(tx, p.incidentId, p.id);
      if (!hotelId) throw new AppError('conflict', 'You can tell us how your stay went once you have checked in at the hotel.');
      await repo.upsertFeedback(tx, p.incidentId, p.id, { rating, comment, hotelId }, new Date());
      await emit(p.incidentId, { userId: null, name: `${p.name} (status link)` }, [
        { type: 'guest.feedback_given', payload: { partyId: p.id, name: p.name, hotelId, rating, comment } },
      ]);
      return { rating, comment };
    });
  }

  /**
   * Replies for the duty managers' console: newest first, or with `open` only those nobody has
   * handled yet, oldest first (the order they should be dealt with).
   */
  async repliesOf(incidentId: string, opts: { partyId?: string; open?: boolean; limit: number }): Promise<StaffReplyView[]> {
    const rows = await repo.replies(this.db, incidentId, opts);
    return rows.map(({ r, name, handler }) => presentStaffReply(r, name, handler));
  }

  /**
   * A duty manager marks a reply dealt with, once: one transaction records who, when and the note,
   * and appends `guest.reply_handled` so every console drops it from "Needs attention".
   */
  async handleReply(incidentId: string, replyId: string, raw: unknown, actor: Actor): Promise<HandleReplyResult> {
    const { note, resume } = parseOr400(handleReplySchema, raw ?? {}, 'body', 'request');
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const found = await repo.lockReply(tx, incidentId, replyId);
      if (!found) throw new AppError('not_found', 'No such reply in this incident.');
      if (found.r.handledAt) {
        const by = found.r.handledBy ? await repo.userName(tx, found.r.handledBy) : undefined;
        throw new AppError('conflict', `This reply was already marked handled${by !== undefined ? ` by ${by}` : ''}.`, {
          handledAt: isoUtc(found.r.handledAt),
          handledBy: found.r.handledBy,
        });
      }
      const [ev] = await emit(incidentId, actor, [
        { type: 'guest.reply_handled', payload: { replyId, partyId: found.r.partyId, name: found.name, kind: found.r.kind, note } },
      ]);
      const row = await repo.markReplyHandled(tx, incidentId, replyId, { at: new Date(ev!.at), by: actor.userId, note });
      await closeCured(tx, emit, incidentId, actor, [found.r.partyId], ['need_help'], note || 'reply handled');
      let partyStatus: PartyStatus = found.status;
      if (resume && found.status === 'needs_help') {
        const { partyId } = found.r;
        partyStatus = await journeyStatus(tx, incidentId, partyId);
        await repo.setPartyStatus(tx, incidentId, partyId, partyStatus);
        const [changed] = await emit(incidentId, actor, [
          {
            type: 'party.status_changed',
            payload: { partyId, name: found.name, from: found.status, to: partyStatus, note: note || 'help given (guest reply handled)', hotelIds: [] },
          },
        ]);
        await recordHouseholdStatus(tx, { incidentId, partyId, status: partyStatus, eventSeq: changed!.seq });
      }
      return { reply: presentStaffReply(row!, found.name, actor.userId ? actor.name : null), partyStatus, seq: ev!.seq };
    });
  }
}

/**
 * Page messages newest first. A journey message (where to go, which ride, when) replaces every
 * earlier one: the newest says which it replaces, the older ones are marked replaced.
 */
function withSupersession(rows: repo.PageMessage[]): GuestStatusView['messages'] {
  const journey = rows.filter((m) => JOURNEY_TEMPLATES.has(m.template));
  const newest = journey[0];
  const previous = journey[1];
  return rows.map((m) => ({
    template: m.template,
    subject: m.subject,
    body: m.body,
    at: isoUtc(m.createdAt),
    replaces: m === newest && previous ? isoUtc(previous.createdAt) : null,
    superseded: Boolean(newest && m !== newest && JOURNEY_TEMPLATES.has(m.template)),
  }));
}

function notFound(): AppError {
  return new AppError('not_found', 'This status link is not valid any more. Please ask a member of staff for a new one.');
}

function presentReply(r: repo.PageReply): GuestReplyView {
  return { id: r.id, kind: r.kind as ReplyKind, text: r.text, guestId: r.guestId, at: isoUtc(r.createdAt) };
}

function presentStaffReply(r: repo.ReplyRow, name: string, handledByName: string | null): StaffReplyView {
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

/** Where a household's journey stands, leaving "needs help" aside: aboard, placed, or waiting. */
async function journeyStatus(tx: Tx, incidentId: string, partyId: string): Promise<PartyStatus> {
  if (await repo.isAboard(tx, incidentId, partyId)) return 'on_vehicle';
  return (await repo.hasPlannedStay(tx, incidentId, partyId)) ? 'assigned' : 'waiting';
}
