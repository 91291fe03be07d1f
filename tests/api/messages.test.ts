/**
 * Messages at every step, through the API: templates edited per incident (refused at edit time
 * when a placeholder is unknown or missing), rendered in the household's language, written once
 * per step (assigned, leaving soon, delayed, re-routed, checked in, feedback request) however
 * often the projector runs.
 */
import { sql } from 'drizzle-orm';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import { smallScenario } from '../../seed/small.js';
import type { IncidentState } from '../../shared/api.js';
import type { GuestStatusView, MessageView } from '../../shared/messages.js';
import supertest from 'supertest';
import type { MessagingService } from '../../server/messages/service.js';

let server: TestServer;
let duty: Agent;
let incidentId: string;
let messaging: MessagingService;

const HELPLINE = '+441754000000';
const guestView = async (partyId: string): Promise<GuestStatusView> => {
  const token = (await duty.get(inc(`/status-links/${partyId}`)).expect(200)).body.token;
  return (await supertest(server.url).get('/api/guest/status').set('x-status-token', token).expect(200)).body;
};
const inc = (p = '') => `/api/incidents/${incidentId}${p}`;
const state = async (): Promise<IncidentState> => (await duty.get(inc('/state')).expect(200)).body;
const messagesOf = async (partyId: string): Promise<MessageView[]> => (await duty.get(inc(`/messages?partyId=${partyId}`)).expect(200)).body.messages;
const countAll = async () => (await duty.get(inc('/messages?limit=1000')).expect(200)).body.messages.length as number;

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

beforeAll(async () => {
  server = await startTestServer();
  messaging = server.app.services.messaging;
  // This file drives the projector by hand: no background loop racing the assertions.
  await messaging.stop();
  duty = await signIn(server.url, DEMO.duty);
  const scenario = smallScenario();
  incidentId = (
    await duty
      .post('/api/incidents/import')
      .send({ ...scenario, incident: { ...scenario.incident, helpline: HELPLINE } })
      .expect(201)
  ).body.incidentId;
});
afterAll(async () => server?.close());

test('templates: listed per step and language; an unknown or missing placeholder fails loudly at edit time', async () => {
  const list = (await duty.get(inc('/message-templates')).expect(200)).body.templates;
  expect(list).toHaveLength(18);
  expect(list.find((t: { key: string; language: string }) => t.key === 'assigned' && t.language === 'pl')).toMatchObject({
    custom: false,
    required: ['hotel', 'link'],
  });

  const unknown = await duty
    .put(inc('/message-templates/assigned/en'))
    .send({ subject: 'Your hotel', body: 'Go to {{hotelName}}: {{hotel}} {{link}}' })
    .expect(400);
  expect(unknown.body.error.code).toBe('validation_failed');
  expect(unknown.body.error.message).toMatch(/unknown placeholder \{\{hotelName\}\}/);
  expect(unknown.body.error.details.fields[0].path).toBe('body.body');

  const missing = await duty.put(inc('/message-templates/assigned/en')).send({ subject: 'Your hotel', body: 'Hello {{household}}, see {{link}}' }).expect(400);
  expect(missing.body.error.message).toMatch(/missing required placeholder \{\{hotel\}\}/);

  await duty.put(inc('/message-templates/nonsense/en')).send({ subject: 'x', body: 'y' }).expect(400);
  await duty.put(inc('/message-templates/assigned/xx')).send({ subject: 'x', body: 'y' }).expect(400);
  const reception = await signIn(server.url, DEMO.reception);
  await reception.get(inc('/message-templates')).expect(403);

  const ok = await duty
    .put(inc('/message-templates/assigned/en'))
    .send({ subject: 'Tonight: {{hotel}}', body: 'Custom: {{household}} -> {{hotel}} ({{perks}}) {{link}}' })
    .expect(200);
  expect(ok.body.template).toMatchObject({ key: 'assigned', language: 'en', custom: true });
});

