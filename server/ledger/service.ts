/**
 * The cost ledger's rules: perks within a staff member's limit (or pending a duty manager's
 * approval), approvals and rejections, reversals and corrections, reading and checking the chain.
 * Every write is one transaction that locks the chain head, appends linked entries (never edits)
 * and appends its events; sockets hear of it after commit.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { hotels, parties, stays, guests } from '../db/schema.js';
import { AppError, parseOr400 } from '../http/errors.js';
import { commitWithEvents, type Actor, type EventBus, type NewEvent } from '../events/log.js';
import type { SessionUser } from '../auth/types.js';
import { perkCategoryOf, recordPerkSchema, resolveEntrySchema, reverseEntrySchema, formatMinor, stayNights, type ChainCheck, type LedgerLine, type LedgerTotals } from '../../shared/ledger.js';
import { appendEntries, entriesLinkedTo, entryById, lockHead, pagesOf, pendingCharges, perkSpend, readHead, unapprovedSpend, type EntryDraft, type LedgerRow } from './repo.js';
import { canonicalJson, checkLink, GENESIS_HASH } from './chain.js';
import { loadIncident, loadTotalsContext } from './context.js';
import { LedgerAggregator } from './totals.js';
import { presentLines } from './presenter.js';

export const OVER_PERK_CAP = 'over_perk_cap';

export class LedgerService {
  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
  ) {}

  /**
   * Reception (own hotel's households only) and duty managers record a perk. A member of staff may
   * spend up to their limit per household without approval, cumulatively (users.spend_limit_minor,
   * else the incident's staff limit); beyond it the charge is appended as pending_approval.
   * Duty managers and admins hold approval authority, so their own perks post directly.
   */
  async recordPerk(incidentId: string, user: SessionUser, raw: unknown) {
    const req = parseOr400(recordPerkSchema, raw, 'body');
    const hotelId = user.role === 'reception' ? user.hotelId! : req.hotelId;
    if (user.role === 'reception' && req.hotelId && req.hotelId !== user.hotelId) throw new AppError('not_found', 'No such hotel.');
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const incident = await loadIncident(tx, incidentId);
      const head = await lockHead(tx, incidentId);
      const [party] = await tx.select().from(parties).where(and(eq(parties.incidentId, incidentId), eq(parties.id, req.partyId)));
      if (!party) throw new AppError('not_found', 'No such household.', { partyId: req.partyId });
      const stayRows = await tx.select().from(stays).where(and(eq(stays.incidentId, incidentId), eq(stays.partyId, party.id)));
      const stayHotel = hotelId ?? stayRows.find((s) => s.status === 'checked_in' || s.status === 'planned')?.hotelId ?? null;
      if (user.role === 'reception' && !stayRows.some((s) => s.hotelId === hotelId && ['planned', 'checked_in', 'checked_out'].includes(s.status))) throw new AppError('not_found', 'That household is not staying at your hotel.', { partyId: party.id });
      if (req.guestId) {
        const [g] = await tx.select({ id: guests.id }).from(guests).where(and(eq(guests.incidentId, incidentId), eq(guests.id, req.guestId), eq(guests.partyId, party.id)));
        if (!g) throw new AppError('validation_failed', `body.guestId: guest ${req.guestId} is not in household ${party.name}`, { fields: [{ path: 'body.guestId', message: 'not in this household' }] });
      }
      const [hotel] = stayHotel ? await tx.select().from(hotels).where(and(eq(hotels.incidentId, incidentId), eq(hotels.id, stayHotel))) : [];
      if (stayHotel && !hotel) throw new AppError('not_found', 'No such hotel.');

      const manager = user.role === 'admin' || user.role === 'duty_manager';
      const limit = user.spendLimitMinor ?? incident.staffSpendLimitMinor;
      const spent = manager ? 0 : await unapprovedSpend(tx, incidentId, user.id, party.id);
      const needsApproval = !manager && spent + req.amountMinor > limit;

      const flags: string[] = [];
      let capMinor: number | null = null;
      const perk = hotel?.perks.find((p) => p.capMinorPerGuestPerNight !== undefined && perkCategoryOf(p.kind) === req.category);
      if (hotel && perk) {
        const n = (await tx.select({ id: guests.id }).from(guests).where(and(eq(guests.incidentId, incidentId), eq(guests.partyId, party.id)))).length;
        const now = new Date();
        const nights = stayRows.filter((s) => s.hotelId === hotel.id && s.checkedInAt).reduce((k, s) => k + stayNights(s.checkedInAt!, s.checkedOutAt ?? s.endedAt ?? now, incident.timezone).length, 0);
        capMinor = perk.capMinorPerGuestPerNight! * n * Math.max(1, nights);
        const before = await perkSpend(tx, incidentId, party.id, hotel.id, req.category);
        if (before + req.amountMinor > capMinor) flags.push(OVER_PERK_CAP);
      }
      const draft: EntryDraft = {
        kind: 'charge',
        category: req.category,
        amountMinor: req.amountMinor,
        occurredAt: req.occurredAt ? new Date(req.occurredAt) : new Date(),
        recordedBy: user.id,
        partyId: party.id,
        guestId: req.guestId ?? null,
        hotelId: hotel?.id ?? null,
        receiptRef: req.receiptRef || null,
        note: req.note ?? '',
        description: `${cap(req.category)} for household ${party.id}${hotel ? ` at ${hotel.name}` : ''}${flags.length ? ` (over the hotel's ${formatMinor(capMinor!)} cap)` : ''}`,
        status: needsApproval ? 'pending_approval' : 'posted',
        flags,
      };
      const [row] = await appendEntries(tx, head, incident.currency, [draft]);
      const hotelIds = hotel ? [hotel.id] : [];
      const evs: NewEvent[] = [{ type: 'ledger.entry_recorded', payload: { ...eventPayload(row!), hotelIds } }];
      if (needsApproval) evs.push({ type: 'ledger.approval_requested', payload: { ...eventPayload(row!), householdName: party.name, recordedByName: user.name, limitMinor: limit, spentMinor: spent, hotelIds } });
      await emit(incidentId, { userId: user.id, name: user.name }, evs);
      return { entry: row!, needsApproval, limitMinor: limit, spentBeforeMinor: spent, capMinor, flags };
    });
  }

  /** Approve a pending charge: an approval entry carrying its amount is appended and posted. */
  async approve(incidentId: string, entryId: string, raw: unknown, actor: Actor) {
    const req = parseOr400(resolveEntrySchema, raw ?? {}, 'body');
    return this.resolve(incidentId, entryId, actor, (pending) => ({
      kind: 'approval',
      category: pending.category,
      amountMinor: pending.amountMinor,
      occurredAt: pending.occurredAt,
      recordedBy: actor.userId,
      partyId: pending.partyId,
      guestId: pending.guestId,
      hotelId: pending.hotelId,
      receiptRef: pending.receiptRef,
      description: `Approval of entry #${pending.seq}: ${pending.description}`,
      note: req.reason ?? '',
      relatedEntryId: pending.id,
      status: 'posted',
      approvedBy: actor.userId,
      flags: pending.flags,
    }));
  }

  /** Reject a pending charge: a zero-amount rejection entry closes it; it never counts. */
  async reject(incidentId: string, entryId: string, raw: unknown, actor: Actor) {
    const req = parseOr400(resolveEntrySchema, raw ?? {}, 'body');
    return this.resolve(incidentId, entryId, actor, (pending) => ({
      kind: 'rejection',
      category: pending.category,
      amountMinor: 0,
      occurredAt: new Date(),
      recordedBy: actor.userId,
      partyId: pending.partyId,
      hotelId: pending.hotelId,
      description: `Rejection of entry #${pending.seq}: ${pending.description}`,
      note: req.reason ?? '',
      relatedEntryId: pending.id,
      status: 'rejected',
    }));
  }

  private async resolve(incidentId: string, entryId: string, actor: Actor, build: (pending: LedgerRow) => EntryDraft) {
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const incident = await loadIncident(tx, incidentId);
      const head = await lockHead(tx, incidentId);
      const pending = await entryById(tx, incidentId, entryId);
      if (!pending) throw new AppError('not_found', 'No such ledger entry.');
      if (pending.status !== 'pending_approval' || pending.kind !== 'charge') throw new AppError('conflict', `Entry #${pending.seq} is not waiting for approval.`);
      const linked = await entriesLinkedTo(tx, incidentId, entryId);
      const done = linked.find((l) => l.kind === 'approval' || l.kind === 'rejection');
      if (done) throw new AppError('conflict', `Entry #${pending.seq} was already ${done.kind === 'approval' ? 'approved' : 'rejected'}.`, { by: done.recordedBy });
      const [row] = await appendEntries(tx, head, incident.currency, [build(pending)]);
      const type = row!.kind === 'approval' ? 'ledger.entry_approved' : 'ledger.entry_rejected';
      await emit(incidentId, actor, [{ type, payload: { ...eventPayload(row!), pendingEntryId: pending.id, recordedBy: pending.recordedBy, hotelIds: pending.hotelId ? [pending.hotelId] : [] } }]);
      return { entry: row!, pending };
    });
  }

  /**
   * Reverse a posted entry (negative amount, reverses_entry_id) and optionally append its
   * replacement (a new charge whose related_entry_id names the corrected entry). Reversing an
   * approved pending charge reverses its approval, the line that carries the amount.
   */
  async reverse(incidentId: string, entryId: string, raw: unknown, actor: Actor) {
    const req = parseOr400(reverseEntrySchema, raw, 'body');
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const incident = await loadIncident(tx, incidentId);
      const head = await lockHead(tx, incidentId);
      let target = await entryById(tx, incidentId, entryId);
      if (!target) throw new AppError('not_found', 'No such ledger entry.');
      if (target.kind === 'charge' && target.status === 'pending_approval') {
        const approval = (await entriesLinkedTo(tx, incidentId, target.id)).find((l) => l.kind === 'approval');
        if (!approval) throw new AppError('conflict', `Entry #${target.seq} is still waiting for approval or was rejected: reject it instead of reversing it.`);
        target = approval;
      }
      if (target.kind === 'reversal' || target.kind === 'rejection' || target.status !== 'posted') throw new AppError('conflict', `Entry #${target.seq} is a ${target.kind}; only a posted charge or approval can be reversed.`);
      if ((await entriesLinkedTo(tx, incidentId, target.id)).some((l) => l.kind === 'reversal')) throw new AppError('conflict', `Entry #${target.seq} was already reversed.`);
      const drafts: EntryDraft[] = [
        {
          kind: 'reversal',
          category: target.category,
          amountMinor: -target.amountMinor,
          occurredAt: target.occurredAt,
          recordedBy: actor.userId,
          partyId: target.partyId,
          guestId: target.guestId,
          hotelId: target.hotelId,
          vehicleId: target.vehicleId,
          tripId: target.tripId,
          night: target.night,
          receiptRef: target.receiptRef,
          description: `Reversal of entry #${target.seq}: ${target.description}`,
          note: req.reason,
          reversesEntryId: target.id,
          status: 'posted',
        },
      ];
      if (req.replacement) {
        drafts.push({
          kind: 'charge',
          category: req.replacement.category ?? target.category,
          amountMinor: req.replacement.amountMinor,
          occurredAt: target.occurredAt,
          recordedBy: actor.userId,
          partyId: target.partyId,
          guestId: target.guestId,
          hotelId: target.hotelId,
          vehicleId: target.vehicleId,
          tripId: target.tripId,
          night: target.night,
          receiptRef: req.replacement.receiptRef ?? target.receiptRef,
          description: `Correction of entry #${target.seq}: ${target.description}`,
          note: req.replacement.note ?? '',
          relatedEntryId: target.id,
          status: 'posted',
        });
      }
      const rows = await appendEntries(tx, head, incident.currency, drafts);
      const hotelIds = target.hotelId ? [target.hotelId] : [];
      await emit(incidentId, actor, [{ type: 'ledger.entry_reversed', payload: { reversedEntryId: target.id, entries: rows.map(eventPayload), hotelIds } }]);
      return { reversal: rows[0]!, replacement: rows[1] ?? null };
    });
  }

  /** Lines in seq order after `afterSeq`; reception sees only its hotel's lines; insurers never see notes. */
  async lines(incidentId: string, user: SessionUser, opts: { afterSeq?: number; limit?: number; status?: string }): Promise<{ lines: LedgerLine[]; headSeq: number; headHash: string }> {
    await loadIncident(this.db, incidentId);
    const head = await readHead(this.db, incidentId);
    const limit = Math.min(opts.limit ?? 500, 5000);
    const rows: LedgerRow[] = [];
    for await (const page of pagesOf(this.db, incidentId, head.seq, limit, opts.afterSeq ?? 0)) {
      for (const r of page) if ((user.role !== 'reception' || r.hotelId === user.hotelId) && (!opts.status || r.status === opts.status)) rows.push(r);
      if (rows.length >= limit) break;
    }
    return { lines: await presentLines(this.db, incidentId, rows.slice(0, limit), { withNotes: user.role !== 'insurer' }), headSeq: head.seq, headHash: head.hash };
  }

  async pending(incidentId: string): Promise<LedgerLine[]> {
    return presentLines(this.db, incidentId, await pendingCharges(this.db, incidentId), { withNotes: true });
  }

  /** Totals up to the current head, from the one aggregator every export uses. */
  async summary(incidentId: string): Promise<LedgerTotals> {
    const incident = await loadIncident(this.db, incidentId);
    const head = await readHead(this.db, incidentId);
    const agg = new LedgerAggregator(await loadTotalsContext(this.db, incident));
    for await (const page of pagesOf(this.db, incidentId, head.seq)) for (const r of page) agg.add(r);
    return agg.result(head.seq, head.hash);
  }

  /** Recompute the chain from the first entry up to `toSeq` (default: the head); name the first entry that fails. */
  async verifyChain(incidentId: string, toSeq?: number, each?: (row: LedgerRow) => void): Promise<ChainCheck> {
    await loadIncident(this.db, incidentId);
    const head = await readHead(this.db, incidentId);
    const upTo = toSeq ?? head.seq;
    let prev = { seq: 0, hash: GENESIS_HASH };
    let checked = 0;
    for await (const page of pagesOf(this.db, incidentId, upTo)) {
      for (const r of page) {
        const reason = checkLink(prev, r, canonicalJson(r));
        if (reason) return { ok: false, checked, headSeq: head.seq, headHash: head.hash, firstBad: { seq: r.seq, id: r.id, reason } };
        prev = { seq: r.seq, hash: r.hash };
        checked += 1;
        each?.(r);
      }
    }
    if (prev.seq !== upTo) return { ok: false, checked, headSeq: head.seq, headHash: head.hash, firstBad: { seq: prev.seq + 1, id: '', reason: `entries after #${prev.seq} are missing (expected up to #${upTo})` } };
    if (toSeq === undefined && prev.hash !== head.hash) return { ok: false, checked, headSeq: head.seq, headHash: head.hash, firstBad: { seq: head.seq, id: '', reason: 'the last entry does not match the recorded chain head' } };
    return { ok: true, checked, headSeq: head.seq, headHash: toSeq === undefined ? head.hash : prev.hash, firstBad: null };
  }
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** What an event says about an entry: ids and amounts, never notes (events reach every console). */
export function eventPayload(r: LedgerRow): Record<string, unknown> {
  return { entryId: r.id, ledgerSeq: r.seq, kind: r.kind, category: r.category, amountMinor: r.amountMinor, currency: r.currency, status: r.status, partyId: r.partyId, hotelId: r.hotelId, tripId: r.tripId, flags: r.flags };
}
