/**
 * A duty manager hands one muster point's roll call to staff without a sign-in: the signed link
 * opens that site's list and head count and nothing else, a driver's link (same secret, other
 * purpose) or a tampered one is not a roll-call link, and the count it records is the manager's.
 */
import { sql } from 'drizzle-orm';
import request from 'supertest';
import type { IncidentState } from '../../shared/api.js';
import type { RollCallLink, RollCallList } from '../../shared/attention.js';
import type { DriverLink } from '../../shared/drivers.js';
import { signLink } from '../../server/drivers/token.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';

let server: TestServer;
let duty: Agent;
let incidentId: string;
let sites: IncidentState['sites'];
const inc = (p: string) => `/api/incidents/${incidentId}${p}`;
const anon = () => request(server.url);
const exec = async (q: ReturnType<typeof sql>) => {
  const res = await server.database.db.execute(q);
  return ((res as { rows?: Record<string, unknown>[] }).rows ?? (res as unknown as Record<string, unknown>[])) as Record<string, unknown>[];
};

beforeAll(async () => {
  server = await startTestServer();
  duty = await signIn(server.url, DEMO.duty);
  incidentId = (await duty.get('/api/incidents').expect(200)).body.incidents[0].id;
  sites = ((await duty.get(inc('/state')).expect(200)).body as IncidentState).sites.filter((s) => s.waiting > 0);
}, 180_000);
afterAll(async () => server?.close());

const linkFor = async (siteId: string): Promise<RollCallLink> => (await duty.post(inc(`/sites/${siteId}/rollcall/link`)).expect(200)).body;

test('the link opens its own muster point without a session, and only that one', async () => {
  expect(sites.length).toBeGreaterThan(1);
  const [a, b] = sites as [IncidentState['sites'][number], IncidentState['sites'][number]];
  const link = await linkFor(a.id);
  expect(link.url).toBe(`${server.url}/#/rollcall/${link.token}`);
  expect(Date.parse(link.expiresAt)).toBeGreaterThan(Date.now());
  expect(link.qr.size).toBeGreaterThan(0);
  const viaLink: RollCallList = (await anon().get(`/api/rollcall/${link.token}`).expect(200)).body;
  const viaManager: RollCallList = (await duty.get(inc(`/sites/${a.id}/rollcall`)).expect(200)).body;
  expect(viaLink.site).toEqual({ id: a.id, name: a.name });
  expect(viaLink.households).toEqual(viaManager.households);
  // The other site's guests are strangers to this link.
  const other: RollCallList = (await duty.get(inc(`/sites/${b.id}/rollcall`)).expect(200)).body;
  const stranger = other.households[0]!.guests[0]!.id;
  const bad = await anon()
    .post(`/api/rollcall/${link.token}`)
    .send({ presentGuestIds: [stranger] });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details.fields[0].path).toBe('body.presentGuestIds');
  // Without a session the manager's own routes stay closed.
  await anon()
    .get(inc(`/sites/${a.id}/rollcall`))
    .expect(401);
  await anon()
    .post(inc(`/sites/${a.id}/rollcall/link`))
    .expect(401);
});

test('a driver link is not a roll-call link, nor a tampered one; a roll-call link does not drive', async () => {
  const drivers: DriverLink[] = (await duty.get(inc('/drivers')).expect(200)).body.links;
  expect(drivers.length).toBeGreaterThan(0);
  const res = await anon().get(`/api/rollcall/${drivers[0]!.token}`);
  expect(res.status).toBe(404);
  expect(res.body.error.message).toMatch(/roll-call link is not valid/);
  const link = await linkFor(sites[0]!.id);
  await anon().get(`/api/drive/${link.token}`).expect(404);
  // Another site's id under the original mac.
  const [payload, mac] = link.token.split('.') as [string, string];
  const parts = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as [string, string, number];
  const forged = `${Buffer.from(JSON.stringify([parts[0], sites[1]!.id, parts[2]])).toString('base64url')}.${mac}`;
  await anon().get(`/api/rollcall/${forged}`).expect(404);
  const flipped = `${payload}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`;
  await anon().post(`/api/rollcall/${flipped}`).send({ presentGuestIds: [] }).expect(404);
  await anon().get('/api/rollcall/not-a-token-at-all').expect(404);
});

test("a head count through the link marks the unticked guests missing exactly as the manager's does, named after the link", async () => {
  const site = sites[sites.length - 1]!;
  const link = await linkFor(site.id);
  const list: RollCallList = (await anon().get(`/api/rollcall/${link.token}`).expect(200)).body;
  const everyone = list.households.flatMap((h) => h.guests);
  expect(everyone.length).toBeGreaterThan(1);
  const absent = everyone[everyone.length - 1]!;
  const res = await anon()
    .post(`/api/rollcall/${link.token}`)
    .send({ presentGuestIds: everyone.slice(0, -1).map((g) => g.id) })
    .expect(200);
  expect(res.body.missing).toEqual([absent.id]);
  const after: RollCallList = (await duty.get(inc(`/sites/${site.id}/rollcall`)).expect(200)).body;
  expect(
    after.households
      .flatMap((h) => h.guests)
      .filter((g) => g.whereabouts === 'missing')
      .map((g) => g.id),
  ).toEqual([absent.id]);
  const items = (await duty.get(inc('/attention')).expect(200)).body.items as { kind: string; guestIds: string[] }[];
  expect(items.filter((i) => i.kind === 'missing' && i.guestIds.includes(absent.id))).toHaveLength(1);
  const [ev] = await exec(
    sql`select actor_name, actor_user_id from events where incident_id = ${incidentId} and type = 'rollcall.taken' order by seq desc limit 1`,
  );
  expect(ev).toEqual({ actor_name: `Roll call link (${site.name})`, actor_user_id: null });
  // Found at the next count: back to waiting.
  await anon()
    .post(`/api/rollcall/${link.token}`)
    .send({ presentGuestIds: everyone.map((g) => g.id) })
    .expect(200);
  const again: RollCallList = (await anon().get(`/api/rollcall/${link.token}`).expect(200)).body;
  expect(again.households.flatMap((h) => h.guests).every((g) => g.whereabouts === 'waiting')).toBe(true);
});

