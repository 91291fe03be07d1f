/**
 * One call to build guest communication for the app: the messaging service (templates, outbox,
 * sender, loop) and the status-link service, with transports from the settings.
 *
 * Settings (from process.env today; pass the validated `config` once server/config.ts has them):
 * SMTP_URL, MAIL_FROM, SMS_WEBHOOK_URL, PUBLIC_URL (base of links in messages),
 * MESSAGES_TICK_MS (loop period, default 5000), MESSAGES_ENABLED=false (no background loop here).
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import type { EventBus } from '../events/log.js';
import { GuestService } from '../guest/service.js';
import { MessagingService } from './service.js';
import { transportsFrom } from './transports.js';

export interface MessagingSettings {
  SMTP_URL?: string;
  MAIL_FROM?: string;
  SMS_WEBHOOK_URL?: string;
  PUBLIC_URL?: string;
  /** Without PUBLIC_URL (loopback only) links in background messages name this machine's port. */
  PORT?: string | number;
  MESSAGES_TICK_MS?: string | number;
  MESSAGES_ENABLED?: string | boolean;
  JOB_RETRY_BASE_MS?: string | number;
  JOB_RETRY_MAX_MS?: string | number;
}

export interface Messaging {
  messaging: MessagingService;
  guest: GuestService;
}

export function createMessaging(db: Db, bus: EventBus, logger: Logger, settings: MessagingSettings = process.env): Messaging {
  const transports = transportsFrom({
    smtpUrl: settings.SMTP_URL || undefined,
    mailFrom: settings.MAIL_FROM || undefined,
    smsWebhookUrl: settings.SMS_WEBHOOK_URL || undefined,
  });
  const tickMs = Number(settings.MESSAGES_TICK_MS) > 0 ? Number(settings.MESSAGES_TICK_MS) : 5000;
  const enabled = settings.MESSAGES_ENABLED !== false && settings.MESSAGES_ENABLED !== 'false';
  const messaging = new MessagingService(db, bus, logger, {
    publicUrl: settings.PUBLIC_URL || `http://localhost:${Number(settings.PORT) || 3000}`,
    transports,
    tickMs,
    enabled,
    isolation: isolationFrom(settings),
  });
  return { messaging, guest: new GuestService(db, bus) };
}

/** Backoff of background jobs for a failing incident, from the settings (defaults in server/jobs/isolation.ts). */
export function isolationFrom(settings: Pick<MessagingSettings, 'JOB_RETRY_BASE_MS' | 'JOB_RETRY_MAX_MS'>): { baseDelayMs?: number; maxDelayMs?: number } {
  const base = Number(settings.JOB_RETRY_BASE_MS);
  const max = Number(settings.JOB_RETRY_MAX_MS);
  return { ...(base > 0 ? { baseDelayMs: base } : {}), ...(max > 0 ? { maxDelayMs: max } : {}) };
}

export { MessagingService } from './service.js';
export { messageRoutes } from './routes.js';
export { guestRoutes } from '../guest/routes.js';
