/**
 * Rooming lists: per hotel, as CSV (a header row, then one row per guest placed there, household
 * columns repeated; cells a spreadsheet would run as formulas neutralised) and as PDF; and sent to
 * each hotel's front desk through the outbox (a real SMTP sink here) when a plan is applied, then
 * again, with changes marked, only when its list changes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { AddressInfo } from 'node:net';
import { and, eq, isNotNull } from 'drizzle-orm';
import { pino } from 'pino';
import { SMTPServer } from 'smtp-server';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { binaryBody, DEMO, signIn, type Agent } from '../helpers/api.js';
import { smallScenario } from '../../seed/small.js';
import { outbox } from '../../server/db/schema.js';
import { OutboxSender } from '../../server/messages/sender.js';
import { emailTransport } from '../../server/messages/transports.js';
import type { MessagingService } from '../../server/messages/service.js';
import type { HotelArrivals, IncidentState } from '../../shared/api.js';
import { ROOMING_COLUMNS } from '../../shared/rooming.js';
import { WHEREABOUTS_LABEL } from '../../shared/whereabouts.js';
import { parseCsv } from '../../server/exports/csv-read.js';

let server: TestServer;
let duty: Agent;
let incidentId: string;
let messaging: MessagingService;
let smtp: SMTPServer;
let smtpUrl: string;
const mails: { to: string[]; raw: string }[] = [];

const inc = (p = '') => `/api/incidents/${incidentId}${p}`;
const email = () => emailTransport(`${smtpUrl}?ignoreTLS=true`, 'Relocation desk <desk@park.test>', 5000);
const hotelMail = async () =>
  server.database.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.incidentId, incidentId), isNotNull(outbox.hotelId)));

async function applyPlan(moves: { partyId: string; hotelId: string }[] = []) {
  let proposal = (await duty.post(inc('/plans')).expect(201)).body;
  for (const m of moves)
    proposal = (
      await duty
        .post(inc(`/plans/${proposal.id}/moves`))
        .send(m)
        .expect(201)
    ).body;
  await duty.post(inc(`/plans/${proposal.id}/apply`)).expect(200);
}

/** Deliver every queued email to the sink. */
async function deliver() {
  const sender = new OutboxSender(server.database.db, server.app.bus, pino({ level: 'silent' }), [email()], { baseDelayMs: 1000 });
  for (;;) if ((await sender.runOnce(new Date())).claimed === 0) return;
}

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (d: Buffer) => (raw += d.toString()));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  server = await startTestServer();
  messaging = server.app.services.messaging;
  await messaging.stop();
  messaging.useTransports([email()]);
  duty = await signIn(server.url, DEMO.duty);
  const scenario = smallScenario();
  scenario.hotels = scenario.hotels!.map((h) => ({ ...h, email: `desk-${h.id.toLowerCase()}@hotels.test` }));
  // Text typed by staff or guests that a spreadsheet would otherwise run.
  scenario.parties![0]!.notes = '=HYPERLINK("http://evil.test","oat milk")';
  scenario.parties![0]!.guests[1]!.name = '+Ben Okafor';
  incidentId = (await duty.post('/api/incidents/import').send(scenario).expect(201)).body.incidentId;
}, 180_000);
afterAll(async () => {
  await server?.close();
  await new Promise<void>((resolve) => smtp?.close(() => resolve()));
});

test('before any plan: an empty list, and no email to any hotel', async () => {
  const csv = await duty.get(inc('/hotels/H1/rooming-list?format=csv')).expect(200);
  expect(parseCsv(csv.text)).toEqual([[...ROOMING_COLUMNS]]);
  await messaging.project();
  expect(await hotelMail()).toHaveLength(0);
});