test('a genuine link past its expiry is refused (403) saying so', async () => {
  const [row] = await exec(sql`select value from server_secrets where name = 'driver_link_secret'`);
  const secret = String(row?.value ?? '');
  const stale = signLink(secret, 'rollcall/v1', [incidentId, sites[0]!.id, Date.now() - 1000]);
  const res = await anon().get(`/api/rollcall/${stale}`).expect(403);
  expect(res.body.error.message).toMatch(/expired/);
  // The same claim under the driver purpose is no roll-call link at all.
  await anon()
    .get(`/api/rollcall/${signLink(secret, 'drive/v2', [incidentId, sites[0]!.id, Date.now() + 60_000])}`)
    .expect(404);
  await anon()
    .get(`/api/rollcall/${signLink(secret, 'rollcall/v1', [incidentId, sites[0]!.id, Date.now() + 60_000])}`)
    .expect(200);
});

test("a duty manager withdraws a place's links: every one handed out so far is refused (403) saying so, reading and counting; a new one works; other places' links are untouched", async () => {
  const [here, there] = [sites[0]!.id, sites[1]!.id];
  const [a, b, elsewhere] = [await linkFor(here), await linkFor(here), await linkFor(there)];
  const [row] = await exec(sql`select value from server_secrets where name = 'driver_link_secret'`);
  // A link handed out before links carried a generation is withdrawn with the rest.
  const older = signLink(String(row?.value ?? ''), 'rollcall/v1', [incidentId, here, Date.now() + 60_000]);
  await anon().get(`/api/rollcall/${older}`).expect(200);
  const before = (await duty.get(inc('/events')).expect(200)).body.events.length as number;
  const res = await duty.post(inc(`/sites/${here}/rollcall/link/withdraw`)).expect(200);
  expect(res.body).toMatchObject({ siteId: here, seq: expect.any(Number) });
  const events = (await duty.get(inc('/events')).expect(200)).body.events as { type: string; actorName: string; payload: { siteId: string } }[];
  expect(events.length).toBe(before + 1);
  expect(events.at(-1)).toMatchObject({ type: 'rollcall.links_withdrawn', payload: { siteId: here } });
  const waitingBefore = ((await duty.get(inc('/state')).expect(200)).body as IncidentState).sites.find((x) => x.id === here)!.waiting;
  for (const token of [a.token, b.token, older]) {
    const read = await anon().get(`/api/rollcall/${token}`).expect(403);
    expect(read.body.error.message).toBe('The duty manager has withdrawn this roll-call link. Ask them for a new one.');
    // An empty head count through a withdrawn link would have marked everyone there missing.
    await anon().post(`/api/rollcall/${token}`).send({ presentGuestIds: [] }).expect(403);
  }
  expect(((await duty.get(inc('/state')).expect(200)).body as IncidentState).sites.find((x) => x.id === here)!.waiting).toBe(waitingBefore);
  await anon().get(`/api/rollcall/${elsewhere.token}`).expect(200);
  await anon()
    .get(`/api/rollcall/${(await linkFor(here)).token}`)
    .expect(200);
  // Twice in a row: both count, and the link made between them stops too.
  const between = await linkFor(here);
  await duty.post(inc(`/sites/${here}/rollcall/link/withdraw`)).expect(200);
  await anon().get(`/api/rollcall/${between.token}`).expect(403);
  await duty.post(inc('/sites/nowhere/rollcall/link/withdraw')).expect(404);
});

test('nobody waits at a depot: no roll-call link is made for one', async () => {
  const depot = ((await duty.get(inc('/state')).expect(200)).body as IncidentState).sites.find((x) => x.kind === 'depot');
  expect(depot).toBeDefined();
  const res = await duty.post(inc(`/sites/${depot!.id}/rollcall/link`)).expect(400);
  expect(res.body.error.message).toMatch(/is a depot: nobody waits there/);
});

test('once the incident is not active the link is refused (403) and no new one is handed out', async () => {
  const link = await linkFor(sites[0]!.id);
  await exec(sql`update incidents set status = 'closed' where id = ${incidentId}`);
  try {
    const res = await anon().get(`/api/rollcall/${link.token}`).expect(403);
    expect(res.body.error.message).toMatch(/incident has ended/);
    await anon().post(`/api/rollcall/${link.token}`).send({ presentGuestIds: [] }).expect(403);
    await duty.post(inc(`/sites/${sites[0]!.id}/rollcall/link`)).expect(403);
  } finally {
    await exec(sql`update incidents set status = 'active' where id = ${incidentId}`);
  }
});
