/**
 * What one household's status link (sent by SMS, maybe forwarded) can do to the duty managers:
 * replies that change nothing the planner reads do not make a plan stale, so a link cannot keep
 * every plan from being applied; repeated replies fold into the household's one open item instead
 * of filling "Needs attention"; and a link sends replies at a person's pace (429 beyond it). Other
 * events written for a change that changed no planning input (a status set to what it was, a
 * vehicle set to its own status, a perks-only hotel update, links reissued or withdrawn, a roll
 * call that moved nobody) leave a proposal fresh too. On the storm night, after a plan is applied.
 */
import request from 'supertest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import type { IncidentState, PlanView } from '../../shared/api.js';
import type { AttentionList } from '../../shared/attention.js';

let server: TestServer;
let duty: Agent;
let incidentId: string;
const inc = (p: string) => `/api/incidents/${incidentId}${p}`;
const state = async (): Promise<IncidentState> => (await duty.get(inc('/state')).expect(200)).body;
const tokenOf = async (partyId: string): Promise<string> => (await duty.get(inc(`/status-links/${partyId}`)).expect(200)).body.token;
const propose = async (): Promise<PlanView> => (await duty.post(inc('/plans')).expect(201)).body;
const apply = (plan: PlanView) => duty.post(inc(`/plans/${plan.id}/apply`));
const reply = (token: string, body: object) => request(server.url).post('/api/guest/replies').set('x-status-token', token).send(body);
let keyNo = 0;
const key = () => `abuse-key-${++keyNo}`;

const used = new Set<string>();
/** A household of the applied plan with a room booked, not used by another test. */
async function assignedHousehold(): Promise<IncidentState['parties'][number]> {
  const p = (await state()).parties.find((x) => x.status === 'assigned' && !used.has(x.id))!;
  used.add(p.id);
  return p;
}

beforeAll(async () => {
  server = await startTestServer();
  duty = await signIn(server.url, DEMO.duty);
  incidentId = (await duty.get('/api/incidents').expect(200)).body.incidents[0].id;
  await apply(await propose()).expect(200);
}, 180_000);
afterAll(async () => server?.close());

test('a guest asking for help again, status unchanged, does not make a plan stale; a reply that changes status still does', async () => {
  const p = await assignedHousehold();
  const token = await tokenOf(p.id);
  expect((await reply(token, { kind: 'need_help', key: key(), text: 'We need help' }).expect(201)).body.status).toBe('needs_help');
  const plan = await propose();
  const again = await reply(token, { kind: 'need_help', key: key(), text: 'Still waiting for help' }).expect(201);
  expect(again.body).toMatchObject({ status: 'needs_help', recorded: true });
  expect((await duty.get(inc(`/plans/${plan.id}`)).expect(200)).body.stale).toBe(false);
  await apply(plan).expect(200);

  // A reply that moves the household out of the plan is a change the plan did not see.
  const q = await assignedHousehold();
  const plan2 = await propose();
  expect((await reply(await tokenOf(q.id), { kind: 'own_way', key: key(), place: 'my sister in Louth', text: '' }).expect(201)).body.status).toBe(
    'self_evacuated',
  );
  expect((await duty.get(inc(`/plans/${plan2.id}`)).expect(200)).body.stale).toBe(true);
  const refused = await apply(plan2).expect(409);
  expect(refused.body.error.details.changes.map((c: { type: string }) => c.type)).toContain('guest.replied');
}, 180_000);

test('events written for changes that changed no planning input leave a proposal fresh', async () => {
  const s = await state();
  const helped = s.parties.find((x) => x.status === 'needs_help')!;
  const vehicle = s.vehicles.find((v) => v.status === 'in_service')!;
  const hotel = s.hotels[0]!;
  const site = s.sites.find((x) => s.parties.some((p) => p.siteId === x.id && p.guests.some((g) => g.whereabouts === 'waiting')))!;
  const plan = await propose();
  // A status set to what it was; a vehicle set to the status it has; a perks-only hotel update.
  await duty
    .post(inc(`/parties/${helped.id}/status`))
    .send({ status: 'needs_help', note: 'still' })
    .expect(200);
  await duty
    .patch(inc(`/vehicles/${vehicle.id}`))
    .send({ status: 'in_service' })
    .expect(200);
  await duty
    .patch(inc(`/hotels/${hotel.id}`))
    .send({ perks: [{ kind: 'meals', note: 'soup' }] })
    .expect(200);
  // Links handed out again or withdrawn.
  await duty.post(inc(`/status-links/${helped.id}/reissue`)).expect(200);
  await duty.post(inc(`/vehicles/${vehicle.id}/driver-link/revoke`)).expect(200);
  await duty.post(inc(`/sites/${site.id}/rollcall/link/withdraw`)).expect(200);
  // A roll call that finds everyone expected where they should be.
  const list = (await duty.get(inc(`/sites/${site.id}/rollcall`)).expect(200)).body as { households: { guests: { id: string; whereabouts: string }[] }[] };
  const everyone = list.households.flatMap((h) => h.guests.map((g) => g.id));
  const roll = await duty
    .post(inc(`/sites/${site.id}/rollcall`))
    .send({ presentGuestIds: everyone })
    .expect(200);
  expect(roll.body.missingGuestIds ?? []).toEqual([]);
  expect((await duty.get(inc(`/plans/${plan.id}`)).expect(200)).body.stale).toBe(false);
  await apply(plan).expect(200);

  // Pets are something the planner reads: the same update with them changed makes it stale.
  const plan2 = await propose();
  await duty
    .patch(inc(`/hotels/${hotel.id}`))
    .send({ petsAllowed: !hotel.petsAllowed })
    .expect(200);
  await apply(plan2).expect(409);
}, 180_000);

