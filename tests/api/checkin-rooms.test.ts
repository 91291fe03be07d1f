/**
 * Room numbers at check-in: a room is one household's, however it is typed, whether given by room
 * type or to one guest, and even when several receptionists name it at the same moment.
 */
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import type { ArrivalHousehold, HotelArrivals, IncidentState } from '../../shared/api.js';

let server: TestServer;
let reception: Agent;
let incidentId: string;
let hotelId: string;
let arrivals: HotelArrivals;

beforeAll(async () => {
  server = await startTestServer();
  const duty = await signIn(server.url, DEMO.duty);
  incidentId = (await duty.get('/api/incidents').expect(200)).body.incidents[0].id;
  const proposal = (await duty.post(`/api/incidents/${incidentId}/plans`).expect(201)).body;
  await duty.post(`/api/incidents/${incidentId}/plans/${proposal.id}/apply`).expect(200);
  // The hotel with the most households; a duty manager may act at any hotel's desk.
  const state: IncidentState = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
  const perHotel = new Map<string, number>();
  for (const p of state.parties) if (p.hotelId) perHotel.set(p.hotelId, (perHotel.get(p.hotelId) ?? 0) + 1);
  hotelId = [...perHotel].sort((a, b) => b[1] - a[1])[0]![0];
  reception = duty;
  arrivals = (await reception.get(url()).expect(200)).body;
});
afterAll(async () => server?.close());

const url = () => `/api/incidents/${incidentId}/hotels/${hotelId}/arrivals`;
const taken = new Set<string>();
const household = (pred: (h: ArrivalHousehold) => boolean) => {
  const h = arrivals.households.find((x) => !taken.has(x.partyId) && pred(x));
  if (!h) throw new Error('no such household in the storm plan at this hotel');
  taken.add(h.partyId);
  return h;
};

test('one room named by several check-ins at once is given to one household only', async () => {
  const racers = [0, 1, 2, 3].map(() => household((x) => x.status === 'assigned' && x.rooms.length > 0));
  const answers = await Promise.all(
    racers.map((h) =>
      reception
        .post(`${url()}/checkins`)
        .send({ partyId: h.partyId, roomNumbers: { [h.rooms[0]!.type]: ['801'] } })
        .then((r) => r.status),
    ),
  );
  expect(answers.sort()).toEqual([200, 409, 409, 409]);
  const now: HotelArrivals = (await reception.get(url()).expect(200)).body;
  const holders = now.households.filter((x) =>
    Object.values(x.roomNumbers ?? {})
      .flat()
      .includes('801'),
  );
  expect(holders).toHaveLength(1);
});

test("a room is known however it is typed, and a guest's own room counts as given", async () => {
  const first = household((x) => x.status === 'assigned' && x.rooms.length > 0 && x.guests.length >= 1);
  await reception
    .post(`${url()}/checkins`)
    .send({ partyId: first.partyId, guestRooms: { [first.guests[0]!.id]: ' 0905 ' } })
    .expect(200);
  const second = household((x) => x.status === 'assigned' && x.rooms.length > 0 && x.guests.length >= 1);
  const byType = await reception
    .post(`${url()}/checkins`)
    .send({ partyId: second.partyId, roomNumbers: { [second.rooms[0]!.type]: ['905'] } })
    .expect(409);
  expect(byType.body.error.message).toContain(`905 is already given to ${first.name}`);
  const byGuest = await reception
    .post(`${url()}/checkins`)
    .send({ partyId: second.partyId, guestRooms: { [second.guests[0]!.id]: '905' } })
    .expect(409);
  expect(byGuest.body.error.message).toContain(first.name);
  // Letters in any case are one room too.
  await reception
    .post(`${url()}/checkins`)
    .send({ partyId: second.partyId, roomNumbers: { [second.rooms[0]!.type]: ['12b'] } })
    .expect(200);
  const third = household((x) => x.status === 'assigned' && x.rooms.length > 0);
  await reception
    .post(`${url()}/checkins`)
    .send({ partyId: third.partyId, roomNumbers: { [third.rooms[0]!.type]: ['12B'] } })
    .expect(409);
  const now: HotelArrivals = (await reception.get(url()).expect(200)).body;
  expect(now.households.find((x) => x.partyId === third.partyId)!.status).toBe('assigned');
});

