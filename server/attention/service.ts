/**
 * The exceptions queue's use cases: list the open items (after a sweep that opens the ones time
 * alone causes: a vehicle overdue at its next stop, an arrival not checked in), resolve one with a
 * note (once: the slower of two managers gets a 409 naming who did it), the per-incident
 * thresholds, and the roll call at a muster point.
 */
import { vehicleName } from '../../shared/drivers.js';
import type { Db, Tx } from '../db/client.js';
import {
  attentionSettingsSchema,
  resolveAttentionSchema,
  rollCallSchema,
  type AttentionItem,
  type AttentionList,
  type AttentionSettings,
  type RollCallLink,
  type RollCallLinksWithdrawn,
  type RollCallList,
  type RollCallResult,
  type ResolveAttentionResult,
} from '../../shared/attention.js';
import { zodFieldErrors } from '../../shared/errors.js';
import { DEFAULT_POLICY } from '../../shared/scenario.js';
import { AppError, validationError } from '../http/errors.js';
import { commitWithEvents, SYSTEM_ACTOR, type Actor, type EventBus } from '../events/log.js';
import { isoUtc } from '../../shared/time.js';
import { groupBy } from '../../shared/collections.js';
import { stopArrivals } from '../drivers/repo.js';
import { moveGuests, recordMoves, syncJourney } from '../whereabouts/repo.js';
import { linkSecretSource, signLink, verifyLink } from '../drivers/token.js';
import { qrPath } from '../passes/qr.js';
import * as repo from './repo.js';
import type { AttentionDraft, SettingsRow } from './repo.js';
import { currentRiders, siteNames } from '../vehicles/repo.js';
import { lastSeq } from '../events/repo.js';
import { countOf } from '../../shared/plural.js';

const MINUTE = 60_000;

const settingsOf = (r: SettingsRow): AttentionSettings => ({ ...r, costTolerancePct: r.costTolerancePct ?? DEFAULT_POLICY.costTolerancePct });
/**
 * Trips timed more than this far in the past are an exercise or a replayed scenario (the seeded
 * storm night), not a coach that is late: the sweep leaves them alone rather than flood the queue.
 */
const STALE_MS = 12 * 60 * MINUTE;

/**
 * Roll-call links are signed with the driver-link secret under their own purpose, so a driver's
 * link never opens a roll call nor the other way round. One lasts a shift at most, and stops as
 * soon as its incident is no longer active, or when a duty manager withdraws the site's links (a
 * phone lost, a volunteer gone home): each link carries its site's generation, and a withdrawal
 * moves the generation on (links signed before there was one carry none: generation 1).
 */
const ROLLCALL_PURPOSE = 'rollcall/v1';
const ROLLCALL_LINK_MS = 12 * 60 * MINUTE;

export interface RollCallClaim {
  incidentId: string;
  siteId: string;
  siteName: string;
  /** Who the roll call's events name: the link, not a person. */
  actor: Actor;
}

