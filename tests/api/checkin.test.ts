/** Reception through the API: its own hotel only; whole and partial check-in; no-show; check-out. */
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, driveToDoor, signIn, type Agent } from '../helpers/api.js';
import type { ArrivalHousehold, HotelArrivals, IncidentState } from '../../shared/api.js';
import type { AttentionItem } from '../../shared/attention.js';

let server: TestServer;
let duty: Agent;
let reception: Agent;
let incidentId: string;
let hotelId: string;
let arrivals: HotelArrivals;

beforeAll(async () => {
  server = await startTestServer();
  duty = await signIn(server.url, DEMO.duty);
  reception = await signIn(server.url, DEMO.reception);
  incidentId = (await duty.get('/api/incidents').expect(200)).body.incidents[0].id;
  hotelId = (await reception.get('/api/auth/me').expect(200)).body.user.hotelId;
  const proposal = (await duty.post(`/api/incidents/${incidentId}/plans`).expect(201)).body;
  await duty.post(`/api/incidents/${incidentId}/plans/${proposal.id}/apply`).expect(200);
  arrivals = (await reception.get(`/api/incidents/${incidentId}/hotels/${hotelId}/arrivals`).expect(200)).body;
});
afterAll(async () => server?.close());

const url = (h = hotelId) => `/api/incidents/${incidentId}/hotels/${h}/arrivals`;
/** Each test takes its own household, untouched by the others. */
const taken = new Set<string>();
/** A household whose vehicle no other test has driven (driving a trip changes all its riders). */
const drivenTrips = new Set<string>();
const undriven = (pred: (h: ArrivalHousehold) => boolean) => {
  const h = household((x) => x.trip !== null && !drivenTrips.has(x.trip.id) && pred(x));
  drivenTrips.add(h.trip!.id);
  return h;
};
const household = (pred: (h: ArrivalHousehold) => boolean) => {
  const h = arrivals.households.find((x) => !taken.has(x.partyId) && pred(x));
  if (!h) throw new Error('no such household in the storm plan at this hotel');
  taken.add(h.partyId);
  return h;
};

test('reception sees the households coming to its hotel, with vehicle, ETA, notes and needs', async () => {
  expect(arrivals.hotel.id).toBe(hotelId);
  // Reception shows every time in the incident's zone, whatever the tablet's.
  expect(arrivals.timezone).toBe('Europe/London');
  expect(arrivals.households.length).toBeGreaterThan(0);
  const state: IncidentState = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
  const expected = state.parties
    .filter((p) => p.hotelId === hotelId)
    .map((p) => p.id)
    .sort();
  expect(arrivals.households.map((h) => h.partyId).sort()).toEqual(expected);
  for (const h of arrivals.households) {
    expect(h.trip?.eta).toMatch(/^\d{4}-/);
    expect(h.passCode).toMatch(/^[A-Z0-9]{6}$/);
  }
});

test('reception cannot see or touch another hotel', async () => {
  const state: IncidentState = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
  const other = state.hotels.find((h) => h.id !== hotelId)!.id;
  await reception.get(url(other)).expect(404);
  const foreignParty = state.parties.find((p) => p.hotelId && p.hotelId !== hotelId)!;
  await reception
    .post(`${url(other)}/checkins`)
    .send({ partyId: foreignParty.id })
    .expect(404);
  await reception.post(`${url()}/checkins`).send({ partyId: foreignParty.id }).expect(404);
  await reception.get(`/api/incidents/${incidentId}/state`).expect(403);
});

test('check in a whole household with room numbers', async () => {
  const h = household((x) => x.guests.length >= 1);
  const type = h.rooms[0]!.type;
  const res = await reception
    .post(`${url()}/checkins`)
    .send({ partyId: h.partyId, roomNumbers: { [type]: ['101'] } })
    .expect(200);
  expect(res.body.wholeHousehold).toBe(true);
  expect(res.body.checkedIn.sort()).toEqual(h.guests.map((g) => g.id).sort());
  const again = await reception.post(`${url()}/checkins`).send({ partyId: h.partyId }).expect(409);
  expect(again.body.error.message).toMatch(/already checked in/);
  const now: HotelArrivals = (await reception.get(url()).expect(200)).body;
  const row = now.households.find((x) => x.partyId === h.partyId)!;
  expect(row.status).toBe('checked_in');
  expect(row.roomNumbers).toEqual({ [type]: ['101'] });
});

