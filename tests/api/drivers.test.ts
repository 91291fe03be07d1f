/**
 * Drivers through the API: signed per-vehicle links (duty managers only), the manifest of the
 * current trip, boarding, departure and arrival updating trips, riders and households in one
 * transaction each, heard live by duty managers' sockets and by the hotel's reception; repeats
 * change nothing; forged links are "not found"; positions reach the map as 'vehicles.moved'.
 */
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import { collect, connect, connected, loginCookie, subscribe, type ClientSocket } from '../helpers/socket.js';
import type { DriverLink, DriverView } from '../../shared/drivers.js';
import type { HotelArrivals, IncidentState } from '../../shared/api.js';
import type { HotelNotice, VehiclePosition } from '../../shared/realtime.js';
import request from 'supertest';

let server: TestServer;
let duty: Agent;
let incidentId: string;
let links: DriverLink[];
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  server = await startTestServer();
  duty = await signIn(server.url, DEMO.duty);
  incidentId = (await duty.get('/api/incidents').expect(200)).body.incidents[0].id;
  const proposal = (await duty.post(`/api/incidents/${incidentId}/plans`).expect(201)).body;
  await duty.post(`/api/incidents/${incidentId}/plans/${proposal.id}/apply`).expect(200);
  links = (await duty.get(`/api/incidents/${incidentId}/drivers`).expect(200)).body.links;
}, 180_000);
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await server?.close();
});

const drive = (token: string) => `/api/drive/${token}`;
const linkWithTrip = (pred: (v: DriverView) => boolean = () => true) =>
  (async () => {
    for (const l of links) {
      if (!l.currentTrip || taken.has(l.vehicleId)) continue;
      const v: DriverView = (await request(server.url).get(drive(l.token)).expect(200)).body;
      if (v.trip && v.trip.status === 'planned' && pred(v)) {
        taken.add(l.vehicleId);
        return { link: l, view: v };
      }
    }
    throw new Error('no vehicle with a planned trip left');
  })();
const taken = new Set<string>();

test('duty managers get one signed link per vehicle; others may not', async () => {
  expect(links.length).toBeGreaterThan(0);
  for (const l of links) {
    expect(l.path).toBe(`/#/drive/${l.token}`);
    expect(l.token.length).toBeGreaterThan(20);
    expect(l.qr?.path).toMatch(/^M\d/);
  }
  const reception = await signIn(server.url, DEMO.reception);
  await reception.get(`/api/incidents/${incidentId}/drivers`).expect(403);
  await request(server.url).get(`/api/incidents/${incidentId}/drivers`).expect(401);
});

test('a forged or altered link is "not found" and reveals nothing', async () => {
  const good = links[0]!.token;
  const [payload, sig] = good.split('.');
  const otherPayload = Buffer.from(JSON.stringify([incidentId, links[1]!.vehicleId])).toString('base64url');
  for (const bad of [`${otherPayload}.${sig}`, `${payload}.${'A'.repeat(sig!.length)}`, `${payload}x.${sig}`, 'not-a-token-at-all']) {
    const res = await request(server.url).get(drive(bad)).expect(404);
    expect(res.body.error.code).toBe('not_found');
    await request(server.url)
      .post(`${drive(bad)}/positions`)
      .send({ lat: 53, lng: 0.3 })
      .expect(404);
  }
});

test('the manifest shows the current trip with its households, stops and needs', async () => {
  const { view } = await linkWithTrip();
  expect(view.trip!.households.length).toBeGreaterThan(0);
  expect(view.trip!.stops.length).toBeGreaterThan(0);
  for (const h of view.trip!.households) {
    expect(h.passCode).toMatch(/^[A-Z0-9]{6}$/);
    expect(h.size).toBe(h.guests.length);
    expect(view.trip!.stops.map((s) => s.hotelId)).toContain(h.hotelId);
  }
});

