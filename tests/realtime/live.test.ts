/** Live coordination over real sockets: who may listen, ordering after commit, catch-up, idempotency. */
import request from 'supertest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import { collect, connect, connected, loginCookie, subscribe, type ClientSocket } from '../helpers/socket.js';
import { commitWithEvents, SYSTEM_ACTOR } from '../../server/events/log.js';
import { lastSeq } from '../../server/events/repo.js';

let server: TestServer;
let duty: Agent;
let incidentId: string;
let receptionHotel: string;
let otherHotel: string;
const sockets: ClientSocket[] = [];
const open = (s: ClientSocket) => (sockets.push(s), s);

beforeAll(async () => {
  server = await startTestServer();
  duty = await signIn(server.url, DEMO.duty);
  const state = (await duty.get('/api/incidents').expect(200)).body;
  incidentId = state.incidents[0].id;
  const me = (await (await signIn(server.url, DEMO.reception)).get('/api/auth/me').expect(200)).body.user;
  receptionHotel = me.hotelId;
  const full = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
  otherHotel = full.hotels.find((h: { id: string }) => h.id !== receptionHotel).id;
});
afterEach(() => sockets.splice(0).forEach((s) => s.disconnect()));
afterAll(async () => server?.close());

const togglePets = (hotelId: string, petsAllowed: boolean, key?: string) => {
  const req = duty.patch(`/api/incidents/${incidentId}/hotels/${hotelId}`);
  if (key) void req.set('Idempotency-Key', key);
  return req.send({ petsAllowed });
};

test('a socket without a session is refused', async () => {
  const s = open(connect(server.url));
  await expect(connected(s)).rejects.toThrow(/unauthenticated/);
});

test('a socket from a foreign origin is refused even with a valid session', async () => {
  const s = open(connect(server.url, { cookie: await loginCookie(server.url, DEMO.duty), origin: 'https://evil.example' }));
  await expect(connected(s)).rejects.toThrow();
});

test('insurers and reception cannot subscribe to the incident stream', async () => {
  for (const who of [DEMO.insurer, DEMO.reception]) {
    const s = open(connect(server.url, { cookie: await loginCookie(server.url, who) }));
    await connected(s);
    expect(await subscribe(s, incidentId)).toEqual({ ok: false, error: 'No such incident.' });
  }
});

test('events arrive after commit, in order, with consecutive sequence numbers', async () => {
  const s = open(connect(server.url, { cookie: await loginCookie(server.url, DEMO.duty2) }));
  await connected(s);
  const ack = await subscribe(s, incidentId);
  if (!ack.ok) throw new Error(ack.error);
  const got = collect(s);
  for (let i = 0; i < 5; i++) await togglePets(otherHotel, i % 2 === 0).expect(200);
  const events = await got.until(5);
  expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5].map((n) => ack.lastSeq + n));
  expect(events.every((e) => e.type === 'hotel.rooms_changed' && e.actor.name === 'Dana Duty')).toBe(true);
});

test('a rolled-back change is never broadcast and uses no sequence number', async () => {
  const s = open(connect(server.url, { cookie: await loginCookie(server.url, DEMO.duty) }));
  await connected(s);
  const ack = await subscribe(s, incidentId);
  if (!ack.ok) throw new Error(ack.error);
  const got = collect(s);
  await expect(
    commitWithEvents(server.database.db, server.app.bus, async (_tx, emit) => {
      await emit(incidentId, SYSTEM_ACTOR, [{ type: 'attention.settings_changed', payload: { overdueMinutes: 1, notCheckedInMinutes: 1 } }]);
      throw new Error('rolled back');
    }),
  ).rejects.toThrow('rolled back');
  await togglePets(otherHotel, true).expect(200);
  const [first] = await got.until(1);
  expect(first!.type).toBe('hotel.rooms_changed');
  expect(first!.seq).toBe(ack.lastSeq + 1);
  expect(got.events.some((e) => e.type === 'attention.settings_changed')).toBe(false);
});

test('a client that was away while 100 events happened catches up with no gap and no duplicate', async () => {
  const cookie = await loginCookie(server.url, DEMO.duty);
  const first = open(connect(server.url, { cookie }));
  await connected(first);
  const ack = await subscribe(first, incidentId);
  if (!ack.ok) throw new Error(ack.error);
  first.disconnect();
  for (let i = 0; i < 100; i++) await togglePets(otherHotel, i % 2 === 0).expect(200);
  const again = open(connect(server.url, { cookie }));
  await connected(again);
  const live = collect(again);
  const sync = await subscribe(again, incidentId, ack.lastSeq);
  if (!sync.ok || sync.snapshot) throw new Error('expected a replay');
  await togglePets(otherHotel, false).expect(200);
  await live.until(1);
  const seqs = [...sync.events, ...live.events].map((e) => e.seq);
  expect(seqs).toEqual(Array.from({ length: 101 }, (_, i) => ack.lastSeq + 1 + i));
});

test('reception hears only about its own hotel', async () => {
  const s = open(connect(server.url, { cookie: await loginCookie(server.url, DEMO.reception) }));
  await connected(s);
  const notices: { hotelId: string }[] = [];
  s.on('hotel.changed', (n) => notices.push(n));
  let anyEvents = false;
  s.on('events', () => (anyEvents = true));
  await togglePets(otherHotel, true).expect(200);
  await togglePets(receptionHotel, true).expect(200);
  await new Promise<void>((resolve) => (notices.length ? resolve() : s.once('hotel.changed', () => resolve())));
  expect(notices).toEqual([expect.objectContaining({ incidentId, hotelId: receptionHotel, type: 'hotel.rooms_changed' })]);
  expect(anyEvents).toBe(false);
});

test('a retried request with the same Idempotency-Key is applied once', async () => {
  const before = (await lastSeq(server.database.db, incidentId))!;
  const a = await togglePets(otherHotel, false, 'retry-1').expect(200);
  const b = await togglePets(otherHotel, false, 'retry-1').expect(200);
  expect(b.body).toEqual(a.body);
  expect(b.headers['idempotent-replay']).toBe('true');
  expect(await lastSeq(server.database.db, incidentId)).toBe(before + 1);
  const c = await togglePets(otherHotel, true, 'retry-1');
  expect(c.status).toBe(422);
});

test('unknown socket events are rejected', async () => {
  const s = open(connect(server.url, { cookie: await loginCookie(server.url, DEMO.duty) }));
  await connected(s);
  const rejected = new Promise((resolve) => s.once('request.rejected', resolve));
  (s as unknown as { emit(e: string, p: unknown): void }).emit('drop.tables', {});
  expect(await rejected).toEqual({ event: 'drop.tables', message: 'unknown event' });
});

test('health still answers', async () => {
  await request(server.url).get('/api/health').expect(200);
});