test('check-ins sent at once (repeats among them) share the "already in" read, yet each gets its own answer', async () => {
  const done = [household(() => true), household(() => true), household(() => true)];
  const fresh = household(() => true);
  for (const h of done) await reception.post(`${url()}/checkins`).send({ partyId: h.partyId }).expect(200);
  const answers = await Promise.all([
    ...done.map((h) => reception.post(`${url()}/checkins`).send({ partyId: h.partyId })),
    reception.post(`${url()}/checkins`).send({ partyId: fresh.partyId }),
    reception.post(`${url()}/checkins`).send({ partyId: done[0]!.partyId }),
  ]);
  done.forEach((h, i) => {
    expect(answers[i]!.status).toBe(409);
    expect(answers[i]!.body.error.message).toContain(h.name);
  });
  expect(answers[done.length]!.status).toBe(200);
  expect(answers[done.length]!.body.checkedIn.sort()).toEqual(fresh.guests.map((g) => g.id).sort());
  expect(answers[done.length + 1]!.status).toBe(409);
});

test('check in part of a household, then the rest when they arrive', async () => {
  const h = household((x) => x.guests.length >= 2);
  const first = h.guests[0]!.id;
  const part = await reception
    .post(`${url()}/checkins`)
    .send({ partyId: h.partyId, guestIds: [first] })
    .expect(200);
  expect(part.body).toMatchObject({ checkedIn: [first], wholeHousehold: false });
  const rest = await reception.post(`${url()}/checkins`).send({ partyId: h.partyId }).expect(200);
  expect(rest.body.wholeHousehold).toBe(true);
  expect(rest.body.checkedIn.sort()).toEqual(
    h.guests
      .slice(1)
      .map((g) => g.id)
      .sort(),
  );
});

test('bad check-in input is a 400 naming the field, and changes nothing', async () => {
  const h = household(() => true);
  const res = await reception
    .post(`${url()}/checkins`)
    .send({ partyId: h.partyId, roomNumbers: { penthouse: ['1'] } })
    .expect(400);
  expect(res.body.error.details.fields[0].path).toBe('body.roomNumbers.penthouse');
  const bad = await reception.post(`${url()}/checkins`).send({ partyId: '' }).expect(400);
  expect(bad.body.error.details.fields[0].path).toBe('body.partyId');
  const now: HotelArrivals = (await reception.get(url()).expect(200)).body;
  expect(now.households.find((x) => x.partyId === h.partyId)!.status).not.toBe('checked_in');
});

test('a no-show gives the rooms back; check-out ends a stay', async () => {
  const h = household((x) => x.status === 'assigned');
  const before: IncidentState = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
  const usedBefore = before.hotels.find((x) => x.id === hotelId)!.roomTypes.reduce((n, r) => n + r.used, 0);
  await reception.post(`${url()}/no-shows`).send({ partyId: h.partyId, kind: 'went_elsewhere' }).expect(200);
  const after: IncidentState = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
  expect(after.hotels.find((x) => x.id === hotelId)!.roomTypes.reduce((n, r) => n + r.used, 0)).toBe(usedBefore - h.rooms.reduce((n, r) => n + r.count, 0));
  expect(after.parties.find((p) => p.id === h.partyId)!.status).toBe('self_evacuated');
  const guest = household(() => true);
  await reception.post(`${url()}/checkouts`).send({ partyId: guest.partyId }).expect(409);
  await reception.post(`${url()}/checkins`).send({ partyId: guest.partyId }).expect(200);
  await reception.post(`${url()}/checkouts`).send({ partyId: guest.partyId }).expect(200);
  await reception.post(`${url()}/checkouts`).send({ partyId: guest.partyId }).expect(404);
});