test('boarding, departure and arrival update the state once each and are heard live', async () => {
  const { link, view } = await linkWithTrip((v) => v.trip!.households.length >= 2);
  const trip = view.trip!;
  const [first, second, ...rest] = trip.households;
  const cookie = await loginCookie(server.url, DEMO.duty);
  const dm = connect(server.url, { cookie });
  sockets.push(dm);
  await connected(dm);
  const live = collect(dm);
  const ack = await subscribe(dm, incidentId);
  expect(ack.ok).toBe(true);
  // Reception of the first household's hotel hears of it too (if that hotel has a reception user).
  const base = request(server.url);
  const b1 = await base
    .post(`${drive(link.token)}/boardings`)
    .send({ tripId: trip.id, partyId: first!.partyId })
    .expect(200);
  expect(b1.body).toMatchObject({ status: 'boarded', already: false });
  const again = await base
    .post(`${drive(link.token)}/boardings`)
    .send({ tripId: trip.id, partyId: first!.partyId })
    .expect(200);
  expect(again.body.already).toBe(true);
  await base
    .post(`${drive(link.token)}/boardings`)
    .send({ tripId: trip.id, partyId: second!.partyId })
    .expect(200);
  // A mis-tap undone.
  await base
    .post(`${drive(link.token)}/boardings`)
    .send({ tripId: trip.id, partyId: second!.partyId, boarded: false })
    .expect(200);
  await base
    .post(`${drive(link.token)}/boardings`)
    .send({ tripId: trip.id, partyId: second!.partyId })
    .expect(200);
  let state: IncidentState = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
  expect(state.parties.find((p) => p.id === first!.partyId)!.status).toBe('on_vehicle');
  expect(state.trips.find((t) => t.id === trip.id)!.status).toBe('boarding');

  const dep = await base
    .post(`${drive(link.token)}/departures`)
    .send({ tripId: trip.id })
    .expect(200);
  expect(dep.body).toMatchObject({ status: 'departed', already: false, leftBehind: rest.length });
  // Stop times follow the real departure (here hours from the plan's), not the plan's.
  const onRoad: DriverView = (await base.get(drive(link.token)).expect(200)).body;
  const shift = Date.parse(onRoad.trip!.departedAt!) - Date.parse(trip.departAt);
  onRoad.trip!.stops.forEach((s, i) => expect(Date.parse(s.eta!)).toBe(Date.parse(trip.stops[i]!.eta!) + shift));
  expect(
    (
      await base
        .post(`${drive(link.token)}/departures`)
        .send({ tripId: trip.id })
        .expect(200)
    ).body.already,
  ).toBe(true);
  await base
    .post(`${drive(link.token)}/boardings`)
    .send({ tripId: trip.id, partyId: first!.partyId, boarded: false })
    .expect(409);

  const stops = [...new Set([first!.hotelId, second!.hotelId])];
  for (const hotelId of stops) {
    const arr = await base
      .post(`${drive(link.token)}/arrivals`)
      .send({ tripId: trip.id, hotelId })
      .expect(200);
    expect(arr.body.already).toBe(false);
    expect(
      (
        await base
          .post(`${drive(link.token)}/arrivals`)
          .send({ tripId: trip.id, hotelId })
          .expect(200)
      ).body.already,
    ).toBe(true);
  }
  state = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
  expect(state.parties.find((p) => p.id === first!.partyId)!.status).toBe('arrived');
  expect(state.parties.find((p) => p.id === second!.partyId)!.status).toBe('arrived');
  for (const h of rest) expect(state.parties.find((p) => p.id === h.partyId)!.tripId).not.toBe(trip.id);

  const events = await live.until(5 + stops.length);
  const types = events.map((e) => e.type);
  expect(types.filter((t) => t === 'party.boarded')).toHaveLength(3);
  expect(types.filter((t) => t === 'party.unboarded')).toHaveLength(1);
  expect(types.filter((t) => t === 'trip.departed')).toHaveLength(1);
  expect(types.filter((t) => t === 'trip.arrived')).toHaveLength(stops.length);
  const departed = events.find((e) => e.type === 'trip.departed')!;
  expect(departed.payload.hotelIds).toEqual(expect.arrayContaining(stops));
  const arrived = events.find((e) => e.type === 'trip.arrived')!;
  expect(arrived.payload.hotelIds).toEqual([stops[0]]);
  expect(arrived.actor.name).toBe(`driver of ${link.vehicleId}`);
});

