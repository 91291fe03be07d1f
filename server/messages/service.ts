/**
 * Guest messaging, wired together: the projector (events -> outbox), departure notices, the
 * sender, and what duty managers read and manage (a household's messages, feedback, templates,
 * status links). `start()` reacts to committed events at once and ticks every few seconds for the
 * rest (departure windows, retries, leases of crashed senders); `stop()` waits for in-flight work.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { feedbackRows, lockPartyName, outboxRows, setStatusToken, statusToken, statusTokens } from './repo.js';
import type { FeedbackList, MessageView } from '../../shared/messages.js';
import { commitWithEvents, type Actor, type EventBus, type StoredEvent } from '../events/log.js';
import { AppError } from '../http/errors.js';
import { isoUtc } from '../../shared/time.js';
import { newStatusToken } from '../incidents/codes.js';
import { departureNotices, projectAll, type ProjectorOptions } from './projector.js';
import { OutboxSender, type SenderOptions, type RunResult } from './sender.js';
import { TemplateService } from './templates.js';
import { ROOMING_TRIGGERS } from '../rooming/mail.js';
import type { Transport } from './transports.js';
import { IncidentJobGuard, type IsolationOptions } from '../jobs/isolation.js';

export interface MessagingOptions {
  publicUrl: string;
  transports?: Transport[];
  /** How often the background loop runs (departure notices, retries, lease take-over). */
  tickMs?: number;
  sender?: SenderOptions;
  now?: () => Date;
  /** False: start() does nothing (another process runs the loop). */
  enabled?: boolean;
  /** Backoff for an incident whose messages cannot be projected (see server/jobs/isolation.ts). */
  isolation?: IsolationOptions;
}

const WATCHED = new Set(['plan.applied', 'vehicle.status_changed', 'guest.checked_in', 'guest.checked_out', ...ROOMING_TRIGGERS]);

