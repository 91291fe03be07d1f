/**
 * Delivery channels behind one small interface, so the sender does not care how a message leaves:
 * email through SMTP (nodemailer) and SMS through an HTTP webhook that receives JSON. Each is
 * configured by one environment variable and absent otherwise; the status page needs no transport.
 */
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { normalisePhone } from '../../shared/fields.js';

export interface OutgoingMessage {
  /** The outbox row id: sent along (Message-ID, Idempotency-Key) so a receiver can drop a repeat. */
  id: string;
  recipient: string;
  subject: string;
  body: string;
}

export interface Transport {
  readonly channel: 'email' | 'sms';
  send(msg: OutgoingMessage): Promise<void>;
  close?(): void;
}

export interface TransportConfig {
  /** e.g. smtp://user:pass@smtp.example.org:587 */
  smtpUrl?: string;
  /** Sender address for email. */
  mailFrom?: string;
  /** POST { id, to, body } as JSON; any 2xx is success. */
  smsWebhookUrl?: string;
  /** Milliseconds before a delivery attempt is abandoned as failed. */
  timeoutMs?: number;
}

/** SMTP from a URL: smtp://user:pass@host:587 (STARTTLS when offered), smtps://... (TLS), ?ignoreTLS=true for a local relay. */
export function smtpOptions(smtpUrl: string, timeoutMs: number): SMTPTransport.Options {
  const u = new URL(smtpUrl);
  const secure = u.protocol === 'smtps:';
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
    ignoreTLS: u.searchParams.get('ignoreTLS') === 'true',
    requireTLS: u.searchParams.get('requireTLS') === 'true',
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  };
}

export function emailTransport(smtpUrl: string, from = 'Relocation desk <relocation@localhost>', timeoutMs = 15_000): Transport {
  const opts = smtpOptions(smtpUrl, timeoutMs);
  const t = nodemailer.createTransport(opts);
  const envelopeFrom = /<([^<>\s]+)>\s*$/.exec(from)?.[1] ?? from.trim();
  return {
    channel: 'email',
    async send(msg) {
      // The envelope names the one recipient: nodemailer never parses a list out of the field.
      await t.sendMail({
        from,
        to: { name: '', address: msg.recipient },
        envelope: { from: envelopeFrom, to: [msg.recipient] },
        subject: msg.subject,
        text: msg.body,
        messageId: `<${msg.id}@relocation.local>`,
        headers: { 'X-Outbox-Id': msg.id },
      });
    },
    close: () => t.close(),
  };
}

export function smsWebhookTransport(url: string, timeoutMs = 15_000): Transport {
  return {
    channel: 'sms',
    async send(msg) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': msg.id },
        body: JSON.stringify({ id: msg.id, to: normalisePhone(msg.recipient), body: msg.body }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!res.ok) throw new Error(`SMS webhook answered ${res.status}`);
    },
  };
}

/** The transports the configuration asks for. */
export function transportsFrom(cfg: TransportConfig): Transport[] {
  const list: Transport[] = [];
  if (cfg.smtpUrl) list.push(emailTransport(cfg.smtpUrl, cfg.mailFrom, cfg.timeoutMs));
  if (cfg.smsWebhookUrl) list.push(smsWebhookTransport(cfg.smsWebhookUrl, cfg.timeoutMs));
  return list;
}