test('reception hears of boarding at its hotel and sees the household arrive', async () => {
  const reception = await signIn(server.url, DEMO.reception);
  const hotelId: string = (await reception.get('/api/auth/me').expect(200)).body.user.hotelId;
  const { link, view } = await linkWithTrip((v) => v.trip!.households.some((h) => h.hotelId === hotelId));
  const h = view.trip!.households.find((x) => x.hotelId === hotelId)!;
  const rs = connect(server.url, { cookie: await loginCookie(server.url, DEMO.reception) });
  sockets.push(rs);
  await connected(rs);
  const notices: HotelNotice[] = [];
  rs.on('hotel.changed', (n) => notices.push(n));
  const base = request(server.url);
  await base
    .post(`${drive(link.token)}/boardings`)
    .send({ tripId: view.trip!.id, partyId: h.partyId })
    .expect(200);
  await base
    .post(`${drive(link.token)}/departures`)
    .send({ tripId: view.trip!.id })
    .expect(200);
  await base
    .post(`${drive(link.token)}/arrivals`)
    .send({ tripId: view.trip!.id, hotelId })
    .expect(200);
  await waitFor(() => notices.some((n) => n.type === 'trip.arrived'));
  expect(notices.map((n) => n.type)).toEqual(expect.arrayContaining(['party.boarded', 'trip.departed', 'trip.arrived']));
  expect(notices.every((n) => n.hotelId === hotelId)).toBe(true);
  const arrivals: HotelArrivals = (await reception.get(`/api/incidents/${incidentId}/hotels/${hotelId}/arrivals`).expect(200)).body;
  expect(arrivals.households.find((x) => x.partyId === h.partyId)!.status).toBe('arrived');
  const etas = (await reception.get(`/api/incidents/${incidentId}/hotels/${hotelId}/etas`).expect(200)).body.etas;
  expect(etas.find((e: { tripId: string }) => e.tripId === view.trip!.id).source).toBe('arrived');
  const other = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body.hotels.find((x: { id: string }) => x.id !== hotelId).id;
  await reception.get(`/api/incidents/${incidentId}/hotels/${other}/etas`).expect(404);
});

test('a household checked in at its hotel before its vehicle leaves is taken off the trip, its seats freed', async () => {
  // Any vehicle still waiting with its first trip, whatever the plan made of the night.
  const { link, view } = await linkWithTrip();
  const trip = view.trip!;
  const h = trip.households[0]!;
  const wheel = h.guests.filter((g) => g.needs.includes('wheelchair')).length;
  // They got a lift: checked in at their hotel while the coach still waits at the muster point (by a
  // duty manager, who may act for any hotel's reception; the demo's reception has one hotel).
  await duty.post(`/api/incidents/${incidentId}/hotels/${h.hotelId}/arrivals/checkins`).send({ partyId: h.partyId }).expect(200);
  const base = request(server.url);
  const after: DriverView = (await base.get(drive(link.token)).expect(200)).body;
  if (trip.households.length > 1) {
    expect(after.trip!.id).toBe(trip.id);
    expect(after.trip!.households.map((x) => x.partyId)).not.toContain(h.partyId);
    expect(after.trip!.seatsUsed).toBe(trip.seatsUsed - (h.size - wheel));
    expect(after.trip!.wheelchairUsed).toBe(trip.wheelchairUsed - wheel);
  } else expect(after.trip?.id).not.toBe(trip.id); // nobody left to carry: not the driver's trip any more
  // A driver ticking them from a page loaded before is told where they are, not "re-planned".
  const tick = await base
    .post(`${drive(link.token)}/boardings`)
    .send({ tripId: trip.id, partyId: h.partyId })
    .expect(404);
  expect(tick.body.error.message).toMatch(/already checked in at its hotel/);
  const state: IncidentState = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
  const t = state.trips.find((x) => x.id === trip.id)!;
  expect(t.partyIds).not.toContain(h.partyId);
  // The rest still leave: boarding one of them and departing works, and nobody is left behind on paper.
  const others = trip.households.filter((x) => x.partyId !== h.partyId);
  if (others.length) {
    await base
      .post(`${drive(link.token)}/boardings`)
      .send({ tripId: trip.id, partyId: others[0]!.partyId })
      .expect(200);
    const dep = await base
      .post(`${drive(link.token)}/departures`)
      .send({ tripId: trip.id })
      .expect(200);
    expect(dep.body.leftBehind).toBe(others.length - 1);
  }
});

test("a shared position moves the vehicle on the duty managers' map", async () => {
  const link = links[links.length - 1]!;
  const dm = connect(server.url, { cookie: await loginCookie(server.url, DEMO.duty) });
  sockets.push(dm);
  await connected(dm);
  await subscribe(dm, incidentId);
  const moved = new Promise<VehiclePosition[]>((resolve) => dm.on('vehicles.moved', (_id, list) => resolve(list)));
  const res = await request(server.url)
    .post(`${drive(link.token)}/positions`)
    .send({ lat: 53.1, lng: 0.21 })
    .expect(200);
  expect(res.body.accepted).toBe(true);
  const list = await moved;
  expect(list).toEqual([expect.objectContaining({ vehicleId: link.vehicleId, lat: 53.1, lng: 0.21 })]);
  const state: IncidentState = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
  expect(state.vehicles.find((v) => v.id === link.vehicleId)).toMatchObject({ lat: 53.1, lng: 0.21 });
  await request(server.url)
    .post(`${drive(link.token)}/positions`)
    .send({ lat: 200, lng: 0 })
    .expect(400);
});

async function waitFor(pred: () => boolean, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