test('a no-show is refused while their vehicle is still due, and once it has been it reaches the duty managers as people missing', async () => {
  const h = undriven((x) => x.status === 'assigned');
  const early = await reception.post(`${url()}/no-shows`).send({ partyId: h.partyId, kind: 'no_show' }).expect(409);
  expect(early.body.error.message).toContain(h.trip!.vehicleId);
  expect(early.body.error.message).toMatch(/has not reached this hotel yet/);
  let state: IncidentState = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
  expect(state.parties.find((p) => p.id === h.partyId)!.status).toBe('assigned');
  // The vehicle brings them to the door, and then they are nowhere to be found.
  await driveToDoor(server.url, duty, incidentId, { tripId: h.trip!.id, vehicleId: h.trip!.vehicleId, partyId: h.partyId, hotelId });
  const noShowsBefore = state.shelter!.noShowGuests;
  await reception.post(`${url()}/no-shows`).send({ partyId: h.partyId, kind: 'no_show', note: 'not in the lobby' }).expect(200);
  state = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
  expect(state.parties.find((p) => p.id === h.partyId)!.status).toBe('no_show');
  // The header's "everyone in bed by" no longer speaks for them: they are counted as no-shows.
  expect(state.shelter!.noShowGuests).toBe(noShowsBefore + h.guests.length);
  const items: AttentionItem[] = (await duty.get(`/api/incidents/${incidentId}/attention`).expect(200)).body.items;
  const item = items.find((i) => i.partyId === h.partyId && i.kind === 'missing' && !i.resolvedAt)!;
  expect(item).toBeDefined();
  expect(item.guestIds.sort()).toEqual(h.guests.map((g) => g.id).sort());
  expect(item.summary).toContain(arrivals.hotel.name);
  expect(item.summary).toContain('not in the lobby');
});

test('members the vehicle brought to the door and reception does not check in are missing, not "at the hotel"', async () => {
  const h = undriven((x) => x.status === 'assigned' && x.guests.length >= 2);
  await driveToDoor(server.url, duty, incidentId, { tripId: h.trip!.id, vehicleId: h.trip!.vehicleId, partyId: h.partyId, hotelId });
  const whereabouts = async () => {
    const s: IncidentState = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
    return { counts: s.guestCounts.byWhereabouts, party: s.parties.find((p) => p.id === h.partyId)! };
  };
  const atDoor = await whereabouts();
  const [here, ...absent] = h.guests;
  await reception
    .post(`${url()}/checkins`)
    .send({ partyId: h.partyId, guestIds: [here!.id] })
    .expect(200);
  const after = await whereabouts();
  expect(after.counts.missing).toBe(atDoor.counts.missing + absent.length);
  expect(after.counts.arrived).toBe(atDoor.counts.arrived - h.guests.length);
  // Found in the car park: checked in, and nobody is missing any more.
  await reception.post(`${url()}/checkins`).send({ partyId: h.partyId }).expect(200);
  expect((await whereabouts()).counts.missing).toBe(atDoor.counts.missing);
});

test('a room number already given to another household here is refused, naming that household, and nothing changes', async () => {
  const first = household((x) => x.status === 'assigned' && x.rooms.length > 0);
  const second = household((x) => x.status === 'assigned' && x.rooms.length > 0);
  await reception
    .post(`${url()}/checkins`)
    .send({ partyId: first.partyId, roomNumbers: { [first.rooms[0]!.type]: ['701'] } })
    .expect(200);
  const clash = await reception
    .post(`${url()}/checkins`)
    .send({ partyId: second.partyId, roomNumbers: { [second.rooms[0]!.type]: ['701'] } })
    .expect(409);
  expect(clash.body.error.message).toContain(`701 is already given to ${first.name}`);
  const now: HotelArrivals = (await reception.get(url()).expect(200)).body;
  expect(now.households.find((x) => x.partyId === second.partyId)!.status).toBe('assigned');
  await reception
    .post(`${url()}/checkins`)
    .send({ partyId: second.partyId, roomNumbers: { [second.rooms[0]!.type]: ['702'] } })
    .expect(200);
});

test('check-out is refused while part of the household is still on the way to its rooms', async () => {
  const h = household((x) => x.guests.length >= 2 && x.status === 'assigned');
  const [first, ...rest] = h.guests;
  await reception
    .post(`${url()}/checkins`)
    .send({ partyId: h.partyId, guestIds: [first!.id] })
    .expect(200);
  const early = await reception.post(`${url()}/checkouts`).send({ partyId: h.partyId }).expect(409);
  expect(early.body.error.details.guestIds).toEqual(rest.map((g) => g.id));
  expect(early.body.error.message).toContain(rest[0]!.name);
  const state: IncidentState = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
  const p = state.parties.find((x) => x.id === h.partyId)!;
  expect(p.hotelId).toBe(hotelId);
  expect(p.guests.find((g) => g.id === first!.id)!.whereabouts).toBe('checked_in');
  // The rest come: then the household checks out together.
  await reception.post(`${url()}/checkins`).send({ partyId: h.partyId }).expect(200);
  await reception.post(`${url()}/checkouts`).send({ partyId: h.partyId }).expect(200);
});