test('CSV: text/csv, a header row, one row per guest placed at the hotel with household columns repeated; formulas neutralised', async () => {
  await applyPlan();
  const state: IncidentState = (await duty.get(inc('/state')).expect(200)).body;
  const placed = state.parties.filter((p) => p.hotelId);
  expect(placed.length).toBeGreaterThan(0);
  for (const h of state.hotels) {
    const res = await duty.get(inc(`/hotels/${h.id}/rooming-list?format=csv`)).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="rooming-list-${h.id}.csv"`);
    const [header, ...rows] = parseCsv(res.text);
    expect(header).toEqual([...ROOMING_COLUMNS]);
    const here = placed.filter((p) => p.hotelId === h.id);
    const arrivals: HotelArrivals = (await duty.get(inc(`/hotels/${h.id}/arrivals`)).expect(200)).body;
    expect(rows).toHaveLength(here.reduce((n, p) => n + p.guests.length, 0));
    for (const p of here) {
      const mine = rows.filter((r) => r[2] === p.passCode);
      expect(mine.map((r) => r[3])).toEqual(p.guests.map((g) => (/^[=+\-@]/.test(g.name) ? `'${g.name}` : g.name)));
      // Person by person, where they are now (a member missing is not in the room).
      expect(mine.map((r) => r[12])).toEqual(p.guests.map((g) => WHEREABOUTS_LABEL[g.whereabouts]));
      const a = arrivals.households.find((x) => x.partyId === p.id)!;
      for (const r of mine) {
        expect(r[0]).toBe(p.name);
        expect(r[1]).toBe(p.unit);
        expect(r[7]).toBe(a.rooms.map((x) => `${x.count} ${x.type}`).join(', '));
        expect(r[9]).toContain(a.trip!.vehicleId);
        expect(r[10]).not.toBe('');
      }
    }
  }
  const okafor = state.parties.find((p) => p.id === 'P01')!;
  const rows = parseCsv((await duty.get(inc(`/hotels/${okafor.hotelId}/rooming-list?format=csv`)).expect(200)).text).filter((r) => r[2] === okafor.passCode);
  expect(rows[0]![6]).toBe(`'=HYPERLINK("http://evil.test","oat milk")`);
  expect(rows[1]![3]).toBe(`'+Ben Okafor`);
  expect(rows[0]![5]).toBe('wheelchair');
});

