/**
 * The cost ledger's rules: perks within a staff member's limit (or pending a duty manager's
 * approval), approvals and rejections, reversals and corrections, reading and checking the chain.
 * Every write is one transaction that locks the chain head, appends linked entries (never edits)
 * and appends its events; sockets hear of it after commit.
 */
import { pick } from '../../shared/collections.js';
import type { Db } from '../db/client.js';
import { AppError, parseOr400 } from '../http/errors.js';
import { currentIdempotencyClaim } from '../http/idempotency.js';
import { commitWithEvents, type Actor, type EventBus } from '../events/log.js';
import type { SessionUser } from '../auth/types.js';
import {
  photoSha256,
  recordPerkSchema,
  resolveEntrySchema,
  reverseEntrySchema,
  type BadEntry,
  type ChainCheck,
  type LedgerLine,
  type LedgerTotals,
  type PendingLine,
} from '../../shared/ledger.js';
import { appendEntries, entriesLinkedTo, entryById, lockHead, pagesOf, pendingCharges, readHead, type EntryDraft, type LedgerRow } from './repo.js';
import { receiptIntegrity } from './receipt-repo.js';
import { ReceiptService } from './receipts.js';
import { canonicalJson, checkLink, GENESIS_HASH } from './chain.js';
import { loadIncident, loadTotalsContext } from './context.js';
import { LedgerAggregator } from './totals.js';
import { presentLines, type Viewer } from './presenter.js';
import { payloadsNaming } from '../events/repo.js';
import { eventPayload, OVER_PERK_CAP, PerkRecorder } from './perks.js';

export { eventPayload, OVER_PERK_CAP };

/** A chain check with the first broken link kept apart from the first bad receipt photo. */
export interface ChainWalk {
  result: ChainCheck;
  /** The first entry whose sequence, link or hash fails (receipt photos aside). */
  linkBad: BadEntry | null;
}