test('two spellings that look alike are one room: full-width digits, a zero-width space or a soft hyphen typed or pasted in', async () => {
  const first = household((x) => x.status === 'assigned' && x.rooms.length > 0);
  await reception
    .post(`${url()}/checkins`)
    .send({ partyId: first.partyId, roomNumbers: { [first.rooms[0]!.type]: ['314'] } })
    .expect(200);
  const second = household((x) => x.status === 'assigned' && x.rooms.length > 0 && x.guests.length >= 1);
  for (const typed of ['３１４', '314\u200b', '3\u00ad14', '\u2060314']) {
    const res = await reception
      .post(`${url()}/checkins`)
      .send({ partyId: second.partyId, roomNumbers: { [second.rooms[0]!.type]: [typed] } })
      .expect(409);
    expect(res.body.error.message).toContain(`314 is already given to ${first.name}`);
    await reception
      .post(`${url()}/checkins`)
      .send({ partyId: second.partyId, guestRooms: { [second.guests[0]!.id]: typed } })
      .expect(409);
  }
  // Nothing but an invisible character is no room number at all.
  const empty = await reception
    .post(`${url()}/checkins`)
    .send({ partyId: second.partyId, roomNumbers: { [second.rooms[0]!.type]: ['\u200b'] } })
    .expect(400);
  expect(empty.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual([`body.roomNumbers.${second.rooms[0]!.type}[0]`]);
  const now: HotelArrivals = (await reception.get(url()).expect(200)).body;
  expect(now.households.find((x) => x.partyId === second.partyId)!.status).toBe('assigned');
});

test('more room numbers than the household has rooms are refused by field, and nothing changes', async () => {
  const h = household((x) => x.status === 'assigned' && x.rooms.length === 1 && x.rooms[0]!.count === 1 && x.guests.length >= 2);
  const type = h.rooms[0]!.type;
  const tooMany = await reception
    .post(`${url()}/checkins`)
    .send({ partyId: h.partyId, roomNumbers: { [type]: ['1001', '1002', '1003'] } })
    .expect(400);
  expect(tooMany.body.error.details.fields).toEqual([
    expect.objectContaining({ path: `body.roomNumbers.${type}`, message: expect.stringContaining(`1 ${type} room`) }),
  ]);
  const spread = await reception
    .post(`${url()}/checkins`)
    .send({ partyId: h.partyId, guestRooms: { [h.guests[0]!.id]: '1004', [h.guests[1]!.id]: '1005' } })
    .expect(400);
  expect(spread.body.error.details.fields[0].path).toBe('body.guestRooms');
  const now: HotelArrivals = (await reception.get(url()).expect(200)).body;
  expect(now.households.find((x) => x.partyId === h.partyId)!.status).toBe('assigned');
  // The same numbers, said once each, are one room.
  await reception
    .post(`${url()}/checkins`)
    .send({ partyId: h.partyId, roomNumbers: { [type]: ['1001', '1001'] } })
    .expect(200);
});

test('a family checked in in parts keeps every room the first part was given: a later part adds, never replaces', async () => {
  // A household of at least two members with at least two rooms, at whichever hotel has one: the first part is given them all.
  const state: IncidentState = (await reception.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
  let h: ArrivalHousehold | undefined;
  let at = '';
  for (const hotel of state.hotels) {
    const list: HotelArrivals = (await reception.get(`/api/incidents/${incidentId}/hotels/${hotel.id}/arrivals`).expect(200)).body;
    h = list.households.find((x) => x.status === 'assigned' && x.guests.length >= 2 && x.rooms.reduce((n, r) => n + r.count, 0) >= 2);
    at = `/api/incidents/${incidentId}/hotels/${hotel.id}/arrivals`;
    if (h) break;
  }
  if (!h) throw new Error('no household with two rooms in the storm plan');
  let next = 901;
  const given: Record<string, string[]> = {};
  for (const r of h.rooms) for (let i = 0; i < r.count; i++) (given[r.type] ??= []).push(String(next++));
  const [first, ...rest] = h.guests;
  await reception
    .post(`${at}/checkins`)
    .send({ partyId: h.partyId, guestIds: rest.map((g) => g.id), roomNumbers: given })
    .expect(200);
  // The last member arrives and is put in one of those rooms (typed another way): the household still holds them all.
  const [type, numbers] = Object.entries(given).at(-1)!;
  const last = numbers.at(-1)!;
  await reception
    .post(`${at}/checkins`)
    .send({ partyId: h.partyId, guestIds: [first!.id], roomNumbers: { [type]: [`0${last}`] } })
    .expect(200);
  const now: HotelArrivals = (await reception.get(at).expect(200)).body;
  expect(now.households.find((x) => x.partyId === h.partyId)!.roomNumbers).toEqual(given);
  // So none of them can be given to another household there.
  const other = now.households.find((x) => x.status === 'assigned' && x.rooms.length > 0 && !taken.has(x.partyId))!;
  taken.add(other.partyId);
  const refused = await reception
    .post(`${at}/checkins`)
    .send({ partyId: other.partyId, roomNumbers: { [other.rooms[0]!.type]: ['901'] } })
    .expect(409);
  expect(refused.body.error.message).toMatch(/901 is already given/);

  // A later part naming more rooms of a type than the household has, counting those it holds, is refused and changes nothing.
  const big = household((x) => x.status === 'assigned' && x.guests.length >= 2 && x.rooms.length > 0);
  const bigType = big.rooms[0]!.type;
  const bigCount = big.rooms.filter((r) => r.type === bigType).reduce((n, r) => n + r.count, 0);
  const bigNumbers = Array.from({ length: bigCount }, (_, i) => `95${i}`);
  await reception
    .post(`${url()}/checkins`)
    .send({ partyId: big.partyId, guestIds: [big.guests[0]!.id], roomNumbers: { [bigType]: bigNumbers } })
    .expect(200);
  const over = await reception
    .post(`${url()}/checkins`)
    .send({ partyId: big.partyId, guestIds: [big.guests[1]!.id], roomNumbers: { [bigType]: ['960'] } })
    .expect(400);
  expect(over.body.error.details.fields[0]).toMatchObject({ path: `body.roomNumbers.${bigType}` });
  expect(over.body.error.details.fields[0].message).toMatch(new RegExp(`has ${bigCount} ${bigType} rooms?; ${bigCount + 1} numbers`));
  const after: HotelArrivals = (await reception.get(url()).expect(200)).body;
  const still = after.households.find((x) => x.partyId === big.partyId)!;
  expect(still.roomNumbers).toEqual({ [bigType]: bigNumbers });
  expect(still.guests.find((g) => g.id === big.guests[1]!.id)!.checkedIn).toBe(false);
});