test('PDF is a real PDF; a bad format is a 400 naming the field; an unknown hotel is not found', async () => {
  const res = await duty.get(inc('/hotels/H1/rooming-list?format=pdf')).buffer(true).parse(binaryBody).expect(200);
  expect(res.headers['content-type']).toBe('application/pdf');
  expect((res.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
  const bad = await duty.get(inc('/hotels/H1/rooming-list?format=xls')).expect(400);
  expect(bad.body.error.details.fields[0].path).toBe('query.format');
  await duty.get(inc('/hotels/H99/rooming-list')).expect(404);
});

test('emailed when the plan is applied, then only on change, with the changes marked', async () => {
  await messaging.project();
  const first = await hotelMail();
  const state: IncidentState = (await duty.get(inc('/state')).expect(200)).body;
  const hotelsWithGuests = [...new Set(state.parties.filter((p) => p.hotelId).map((p) => p.hotelId!))].sort();
  expect(first.map((r) => r.hotelId).sort()).toEqual(hotelsWithGuests);
  for (const r of first) {
    expect(r).toMatchObject({ channel: 'email', template: 'rooming_list', recipient: `desk-${r.hotelId!.toLowerCase()}@hotels.test`, partyId: '' });
    for (const p of state.parties.filter((x) => x.hotelId === r.hotelId)) expect(r.body).toContain(`${p.name} (${p.unit}), pass ${p.passCode}`);
    expect(r.body).not.toMatch(/\[NEW\]|\[CHANGED|\[REMOVED\]/);
  }
  await deliver();
  const desk = mails.find((m) => m.to[0] === first[0]!.recipient)!;
  expect(desk.raw).toMatch(/^Subject: Rooming list: /m);
  expect(
    mails
      .map((m) => m.to[0]!)
      .filter((to) => to.endsWith('@hotels.test'))
      .sort(),
  ).toEqual(hotelsWithGuests.map((h) => `desk-${h.toLowerCase()}@hotels.test`));
  // Hotel messages stay out of the guests' message timeline.
  const timeline = (await duty.get(inc('/messages?limit=1000')).expect(200)).body.messages as { template: string }[];
  expect(timeline.some((m) => m.template === 'rooming_list')).toBe(false);

  // Nothing changed: projecting again (or a check-in by the hotel itself) sends nothing new.
  await messaging.project();
  expect(await hotelMail()).toHaveLength(first.length);

  // Move one household to another hotel: its old hotel is told it is no longer coming, the new one that it is.
  const mover = state.parties.find((p) => p.hotelId && !p.needs.includes('pets') && !p.guests.some((g) => g.needs.includes('wheelchair')))!;
  const target = ['H1', 'H3', 'H2', 'H4'].find((h) => h !== mover.hotelId)!;
  await applyPlan([{ partyId: mover.id, hotelId: target }]);
  await messaging.project();
  const after = await hotelMail();
  const added = after.filter((r) => !first.some((f) => f.id === r.id));
  const from = added.find((r) => r.hotelId === mover.hotelId)!;
  const to = added.find((r) => r.hotelId === target)!;
  expect(from.subject).toMatch(/^Rooming list update 2: /);
  expect(from.body).toContain(`[REMOVED] ${mover.name} (${mover.unit}), pass ${mover.passCode}`);
  expect(to.body).toContain(`[NEW] ${mover.name} (${mover.unit}), pass ${mover.passCode}`);
  // Each hotel is written to at most once for this change, and only hotels whose list changed.
  expect(new Set(added.map((r) => r.hotelId)).size).toBe(added.length);
  for (const r of added) expect(r.body).toMatch(/\[NEW\]|\[CHANGED: [a-z ,]+\]|\[REMOVED\]/);
  await messaging.project();
  expect(await hotelMail()).toHaveLength(after.length);
});

test("reception may download only its own hotel's list", async () => {
  const reception = await signIn(server.url, DEMO.reception);
  // The demo reception account belongs to the storm incident, not this one.
  await reception.get(inc('/hotels/H1/rooming-list?format=csv')).expect(404);
});

test('room numbers stand with their room type in the list, so none is read against the wrong room', async () => {
  const state: IncidentState = (await duty.get(inc('/state')).expect(200)).body;
  let chosen: { hotelId: string; h: HotelArrivals['households'][number] } | null = null;
  for (const hotel of state.hotels) {
    const arrivals: HotelArrivals = (await duty.get(inc(`/hotels/${hotel.id}/arrivals`)).expect(200)).body;
    const h = arrivals.households.find((x) => x.status !== 'checked_in' && x.rooms.reduce((n, r) => n + r.count, 0) >= 2);
    if (h) {
      chosen = { hotelId: hotel.id, h };
      break;
    }
  }
  if (!chosen) throw new Error('setup: no household with two rooms');
  const { hotelId, h } = chosen;
  let n = 100;
  const roomNumbers = Object.fromEntries(h.rooms.map((r) => [r.type, Array.from({ length: r.count }, () => String(++n))]));
  await duty
    .post(inc(`/hotels/${hotelId}/arrivals/checkins`))
    .send({ partyId: h.partyId, roomNumbers })
    .expect(200);
  const rows = parseCsv((await duty.get(inc(`/hotels/${hotelId}/rooming-list?format=csv`)).expect(200)).text).filter((r) => r[2] === h.passCode);
  const expected = h.rooms.map((r) => `${r.type} ${roomNumbers[r.type]!.join(', ')}`).join('; ');
  for (const r of rows) expect(r[8]).toBe(expected);
});

test('a member reported missing is marked so on the list, not taken for someone in the room', async () => {
  const state: IncidentState = (await duty.get(inc('/state')).expect(200)).body;
  const p = state.parties.find((x) => x.hotelId && x.id !== 'P01' && x.guests.length >= 2 && x.guests.every((g) => g.whereabouts === 'waiting'))!;
  const lost = p.guests[1]!;
  const token = (await duty.get(inc(`/status-links/${p.id}`)).expect(200)).body.token as string;
  await request(server.url)
    .post('/api/guest/replies')
    .set('x-status-token', token)
    .send({ kind: 'missing_member', key: 'rooming-missing', guestId: lost.id })
    .expect(201);
  const rows = parseCsv((await duty.get(inc(`/hotels/${p.hotelId}/rooming-list?format=csv`)).expect(200)).text).filter((r) => r[2] === p.passCode);
  expect(rows.map((r) => [r[3], r[12]])).toEqual(p.guests.map((g) => [g.name, g.id === lost.id ? 'missing' : 'waiting']));
});

/** The rooming list PDF of a hotel as text (pdftotext keeps each line of the page). */
async function roomingPdfText(hotelId: string): Promise<string> {
  const res = await duty
    .get(inc(`/hotels/${hotelId}/rooming-list?format=pdf`))
    .buffer(true)
    .parse(binaryBody)
    .expect(200);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'rooming-')), 'list.pdf');
  writeFileSync(file, res.body as Buffer);
  return execFileSync('/usr/bin/pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

test('a household partly checked in says so on the printed list, and names who is not in yet', async () => {
  const state: IncidentState = (await duty.get(inc('/state')).expect(200)).body;
  const p = state.parties.find((x) => x.hotelId && x.id !== 'P01' && x.guests.length >= 3 && x.guests.every((g) => g.whereabouts === 'waiting'))!;
  const [first, second, ...later] = p.guests;
  await duty
    .post(inc(`/hotels/${p.hotelId}/arrivals/checkins`))
    .send({ partyId: p.id, guestIds: [first!.id, second!.id] })
    .expect(200);
  const text = await roomingPdfText(p.hotelId!);
  const lines = text.split('\n');
  const heading = lines.find((l) => l.includes(`pass ${p.passCode}`))!;
  expect(heading).toContain(`split: 2 checked in, ${later.length} not arrived`);
  for (const g of [first!, second!]) expect(lines.find((l) => l.includes(g.name))).toMatch(/ - checked in\s*$/);
  for (const g of later) expect(lines.find((l) => l.includes(g.name))).toMatch(/ - NOT CHECKED IN \(waiting\)\s*$/);
  // A household all in is simply "checked in", its members unmarked.
  await duty
    .post(inc(`/hotels/${p.hotelId}/arrivals/checkins`))
    .send({ partyId: p.id })
    .expect(200);
  const after = (await roomingPdfText(p.hotelId!)).split('\n');
  expect(after.find((l) => l.includes(`pass ${p.passCode}`))).toMatch(/pass \S+\s+checked in\s*$/);
  for (const g of p.guests) expect(after.find((l) => l.includes(g.name))).not.toMatch(/checked in/i);
});

test('every page of a printed rooming list says which page of how many, and of which hotel', async () => {
  const state: IncidentState = (await duty.get(inc('/state')).expect(200)).body;
  const perHotel = new Map<string, number>();
  for (const p of state.parties) if (p.hotelId) perHotel.set(p.hotelId, (perHotel.get(p.hotelId) ?? 0) + p.guests.length);
  const [hotelId] = [...perHotel].sort((a, b) => b[1] - a[1])[0]!;
  const hotel = state.hotels.find((h) => h.id === hotelId)!;
  const res = await duty
    .get(inc(`/hotels/${hotelId}/rooming-list?format=pdf`))
    .buffer(true)
    .parse(binaryBody)
    .expect(200);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'rooming-pages-')), 'list.pdf');
  writeFileSync(file, res.body as Buffer);
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('/usr/bin/pdfinfo', [file], { encoding: 'utf8' }))![1]);
  expect(pages).toBeGreaterThanOrEqual(1);
  for (let i = 1; i <= pages; i++) {
    const text = execFileSync('/usr/bin/pdftotext', ['-f', String(i), '-l', String(i), file, '-'], { encoding: 'utf8' });
    expect(text).toContain(`Page ${i} of ${pages} · Rooming list: ${hotel.name}`);
  }
});
