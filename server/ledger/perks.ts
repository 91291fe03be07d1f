/**
 * Recording perks, the ledger's busiest write: many members of staff at once, each request one
 * entry. Requests for the same incident are group-committed (./group-commit.ts): one transaction
 * locks the chain head, reads what the whole batch needs in a few statements, decides each
 * request in arrival order exactly as if it were alone (the staff limit and perk caps see the
 * entries decided before it in the same batch), appends the entries in one statement and their
 * events in one more. Each request gets its own answer or error; a refused one writes nothing.
 */
import type { Db } from '../db/client.js';
import type { SessionUser } from '../auth/types.js';
import { AppError } from '../http/errors.js';
import { markIdempotentApplied, type IdempotencyClaim } from '../http/idempotency.js';
import type { ActorEvent, EventBus, StoredEvent } from '../events/log.js';
import type { LedgerEventBase } from '../../shared/events.js';
import { formatMinor, perkCategoryOf, PHOTO_REF_PREFIX, stayNights, type RecordPerkRequest } from '../../shared/ledger.js';
import type { EntryDraft, LedgerRow } from './repo.js';
import { appendEntriesWithEvents, capKey, lockHeadWithIncident, pairKey, perkFacts, type IncidentTerms, type PerkFacts } from './perk-repo.js';
import { GroupCommit, type Outcome } from './group-commit.js';

export const OVER_PERK_CAP = 'over_perk_cap';

export interface PerkJob {
  user: SessionUser;
  req: RecordPerkRequest;
  /** The request's Idempotency-Key claim: marked applied in the batch's transaction with the entry. */
  claim?: IdempotencyClaim;
}

export interface PerkResult {
  entry: LedgerRow;
  needsApproval: boolean;
  limitMinor: number;
  spentBeforeMinor: number;
  capMinor: number | null;
  flags: string[];
}

const isManager = (u: SessionUser) => u.role === 'admin' || u.role === 'duty_manager';
const hotelOfJob = ({ user, req }: PerkJob) => (user.role === 'reception' ? user.hotelId! : req.hotelId);

/** How far before the incident's start, or after now, a perk's time may be. */
const PERK_DATE_SLACK_MS = 86_400_000;

function fieldError(path: string, message: string, summary: string): AppError {
  return new AppError('validation_failed', `${path}: ${summary}`, { fields: [{ path, message }] });
}

export class PerkRecorder {
  private readonly commits: GroupCommit<PerkJob, PerkResult>;

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
  ) {
    this.commits = new GroupCommit((incidentId, jobs) => this.recordBatch(incidentId, jobs));
  }

  record(incidentId: string, job: PerkJob): Promise<PerkResult> {
    return this.commits.submit(incidentId, job);
  }

  private async recordBatch(incidentId: string, jobs: PerkJob[]): Promise<Outcome<PerkResult>[]> {
    const published: StoredEvent[] = [];
    const outcomes = await this.db.transaction(async (tx): Promise<Outcome<PerkResult>[]> => {
      const locked = await lockHeadWithIncident(tx, incidentId);
      if (!locked) return jobs.map(() => ({ ok: false, error: new AppError('not_found', 'No such incident.') }));
      const { head, incident } = locked;

      const partyIds = [...new Set(jobs.map((j) => j.req.partyId))];
      const staff = jobs.filter((j) => !isManager(j.user));
      const facts = await perkFacts(tx, incidentId, {
        partyIds,
        hotelIds: [...new Set(jobs.map(hotelOfJob).filter((x): x is string => Boolean(x)))],
        staffIds: [...new Set(staff.map((j) => j.user.id))],
        staffPartyIds: [...new Set(staff.map((j) => j.req.partyId))],
        receiptIds: [...new Set(jobs.map((j) => j.req.receiptPhotoId).filter((x): x is string => Boolean(x)))],
      });

      const results: Outcome<PerkResult>[] = new Array<Outcome<PerkResult>>(jobs.length);
      const accepted: { i: number; draft: EntryDraft; result: Omit<PerkResult, 'entry'>; job: PerkJob; partyName: string }[] = [];
      jobs.forEach((job, i) => {
        try {
          accepted.push({ i, job, ...decide(job, incident, facts) });
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          results[i] = { ok: false, error };
        }
      });
      const { rows, events } = await appendEntriesWithEvents(
        tx,
        head,
        incident.currency,
        accepted.map((a) => a.draft),
        (chained) =>
          accepted.flatMap((a, k): ActorEvent[] => {
            const row = chained[k]!;
            const actor = { userId: a.job.user.id, name: a.job.user.name };
            const hotelIds = row.hotelId ? [row.hotelId] : [];
            const recorded: ActorEvent = { actor, event: { type: 'ledger.entry_recorded', payload: { ...eventPayload(row), hotelIds } } };
            if (!a.result.needsApproval) return [recorded];
            const { limitMinor, spentBeforeMinor } = a.result;
            return [
              recorded,
              {
                actor,
                event: {
                  type: 'ledger.approval_requested',
                  payload: {
                    ...eventPayload(row),
                    householdName: a.partyName,
                    recordedByName: a.job.user.name,
                    limitMinor,
                    spentMinor: spentBeforeMinor,
                    hotelIds,
                  },
                },
              },
            ];
          }),
      );
      // A lost key lease fails the batch; group commit then retries its jobs one by one.
      await markIdempotentApplied(
        tx,
        accepted.map((a) => a.job.claim),
      );
      accepted.forEach((a, k) => {
        results[a.i] = { ok: true, value: { ...a.result, entry: rows[k]! } };
      });
      published.push(...events);
      return results;
    });
    this.bus.publish(published);
    return outcomes;
  }
}

