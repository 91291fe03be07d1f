/**
 * `GET /api/incidents/:id/state/part`: what a console reads after a colleague's change instead of
 * the whole state. The property that matters: a console holding the state as of seq S that reads,
 * for the events since S, exactly what console/state-part.ts asks for, and lays the answer over
 * what it holds, has the same state as one that read it whole. Tried over a night's mix of changes:
 * check-ins (whole and partial), boardings, a departure that leaves a household behind, an
 * arrival, a check-out, a guest's call for help and its handling, a no-show, a household needing
 * help, rooms added and rooms withdrawn from under households.
 */
import request from 'supertest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import type { IncidentState, IncidentStatePart } from '../../shared/api.js';
import type { DriverLink } from '../../shared/drivers.js';
import type { LiveEvent } from '../../shared/realtime.js';
import { STATE_PART_MAX_PARTIES } from '../../shared/api.js';
import { addToAsk, askNothing, layOver, partQuery } from '../../client/src/console/state-part.js';

let server: TestServer;
let duty: Agent;
let base: string;

beforeAll(async () => {
  server = await startTestServer();
  duty = await signIn(server.url, DEMO.duty);
  const incidentId = (await duty.get('/api/incidents').expect(200)).body.incidents[0].id as string;
  base = `/api/incidents/${incidentId}`;
  const proposal = (await duty.post(`${base}/plans`).expect(201)).body;
  await duty.post(`${base}/plans/${proposal.id}/apply`).expect(200);
});
afterAll(async () => server?.close());

const whole = async () => (await duty.get(`${base}/state`).expect(200)).body as IncidentState;
const eventsAfter = async (seq: number) => (await duty.get(`${base}/events?after=${seq}&limit=5000`).expect(200)).body.events as LiveEvent[];
/** The state without its projection, which is computed for "now" and so differs between two reads by the clock alone. */
const settled = ({ shelter: _s, ...rest }: IncidentState) => rest;

/** What a console holding `held` has after reading what the events since it ask for. */
async function caughtUp(held: IncidentState): Promise<{ state: IncidentState; read: 'nothing' | 'part' | 'whole' }> {
  const ask = addToAsk(askNothing(), await eventsAfter(held.seq), held);
  if (ask.whole) return { state: await whole(), read: 'whole' };
  if (!ask.any) return { state: held, read: 'nothing' };
  const part = (await duty.get(`${base}/state/part?${partQuery(ask)}`).expect(200)).body as IncidentStatePart;
  expect(part.parties.map((p) => p.id).sort()).toEqual([...ask.partyIds].sort());
  expect('trips' in part).toBe(ask.trips);
  return { state: layOver(held, part), read: 'part' };
}

test('after each change of a night, the part laid over the state held is the state read whole', async () => {
  let held = await whole();
  const coming = held.parties.filter((p) => p.hotelId && p.tripId && p.status === 'assigned');
  const hotelOf = (id: string) => held.parties.find((p) => p.id === id)!.hotelId!;
  /** Reception at the household's hotel: a check-in, a check-out or a no-show. */
  const atDesk = (action: 'checkins' | 'checkouts' | 'no-shows', partyId: string, more: object = {}) =>
    duty
      .post(`${base}/hotels/${hotelOf(partyId)}/arrivals/${action}`)
      .send({ partyId, ...more })
      .expect(200);
  const links = (await duty.get(`${base}/drivers`).expect(200)).body.links as DriverLink[];
  // One trip with at least two households: one boards, the other is left behind at the departure.
  const trip = held.trips.find((t) => t.partyIds.length >= 2 && t.status === 'planned')!;
  const token = links.find((l) => l.vehicleId === trip.vehicleId)!.token;
  const others = coming.filter((p) => !trip.partyIds.includes(p.id));
  const [whole1, partial, noShow, helped, replier] = others;
  let replyId = '';
  const bigHotel = held.hotels.find((h) => h.roomTypes.some((r) => r.count > r.used))!;

  const changes: [string, 'nothing' | 'part' | 'whole', () => Promise<unknown>][] = [
    ['a whole household checked in', 'part', () => atDesk('checkins', whole1!.id)],
    ['part of a household checked in', 'part', () => atDesk('checkins', partial!.id, { guestIds: [partial!.guests[0]!.id] })],
    ['a household boarded', 'part', () => duty.post(`/api/drive/${token}/boardings`).send({ tripId: trip.id, partyId: trip.partyIds[0] }).expect(200)],
    ['the vehicle left without the others', 'part', () => duty.post(`/api/drive/${token}/departures`).send({ tripId: trip.id }).expect(200)],
    [
      'the vehicle arrived',
      'part',
      () =>
        duty
          .post(`/api/drive/${token}/arrivals`)
          .send({ tripId: trip.id, hotelId: hotelOf(trip.partyIds[0]!) })
          .expect(200),
    ],
    ['a household checked out', 'part', () => atDesk('checkouts', whole1!.id)],
    [
      'a guest asked for help from their phone',
      'part',
      async () => {
        const link = (await duty.get(`${base}/status-links/${replier!.id}`).expect(200)).body.token as string;
        const sent = await request(server.url)
          .post('/api/guest/replies')
          .set('x-status-token', link)
          .send({ kind: 'need_help', key: `state-part-${replier!.id}`, text: 'our child has a fever' })
          .expect(201);
        replyId = sent.body.reply.id;
      },
    ],
    [
      'the reply handled and the journey resumed',
      'part',
      () => duty.post(`${base}/guest-replies/${replyId}/handle`).send({ note: 'paracetamol given', resume: true }).expect(200),
    ],
    // (Their vehicle has not come yet: "went elsewhere" is what reception may record now; a no-show waits for the vehicle.)
    ['a no-show', 'part', () => atDesk('no-shows', noShow!.id, { kind: 'went_elsewhere' })],
    ['a household needs help', 'part', () => duty.post(`${base}/parties/${helped!.id}/status`).send({ status: 'needs_help', note: 'asthma' }).expect(200)],
    [
      'a room added at a hotel',
      'part',
      () =>
        duty
          .patch(`${base}/hotels/${bigHotel.id}`)
          .send({ roomTypes: bigHotel.roomTypes.map(({ used: _u, ...r }, i) => ({ ...r, count: r.count + (i === 0 ? 1 : 0) })) })
          .expect(200),
    ],
    [
      'rooms withdrawn from under the households coming',
      'whole',
      async () => {
        const h = (await whole()).hotels.find((x) => x.roomTypes.some((r) => r.used > 0) && x.id !== bigHotel.id && x.id !== hotelOf(trip.partyIds[0]!))!;
        const res = await duty
          .patch(`${base}/hotels/${h.id}`)
          .send({ roomTypes: h.roomTypes.map(({ used: _u, ...r }) => ({ ...r, count: 0 })) })
          .expect(200);
        expect(res.body.displacedPartyIds.length).toBeGreaterThan(0);
      },
    ],
  ];
  for (const [what, read, change] of changes) {
    await change();
    let got = await caughtUp(held);
    let truth = await whole();
    // Work the server does after answering (a trip's cost booked once it arrives) may land between
    // the two reads: catch up with it as a console would, then compare.
    for (let i = 0; truth.seq > got.state.seq && i < 5; i++) {
      const since = (await eventsAfter(got.state.seq)).filter((e) => e.seq <= truth.seq);
      if (!addToAsk(askNothing(), since, got.state).any) got = { ...got, state: { ...got.state, seq: truth.seq } };
      else {
        got = { ...(await caughtUp(got.state)), read: got.read };
        truth = await whole();
      }
    }
    expect({ what, read: got.read }).toEqual({ what, read });
    expect({ what, state: settled(got.state) }).toEqual({ what, state: settled(truth) });
    held = truth;
  }
});