export class MessagingService {
  readonly templates: TemplateService;
  readonly sender: OutboxSender;
  private timer: NodeJS.Timeout | null = null;
  private soon: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private readonly now: () => Date;
  /** One failing incident never stops another's messages. */
  readonly guards: { projection: IncidentJobGuard; notices: IncidentJobGuard };

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private readonly opts: MessagingOptions,
  ) {
    this.templates = new TemplateService(db);
    this.sender = new OutboxSender(db, bus, logger, opts.transports ?? [], opts.sender);
    this.now = opts.now ?? (() => new Date());
    this.guards = {
      projection: new IncidentJobGuard('guest messages', db, bus, logger, opts.isolation),
      notices: new IncidentJobGuard('departure notices', db, bus, logger, opts.isolation),
    };
  }

  /** Replace the delivery channels (tests point email at a local SMTP sink). */
  useTransports(list: Transport[]): void {
    this.sender.useTransports(list);
  }

  private projectorOptions(): ProjectorOptions {
    return { publicUrl: this.opts.publicUrl, channels: this.sender.channels(), now: this.now };
  }

  start(): void {
    if (this.timer || this.opts.enabled === false) return;
    this.bus.on('committed', this.onCommitted);
    this.timer = setInterval(() => this.kick(), this.opts.tickMs ?? 5000);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.bus.off('committed', this.onCommitted);
    if (this.timer) clearInterval(this.timer);
    if (this.soon) clearTimeout(this.soon);
    this.timer = null;
    this.soon = null;
    this.again = false;
    // Stop the sender first: it finishes the message in hand and gives back the rest of its batch.
    const stopping = this.sender.stop();
    await this.running;
    await stopping;
  }

  private onCommitted = (list: StoredEvent[]) => {
    if (!list.some((e) => WATCHED.has(e.type))) return;
    // Coalesce bursts: one projection shortly after, not one per commit.
    this.soon ??= setTimeout(() => {
      this.soon = null;
      this.kick();
    }, 50);
    this.soon.unref();
  };

  /** Run one tick now, or right after the one in progress. */
  private kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.tick()
      .then(() => undefined)
      .catch((err: unknown) => this.logger.error({ err }, 'messaging tick failed'))
      .finally(() => {
        this.running = null;
        if (this.again && this.timer) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Project new events, write due departure notices, send what is due; each incident on its own. */
  async tick(now = this.now()): Promise<RunResult> {
    const isolated = { ...this.projectorOptions(), guards: this.guards };
    await projectAll(this.db, isolated);
    await departureNotices(this.db, isolated, now);
    let total: RunResult = { claimed: 0, sent: 0, retried: 0, failed: 0 };
    for (;;) {
      const r = await this.sender.runOnce(now);
      total = { claimed: total.claimed + r.claimed, sent: total.sent + r.sent, retried: total.retried + r.retried, failed: total.failed + r.failed };
      if (r.claimed === 0) break;
    }
    return total;
  }

  /** Turn committed events into outbox rows (idempotent; see projector.ts). */
  project(): Promise<number> {
    return projectAll(this.db, this.projectorOptions());
  }

  departureNotices(now = this.now()): Promise<number> {
    return departureNotices(this.db, this.projectorOptions(), now);
  }

  /** A household's messages (or the incident's latest), newest first: the delivery timeline. */
  async messages(incidentId: string, partyId?: string, limit = 200): Promise<MessageView[]> {
    const rows = await outboxRows(this.db, incidentId, partyId, limit);
    return rows.map((r) => ({
      id: r.id,
      partyId: r.partyId,
      channel: r.channel,
      template: r.template,
      language: r.language,
      recipient: r.recipient,
      subject: r.subject,
      body: r.body,
      status: r.status as MessageView['status'],
      attempts: r.attempts,
      createdAt: isoUtc(r.createdAt),
      sentAt: r.sentAt ? isoUtc(r.sentAt) : null,
      lastError: r.lastError,
    }));
  }

  async feedback(incidentId: string): Promise<FeedbackList> {
    const rows = await feedbackRows(this.db, incidentId);
    const list = rows.map(({ f, name }) => ({ partyId: f.partyId, name, hotelId: f.hotelId, rating: f.rating, comment: f.comment, at: isoUtc(f.updatedAt) }));
    const avg = list.length ? Math.round((list.reduce((n, f) => n + f.rating, 0) / list.length) * 10) / 10 : null;
    return { feedback: list, count: list.length, averageRating: avg };
  }

  /** The household's status link (for the printed pass / QR), or null when revoked. */
  async statusLink(incidentId: string, partyId: string): Promise<{ partyId: string; token: string | null; url: string | null }> {
    const p = await statusToken(this.db, incidentId, partyId);
    if (!p) throw new AppError('not_found', `No household ${partyId} in this incident.`);
    return { partyId, token: p.token, url: p.token ? this.linkFor(p.token) : null };
  }

  /** Revoke (the old link shows nothing from now on) or reissue (a new link; the old one dies). */
  async setStatusLink(incidentId: string, partyId: string, action: 'revoke' | 'reissue', actor: Actor) {
    return commitWithEvents(this.db, this.bus, async (tx, emit) => {
      const p = await lockPartyName(tx, incidentId, partyId);
      if (!p) throw new AppError('not_found', `No household ${partyId} in this incident.`);
      const token = action === 'reissue' ? newStatusToken() : null;
      await setStatusToken(tx, incidentId, partyId, token);
      const [ev] = await emit(incidentId, actor, [
        { type: action === 'reissue' ? 'status_link.reissued' : 'status_link.revoked', payload: { partyId, name: p.name } },
      ]);
      return { partyId, token, url: token ? this.linkFor(token) : null, seq: ev!.seq };
    });
  }

  /** Status links of several households at once (printing passes). */
  async statusLinks(incidentId: string, partyIds: string[]) {
    const rows = await statusTokens(this.db, incidentId, partyIds);
    return rows.map((r) => ({ partyId: r.id, token: r.token, url: r.token ? this.linkFor(r.token) : null }));
  }

  linkFor(token: string): string {
    return `${this.opts.publicUrl.replace(/\/$/, '')}/#/s/${token}`;
  }
}