/**
 * One perk decided against the batch's facts, in the order it arrived; on success the running
 * totals move so the next request in the batch sees this one. Throws AppError to refuse it.
 */
function decide(job: PerkJob, incident: IncidentTerms, facts: PerkFacts): { draft: EntryDraft; result: Omit<PerkResult, 'entry'>; partyName: string } {
  const { user, req } = job;
  const hotelId = hotelOfJob(job);
  const party = facts.parties.get(req.partyId);
  if (!party) throw new AppError('not_found', 'No such household.', { partyId: req.partyId });
  const stayHotel = hotelId ?? party.stays.find((s) => s.status === 'checked_in' || s.status === 'planned')?.hotelId ?? null;
  if (user.role === 'reception') {
    const here = party.stays.filter((s) => s.hotelId === hotelId && ['planned', 'checked_in', 'checked_out'].includes(s.status));
    if (!here.length) throw new AppError('not_found', 'That household is not staying at your hotel.', { partyId: party.id });
    // Perks are for guests who have arrived: a household still on its way has had nothing here yet.
    if (!here.some((s) => s.status !== 'planned'))
      throw new AppError('conflict', `${party.name} have not checked in here yet: check them in first, then record the perk.`, { partyId: party.id });
  }
  if (req.guestId && !party.guestIds.includes(req.guestId)) {
    throw new AppError('validation_failed', `body.guestId: guest ${req.guestId} is not in household ${party.name}`, {
      fields: [{ path: 'body.guestId', message: 'not in this household' }],
    });
  }
  const hotel = stayHotel ? facts.hotels.get(stayHotel) : undefined;
  if (stayHotel && !hotel) throw new AppError('not_found', 'No such hotel.');
  let receiptRef = req.receiptRef || null;
  if (req.receiptPhotoId) {
    const found = facts.receipts.get(req.receiptPhotoId);
    // Reception cites only photos its own hotel uploaded: another hotel's receipt is "no such photo".
    const photo = found && (user.role !== 'reception' || found.hotelId === user.hotelId) ? found : undefined;
    if (!photo)
      throw fieldError('body.receiptPhotoId', 'no such receipt photo in this incident', `no receipt photo ${req.receiptPhotoId} was uploaded to this incident`);
    receiptRef = `${PHOTO_REF_PREFIX}${photo.sha256}`;
  }

  const occurredAt = req.occurredAt ? new Date(req.occurredAt) : new Date();
  // A perk happens during the incident: not before it started (less a day for clocks and time
  // zones), not after tomorrow. Year 1 or 9999 is a typo that would skew every night and export.
  if (occurredAt.getTime() < incident.startedAt.getTime() - PERK_DATE_SLACK_MS || occurredAt.getTime() > Date.now() + PERK_DATE_SLACK_MS) {
    throw fieldError(
      'body.occurredAt',
      'expected a time during the incident (from its start until tomorrow)',
      `occurredAt ${req.occurredAt} is outside the incident (from ${incident.startedAt.toISOString()} until tomorrow)`,
    );
  }

  const manager = isManager(user);
  const limit = user.spendLimitMinor ?? incident.staffSpendLimitMinor;
  const spent = manager ? 0 : (facts.spent.get(pairKey(user.id, party.id)) ?? 0);
  const needsApproval = !manager && spent + req.amountMinor > limit;

  const flags: string[] = [];
  let capMinor: number | null = null;
  const perk = hotel?.perks.find((p) => p.capMinorPerGuestPerNight !== undefined && perkCategoryOf(p.kind) === req.category);
  if (hotel && perk) {
    const now = new Date();
    const nights = party.stays
      .filter((s) => s.hotelId === hotel.id && s.checkedInAt)
      .reduce((k, s) => k + stayNights(s.checkedInAt!, s.checkedOutAt ?? s.endedAt ?? now, incident.timezone).length, 0);
    capMinor = perk.capMinorPerGuestPerNight! * party.guestIds.length * Math.max(1, nights);
    const before = facts.perkSpent.get(capKey(party.id, hotel.id, req.category)) ?? 0;
    if (before + req.amountMinor > capMinor) flags.push(OVER_PERK_CAP);
  }

  // Decided: later requests in the batch see this one.
  if (!manager && !needsApproval) facts.spent.set(pairKey(user.id, party.id), spent + req.amountMinor);
  if (hotel) {
    const k = capKey(party.id, hotel.id, req.category);
    facts.perkSpent.set(k, (facts.perkSpent.get(k) ?? 0) + req.amountMinor);
  }
  const draft: EntryDraft = {
    kind: 'charge',
    category: req.category,
    amountMinor: req.amountMinor,
    occurredAt,
    recordedBy: user.id,
    partyId: party.id,
    guestId: req.guestId ?? null,
    hotelId: hotel?.id ?? null,
    receiptRef,
    note: req.note ?? '',
    description: `${cap(req.category)} for household ${party.id}${hotel ? ` at ${hotel.name}` : ''}${flags.length ? ` (over the hotel's ${formatMinor(capMinor!)} cap)` : ''}`,
    status: needsApproval ? 'pending_approval' : 'posted',
    flags,
  };
  return { draft, result: { needsApproval, limitMinor: limit, spentBeforeMinor: spent, capMinor, flags }, partyName: party.name };
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** What an event says about an entry: ids and amounts, never notes (events reach every console). */
export function eventPayload(r: LedgerRow): LedgerEventBase {
  return {
    entryId: r.id,
    ledgerSeq: r.seq,
    kind: r.kind,
    category: r.category,
    amountMinor: r.amountMinor,
    currency: r.currency,
    status: r.status,
    partyId: r.partyId,
    hotelId: r.hotelId,
    tripId: r.tripId,
    flags: r.flags,
  };
}