test('ten calls for help from one household are one open item holding the latest words; after it is handled, a new call opens a new one', async () => {
  const p = await assignedHousehold();
  const token = await tokenOf(p.id);
  for (let i = 1; i <= 10; i++) await reply(token, { kind: 'need_help', key: key(), text: `call number ${i}` }).expect(201);
  // A call with no words keeps the words said before.
  await reply(token, { kind: 'need_help', key: key(), text: '' }).expect(201);
  const open = async () => ((await duty.get(inc('/attention')).expect(200)).body as AttentionList).items.filter((i) => i.partyId === p.id);
  const [item, ...more] = await open();
  expect(more).toEqual([]);
  expect(item).toMatchObject({ kind: 'need_help', reports: 11 });
  expect(item!.summary).toContain('call number 10');
  expect(item!.summary).not.toContain('call number 9');
  expect(Date.parse(item!.repeatedAt!)).toBeGreaterThanOrEqual(Date.parse(item!.createdAt));
  // Every console heard of each repeat.
  const events = (await duty.get(inc('/events?after=0&limit=5000')).expect(200)).body.events as { type: string; payload: { items?: { id: string }[] } }[];
  expect(events.filter((e) => e.type === 'attention.updated' && e.payload.items?.[0]?.id === item!.id)).toHaveLength(10);

  await duty
    .post(inc(`/attention/${item!.id}/resolve`))
    .send({ note: 'warden with them' })
    .expect(200);
  await reply(token, { kind: 'need_help', key: key(), text: 'The warden left, we need help again' }).expect(201);
  const [next, ...others] = await open();
  expect(others).toEqual([]);
  expect(next!.id).not.toBe(item!.id);
  expect(next).toMatchObject({ reports: 1 });
  expect(next!.summary).toContain('we need help again');
}, 120_000);

describe('with the real per-link reply limit', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({ env: { RATE_LIMIT_GUEST_REPLIES_PER_MIN: '6' } });
  }, 120_000);
  afterAll(async () => limited?.close());

  test('a status link sends six replies a minute; the seventh is a 429 with Retry-After, and the page can still be read', async () => {
    const admin = await signIn(limited.url, DEMO.duty);
    const id = (await admin.get('/api/incidents').expect(200)).body.incidents[0].id as string;
    const [partyId, otherId] = ((await admin.get(`/api/incidents/${id}/state`).expect(200)).body as IncidentState).parties.map((p) => p.id);
    const token = (await admin.get(`/api/incidents/${id}/status-links/${partyId}`).expect(200)).body.token as string;
    const send = (n: number) =>
      request(limited.url)
        .post('/api/guest/replies')
        .set('x-status-token', token)
        .send({ kind: 'need_help', key: `limit-key-${n}`, text: `help ${n}` });
    for (let n = 1; n <= 6; n++) await send(n).expect(201);
    const refused = await send(7).expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body.error).toMatchObject({ code: 'rate_limited' });
    expect(refused.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
    // Feedback is a write too; reading the page is not limited by it.
    await request(limited.url).post('/api/guest/feedback').set('x-status-token', token).send({ rating: 5, comment: '' }).expect(429);
    await request(limited.url).get('/api/guest/status').set('x-status-token', token).expect(200);
    // Another household's link has its own budget.
    const other = (await admin.get(`/api/incidents/${id}/status-links/${otherId}`).expect(200)).body.token as string;
    await request(limited.url).post('/api/guest/replies').set('x-status-token', other).send({ kind: 'need_help', key: 'other-key-1', text: '' }).expect(201);
    // Nothing of the refused reply was recorded.
    const replies = (await admin.get(`/api/incidents/${id}/guest-replies?partyId=${partyId}`).expect(200)).body.replies as { text: string }[];
    expect(replies.map((r) => r.text)).not.toContain('help 7');
    expect(replies).toHaveLength(6);
  }, 120_000);
});
