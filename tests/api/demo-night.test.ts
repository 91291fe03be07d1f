/**
 * `npm start` seeds the demo storm as a live night (DEMO_NIGHT=live, the default): it struck 45
 * minutes before the first start. Recorded weeks ago and replayed on the live clock, its plans kept
 * their old times while check-ins landed now, and the console reported the last arrival "slipped"
 * by weeks. Live, a plan leaves from now and a check-in is on the night's own clock.
 */
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn } from '../helpers/api.js';
import { struckAt, DEMO_STRUCK_AGO_MS } from '../../server/bootstrap.js';
import { stormScenario, STORM_STARTED_AT } from '../../seed/storm.js';
import type { HotelArrivals, IncidentState } from '../../shared/api.js';

let server: TestServer;
afterAll(async () => server?.close());

test('the storm moved to another night keeps every interval of the recorded one', () => {
  const recorded = stormScenario();
  const at = Date.parse('2027-01-15T03:07:31Z');
  const moved = struckAt(recorded, at);
  expect(moved.incident.startedAt).toBe('2027-01-15T03:08:00Z');
  const shift = Date.parse(moved.incident.startedAt) - Date.parse(STORM_STARTED_AT);
  moved.vehicles!.forEach((v, i) => expect(Date.parse(v.availableFrom) - Date.parse(recorded.vehicles![i]!.availableFrom)).toBe(shift));
  expect({ ...moved, incident: { ...moved.incident, startedAt: 'x' }, vehicles: [] }).toEqual({
    ...recorded,
    incident: { ...recorded.incident, startedAt: 'x' },
    vehicles: [],
  });
});

test('a live demo night: the storm struck 45 minutes ago, plans leave from now, a check-in slips nothing', async () => {
  const started = Date.now();
  server = await startTestServer({ env: { DEMO_NIGHT: 'live' } });
  const duty = await signIn(server.url, DEMO.duty);
  const incident = (await duty.get('/api/incidents').expect(200)).body.incidents[0] as { id: string; startedAt: string };
  expect(Math.abs(Date.parse(incident.startedAt) - (started - DEMO_STRUCK_AGO_MS))).toBeLessThan(2 * 60_000);
  const base = `/api/incidents/${incident.id}`;
  const asked = Date.now();
  const proposal = (await duty.post(`${base}/plans`).expect(201)).body;
  const departures = proposal.plan.trips.map((t: { departAt: string }) => Date.parse(t.departAt));
  expect(departures.length).toBeGreaterThan(10);
  expect(Math.min(...departures)).toBeGreaterThanOrEqual(asked - 1000);
  await duty.post(`${base}/plans/${proposal.id}/apply`).expect(200);
  const state = (await duty.get(`${base}/state`).expect(200)).body as IncidentState;
  const hotelId = state.hotels.find((h) => h.bedsTaken > 0)!.id;
  const arrivals = (await duty.get(`${base}/hotels/${hotelId}/arrivals`).expect(200)).body as HotelArrivals;
  await duty.post(`${base}/hotels/${hotelId}/arrivals/checkins`).send({ partyId: arrivals.households[0]!.partyId }).expect(200);
  const after = (await duty.get(`${base}/state`).expect(200)).body as IncidentState;
  expect(after.shelter!.slipMinutes).toBeLessThanOrEqual(0);
  expect(after.shelter!.replan.advised).toBe(false);
});