test('applying a plan tells every placed household, in its language, once however often it is projected', async () => {
  await applyPlan();
  await messaging.project();
  const s = await state();
  const placed = s.parties.filter((p) => p.hotelId);
  expect(placed.length).toBeGreaterThan(5);
  const okafor = await messagesOf('P01');
  expect(okafor).toHaveLength(1);
  const hotel = s.hotels.find((h) => h.id === s.parties.find((p) => p.id === 'P01')!.hotelId)!;
  const link = (await duty.get(inc('/status-links/P01')).expect(200)).body.url;
  expect(okafor[0]).toMatchObject({ template: 'assigned', channel: 'page', status: 'sent', language: 'en', subject: `Tonight: ${hotel.name}` });
  expect(okafor[0]!.body).toBe(
    `Custom: Okafor -> ${hotel.name} (${hotel.perks.length ? 'open bar' : 'nothing extra'}) ${link}\n\nHelpline: ${HELPLINE} · Hotel ${hotel.name}: ${hotel.phone}`,
  );
  // Every message, whatever its wording, ends with the helpline and the hotel's phone; so does the page.
  for (const p of placed) {
    const h = s.hotels.find((x) => x.id === p.hotelId)!;
    for (const m of await messagesOf(p.id)) {
      expect(m.body).toContain(HELPLINE);
      expect(m.body).toContain(h.phone);
    }
  }
  const page = await guestView('P01');
  expect(page.incident.helplinePhone).toBe(HELPLINE);
  expect(page.destination?.phone).toBe(hotel.phone);
  expect((await duty.get(inc('/state')).expect(200)).body.incident.helpline).toBe(HELPLINE);
  // The helpline travels with the scenario: exported as imported.
  expect((await duty.get(inc('/scenario')).expect(200)).body.incident.helpline).toBe(HELPLINE);

  const kowalski = await messagesOf('P06');
  expect(kowalski[0]).toMatchObject({ template: 'assigned', language: 'pl' });
  expect(kowalski[0]!.subject).toMatch(/^Twój hotel na dzisiejszą noc: /);
  expect(kowalski[0]!.body).toMatch(/Dzień dobry, Kowalski\. .*odjazd z Clubhouse o /);

  const total = await countAll();
  expect(total).toBe(placed.length);
  await messaging.project();
  // A crash between writing the outbox and moving the cursor: the events are projected again, nothing doubles.
  await server.database.db.execute(sql`update message_cursors set last_seq = 0 where incident_id = ${incidentId}`);
  await messaging.project();
  expect(await countAll()).toBe(total);
});

test('"leaving soon" goes once, when the departure is inside the notice window', async () => {
  const s = await state();
  const trip = s.trips.find((t) => t.partyIds.includes('P01'))!;
  const departAt = Date.parse(trip.departAt);
  await messaging.departureNotices(new Date(departAt - 45 * 60_000));
  expect((await messagesOf('P01')).filter((m) => m.template === 'departing_soon')).toHaveLength(0);
  await messaging.departureNotices(new Date(departAt - 10 * 60_000));
  await messaging.departureNotices(new Date(departAt - 5 * 60_000));
  const soon = (await messagesOf('P01')).filter((m) => m.template === 'departing_soon');
  expect(soon).toHaveLength(1);
  expect(soon[0]!.body).toMatch(/leaves Clubhouse at /);
  // Everyone on that trip heard it, once.
  for (const partyId of trip.partyIds) expect((await messagesOf(partyId)).filter((m) => m.template === 'departing_soon')).toHaveLength(1);
  // The window is per incident.
  await duty.patch(inc('/message-settings')).send({ departureNoticeMinutes: 90 }).expect(200);
  await duty.patch(inc('/message-settings')).send({ departureNoticeMinutes: 0 }).expect(400);
});

test('a breakdown tells the riders their departure is delayed; the re-plan tells them where they now go', async () => {
  const s = await state();
  const party = s.parties.find((p) => p.id === 'P04')!;
  const trip = s.trips.find((t) => t.id === party.tripId)!;
  await duty
    .patch(inc(`/vehicles/${trip.vehicleId}`))
    .send({ status: 'out_of_service', reason: 'flat tyre' })
    .expect(200);
  await messaging.project();
  const delayed = (await messagesOf('P04')).filter((m) => m.template === 'delayed');
  expect(delayed).toHaveLength(1);
  expect(delayed[0]!.body).toMatch(/New departure: to be confirmed/);
  await applyPlan();
  await messaging.project();
  const after = await state();
  expect(after.parties.find((p) => p.id === 'P04')!.tripId).toBeTruthy();
});

