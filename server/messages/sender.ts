/**
 * Delivers outbox rows, each at most once in normal operation:
 *
 * 1. claim: one UPDATE turns due rows from `pending` (or `sending` whose lease ran out, i.e. a
 *    sender died holding them) into `sending`, raises `attempts` and sets the lease end in
 *    `next_attempt_at`. The inner SELECT ... FOR UPDATE SKIP LOCKED means two senders (two
 *    processes) never claim the same row.
 * 2. send through the channel's transport (the row id goes along as Message-ID / Idempotency-Key).
 * 3. mark `sent` - only if the row is still ours (same attempt number, still `sending`).
 *    A failure goes back to `pending` with exponential backoff, or `failed` after the last try,
 *    which also tells the duty managers (event `message.failed`).
 *
 * The only double-send window: the process dies after the transport accepted the message and
 * before step 3 commits. After the lease the row is claimed again and sent a second time, carrying
 * the same Message-ID / Idempotency-Key so a receiver can drop it. The window is one UPDATE long.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { claimOutbox, markOutboxFailed, markOutboxSent, releaseOutbox, retryOutboxLater, type OutboxRow } from './repo.js';
import { commitWithEvents, SYSTEM_ACTOR, type EventBus } from '../events/log.js';
import type { Transport } from './transports.js';
import { isEmailAddress, isPhoneNumber } from '../../shared/fields.js';

/**
 * Checked again here, whatever wrote the row: a recipient is ONE address or number. A list, a
 * display name or a line break ("a@x.org, b@y.org", "x@y.org\r\nBcc: ...") would send a status
 * link, which is a credential, to someone else. Null when fine, else why it is refused.
 */
export function refuseRecipient(channel: string, recipient: string): string | null {
  if (channel === 'email') return isEmailAddress(recipient) ? null : 'refused: the recipient is not exactly one email address';
  if (channel === 'sms') return isPhoneNumber(recipient) ? null : 'refused: the recipient is not exactly one telephone number';
  return null;
}

export type { OutboxRow };

export interface SenderOptions {
  /** How long a claim is held before another sender may take the row over. */
  leaseMs?: number;
  maxAttempts?: number;
  /** First retry after this long, doubling each time up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  batchSize?: number;
  /** Messages older than this are not sent any more (a "leaving in 10 minutes" hours late helps nobody). */
  maxAgeMs?: number;
  /** Test seam: runs after the transport accepted a message and before it is marked sent. */
  afterSend?: (row: OutboxRow) => Promise<void>;
}

const DEFAULTS = { leaseMs: 120_000, maxAttempts: 6, baseDelayMs: 30_000, maxDelayMs: 30 * 60_000, batchSize: 20, maxAgeMs: 12 * 3600_000 };

/** Delay before attempt n+1 after n failed attempts: base, 2x base, 4x base ... capped. */
export function backoffMs(attempts: number, base = DEFAULTS.baseDelayMs, max = DEFAULTS.maxDelayMs): number {
  return Math.min(max, base * 2 ** Math.max(0, attempts - 1));
}

export interface RunResult {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
}

export class OutboxSender {
  private readonly opts: typeof DEFAULTS & Pick<SenderOptions, 'afterSend'>;
  private transports = new Map<string, Transport>();
  private inFlight = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    transports: Transport[],
    opts: SenderOptions = {},
  ) {
    this.opts = { ...DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) };
    this.useTransports(transports);
  }

  useTransports(list: Transport[]): void {
    this.transports = new Map(list.map((t) => [t.channel, t]));
  }

  channels(): Set<'email' | 'sms'> {
    return new Set([...this.transports.keys()] as ('email' | 'sms')[]);
  }

  /** Claim up to `limit` due rows for the channels this sender can deliver. */
  async claim(limit: number, now: Date): Promise<OutboxRow[]> {
    const channels = [...this.transports.keys()];
    if (!channels.length) return [];
    const leaseEnd = new Date(now.getTime() + this.opts.leaseMs);
    return claimOutbox(this.db, channels, limit, now, leaseEnd);
  }

  /** Send what is due now; returns counts. Safe to run from several processes at once. */
  async runOnce(now = new Date()): Promise<RunResult> {
    const result: RunResult = { claimed: 0, sent: 0, retried: 0, failed: 0 };
    if (this.stopped) return result;
    const rows = await this.claim(this.opts.batchSize, now);
    result.claimed = rows.length;
    for (const [i, row] of rows.entries()) {
      if (this.stopped) {
        await this.release(rows.slice(i));
        break;
      }
      const p = this.deliver(row, now);
      this.inFlight.add(p);
      try {
        result[await p]++;
      } catch (err) {
        // One row that cannot be handled (its bookkeeping failed) never stops the rest of the batch:
        // it stays claimed until its lease runs out and is tried again then.
        this.logger.error({ err, outboxId: row.id, incidentId: row.incidentId }, 'outbox row could not be handled; it will be retried after its lease');
        result.retried++;
      } finally {
        this.inFlight.delete(p);
      }
    }
    return result;
  }

  /** Stop claiming; wait for the message being sent to be marked; give back rows claimed but not yet tried. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.inFlight]);
    for (const t of this.transports.values()) t.close?.();
  }

  /** Give back rows claimed but not tried (stopping): due again at once, the attempt not counted. */
  private async release(rows: OutboxRow[]): Promise<void> {
    for (const row of rows) {
      await releaseOutbox(this.db, row);
    }
  }

  private async deliver(row: OutboxRow, now: Date): Promise<'sent' | 'retried' | 'failed'> {
    const transport = this.transports.get(row.channel);
    if (now.getTime() - row.createdAt.getTime() > this.opts.maxAgeMs) return this.fail(row, 'expired: too old to be useful', true, now);
    if (!transport) return this.fail(row, `no ${row.channel} transport`, false, now);
    const refused = refuseRecipient(row.channel, row.recipient);
    if (refused) return this.fail(row, refused, true, now);
    try {
      // A subject is one header line, whatever a template says.
      await transport.send({ id: row.id, recipient: row.recipient, subject: row.subject.replace(/[\r\n\u2028\u2029]+/g, ' '), body: row.body });
    } catch (err) {
      return this.fail(row, err instanceof Error ? err.message : String(err), row.attempts >= this.opts.maxAttempts, now);
    }
    await this.opts.afterSend?.(row);
    const marked = await markOutboxSent(this.db, row);
    if (!marked) this.logger.warn({ outboxId: row.id }, 'outbox row was taken over before it could be marked sent (lease too short?)');
    return 'sent';
  }

  private async fail(row: OutboxRow, error: string, final: boolean, now: Date): Promise<'retried' | 'failed'> {
    const lastError = error.slice(0, 500);
    if (!final) {
      await retryOutboxLater(this.db, row, lastError, new Date(now.getTime() + backoffMs(row.attempts, this.opts.baseDelayMs, this.opts.maxDelayMs)));
      this.logger.info({ outboxId: row.id, attempts: row.attempts, error: lastError }, 'message delivery failed; will retry');
      return 'retried';
    }
    await commitWithEvents(this.db, this.bus, async (tx, emit) => {
      if (await markOutboxFailed(tx, row, lastError)) {
        await emit(row.incidentId, SYSTEM_ACTOR, [
          {
            type: 'message.failed',
            payload: { partyId: row.partyId, outboxId: row.id, channel: row.channel, template: row.template, attempts: row.attempts, error: lastError },
          },
        ]);
      }
    });
    this.logger.warn({ outboxId: row.id, attempts: row.attempts, error: lastError }, 'message delivery failed for good');
    return 'failed';
  }
}
