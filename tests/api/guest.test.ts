/**
 * The household's status link through the API: it shows that household and nothing else, a
 * revoked link shows nothing, and each reply reaches a duty manager's socket and changes status.
 */
import request from 'supertest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import { collect, connect, connected, loginCookie, subscribe, type ClientSocket } from '../helpers/socket.js';
import { smallScenario } from '../../seed/small.js';
import type { HotelArrivals, IncidentState } from '../../shared/api.js';
import type { GuestStatusView, StaffReplyView } from '../../shared/messages.js';
import type { EventType } from '../../shared/events.js';
import type { LiveEvent, LiveEventOf } from '../../shared/realtime.js';

let server: TestServer;
let duty: Agent;
let incidentId: string;
let socket: ClientSocket;
let live: ReturnType<typeof collect>;

const inc = (p = '') => `/api/incidents/${incidentId}${p}`;
const state = async (): Promise<IncidentState> => (await duty.get(inc('/state')).expect(200)).body;
const tokenOf = async (partyId: string): Promise<string> => (await duty.get(inc(`/status-links/${partyId}`)).expect(200)).body.token;
/** No cookie: the token alone is the credential. */
const asGuest = (token: string) => ({
  status: () => request(server.url).get('/api/guest/status').set('x-status-token', token),
  reply: (body: object) => request(server.url).post('/api/guest/replies').set('x-status-token', token).send(body),
  feedback: (body: object) => request(server.url).post('/api/guest/feedback').set('x-status-token', token).send(body),
});
let keyNo = 0;
const key = () => `test-key-${Date.now()}-${++keyNo}`;

/** Wait for a live event matching `pred` (no sleeps). */
async function liveEvent<K extends EventType>(type: K, pred: (e: LiveEventOf<K>) => boolean): Promise<LiveEventOf<K>> {
  const match = (e: LiveEvent): e is LiveEventOf<K> => e.type === type && pred(e as LiveEventOf<K>);
  for (let n = 1; ; n++) {
    const list = await live.until(n);
    const hit = list.find(match);
    if (hit) return hit;
  }
}

beforeAll(async () => {
  server = await startTestServer();
  duty = await signIn(server.url, DEMO.duty);
  incidentId = (await duty.post('/api/incidents/import').send(smallScenario()).expect(201)).body.incidentId;
  const proposal = (await duty.post(inc('/plans')).expect(201)).body;
  await duty.post(inc(`/plans/${proposal.id}/apply`)).expect(200);
  socket = connect(server.url, { cookie: await loginCookie(server.url, DEMO.duty) });
  await connected(socket);
  live = collect(socket);
  expect((await subscribe(socket, incidentId)).ok).toBe(true);
});
afterAll(async () => {
  socket?.disconnect();
  await server?.close();
});

test('the status link shows where the household goes, on what, when, the perks and whom to call: and nobody else', async () => {
  const s = await state();
  const party = s.parties.find((p) => p.id === 'P05')!; // Chen, birthday tomorrow
  expect(party.hotelId).toBeTruthy();
  await duty.patch(inc('/message-settings')).send({ helplinePhone: '+44 1754 000111' }).expect(200);
  const res = await asGuest(await tokenOf('P05'))
    .status()
    .expect(200);
  expect(res.headers['cache-control']).toBe('no-store');
  const view: GuestStatusView = res.body;
  expect(view.household).toMatchObject({ name: 'Chen', passCode: party.passCode, status: 'assigned', language: 'en' });
  expect(view.household.guests.map((g) => g.name)).toEqual(['Mei Chen', 'Tom Chen', 'Ivy Chen']);
  const hotel = s.hotels.find((h) => h.id === party.hotelId)!;
  expect(view.destination).toMatchObject({ name: hotel.name, address: hotel.address, phone: hotel.phone, lat: hotel.lat, lng: hotel.lng });
  expect(view.destination!.perks.map((p) => p.kind)).toEqual(hotel.perks.map((p) => p.kind));
  const trip = s.trips.find((t) => t.id === party.tripId)!;
  expect(view.transport).toMatchObject({ vehicleId: trip.vehicleId, from: 'Clubhouse' });
  expect(Date.parse(view.transport!.departAt)).toBe(Date.parse(trip.departAt));
  expect(view.transport!.eta).toMatch(/^\d{4}-/);
  expect(view.incident.helplinePhone).toBe('+44 1754 000111');

  // Nothing about any other household: no other names, guest ids, pass codes, notes or hotel internals.
  const text = JSON.stringify(view);
  for (const other of s.parties.filter((p) => p.id !== 'P05')) {
    expect(text).not.toContain(other.passCode);
    for (const g of other.guests) {
      expect(text).not.toContain(g.name);
      expect(text).not.toContain(`"${g.id}"`);
    }
  }
  expect(text).not.toMatch(/rateMinor|capMinor|notes|email|phone":"\+4477/);
});