test('a household moved to another hotel on a re-plan hears it is re-routed, naming both hotels', async () => {
  const s = await state();
  const chen = s.parties.find((p) => p.id === 'P05')!;
  const from = s.hotels.find((h) => h.id === chen.hotelId)!;
  let moved = false;
  for (const to of s.hotels.filter((h) => h.id !== from.id && h.id !== 'H4')) {
    let proposal = (await duty.post(inc('/plans')).expect(201)).body;
    const res = await duty.post(inc(`/plans/${proposal.id}/moves`)).send({ partyId: 'P05', hotelId: to.id });
    if (res.status !== 201) continue;
    proposal = res.body;
    await duty.post(inc(`/plans/${proposal.id}/apply`)).expect(200);
    await messaging.project();
    const rerouted = (await messagesOf('P05')).filter((m) => m.template === 're_routed');
    expect(rerouted).toHaveLength(1);
    expect(rerouted[0]!.subject).toBe(`Change of hotel: ${to.name}`);
    expect(rerouted[0]!.body).toContain(`from ${from.name} to ${to.name}`);
    // One story: the page shows the new hotel and ride, the newest message says the same and the
    // page says it replaces the earlier one.
    const page = await guestView('P05');
    expect(page.destination?.name).toBe(to.name);
    expect(rerouted[0]!.body).toContain(`(hotel phone ${to.phone})`);
    const journey = page.messages.filter((m) => ['assigned', 're_routed', 'delayed', 'departing_soon'].includes(m.template));
    expect(journey[0]).toMatchObject({ template: 're_routed', superseded: false, replaces: journey[1]!.at });
    expect(journey.slice(1).every((m) => m.superseded && m.replaces === null)).toBe(true);
    if (page.transport) expect(rerouted[0]!.body).toContain(`${page.transport.vehicleId}`);
    else expect(rerouted[0]!.body).toMatch(/Transport: to be assigned/);
    moved = true;
    break;
  }
  expect(moved).toBe(true);
});

test('checked in: a welcome with the room number; checked out: a request for feedback with the link', async () => {
  const s = await state();
  const party = s.parties.find((p) => p.id === 'P11')!;
  const arrivals = inc(`/hotels/${party.hotelId}/arrivals`);
  const stay = ((await duty.get(arrivals).expect(200)).body.households as { partyId: string; rooms: { type: string }[] }[]).find((h) => h.partyId === 'P11')!;
  await duty
    .post(`${arrivals}/checkins`)
    .send({ partyId: 'P11', roomNumbers: { [stay.rooms[0]!.type]: ['214'] } })
    .expect(200);
  await duty.post(`${arrivals}/checkouts`).send({ partyId: 'P11' }).expect(200);
  await messaging.project();
  const list = await messagesOf('P11');
  const welcome = list.find((m) => m.template === 'checked_in')!;
  // The number with its room type: never read against another of the household's rooms.
  expect(welcome.body).toContain(`room ${stay.rooms[0]!.type} 214`);
  const ask = list.find((m) => m.template === 'feedback_request')!;
  const url = (await duty.get(inc('/status-links/P11')).expect(200)).body.url;
  expect(ask.body).toContain(`${url}/feedback`);
  // The household sees the same messages on its status page.
  const token = (await duty.get(inc('/status-links/P11')).expect(200)).body.token;
  const view = (await (await import('supertest')).default(server.url).get('/api/guest/status').set('x-status-token', token).expect(200)).body;
  expect(view.messages.map((m: { template: string }) => m.template)).toEqual(expect.arrayContaining(['assigned', 'checked_in', 'feedback_request']));
  expect(view.feedbackOpen).toBe(true);
});
