/**
 * Drivers' links cannot be forged from the source: with no DRIVER_LINK_SECRET the server makes a
 * random secret on first start and keeps it in the database (every replica reads the same one),
 * so a link signed with any secret written in the code is refused. A duty manager can revoke one
 * vehicle's link (the old one is refused saying so, a new one is listed), and every link stops
 * working when its incident ends.
 */
import { sql } from 'drizzle-orm';
import request from 'supertest';
import type { DriverLink } from '../../shared/drivers.js';
import { loadConfig } from '../../server/config.js';
import { driverLinkSecret, signDriverToken, verifyDriverToken } from '../../server/drivers/token.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';

let server: TestServer;
let duty: Agent;
let incidentId: string;

const links = async (id = incidentId): Promise<DriverLink[]> => (await duty.get(`/api/incidents/${id}/drivers`).expect(200)).body.links;
const drive = (token: string) => request(server.url).get(`/api/drive/${token}`);
const exec = async (q: ReturnType<typeof sql>) => {
  const res = await server.database.db.execute(q);
  return ((res as { rows?: Record<string, unknown>[] }).rows ?? (res as unknown as Record<string, unknown>[])) as Record<string, unknown>[];
};

beforeAll(async () => {
  server = await startTestServer();
  duty = await signIn(server.url, DEMO.duty);
  incidentId = (await duty.get('/api/incidents').expect(200)).body.incidents[0].id;
}, 180_000);
afterAll(async () => server?.close());

test('with no secret configured, one is made at random and kept in the database; links signed with a guessable one are refused', async () => {
  const [row] = await exec(sql`select value from server_secrets where name = 'driver_link_secret'`);
  const secret = String(row?.value ?? '');
  expect(secret.length).toBeGreaterThanOrEqual(43); // 32 random bytes
  const listed = await links();
  expect(listed.length).toBeGreaterThan(0);
  // The links listed are signed with the stored secret, which never leaves the server.
  expect(verifyDriverToken(secret, listed[0]!.token)).toMatchObject({ incidentId, vehicleId: listed[0]!.vehicleId });
  expect(JSON.stringify(listed)).not.toContain(secret);
  await drive(listed[0]!.token).expect(200);
  // Whatever secret an attacker could read in the code (the old development default included) forges nothing.
  for (const guess of ['dev-only-driver-link-secret', 'change-me-change-me-change-me-00', '']) {
    const forged = signDriverToken(guess, { incidentId, vehicleId: listed[0]!.vehicleId, generation: 1 });
    const res = await drive(forged).expect(404);
    expect(res.body.error.message).toMatch(/not valid/);
  }
});

test('replicas share the stored secret: whoever starts first makes it, the others read it', async () => {
  const db = server.database.db;
  const [a, b, c] = await Promise.all([driverLinkSecret(db, undefined), driverLinkSecret(db, undefined), driverLinkSecret(db, undefined)]);
  expect(new Set([a, b, c]).size).toBe(1);
  expect((await exec(sql`select count(*)::int as n from server_secrets where name = 'driver_link_secret'`))[0]!.n).toBe(1);
  // A configured secret wins and is not stored.
  expect(await driverLinkSecret(db, 'x'.repeat(40))).toBe('x'.repeat(40));
  expect(() => loadConfig({ NODE_ENV: 'test', DRIVER_LINK_SECRET: 'short' })).toThrow(/DRIVER_LINK_SECRET/);
  expect(loadConfig({ NODE_ENV: 'test' }).DRIVER_LINK_SECRET).toBeUndefined();
});

test("a duty manager revokes one vehicle's link: the old link is refused saying so, a new one works, the others are untouched", async () => {
  const before = await links();
  const [victim, other] = before;
  await drive(victim!.token).expect(200);
  const reception = await signIn(server.url, DEMO.reception);
  await reception.post(`/api/incidents/${incidentId}/vehicles/${victim!.vehicleId}/driver-link/revoke`).expect(403);
  await duty.post(`/api/incidents/${incidentId}/vehicles/NO-SUCH-VEHICLE/driver-link/revoke`).expect(404);

  const revoked = (await duty.post(`/api/incidents/${incidentId}/vehicles/${victim!.vehicleId}/driver-link/revoke`).expect(200)).body;
  expect(revoked).toMatchObject({ vehicleId: victim!.vehicleId, generation: 2 });
  for (const call of [drive(victim!.token), request(server.url).post(`/api/drive/${victim!.token}/positions`).send({ lat: 53.1, lng: 0.3 })]) {
    const res = await call.expect(403);
    expect(res.body.error.message).toMatch(/withdrawn by the duty manager/);
  }
  await drive(other!.token).expect(200);

  const fresh = (await links()).find((l) => l.vehicleId === victim!.vehicleId)!;
  expect(fresh.token).not.toBe(victim!.token);
  expect((await drive(fresh.token).expect(200)).body.vehicle.id).toBe(victim!.vehicleId);
  // Revoking again retires that one too.
  await duty.post(`/api/incidents/${incidentId}/vehicles/${victim!.vehicleId}/driver-link/revoke`).expect(200);
  await drive(fresh.token).expect(403);
  await drive((await links()).find((l) => l.vehicleId === victim!.vehicleId)!.token).expect(200);
});

test('every link stops working when its incident ends', async () => {
  const listed = await links();
  await drive(listed[1]!.token).expect(200);
  await exec(sql`update incidents set status = 'closed' where id = ${incidentId}`);
  try {
    const res = await drive(listed[1]!.token).expect(403);
    expect(res.body.error.message).toMatch(/incident has ended/);
  } finally {
    await exec(sql`update incidents set status = 'active' where id = ${incidentId}`);
  }
  await drive(listed[1]!.token).expect(200);
});
