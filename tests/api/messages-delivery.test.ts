/**
 * Delivery through real channels: email to a local SMTP sink (smtp-server on 127.0.0.1:0) and SMS
 * to a local HTTP webhook. Each message is sent once even when a sender dies holding it and
 * another takes over after the lease; a sender stopped mid-way gives back what it had not tried;
 * failures back off and, after the last try, tell the duty managers. The one double-send window
 * (dying after the SMTP server accepted the message, before marking it sent) is shown here too:
 * the repeat carries the same Message-ID, so the receiving side can drop it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { pino } from 'pino';
import { SMTPServer } from 'smtp-server';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import { smallScenario } from '../../seed/small.js';
import { outbox } from '../../server/db/schema.js';
import { OutboxSender, type OutboxRow } from '../../server/messages/sender.js';
import { emailTransport, smsWebhookTransport, type Transport } from '../../server/messages/transports.js';
import type { MessagingService } from '../../server/messages/service.js';

interface Received {
  to: string[];
  messageId: string;
  outboxId: string;
  raw: string;
}

let server: TestServer;
let duty: Agent;
let incidentId: string;
let messaging: MessagingService;
let smtp: SMTPServer;
let smtpUrl: string;
const mails: Received[] = [];
/** Waiters on the sink: each returns true once satisfied. */
let arrivals: ((m: Received) => boolean)[] = [];
const rejected = new Set<string>();
let webhook: http.Server;
let webhookUrl: string;
const texts: { id: string; to: string; body: string }[] = [];
const logger = pino({ level: 'silent' });

const rows = async (channel: string): Promise<OutboxRow[]> =>
  server.database.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.incidentId, incidentId), eq(outbox.channel, channel)));
const row = async (id: string): Promise<OutboxRow> => (await server.database.db.select().from(outbox).where(eq(outbox.id, id)))[0]!;
const copiesOf = (id: string) => mails.filter((m) => m.outboxId === id);
const newSender = (transports: Transport[], opts: ConstructorParameters<typeof OutboxSender>[4] = {}) =>
  new OutboxSender(server.database.db, server.app.bus, logger, transports, { leaseMs: 60_000, baseDelayMs: 1000, ...opts });
const email = () => emailTransport(`${smtpUrl}?ignoreTLS=true`, 'Relocation desk <desk@park.test>', 5000);

