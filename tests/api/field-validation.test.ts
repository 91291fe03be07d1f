/**
 * Every field with a meaning is refused at every door when it does not mean it: the scenario
 * import, the guest CSV, the edit routes and route parameters. One address or number per contact
 * field (a status link is a credential: "a@x.org, attacker@y.org" or a CRLF "Bcc:" must never
 * address a second person), and the sender checks again whatever wrote the outbox row, against a
 * real SMTP sink and SMS webhook. Each refusal is a 4xx naming the field, with nothing written.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import { pino } from 'pino';
import { SMTPServer } from 'smtp-server';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import { smallScenario } from '../../seed/small.js';
import { outbox } from '../../server/db/schema.js';
import { OutboxSender } from '../../server/messages/sender.js';
import { emailTransport, smsWebhookTransport } from '../../server/messages/transports.js';

let server: TestServer;
let duty: Agent;
let incidentId: string;
const base = () => `/api/incidents/${incidentId}`;

const HOSTILE_EMAILS = [
  'a@x.org, attacker@y.org',
  'a@x.org;attacker@y.org',
  'victim@x.org\r\nBcc: attacker@y.org',
  'victim@x.org\nBcc: attacker@y.org',
  'Ada <a@x.org>',
  '"a@x.org" <attacker@y.org>',
  'a@x.org attacker@y.org',
  'no-at-sign',
  'a@@x.org',
  'a@x.org\u2028Bcc: b@y.org',
];
const HOSTILE_PHONES = [
  '+447700900001, +447700900002',
  '+447700900001;+447700900002',
  '+447700900001\r\nBcc: x',
  '07700 900001 / 07700 900002',
  'call me',
  '+44 7700 900001 ext 5',
  '12',
];

const fieldsOf = (res: { body: { error: { details: { fields: { path: string }[] } } } }) => res.body.error.details.fields.map((f) => f.path);
const incidentCount = async () =>
  Number(((await server.database.db.execute(sql`select count(*)::int as n from incidents`)) as unknown as { rows: { n: number }[] }).rows?.[0]?.n ?? 0);

beforeAll(async () => {
  server = await startTestServer({ seed: 'storm', env: { MESSAGES_ENABLED: 'false' } });
  duty = await signIn(server.url, DEMO.duty);
  incidentId = (await duty.post('/api/incidents/import').send(smallScenario()).expect(201)).body.incidentId;
});
afterAll(async () => server?.close());

describe('scenario import', () => {
  const withIncident = (incident: Record<string, unknown>) => {
    const s = smallScenario() as unknown as Record<string, Record<string, unknown>>;
    return { ...s, incident: { ...s.incident, ...incident } };
  };
  const refused = async (body: unknown, path: string) => {
    const before = await incidentCount();
    const res = await duty
      .post('/api/incidents/import')
      .send(body as object)
      .expect(400);
    expect(fieldsOf(res)).toContain(path);
    expect(await incidentCount()).toBe(before);
  };

  test.each([
    ['timezone', 'Mars/Olympus'],
    ['timezone', '+01:00'],
    ['timezone', ''],
    ['currency', 'XYZ'],
    ['currency', 'gbp'],
    ['startedAt', '0001-01-01T00:00:00Z'],
    ['startedAt', '9999-12-31T00:00:00Z'],
    ['startedAt', '2026-02-30T10:00:00Z'],
    ['staffSpendLimitMinor', -1],
    ['staffSpendLimitMinor', 1.5],
    ['name', 'Storm\r\nX-Injected: 1'],
  ])('incident.%s %j is refused', async (field, value) => {
    await refused(withIncident({ [field]: value }), `incident.${field}`);
  });

  test.each([
    ['maxDistanceKm', 0],
    ['maxDistanceKm', 1e9],
    ['speedKmh', 0.001],
    ['roadFactor', 50],
    ['boardingMinutes', -5],
    ['stopMinutes', 100000],
  ])('policy.%s %j is refused', async (field, value) => {
    await refused(withIncident({ policy: { [field]: value } }), `incident.policy.${field}`);
  });

  test('coordinates out of range, a vehicle offered in another decade', async () => {
    const s = smallScenario();
    s.sites![0]!.lat = 91;
    await refused(s, 'sites[0].lat');
    const v = smallScenario();
    v.vehicles![0]!.availableFrom = '2016-10-31T20:30:00+00:00';
    await refused(v, 'vehicles[0].availableFrom');
  });

  test.each(HOSTILE_EMAILS)('a household email %j is refused', async (email) => {
    const s = smallScenario();
    s.parties![0]!.email = email;
    await refused(s, 'parties[0].email');
  });

  test.each(HOSTILE_PHONES)('a household or hotel phone %j is refused', async (phone) => {
    const s = smallScenario();
    s.parties![1]!.phone = phone;
    await refused(s, 'parties[1].phone');
    const h = smallScenario();
    h.hotels![0]!.phone = phone;
    await refused(h, 'hotels[0].phone');
  });

  test('ids: longer than a route accepts, or with characters a link cannot carry, are refused', async () => {
    for (const bad of ['x'.repeat(101), 'P/01', 'P:01', 'P#1', '-P1', 'P\u000101']) {
      const s = smallScenario();
      s.parties![0]!.id = bad;
      await refused(s, 'parties[0].id');
    }
    // The longest id the import accepts is one every route accepts.
    const s = smallScenario();
    const longest = `P${'9'.repeat(99)}`;
    s.parties![0]!.id = longest;
    const id = (await duty.post('/api/incidents/import').send(s).expect(201)).body.incidentId;
    await duty.get(`/api/incidents/${id}/status-links/${longest}`).expect(200);
    await duty.post(`/api/incidents/${id}/parties/${longest}/status`).send({ status: 'needs_help' }).expect(200);
    // And one longer is refused by the route with the same rule.
    const res = await duty.get(`/api/incidents/${id}/status-links/${longest}9`).expect(400);
    expect(fieldsOf(res)).toEqual(['params.partyId']);
  });

  test('good contacts in the usual shapes are accepted', async () => {
    const s = smallScenario();
    s.incident.name = 'Good contacts';
    s.parties![0]!.email = "o'brien+storm@mail.example.co.uk";
    s.parties![0]!.phone = '+44 (0)7700-900 001';
    s.parties![1]!.phone = '07700.900002';
    await duty.post('/api/incidents/import').send(s).expect(201);
  });
});

describe('guest CSV', () => {
  const HEADER = 'booking_ref,unit,guest_name,age_group,needs,phone,email,pets,notes,muster_point';
  test.each([
    ['email', 'Ann Lee,adult,,,"a@x.org, attacker@y.org",no,,', 'email'],
    ['phone', 'Ann Lee,adult,,"+447700900001,+447700900002",,no,,', 'phone'],
  ])('a %s with two recipients is refused on its line, and nothing is added', async (_what, rest, field) => {
    const before = (await duty.get(`${base()}/state`).expect(200)).body.parties.length;
    const res = await duty.post(`${base()}/guests/csv`).set('Content-Type', 'text/csv').send(`${HEADER}\nBK1,Lodge 1,${rest}\n`);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error.details.fields)).toContain(field);
    expect((await duty.get(`${base()}/state`).expect(200)).body.parties.length).toBe(before);
  });

  test('a booking reference that cannot be an id is refused', async () => {
    const res = await duty.post(`${base()}/guests/csv`).set('Content-Type', 'text/csv').send(`${HEADER}\nBK/1,Lodge 1,Ann Lee,adult,,,,no,,\n`);
    expect(res.status).toBe(400);
  });
});

describe('edit routes', () => {
  test('a hotel offer with a hostile phone or impossible coordinates is refused', async () => {
    const offer = {
      id: 'H9',
      name: 'New Inn',
      lat: 53.1,
      lng: 0.3,
      phone: '+441632960009',
      roomTypes: [{ type: 'double', sleeps: 2, count: 3, rateMinor: 9000 }],
    };
    for (const [patch, path] of [
      [{ phone: '+441632960009\r\nBcc: x' }, 'body.phone'],
      [{ lat: 200 }, 'body.lat'],
      [{ id: 'H:9' }, 'body.id'],
      [{ roomTypes: [{ type: 'double', sleeps: 2, count: -1, rateMinor: 9000 }] }, 'body.roomTypes[0].count'],
    ] as const) {
      const res = await duty
        .post(`${base()}/hotels`)
        .send({ ...offer, ...patch })
        .expect(400);
      expect(fieldsOf(res)).toContain(path);
    }
    await duty.post(`${base()}/hotels`).send(offer).expect(201);
  });

  test('a room type or perk listed twice is refused by field at every door (offer, update, import), with nothing written', async () => {
    const events = async () => ((await duty.get(`${base()}/events`).expect(200)).body.events as unknown[]).length;
    const before = await events();
    const hotelBefore = (await duty.get(`${base()}/state`).expect(200)).body.hotels.find((h: { id: string }) => h.id === 'H1');
    const twiceRooms = [
      { type: 'double', sleeps: 2, count: 0, rateMinor: 9000 },
      { type: 'double', sleeps: 2, count: 3, rateMinor: 9000 },
    ];
    const twicePerks = [
      { kind: 'open_bar', capMinorPerGuestPerNight: 3000 },
      { kind: 'open_bar', capMinorPerGuestPerNight: 1 },
    ];
    const offer = { id: 'H-TWICE', name: 'Twice Inn', lat: 53.1, lng: 0.3, roomTypes: twiceRooms.slice(1) };
    for (const [body, path] of [
      [{ ...offer, roomTypes: twiceRooms }, 'body.roomTypes[1].type'],
      [{ ...offer, perks: twicePerks }, 'body.perks[1].kind'],
    ] as const) {
      const res = await duty.post(`${base()}/hotels`).send(body).expect(400);
      expect(res.body.error.details.fields).toEqual([
        { path, message: expect.stringMatching(/^duplicate (room type "double"|perk "open_bar") in this hotel/) },
      ]);
    }
    for (const [body, path] of [
      [{ roomTypes: twiceRooms }, 'body.roomTypes[1].type'],
      [{ perks: twicePerks }, 'body.perks[1].kind'],
    ] as const)
      expect(fieldsOf(await duty.patch(`${base()}/hotels/H1`).send(body).expect(400))).toEqual([path]);
    const scenario = smallScenario();
    scenario.hotels![0]!.perks = twicePerks;
    expect(fieldsOf(await duty.post('/api/incidents/import').send(scenario).expect(400))).toEqual(['hotels[0].perks[1].kind']);
    expect(await events()).toBe(before);
    expect((await duty.get(`${base()}/state`).expect(200)).body.hotels.find((h: { id: string }) => h.id === 'H1')).toEqual(hotelBefore);
  });

  test('a hotel update with a negative rate or a multi-line perk note is refused', async () => {
    await duty
      .patch(`${base()}/hotels/H1`)
      .send({ roomTypes: [{ type: 'double', sleeps: 2, count: 3, rateMinor: -100 }] })
      .expect(400);
    await duty
      .patch(`${base()}/hotels/H1`)
      .send({ perks: [{ kind: 'open_bar', note: 'ok\r\nBcc: x' }] })
      .expect(400);
  });

  test('message settings take one helpline number; a template subject is one line', async () => {
    for (const phone of HOSTILE_PHONES)
      expect(fieldsOf(await duty.patch(`${base()}/message-settings`).send({ helplinePhone: phone }).expect(400))).toEqual(['body.helplinePhone']);
    await duty.patch(`${base()}/message-settings`).send({ helplinePhone: '+44 1754 000111' }).expect(200);
    const res = await duty
      .put(`${base()}/message-templates/assigned/en`)
      .send({ subject: 'Your hotel\r\nBcc: attacker@y.org', body: '{household}: {hotel} {link}' })
      .expect(400);
    expect(fieldsOf(res)).toEqual(['body.subject']);
  });
});

describe('the sender checks again', () => {
  let smtp: SMTPServer;
  let webhook: http.Server;
  const rcpts: string[][] = [];
  const texts: string[] = [];

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, cb) {
        stream.on('data', () => undefined);
        stream.on('end', () => {
          rcpts.push(session.envelope.rcptTo.map((r) => r.address));
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    webhook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        texts.push(JSON.parse(body).to);
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    await new Promise<void>((resolve) => webhook.close(() => resolve()));
  });

  test('rows written around validation with hostile recipients are refused, never sent; a good one goes to exactly one recipient', async () => {
    const db = server.database.db;
    const now = new Date();
    const row = (channel: 'email' | 'sms', recipient: string, i: number) => ({
      incidentId,
      partyId: 'P01',
      channel,
      template: 'assigned',
      subject: 'Your hotel\r\nBcc: attacker@y.org',
      body: 'hello',
      language: 'en',
      recipient,
      dedupeKey: `poison-${channel}-${i}`,
      nextAttemptAt: now,
    });
    const rows = [
      ...HOSTILE_EMAILS.map((r, i) => row('email', r, i)),
      ...HOSTILE_PHONES.map((r, i) => row('sms', r, i)),
      row('email', 'good@example.org', 99),
      row('sms', '+44 7700 900001', 99),
    ];
    const inserted = await db.insert(outbox).values(rows).returning({ id: outbox.id, recipient: outbox.recipient });
    const smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}?ignoreTLS=true`;
    const smsUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/sms`;
    const sender = new OutboxSender(
      db,
      server.app.bus,
      pino({ level: 'silent' }),
      [emailTransport(smtpUrl, 'Desk <desk@park.test>', 5000), smsWebhookTransport(smsUrl, 5000)],
      { batchSize: 50 },
    );
    for (;;) if ((await sender.runOnce(now)).claimed === 0) break;
    await sender.stop();
    expect(rcpts).toEqual([['good@example.org']]);
    expect(texts).toEqual(['+447700900001']);
    for (const r of inserted) {
      const [after] = await db.select().from(outbox).where(eq(outbox.id, r.id));
      if (r.recipient === 'good@example.org' || r.recipient === '+44 7700 900001') expect(after!.status).toBe('sent');
      else expect([after!.status, after!.lastError]).toEqual(['failed', expect.stringMatching(/^refused: the recipient is not exactly one/)]);
    }
  });
});