test('the background loop tells each household of its hotel soon after the plan is applied, without being asked', async () => {
  const deadline = Date.now() + 15_000;
  let messages: { template: string; channel: string }[] = [];
  while (Date.now() < deadline && !messages.length) messages = (await duty.get(inc('/messages?partyId=P01')).expect(200)).body.messages;
  expect(messages).toEqual([expect.objectContaining({ template: 'assigned', channel: 'page', status: 'sent' })]);
});

test('a revoked link shows nothing; a reissued one works and the old one stays dead', async () => {
  const old = await tokenOf('P04');
  await asGuest(old).status().expect(200);
  const revoked = (await duty.post(inc('/status-links/P04/revoke')).expect(200)).body;
  expect(revoked.token).toBeNull();
  const gone = await asGuest(old).status().expect(404);
  expect(gone.body.error.message).toMatch(/not valid/);
  expect(JSON.stringify(gone.body)).not.toContain('Murphy');
  await asGuest(old).reply({ kind: 'need_help', key: key() }).expect(404);
  const fresh = (await duty.post(inc('/status-links/P04/reissue')).expect(200)).body;
  expect(fresh.token).not.toBe(old);
  expect(fresh.url).toMatch(/#\/s\//);
  expect((await asGuest(fresh.token).status().expect(200)).body.household.name).toBe('Murphy');
  await asGuest(old).status().expect(404);
  await asGuest('not a token').status().expect(404);
  await request(server.url).get('/api/guest/status').expect(404);
});

test('only duty managers manage status links', async () => {
  const reception = await signIn(server.url, DEMO.reception);
  await reception.get(inc('/status-links/P04')).expect(403);
  await request(server.url).post(inc('/status-links/P04/revoke')).expect(401);
});

test('"we need help" reaches the duty managers at once, changes status, and a double tap records once', async () => {
  const g = asGuest(await tokenOf('P07'));
  const k = key();
  const first = await g.reply({ kind: 'need_help', key: k, text: 'Grandad has fallen, we are at the sports hall door' }).expect(201);
  expect(first.body).toMatchObject({ recorded: true, status: 'needs_help', reply: { kind: 'need_help' } });
  const ev = await liveEvent('guest.replied', (e) => e.payload.partyId === 'P07');
  expect(ev.payload).toMatchObject({ partyId: 'P07', kind: 'need_help', text: 'Grandad has fallen, we are at the sports hall door', to: 'needs_help' });
  await liveEvent('party.status_changed', (e) => e.payload.partyId === 'P07' && e.payload.to === 'needs_help');

  const again = await g.reply({ kind: 'need_help', key: k, text: 'Grandad has fallen, we are at the sports hall door' }).expect(200);
  expect(again.body.recorded).toBe(false);
  expect(again.body.reply.id).toBe(first.body.reply.id);
  const replies = (await duty.get(inc('/guest-replies?partyId=P07')).expect(200)).body.replies;
  expect(replies).toHaveLength(1);
  expect((await state()).parties.find((p) => p.id === 'P07')!.status).toBe('needs_help');
  // Still placed: needing help does not give the room away.
  expect((await state()).parties.find((p) => p.id === 'P07')!.hotelId).toBeTruthy();
  expect((await g.status().expect(200)).body.replies).toHaveLength(1);
});

test('"we made our own way" marks the household self-evacuated and gives its room and seat back', async () => {
  const before = await state();
  const party = before.parties.find((p) => p.id === 'P12')!;
  const hotelBefore = before.hotels.find((h) => h.id === party.hotelId)!;
  const usedBefore = hotelBefore.roomTypes.reduce((n, r) => n + r.used, 0);
  const res = await asGuest(await tokenOf('P12'))
    .reply({ kind: 'own_way', key: key(), place: "my sister's house in Louth" })
    .expect(201);
  expect(res.body.status).toBe('self_evacuated');
  const ev = await liveEvent('guest.replied', (e) => e.payload.partyId === 'P12');
  expect(ev.payload).toMatchObject({ kind: 'own_way', place: "my sister's house in Louth", to: 'self_evacuated', hotelIds: [party.hotelId] });
  const after = await state();
  const p = after.parties.find((x) => x.id === 'P12')!;
  expect(p).toMatchObject({ status: 'self_evacuated', hotelId: null, tripId: null });
  expect(after.hotels.find((h) => h.id === party.hotelId)!.roomTypes.reduce((n, r) => n + r.used, 0)).toBe(usedBefore - 1);
  const view: GuestStatusView = (
    await asGuest(await tokenOf('P12'))
      .status()
      .expect(200)
  ).body;
  expect(view.destination).toBeNull();
  expect(view.transport).toBeNull();
});

test('"our own way to the hotel booked for us" keeps the rooms, gives back only the seat, and reception can check them in', async () => {
  const before = await state();
  const party = before.parties.find((p) => p.id === 'P11')!;
  expect(party.tripId).not.toBeNull();
  const hotel = before.hotels.find((h) => h.id === party.hotelId)!;
  const usedBefore = hotel.roomTypes.reduce((n, r) => n + r.used, 0);
  const g = asGuest(await tokenOf('P11'));
  const res = await g.reply({ kind: 'own_way', key: key(), place: hotel.name, toHotel: true }).expect(201);
  expect(res.body.status).toBe('assigned');
  const after = await state();
  const p = after.parties.find((x) => x.id === 'P11')!;
  expect(p).toMatchObject({ status: 'assigned', hotelId: party.hotelId, tripId: null });
  expect(p.guests.every((x) => x.whereabouts === 'own_way')).toBe(true);
  expect(after.hotels.find((h) => h.id === party.hotelId)!.roomTypes.reduce((n, r) => n + r.used, 0)).toBe(usedBefore);
  const view: GuestStatusView = (await g.status().expect(200)).body;
  expect(view.destination?.name).toBe(hotel.name);
  expect(view.ownWayToHotel).toBe(true);
  // The hotel still expects them, and checks them in when they walk in.
  const arrivals = inc(`/hotels/${party.hotelId}/arrivals`);
  expect(((await duty.get(arrivals).expect(200)).body as HotelArrivals).households.some((h) => h.partyId === 'P11')).toBe(true);
  await duty.post(`${arrivals}/checkins`).send({ partyId: 'P11' }).expect(200);
  expect((await state()).parties.find((x) => x.id === 'P11')!.guests.every((x) => x.whereabouts === 'checked_in')).toBe(true);
  // A household with no hotel booked cannot say it is going to one.
  const unbooked = after.parties.find((x) => !x.hotelId && x.status !== 'self_evacuated');
  if (unbooked) {
    const bad = await asGuest(await tokenOf(unbooked.id))
      .reply({ kind: 'own_way', key: key(), place: 'x', toHotel: true })
      .expect(400);
    expect(bad.body.error.details.fields[0].path).toBe('body.toHotel');
  }
});

test('"someone is missing" names a member of this party only, and reaches the duty managers', async () => {
  const g = asGuest(await tokenOf('P02'));
  const bad = await g.reply({ kind: 'missing_member', key: key(), guestId: 'G01' }).expect(400); // G01 is an Okafor
  expect(bad.body.error.details.fields[0]).toMatchObject({ path: 'body.guestId', message: expect.stringMatching(/not in your party/) });
  await g.reply({ kind: 'missing_member', key: key() }).expect(400);
  const view: GuestStatusView = (await g.status().expect(200)).body;
  const ellie = view.household.guests.find((x) => x.name.startsWith('Ellie'))!;
  await g.reply({ kind: 'missing_member', key: key(), guestId: ellie.id, text: 'last seen at the playground' }).expect(201);
  const ev = await liveEvent('guest.replied', (e) => e.payload.partyId === 'P02');
  expect(ev.payload).toMatchObject({
    kind: 'missing_member',
    guestId: ellie.id,
    guestName: 'Ellie Hughes',
    text: 'last seen at the playground',
    to: 'needs_help',
  });
});

test('reception sees the household notes, needs and language: regulars, birthdays, allergies', async () => {
  const s = await state();
  const hotelId = s.parties.find((p) => p.id === 'P01')!.hotelId!;
  const arrivals: HotelArrivals = (await duty.get(inc(`/hotels/${hotelId}/arrivals`)).expect(200)).body;
  const okafor = arrivals.households.find((h) => h.partyId === 'P01')!;
  expect(okafor.notes).toBe('regulars; oat milk');
  expect(okafor.guests.find((g) => g.name === 'Ada Okafor')!.needs).toEqual(['wheelchair']);
  const kowalskiHotel = s.parties.find((p) => p.id === 'P06')!.hotelId!;
  const k = ((await duty.get(inc(`/hotels/${kowalskiHotel}/arrivals`)).expect(200)).body as HotelArrivals).households.find((h) => h.partyId === 'P06')!;
  expect(k.language).toBe('pl');
});

test('feedback: only after checking in, stored once per household, shown to duty managers', async () => {
  const s = await state();
  const party = s.parties.find((p) => p.id === 'P09')!;
  const g = asGuest(await tokenOf('P09'));
  await g.feedback({ rating: 5 }).expect(409);
  const arrivals = `/hotels/${party.hotelId}/arrivals`;
  await duty
    .post(inc(`${arrivals}/checkins`))
    .send({ partyId: 'P09' })
    .expect(200);
  await duty
    .post(inc(`${arrivals}/checkouts`))
    .send({ partyId: 'P09' })
    .expect(200);
  expect((await g.status().expect(200)).body.feedbackOpen).toBe(true);
  await g.feedback({ rating: 9 }).expect(400);
  await g.feedback({ rating: 3, comment: 'cold room' }).expect(200);
  await g.feedback({ rating: 4, comment: 'cold room, but lovely staff' }).expect(200);
  const list = (await duty.get(inc('/feedback')).expect(200)).body;
  expect(list).toMatchObject({
    count: 1,
    averageRating: 4,
    feedback: [{ partyId: 'P09', name: 'Walsh', rating: 4, comment: 'cold room, but lovely staff', hotelId: party.hotelId }],
  });
  const reception = await signIn(server.url, DEMO.reception);
  await reception.get(inc('/feedback')).expect(403);
});

test('a duty manager marks a reply handled: once, live on every console, off the open list', async () => {
  const g = asGuest(await tokenOf('P08'));
  const sent = await g.reply({ kind: 'need_help', key: key(), text: 'Farah needs her insulin from the lodge fridge' }).expect(201);
  const replyId: string = sent.body.reply.id;
  const asked = await liveEvent('guest.replied', (e) => e.payload.partyId === 'P08');
  expect(asked.payload.replyId).toBe(replyId);

  // Open replies only, oldest first, with the handled fields still empty.
  const open = (await duty.get(inc('/guest-replies?open=true')).expect(200)).body.replies as StaffReplyView[];
  const mine = open.find((r) => r.id === replyId)!;
  expect(mine).toMatchObject({ partyId: 'P08', name: 'Begum', kind: 'need_help', handledAt: null, handledBy: null, handledByName: null, handledNote: '' });
  expect(open.map((r) => r.at)).toEqual([...open.map((r) => r.at)].sort());
  expect(open.every((r) => r.handledAt === null)).toBe(true);

  // A bad note is refused, naming the field, and changes nothing.
  const seqBefore = (await duty.get(inc('/events?after=0&limit=5000')).expect(200)).body.events.length;
  const bad = await duty
    .post(inc(`/guest-replies/${replyId}/handle`))
    .send({ note: 'x'.repeat(501) })
    .expect(400);
  expect(bad.body.error.code).toBe('validation_failed');
  expect(bad.body.error.details.fields[0].path).toBe('body.note');
  await duty
    .post(inc(`/guest-replies/${replyId}/handle`))
    .send({ note: 42 })
    .expect(400);
  expect((await duty.get(inc('/guest-replies?partyId=P08')).expect(200)).body.replies[0]).toMatchObject({ id: replyId, handledAt: null, handledNote: '' });
  expect((await duty.get(inc('/events?after=0&limit=5000')).expect(200)).body.events.length).toBe(seqBefore);

  // Reception and insurers may not; an unknown reply is not found.
  const reception = await signIn(server.url, DEMO.reception);
  await reception
    .post(inc(`/guest-replies/${replyId}/handle`))
    .send({})
    .expect(403);
  const insurer = await signIn(server.url, DEMO.insurer);
  await insurer
    .post(inc(`/guest-replies/${replyId}/handle`))
    .send({})
    .expect(403);
  await duty.post(inc('/guest-replies/00000000-0000-4000-8000-000000000000/handle')).send({}).expect(404);
  await duty.post(inc('/guest-replies/not-a-uuid/handle')).send({}).expect(400);

  const done = await duty
    .post(inc(`/guest-replies/${replyId}/handle`))
    .send({ note: '  Rang the family; a warden fetched the insulin.  ' })
    .expect(200);
  expect(done.body.reply).toMatchObject({ id: replyId, handledNote: 'Rang the family; a warden fetched the insulin.', handledByName: expect.any(String) });
  expect(Date.parse(done.body.reply.handledAt)).not.toBeNaN();
  const ev = await liveEvent('guest.reply_handled', (e) => e.payload.replyId === replyId);
  expect(ev).toMatchObject({
    seq: done.body.seq,
    payload: { partyId: 'P08', name: 'Begum', kind: 'need_help', note: 'Rang the family; a warden fetched the insulin.' },
  });
  // Without `resume` the household keeps its "needs help" mark.
  expect(done.body.partyStatus).toBe('needs_help');
  expect((await state()).parties.find((p) => p.id === 'P08')!.status).toBe('needs_help');

  // A second hand (a colleague a moment later) is a conflict that changes nothing.
  const again = await duty
    .post(inc(`/guest-replies/${replyId}/handle`))
    .send({ note: 'me too' })
    .expect(409);
  expect(again.body.error.message).toMatch(/already marked handled/);
  const after = (await duty.get(inc('/guest-replies?partyId=P08')).expect(200)).body.replies[0] as StaffReplyView;
  expect(after).toMatchObject({ handledNote: 'Rang the family; a warden fetched the insulin.', handledAt: done.body.reply.handledAt });
  expect(((await duty.get(inc('/guest-replies?open=true')).expect(200)).body.replies as StaffReplyView[]).some((r) => r.id === replyId)).toBe(false);
  await duty.get(inc('/guest-replies?open=maybe')).expect(400);
});

test('help given: handling with resume takes the household off "needs help" back to its journey, live', async () => {
  const before = (await state()).parties.find((p) => p.id === 'P03')!;
  expect(before.status).toBe('assigned');
  const sent = await asGuest(await tokenOf('P03'))
    .reply({ kind: 'need_help', key: key(), text: 'We cannot find the coach' })
    .expect(201);
  expect((await state()).parties.find((p) => p.id === 'P03')!.status).toBe('needs_help');
  await duty
    .post(inc(`/guest-replies/${sent.body.reply.id}/handle`))
    .send({ resume: 'yes' })
    .expect(400);
  const done = await duty
    .post(inc(`/guest-replies/${sent.body.reply.id}/handle`))
    .send({ note: 'Walked them to coach V03', resume: true })
    .expect(200);
  expect(done.body.partyStatus).toBe('assigned');
  const after = (await state()).parties.find((p) => p.id === 'P03')!;
  expect(after).toMatchObject({ status: 'assigned', hotelId: before.hotelId });
  const ev = await liveEvent('party.status_changed', (e) => e.payload.partyId === 'P03' && e.payload.to === 'assigned');
  expect(ev.payload).toMatchObject({ from: 'needs_help', note: 'Walked them to coach V03' });
  // The status change commits with the handling (the cured exception may be recorded between them).
  expect(ev.seq).toBeGreaterThan(done.body.seq);
  expect(ev.seq).toBeLessThanOrEqual(done.body.seq + 2);
});

test('two duty managers marking the same reply handled at once: one wins, the other is told', async () => {
  const sent = await asGuest(await tokenOf('P10'))
    .reply({ kind: 'missing_member', key: key(), text: 'Rhys went back for the car' })
    .expect(201);
  const replyId: string = sent.body.reply.id;
  const duty2 = await signIn(server.url, DEMO.duty2);
  const results = await Promise.all([
    duty.post(inc(`/guest-replies/${replyId}/handle`)).send({ note: 'first' }),
    duty2.post(inc(`/guest-replies/${replyId}/handle`)).send({ note: 'second' }),
  ]);
  expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  const events = (await duty.get(inc('/events?after=0&limit=5000')).expect(200)).body.events as { type: string; payload: { replyId?: string } }[];
  expect(events.filter((e) => e.type === 'guest.reply_handled' && e.payload.replyId === replyId)).toHaveLength(1);
});

test('a household said to have made its own way keeps a member reported missing missing, and the item open', async () => {
  const s = await state();
  const p = s.parties.find((x) => x.guests.length >= 2 && x.guests.every((g) => g.whereabouts === 'waiting') && !['P02', 'P11'].includes(x.id))!;
  const g = asGuest(await tokenOf(p.id));
  const lost = p.guests[1]!;
  await g.reply({ kind: 'missing_member', key: key(), guestId: lost.id, text: 'went back for the dog' }).expect(201);
  await duty
    .post(inc(`/parties/${p.id}/status`))
    .send({ status: 'self_evacuated', note: 'phoned: driving to their sister' })
    .expect(200);
  const after = (await state()).parties.find((x) => x.id === p.id)!;
  expect(after.guests.map((x) => [x.id, x.whereabouts])).toEqual(p.guests.map((x) => [x.id, x.id === lost.id ? 'missing' : 'own_way']));
  const items = (await duty.get(inc('/attention')).expect(200)).body.items as { kind: string; partyId: string; guestIds: string[] }[];
  expect(items.filter((i) => i.partyId === p.id).map((i) => [i.kind, i.guestIds])).toEqual([['missing', [lost.id]]]);
});

test('a household marked a no-show that tells us it made its own way is accounted for: own way, not a no-show', async () => {
  const s = await state();
  const p = s.parties.find((x) => x.hotelId && x.guests.every((g) => g.whereabouts === 'waiting') && !['P01', 'P02', 'P11', 'P12'].includes(x.id))!;
  await duty
    .post(inc(`/parties/${p.id}/status`))
    .send({ status: 'no_show', note: 'not at the muster point' })
    .expect(200);
  const g = asGuest(await tokenOf(p.id));
  expect(((await g.status().expect(200)).body as GuestStatusView).household.status).toBe('no_show');
  const res = await g.reply({ kind: 'own_way', key: key(), place: 'a friend in Boston' }).expect(201);
  expect(res.body.status).toBe('self_evacuated');
  const after = (await state()).parties.find((x) => x.id === p.id)!;
  expect(after.status).toBe('self_evacuated');
  expect(after.guests.every((x) => x.whereabouts === 'own_way')).toBe(true);
});

test('guessing tokens is cut off (last: it locks this client out)', async () => {
  let last = 0;
  for (let i = 0; i < 40 && last !== 429; i++) last = (await asGuest(`guess${i}`.padEnd(32, 'x')).status()).status;
  expect(last).toBe(429);
  await asGuest(await tokenOf('P05'))
    .status()
    .expect(429);
});