/** Send everything due at `now` with `sender` (several batches). */
async function drain(sender: OutboxSender, now: Date) {
  let sent = 0;
  for (;;) {
    const r = await sender.runOnce(now);
    sent += r.sent;
    if (r.claimed === 0) return sent;
  }
}

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, cb) {
      cb(rejected.has(address.address) ? Object.assign(new Error('mailbox unavailable'), { responseCode: 450 }) : null);
    },
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (d: Buffer) => (raw += d.toString()));
      stream.on('end', () => {
        const mail = {
          to: session.envelope.rcptTo.map((r) => r.address),
          messageId: /^Message-ID: (.*)$/im.exec(raw)?.[1]?.trim() ?? '',
          outboxId: /^X-Outbox-Id: (.*)$/im.exec(raw)?.[1]?.trim() ?? '',
          raw,
        };
        mails.push(mail);
        arrivals = arrivals.filter((w) => !w(mail));
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  webhook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      texts.push(JSON.parse(body));
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/sms`;

  server = await startTestServer();
  messaging = server.app.services.messaging;
  await messaging.stop();
  // This deployment can send email and SMS: the projector writes rows for both channels.
  messaging.useTransports([email(), smsWebhookTransport(webhookUrl)]);
  duty = await signIn(server.url, DEMO.duty);
  incidentId = (await duty.post('/api/incidents/import').send(smallScenario()).expect(201)).body.incidentId;
  const proposal = (await duty.post(`/api/incidents/${incidentId}/plans`).expect(201)).body;
  await duty.post(`/api/incidents/${incidentId}/plans/${proposal.id}/apply`).expect(200);
  await messaging.project();
});
afterAll(async () => {
  await server?.close();
  await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  webhook?.closeAllConnections();
  await new Promise<void>((resolve) => webhook?.close(() => resolve()));
});

test('an email is sent once even when the sender dies holding it and another takes over after the lease', async () => {
  const emails = await rows('email');
  expect(emails.length).toBeGreaterThan(5);
  expect(emails.every((r) => r.status === 'pending')).toBe(true);
  const now = new Date();

  // Sender A claims one message and dies before sending it.
  const dead = newSender([email()]);
  const [held] = await dead.claim(1, now);
  expect(held).toMatchObject({ status: 'sending', attempts: 1 });

  // The restarted sender delivers everything else at once, but not the row whose lease is still live.
  const restarted = newSender([email()]);
  await drain(restarted, now);
  expect((await row(held!.id)).status).toBe('sending');
  expect(copiesOf(held!.id)).toHaveLength(0);

  // Once the lease has run out, the row is taken over and sent: once.
  await drain(restarted, new Date(now.getTime() + 61_000));
  await drain(restarted, new Date(now.getTime() + 3600_000));
  for (const r of await rows('email')) {
    expect(await row(r.id)).toMatchObject({ status: 'sent' });
    expect(copiesOf(r.id)).toHaveLength(1);
    expect(copiesOf(r.id)[0]!.to).toEqual([r.recipient]);
  }
  const after = await row(held!.id);
  expect(after.attempts).toBe(2);
  const mail = copiesOf(held!.id)[0]!;
  expect(mail.messageId).toBe(`<${held!.id}@relocation.local>`);
  expect(mail.raw).toMatch(/Subject: /);
  await restarted.stop();
});

test('SMS go to the webhook as JSON, once each', async () => {
  const sms = newSender([smsWebhookTransport(webhookUrl)]);
  await drain(sms, new Date());
  await drain(sms, new Date(Date.now() + 3600_000));
  const list = await rows('sms');
  expect(list.length).toBeGreaterThan(5);
  for (const r of list) {
    expect((await row(r.id)).status).toBe('sent');
    const got = texts.filter((t) => t.id === r.id);
    expect(got).toEqual([{ id: r.id, to: r.recipient, body: r.body }]);
  }
});

test('a sender stopped mid-way finishes the message in hand and gives back the rest at once', async () => {
  await checkInOut('P03');
  await checkInOut('P08');
  await messaging.project();
  const waiting = (await rows('email')).filter((r) => r.status === 'pending');
  expect(waiting.length).toBeGreaterThanOrEqual(2);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let started!: () => void;
  const inFlight = new Promise<void>((resolve) => (started = resolve));
  const real = email();
  const slow: Transport = { channel: 'email', send: async (m) => (started(), await gate, real.send(m)) };
  const sender = newSender([slow]);
  const run = sender.runOnce(new Date());
  await inFlight;
  const stopping = sender.stop();
  release();
  await stopping;
  const result = await run;
  expect(result.sent).toBe(1);
  const now = (await rows('email')).filter((r) => waiting.some((w) => w.id === r.id));
  expect(now.filter((r) => r.status === 'sent')).toHaveLength(1);
  // The others are pending again, due now, their attempt not counted: the next sender takes them straight away.
  expect(now.filter((r) => r.status === 'pending').every((r) => r.attempts === 0)).toBe(true);
  await drain(newSender([email()]), new Date());
  for (const w of waiting) expect(copiesOf(w.id)).toHaveLength(1);
});

test('failures back off exponentially, and after the last try the duty managers hear of it', async () => {
  rejected.add('shaw@example.org');
  await checkInOut('P12');
  await messaging.project();
  const [target] = (await rows('email')).filter((r) => r.recipient === 'shaw@example.org' && r.status === 'pending');
  expect(target).toBeDefined();
  const sender = newSender([email()], { maxAttempts: 3, baseDelayMs: 1000 });
  const t0 = new Date();
  await drain(sender, t0);
  let r = await row(target!.id);
  expect(r).toMatchObject({ status: 'pending', attempts: 1 });
  expect(r.lastError).toMatch(/mailbox unavailable/);
  expect(r.nextAttemptAt.getTime() - Date.now()).toBeLessThanOrEqual(1000);
  await drain(sender, new Date(t0.getTime() + 1500));
  r = await row(target!.id);
  expect(r).toMatchObject({ status: 'pending', attempts: 2 });
  expect(r.nextAttemptAt.getTime() - Date.now()).toBeGreaterThan(1000); // 2 s after the second failure
  await drain(sender, new Date(t0.getTime() + 3600_000));
  r = await row(target!.id);
  expect(r).toMatchObject({ status: 'failed', attempts: 3 });
  const events = (await duty.get(`/api/incidents/${incidentId}/events?after=0&limit=5000`).expect(200)).body.events;
  expect(events.filter((e: { type: string; payload: { outboxId: string } }) => e.type === 'message.failed' && e.payload.outboxId === target!.id)).toHaveLength(
    1,
  );
  // Visible on the household's timeline.
  const timeline = (await duty.get(`/api/incidents/${incidentId}/messages?partyId=P12`).expect(200)).body.messages;
  expect(timeline.find((m: { id: string }) => m.id === target!.id)).toMatchObject({
    status: 'failed',
    attempts: 3,
    lastError: expect.stringMatching(/mailbox unavailable/),
  });
  expect(copiesOf(target!.id)).toHaveLength(0);
});

test('the one double-send window: dying after the SMTP server took the message, before marking it; the repeat has the same Message-ID', async () => {
  await checkInOut('P07');
  await messaging.project();
  const [target] = (await rows('email')).filter((r) => r.partyId === 'P07' && r.status === 'pending');
  const now = new Date();
  const dying = newSender([email()], { afterSend: () => new Promise<void>(() => {}) /* the process is gone */ });
  const arrived = mailFor(target!.id);
  void dying.runOnce(now);
  await arrived;
  expect((await row(target!.id)).status).toBe('sending');
  await drain(newSender([email()]), new Date(now.getTime() + 61_000));
  const copies = copiesOf(target!.id);
  expect(copies).toHaveLength(2);
  expect(new Set(copies.map((c) => c.messageId)).size).toBe(1);
  expect((await row(target!.id)).status).toBe('sent');
});

async function checkInOut(partyId: string) {
  const state = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
  const hotelId = state.parties.find((p: { id: string }) => p.id === partyId).hotelId;
  const base = `/api/incidents/${incidentId}/hotels/${hotelId}/arrivals`;
  await duty.post(`${base}/checkins`).send({ partyId }).expect(200);
  await duty.post(`${base}/checkouts`).send({ partyId }).expect(200);
}

/** Resolves when the SMTP sink has received the message of this outbox row. */
function mailFor(outboxId: string): Promise<void> {
  return new Promise((resolve) => arrivals.push((m) => m.outboxId === outboxId && (resolve(), true)));
}