export class AttentionService {
  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    /** DRIVER_LINK_SECRET; when unset the secret is the one kept in the database. */
    private readonly configuredSecret?: string,
  ) {}

  private linkSecret?: () => Promise<string>;
  private secret(): Promise<string> {
    return (this.linkSecret ??= linkSecretSource(this.db, this.configuredSecret))();
  }

  /** A link to one muster point's roll call for staff without a sign-in (active incidents only; where guests wait, not a depot). */
  async rollCallLink(incidentId: string, siteId: string, origin: string, now = new Date()): Promise<RollCallLink> {
    const state = await repo.rollCallLinkState(this.db, incidentId, siteId);
    if (!state) throw new AppError('not_found', 'No such muster point in this incident.');
    if (state.siteKind === 'depot') throw new AppError('bad_request', `${state.siteName} is a depot: nobody waits there to be counted.`);
    if (state.status !== 'active')
      throw new AppError('forbidden', 'This incident is not active, so its roll call cannot be handed out.', { reason: 'incident_ended' });
    const expires = now.getTime() + ROLLCALL_LINK_MS;
    const token = signLink(await this.secret(), ROLLCALL_PURPOSE, [incidentId, siteId, expires, state.generation]);
    const path = `/#/rollcall/${token}`;
    const url = `${origin}${path}`;
    return { url, path, token, expiresAt: isoUtc(new Date(expires)), qr: qrPath(url, 'L'), site: { id: siteId, name: state.siteName } };
  }

  /** Withdraw every roll-call link handed out for this site: they answer 403 from now on; a new one can be made. */
  async withdrawRollCallLinks(incidentId: string, siteId: string, actor: Actor): Promise<RollCallLinksWithdrawn> {
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const site = await repo.siteRef(tx, incidentId, siteId);
      if (!site) throw new AppError('not_found', 'No such muster point in this incident.');
      const row = await repo.bumpRollCallGeneration(tx, incidentId, siteId, actor.userId);
      const [ev] = await emit(incidentId, actor, [{ type: 'rollcall.links_withdrawn', payload: { siteId, siteName: site.name, generation: row.generation } }]);
      return { siteId, withdrawnAt: isoUtc(row.revokedAt ?? new Date()), seq: ev!.seq };
    });
  }

  /**
   * What a genuine roll-call link opens. Forged, garbled or a link for another purpose: 404 (no
   * hint); genuine but expired, withdrawn, or its incident no longer active: 403 saying so.
   */
  async rollCallClaim(token: string, now = new Date()): Promise<RollCallClaim> {
    const parsed = verifyLink(await this.secret(), ROLLCALL_PURPOSE, token);
    const fields = Array.isArray(parsed) ? parsed : [];
    const [incidentId, siteId, expires, generation = 1] = fields as unknown[];
    if (
      (fields.length !== 3 && fields.length !== 4) ||
      typeof incidentId !== 'string' ||
      typeof siteId !== 'string' ||
      !Number.isInteger(expires) ||
      !Number.isInteger(generation)
    ) {
      throw new AppError('not_found', 'This roll-call link is not valid. Ask the duty manager for a new one.');
    }
    const row = await repo.rollCallLinkState(this.db, incidentId, siteId);
    if (!row) throw new AppError('not_found', 'This roll-call link is not valid. Ask the duty manager for a new one.');
    if (row.status !== 'active')
      throw new AppError('forbidden', 'This incident has ended, so its roll-call links no longer work.', { reason: 'incident_ended' });
    if (generation !== row.generation)
      throw new AppError('forbidden', 'The duty manager has withdrawn this roll-call link. Ask them for a new one.', { reason: 'link_withdrawn' });
    if (now.getTime() > (expires as number))
      throw new AppError('forbidden', 'This roll-call link has expired. Ask the duty manager for a new one.', { reason: 'link_expired' });
    return { incidentId, siteId, siteName: row.siteName, actor: { userId: null, name: `Roll call link (${row.siteName})` } };
  }

  async list(incidentId: string, now = new Date()): Promise<AttentionList> {
    await this.sweep(incidentId, now);
    const inc = await repo.settingsAndSeq(this.db, incidentId);
    if (!inc) throw new AppError('not_found', 'No such incident.');
    const { lastSeq, ...settings } = inc;
    return { items: await repo.openItems(this.db, incidentId), settings: settingsOf(settings), seq: lastSeq };
  }

  /** Resolve an item with a note; a second resolution (a colleague was faster) is a 409. */
  async resolve(incidentId: string, itemId: string, raw: unknown, actor: Actor): Promise<ResolveAttentionResult> {
    const parsed = resolveAttentionSchema.safeParse(raw ?? {});
    if (!parsed.success) throw validationError(zodFieldErrors(parsed.error, ['body']), 'resolution');
    const { note } = parsed.data;
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const row = await repo.lockItem(tx, incidentId, itemId);
      if (!row) throw new AppError('not_found', 'No such item in this incident.');
      if (row.resolvedAt)
        throw new AppError('conflict', `This was already resolved by ${row.resolvedByName ?? 'someone else'}: "${row.note ?? ''}".`, {
          resolvedAt: isoUtc(row.resolvedAt),
          resolvedBy: row.resolvedByName,
        });
      const [ev] = await emit(incidentId, actor, [
        {
          type: 'attention.resolved',
          payload: { itemId, kind: row.kind as AttentionItem['kind'], partyId: row.partyId, guestIds: row.guestIds, note, by: actor.name, cured: false },
        },
      ]);
      const done = await repo.markResolved(tx, itemId, new Date(ev!.at), actor, note);
      const [item] = await repo.present(tx, incidentId, [done]);
      return { item: item!, seq: ev!.seq };
    });
  }

  async updateSettings(incidentId: string, raw: unknown, actor: Actor): Promise<AttentionSettings> {
    const parsed = attentionSettingsSchema.safeParse(raw ?? {});
    if (!parsed.success) throw validationError(zodFieldErrors(parsed.error, ['body']), 'thresholds');
    const { overdueMinutes, notCheckedInMinutes, shelterSlipMinutes, costTolerancePct } = parsed.data;
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const inc = await repo.updateSettings(tx, incidentId, { overdueMinutes, notCheckedInMinutes, shelterSlipMinutes, costTolerancePct });
      if (!inc) throw new AppError('not_found', 'No such incident.');
      const settings = settingsOf(inc);
      await emit(incidentId, actor, [{ type: 'attention.settings_changed', payload: settings }]);
      return settings;
    });
  }

  /**
   * Open what time alone makes an exception: a vehicle more than `overdueMinutes` late at its next
   * stop (the muster point before it leaves, then each hotel), and people at a hotel's door more
   * than `notCheckedInMinutes` without being checked in. Opens nothing that is already open.
   */
  async sweep(incidentId: string, now = new Date()): Promise<AttentionItem[]> {
    const drafts = await this.timeDrafts(incidentId, now);
    if (!drafts.length) return [];
    const open = await repo.openKeys(this.db, incidentId);
    const fresh = drafts.filter((d) => !open.has(d.dedupeKey));
    if (!fresh.length) return [];
    return commitWithEvents(this.db, this.bus, (tx, emit) => repo.openAttention(tx, emit, incidentId, SYSTEM_ACTOR, fresh));
  }

  private async timeDrafts(incidentId: string, now: Date): Promise<AttentionDraft[]> {
    const inc = await repo.sweepThresholds(this.db, incidentId);
    if (!inc) return [];
    const drafts: AttentionDraft[] = [];
    const open = await repo.openTripsOf(this.db, incidentId);
    const late = open.filter((t) => t.departAt.getTime() + inc.overdue * MINUTE < now.getTime() && now.getTime() - t.departAt.getTime() < STALE_MS);
    if (late.length) {
      const reached = await stopArrivals(
        this.db,
        incidentId,
        late.map((t) => t.id),
      );
      const riders = await currentRiders(
        this.db,
        late.map((t) => t.id),
      );
      const partyIds = [...new Set(riders.map((r) => r.partyId))];
      const members = groupBy(partyIds.length ? await repo.membersWhereabouts(this.db, incidentId, partyIds) : [], (g) => g.partyId);
      const ridersOf = groupBy(riders, (r) => r.tripId);
      /** The members of these households whose whereabouts are `w`. */
      const guestsOf = (households: readonly string[], w: string) => households.flatMap((p) => members.get(p) ?? []).filter((g) => g.w === w);
      const [siteRows, hotelRows, vehicleRows] = await Promise.all([
        siteNames(this.db, incidentId),
        repo.hotelNames(this.db, incidentId),
        repo.vehicleNames(this.db, incidentId),
      ]);
      const siteName = new Map(siteRows.map((s) => [s.id, s.name]));
      const hotelName = new Map(hotelRows.map((h) => [h.id, h.name]));
      const nameOf = new Map(vehicleRows.map((v) => [v.id, vehicleName(v)]));
      for (const t of late) {
        const mine = ridersOf.get(t.id) ?? [];
        if (!mine.length) continue;
        const vName = nameOf.get(t.vehicleId) ?? t.vehicleId;
        if (t.status !== 'departed') {
          const ids = guestsOf([...new Set(mine.map((r) => r.partyId))], 'waiting').map((g) => g.id);
          const late = Math.round((now.getTime() - t.departAt.getTime()) / MINUTE);
          drafts.push({
            kind: 'overdue',
            partyId: null,
            guestIds: ids,
            place: { kind: 'site', id: t.fromSiteId, name: siteName.get(t.fromSiteId) ?? t.fromSiteId },
            tripId: t.id,
            summary: `${vName} has not left ${siteName.get(t.fromSiteId) ?? t.fromSiteId}: ${late} min past its departure, ${countOf(ids.length, 'person', 'people')} waiting for it.`,
            suggestion: `Call the driver of ${vName}; if it is not coming, mark it out of service and re-plan.`,
            dedupeKey: `overdue:${t.id}:depart`,
          });
          continue;
        }
        const done = reached.get(t.id) ?? new Map<string, string>();
        const idx = t.stops.findIndex((s) => !done.has(s));
        if (idx < 0) continue;
        const eta = t.arrivals[idx] ? Date.parse(t.arrivals[idx]) : NaN;
        if (!Number.isFinite(eta) || eta + inc.overdue * MINUTE >= now.getTime() || now.getTime() - eta > STALE_MS) continue;
        const hotelId = t.stops[idx]!;
        const boarded = [...new Set(mine.filter((r) => r.status === 'boarded').map((r) => r.partyId))];
        const ids = guestsOf(boarded, 'aboard').map((g) => g.id);
        const late = Math.round((now.getTime() - eta) / MINUTE);
        drafts.push({
          kind: 'overdue',
          partyId: null,
          guestIds: ids,
          place: { kind: 'hotel', id: hotelId, name: hotelName.get(hotelId) ?? hotelId },
          tripId: t.id,
          summary: `${vName} is ${late} min late at ${hotelName.get(hotelId) ?? hotelId} with ${countOf(ids.length, 'person', 'people')} aboard.`,
          suggestion: `Call the driver of ${vName} and tell ${hotelName.get(hotelId) ?? hotelId}'s reception the new time.`,
          dedupeKey: `overdue:${t.id}:${hotelId}`,
        });
      }
    }
    const cutoff = new Date(now.getTime() - inc.nci * MINUTE);
    const waitingAtDoor = await repo.arrivedGuests(this.db, incidentId);
    const stale = waitingAtDoor.filter((g) => g.at && g.at < cutoff);
    if (stale.length) {
      const partyIds = [...new Set(stale.map((g) => g.partyId))];
      const stayRows = await repo.droppedAt(this.db, incidentId, partyIds);
      const where = new Map(stayRows.map((s) => [s.partyId, s]));
      const staleOf = groupBy(stale, (g) => g.partyId);
      for (const partyId of partyIds) {
        const ids = (staleOf.get(partyId) ?? []).map((g) => g.id);
        const w = where.get(partyId);
        const place = w ? { kind: 'hotel' as const, id: w.hotelId, name: w.name } : null;
        drafts.push({
          kind: 'not_checked_in',
          partyId,
          guestIds: ids,
          place,
          summary: `${w?.party ?? partyId}: ${ids.length} ${ids.length === 1 ? 'person' : 'people'} reached ${w?.name ?? 'the hotel'} over ${inc.nci} min ago and ${ids.length === 1 ? 'is' : 'are'} not checked in.`,
          suggestion: `Ring ${w?.name ?? 'the hotel'}'s reception: are they in the lobby? Check them in or mark them missing.`,
          dedupeKey: `not_checked_in:${partyId}`,
        });
      }
    }
    return drafts;
  }

  /**
   * Items for members found at a roll call whose household's vehicle has already left (aboard, or
   * set down at the hotel): nobody is carrying them, so a duty manager is told, by name, until handled.
   * Set down already, the next re-plan seats them; still on the road, once the vehicle sets the household down.
   */
  private async foundAfterTheirRide(
    tx: Tx,
    incidentId: string,
    site: { id: string; name: string },
    back: readonly { guestId: string; partyId: string }[],
    expected: readonly { id: string; partyId: string; name: string; party: string; phone: string }[],
  ): Promise<AttentionDraft[]> {
    const rides = await repo.ridesGone(tx, incidentId, [...new Set(back.map((m) => m.partyId))]);
    return rides.map((ride) => {
      const gs = expected.filter((g) => g.partyId === ride.partyId && back.some((m) => m.guestId === g.id));
      const vName = vehicleName(ride.vehicle);
      const party = gs[0]?.party ?? ride.partyId;
      return {
        kind: 'left_behind' as const,
        partyId: ride.partyId,
        guestIds: gs.map((g) => g.id),
        place: { kind: 'site' as const, id: site.id, name: site.name },
        tripId: ride.tripId,
        summary: `${repo.nameList(gs.map((g) => g.name))} (${party}) found at the roll call at ${site.name} after ${vName} left with the rest of the household: they need a ride to its hotel.`,
        suggestion:
          ride.riderStatus === 'dropped'
            ? `Re-plan to give them a seat to the household's hotel${gs[0]?.phone ? `; ring ${party} on ${gs[0].phone} to tell them` : ''}.`
            : `Once ${vName} has set the household down, re-plan to give them a seat; or send a taxi now.`,
        dedupeKey: `left_behind:${ride.partyId}:${ride.tripId}:found:${gs
          .map((g) => g.id)
          .sort()
          .join(',')}`,
      };
    });
  }

  /** Who is expected at a muster point: everyone of its households still waiting there (or already marked missing). */
  async rollCallList(incidentId: string, siteId: string): Promise<RollCallList> {
    const site = await repo.siteRef(this.db, incidentId, siteId);
    if (!site) throw new AppError('not_found', 'No such muster point in this incident.');
    const seq = await lastSeq(this.db, incidentId);
    const rows = await repo.rollCallRows(this.db, incidentId, siteId);
    const households: RollCallList['households'] = [];
    for (const { party, guest } of rows) {
      let h = households[households.length - 1];
      if (!h || h.partyId !== party.id) {
        h = { partyId: party.id, name: party.name, unit: party.unit, phone: party.phone, guests: [] };
        households.push(h);
      }
      h.guests.push({ id: guest.id, name: guest.name, age: guest.age, needs: guest.needs, whereabouts: guest.whereabouts });
    }
    return { site, seq: seq ?? 0, households };
  }

  /**
   * Record a head count: everyone ticked who was missing is found (back to waiting), everyone
   * expected and not ticked becomes missing, with one `missing` item per household naming them.
   */
  async rollCall(incidentId: string, siteId: string, raw: unknown, actor: Actor): Promise<RollCallResult> {
    const parsed = rollCallSchema.safeParse(raw);
    if (!parsed.success) throw validationError(zodFieldErrors(parsed.error, ['body']), 'roll call');
    const present = new Set(parsed.data.presentGuestIds);
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const site = await repo.siteRef(tx, incidentId, siteId);
      if (!site) throw new AppError('not_found', 'No such muster point in this incident.');
      const expected = await repo.lockRollCall(tx, incidentId, siteId);
      const strangers = [...present].filter((id) => !expected.some((g) => g.id === id));
      if (strangers.length)
        throw validationError(
          strangers.slice(0, 20).map((id) => ({ path: 'body.presentGuestIds', message: `guest ${id} is not expected at ${site.name}` })),
          'roll call',
        );
      const absent = expected.filter((g) => !present.has(g.id) && g.w === 'waiting').map((g) => g.id);
      const found = expected.filter((g) => present.has(g.id) && g.w === 'missing').map((g) => g.id);
      const missing = await moveGuests(tx, incidentId, { guestIds: absent }, 'missing');
      const back = await moveGuests(tx, incidentId, { guestIds: found }, 'waiting');
      const [ev] = await emit(incidentId, actor, [
        {
          type: 'rollcall.taken',
          payload: {
            siteId,
            siteName: site.name,
            present: present.size,
            expected: expected.length,
            missingGuestIds: missing.map((m) => m.guestId),
            foundGuestIds: back.map((m) => m.guestId),
            guestIds: [...missing, ...back].map((m) => m.guestId),
            partyIds: [...new Set([...missing, ...back].map((m) => m.partyId))],
          },
        },
      ]);
      await recordMoves(tx, incidentId, missing, 'missing', ev!.seq);
      await recordMoves(tx, incidentId, back, 'waiting', ev!.seq);
      await syncJourney(
        tx,
        incidentId,
        [...missing, ...back].map((m) => m.partyId),
      );
      // Households of which nobody is missing any more: their "missing" items are done with.
      const stillMissing = new Set([...missing.map((m) => m.guestId), ...expected.filter((g) => g.w === 'missing' && !present.has(g.id)).map((g) => g.id)]);
      const whole = [...new Set(back.map((m) => m.partyId))].filter((p) => !expected.some((g) => g.partyId === p && stillMissing.has(g.id)));
      await repo.closeCured(tx, emit, incidentId, actor, whole, ['missing'], `everyone found at the roll call at ${site.name}`);
      // Found after their household's vehicle left without them: they need a ride of their own.
      const foundLate = await this.foundAfterTheirRide(tx, incidentId, site, back, expected);
      const byParty = new Map<string, typeof expected>();
      for (const g of expected) if (missing.some((m) => m.guestId === g.id)) byParty.set(g.partyId, [...(byParty.get(g.partyId) ?? []), g]);
      const items = await repo.openAttention(
        tx,
        emit,
        incidentId,
        actor,
        [...byParty].map(([partyId, gs]) => ({
          kind: 'missing' as const,
          partyId,
          guestIds: gs.map((g) => g.id),
          place: { kind: 'site' as const, id: site.id, name: site.name },
          summary: `${repo.nameList(gs.map((g) => g.name))} (${gs[0]!.party}) not seen at the roll call at ${site.name}.`,
          suggestion: gs[0]!.phone
            ? `Ring ${gs[0]!.party} on ${gs[0]!.phone}; ask the rest of the household where they are.`
            : `Ask the rest of the household and the staff at ${site.name}; search the site.`,
          dedupeKey: `missing:${partyId}:${gs
            .map((g) => g.id)
            .sort()
            .join(',')}`,
        })),
      );
      if (foundLate.length) items.push(...(await repo.openAttention(tx, emit, incidentId, actor, foundLate)));
      return { seq: ev!.seq, present: present.size, missing: missing.map((m) => m.guestId), found: back.map((m) => m.guestId), items };
    });
  }
}