export class LedgerService {
  private readonly perks: PerkRecorder;
  /** Receipt photos (upload, read); entries cite them as `photo:<sha256>`. */
  readonly receipts: ReceiptService;

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
  ) {
    this.perks = new PerkRecorder(db, bus);
    this.receipts = new ReceiptService(db);
  }

  /**
   * Reception (own hotel's households only) and duty managers record a perk. A member of staff may
   * spend up to their limit per household without approval, cumulatively (users.spend_limit_minor,
   * else the incident's staff limit); beyond it the charge is appended as pending_approval.
   * Duty managers and admins hold approval authority, so their own perks post directly.
   * Concurrent requests for one incident share a transaction (./perks.ts); each is decided alone.
   */
  async recordPerk(incidentId: string, user: SessionUser, raw: unknown) {
    const req = parseOr400(recordPerkSchema, raw, 'body');
    if (user.role === 'reception' && req.hotelId && req.hotelId !== user.hotelId) throw new AppError('not_found', 'No such hotel.');
    return this.perks.record(incidentId, { user, req, claim: currentIdempotencyClaim() });
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
      if (pending.status !== 'pending_approval' || pending.kind !== 'charge')
        throw new AppError('conflict', `Entry #${pending.seq} is not waiting for approval.`);
      const linked = await entriesLinkedTo(tx, incidentId, entryId);
      const done = linked.find((l) => l.kind === 'approval' || l.kind === 'rejection');
      if (done)
        throw new AppError('conflict', `Entry #${pending.seq} was already ${done.kind === 'approval' ? 'approved' : 'rejected'}.`, { by: done.recordedBy });
      const [row] = await appendEntries(tx, head, incident.currency, [build(pending)]);
      const type = row!.kind === 'approval' ? 'ledger.entry_approved' : 'ledger.entry_rejected';
      await emit(incidentId, actor, [
        {
          type,
          payload: {
            ...eventPayload(row!),
            pendingEntryId: pending.id,
            claimedMinor: pending.amountMinor,
            recordedBy: pending.recordedBy,
            hotelIds: pending.hotelId ? [pending.hotelId] : [],
          },
        },
      ]);
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
      if (target.kind === 'reversal' || target.kind === 'rejection' || target.status !== 'posted')
        throw new AppError('conflict', `Entry #${target.seq} is a ${target.kind}; only a posted charge or approval can be reversed.`);
      if ((await entriesLinkedTo(tx, incidentId, target.id)).some((l) => l.kind === 'reversal'))
        throw new AppError('conflict', `Entry #${target.seq} was already reversed.`);
      // A reversal and its correction are about what the entry was about, when it happened.
      const about = { ...pick(target, ['occurredAt', 'partyId', 'guestId', 'hotelId', 'vehicleId', 'tripId', 'night']), recordedBy: actor.userId };
      const drafts: EntryDraft[] = [
        {
          kind: 'reversal',
          category: target.category,
          amountMinor: -target.amountMinor,
          ...about,
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
          ...about,
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
  async lines(
    incidentId: string,
    user: SessionUser,
    opts: { afterSeq?: number; limit?: number; status?: string },
  ): Promise<{ lines: LedgerLine[]; headSeq: number; headHash: string }> {
    await loadIncident(this.db, incidentId);
    const head = await readHead(this.db, incidentId);
    const limit = Math.min(opts.limit ?? 500, 5000);
    const rows: LedgerRow[] = [];
    // One page at a time (none asked ahead): most calls need only the first.
    for await (const page of pagesOf(this.db, incidentId, head.seq, limit, opts.afterSeq ?? 0, 0)) {
      for (const r of page) if ((user.role !== 'reception' || r.hotelId === user.hotelId) && (!opts.status || r.status === opts.status)) rows.push(r);
      if (rows.length >= limit) break;
    }
    return { lines: await presentLines(this.db, incidentId, rows.slice(0, limit), { withNotes: true, viewer: user }), headSeq: head.seq, headHash: head.hash };
  }

  /** Pending charges, each with the limit and spend-so-far its approval request named. */
  async pending(incidentId: string, viewer: Viewer): Promise<PendingLine[]> {
    const lines = await presentLines(this.db, incidentId, await pendingCharges(this.db, incidentId), { withNotes: true, viewer });
    const asked = await payloadsNaming(
      this.db,
      incidentId,
      'ledger.approval_requested',
      'entryId',
      lines.map((l) => l.id),
    );
    const num = (v: unknown) => (typeof v === 'number' ? v : null);
    return lines.map((l) => ({ ...l, limitMinor: num(asked.get(l.id)?.limitMinor), spentBeforeMinor: num(asked.get(l.id)?.spentMinor) }));
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
    return (await this.walkChain(incidentId, toSeq, each)).result;
  }

  /**
   * One read of the lines #1..toSeq: each line's sequence, link and hash recomputed, and each
   * receipt photo a line cites re-hashed from its stored bytes (the photo's sha256 is in the line's
   * receipt_ref, so the chain covers it; a photo altered in the database no longer matches).
   */
  async walkChain(incidentId: string, toSeq?: number, each?: (row: LedgerRow) => void): Promise<ChainWalk> {
    await loadIncident(this.db, incidentId);
    const head = await readHead(this.db, incidentId);
    const upTo = toSeq ?? head.seq;
    let prev = { seq: 0, hash: GENESIS_HASH };
    let checked = 0;
    let linkBad: BadEntry | null = null;
    // The first line citing each photo (by sha256): the one to name if the photo fails.
    const photos = new Map<string, { seq: number; id: string }>();
    walk: for await (const page of pagesOf(this.db, incidentId, upTo)) {
      for (const r of page) {
        const reason = checkLink(prev, r, canonicalJson(r));
        if (reason) {
          linkBad = { seq: r.seq, id: r.id, reason };
          break walk;
        }
        const sha = photoSha256(r.receiptRef);
        if (sha && !photos.has(sha)) photos.set(sha, { seq: r.seq, id: r.id });
        prev = { seq: r.seq, hash: r.hash };
        checked += 1;
        each?.(r);
      }
    }
    if (!linkBad && prev.seq !== upTo) linkBad = { seq: prev.seq + 1, id: '', reason: `entries after #${prev.seq} are missing (expected up to #${upTo})` };
    if (!linkBad && toSeq === undefined && prev.hash !== head.hash)
      linkBad = { seq: head.seq, id: '', reason: 'the last entry does not match the recorded chain head' };
    const receiptBad = await this.checkReceipts(incidentId, photos);
    const firstBad = [linkBad, receiptBad].filter((b): b is BadEntry => b !== null).sort((a, b) => a.seq - b.seq)[0] ?? null;
    const headHash = toSeq === undefined || linkBad ? head.hash : prev.hash;
    return { result: { ok: !firstBad, checked, headSeq: head.seq, headHash, firstBad, receipts: { checked: photos.size, firstBad: receiptBad } }, linkBad };
  }

  /** The earliest line whose cited photo is missing or whose bytes no longer hash to the sha256 it cites. */
  async checkReceipts(incidentId: string, photos: Map<string, { seq: number; id: string }>): Promise<BadEntry | null> {
    if (photos.size === 0) return null;
    const stored = await receiptIntegrity(this.db, incidentId, [...photos.keys()]);
    let bad: BadEntry | null = null;
    for (const [sha, line] of photos) {
      if (bad && bad.seq <= line.seq) continue;
      const r = stored.get(sha);
      if (!r) bad = { ...line, reason: `the receipt photo it cites (sha256 ${sha}) is missing` };
      else if (!r.intact) bad = { ...line, receiptId: r.id, reason: `receipt photo ${r.id} no longer matches the sha256 in the entry (the photo was altered)` };
    }
    return bad;
  }
}