test('only the households named, and the trips only when asked; everything small whole', async () => {
  const all = await whole();
  const ids = all.parties.slice(0, 3).map((p) => p.id);
  const part = (await duty.get(`${base}/state/part?parties=${ids.join(',')}`).expect(200)).body as IncidentStatePart;
  expect(part.parties).toEqual(all.parties.filter((p) => ids.includes(p.id)));
  expect(part).not.toHaveProperty('trips');
  expect({ sites: part.sites, hotels: part.hotels, vehicles: part.vehicles, seq: part.seq }).toEqual({
    sites: all.sites,
    hotels: all.hotels,
    vehicles: all.vehicles,
    seq: all.seq,
  });
  const withTrips = (await duty.get(`${base}/state/part?parties=&trips=true`).expect(200)).body as IncidentStatePart;
  expect(withTrips.parties).toEqual([]);
  expect(withTrips.trips).toEqual(all.trips);
  // A household that is not in this incident is simply not there.
  expect((await duty.get(`${base}/state/part?parties=NOPE-1`).expect(200)).body.parties).toEqual([]);
});

test('bad queries are 400s that name the field; other roles are refused', async () => {
  const bad = async (q: string, message: RegExp) => {
    const res = await duty.get(`${base}/state/part?${q}`).expect(400);
    const fields = res.body.error.details.fields as { path: string; message: string }[];
    expect(fields.some((f) => f.path.startsWith('query.') && message.test(f.message))).toBe(true);
  };
  await bad('parties=P1,,P2', /non-empty id/);
  await bad('parties=P1;DROP', /letters, digits/);
  await bad(`parties=${Array.from({ length: STATE_PART_MAX_PARTIES + 1 }, (_, i) => `P${i}`).join(',')}`, /at most 500/);
  await bad('trips=yes', /trips=true or trips=false/);
  for (const who of [DEMO.reception, DEMO.insurer]) {
    const agent = await signIn(server.url, who);
    await agent.get(`${base}/state/part?parties=`).expect(403);
  }
  await duty.get(`/api/incidents/00000000-0000-4000-8000-000000000000/state/part`).expect(404);
});

test('reads asked together answer alike; a read asked after a change sees it, even while an older read is under way', async () => {
  const [a, b, c, p] = await Promise.all([whole(), whole(), whole(), duty.get(`${base}/state/part?parties=&trips=true`).expect(200)]);
  expect(settled(b!)).toEqual(settled(a!));
  expect(settled(c!)).toEqual(settled(a!));
  expect((p.body as IncidentStatePart).trips).toEqual(a!.trips);
  const waiting = a!.parties.find((x) => x.status === 'assigned' && x.hotelId)!;
  const older = whole();
  await duty.post(`${base}/hotels/${waiting.hotelId}/arrivals/checkins`).send({ partyId: waiting.id }).expect(200);
  const [after, part] = await Promise.all([whole(), duty.get(`${base}/state/part?parties=${waiting.id}`).expect(200)]);
  expect(after.parties.find((x) => x.id === waiting.id)!.status).toBe('checked_in');
  expect((part.body as IncidentStatePart).parties[0]!.status).toBe('checked_in');
  expect(after.seq).toBeGreaterThan(a!.seq);
  expect((await older).seq).toBeLessThanOrEqual(after.seq);
});
