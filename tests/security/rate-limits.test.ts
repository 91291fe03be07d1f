/**
 * Per-user rate limits on the expensive endpoints: planner runs (propose, manual move), export
 * creation and verification, export downloads, imports. The N+1th request in the window is a 429
 * in the one error shape with Retry-After, changes nothing, and leaves other users alone.
 * The limits are set low here through the same settings production uses.
 */
import { startTestServer, DEMO_PASSWORD, type TestServer } from '../helpers/server.js';
import { signIn, type Agent } from '../helpers/api.js';
import { buildHotel, buildScenario } from '../../seed/factories.js';
import { hashPassword } from '../../server/auth/password.js';
import { insertUser } from '../../server/auth/repo.js';
import type { Role } from '../../server/auth/types.js';
import { loadConfig } from '../../server/config.js';
import { RateLimiter } from '../../server/http/rate-limit.js';
import { changedTables, fingerprinter } from './fuzz-kit.js';

const LIMITS = { plans: 3, exports: 2, downloads: 3, imports: 2, perks: 3 };

let server: TestServer;
let fp: Awaited<ReturnType<typeof fingerprinter>>;
let A: string;
const agents = {} as Record<'duty' | 'duty2' | 'insurer' | 'insurer2' | 'insurer3' | 'reception' | 'perker' | 'perker2', Agent>;

async function user(key: keyof typeof agents, role: Role, opts: { incidentId?: string; hotelId?: string; bound?: string[] } = {}) {
  const email = `rate-${key}@test.example`;
  await insertUser(
    server.database.db,
    { email, name: `Rate ${key}`, role, passwordHash: await hashPassword(DEMO_PASSWORD), incidentId: opts.incidentId ?? null, hotelId: opts.hotelId ?? null },
    opts.bound ?? [],
  );
  agents[key] = await signIn(server.url, email);
}

beforeAll(async () => {
  server = await startTestServer({
    seed: 'none',
    env: {
      MESSAGES_ENABLED: 'false',
      RATE_LIMIT_PLANS_PER_MIN: String(LIMITS.plans),
      RATE_LIMIT_EXPORTS_PER_MIN: String(LIMITS.exports),
      RATE_LIMIT_DOWNLOADS_PER_MIN: String(LIMITS.downloads),
      RATE_LIMIT_IMPORTS_PER_MIN: String(LIMITS.imports),
      RATE_LIMIT_PERKS_PER_MIN: String(LIMITS.perks),
    },
  });
  await insertUser(server.database.db, { email: 'rate-setup@test.example', name: 'Setup', role: 'admin', passwordHash: await hashPassword(DEMO_PASSWORD) });
  const setup = await signIn(server.url, 'rate-setup@test.example');
  A = (
    await setup
      .post('/api/incidents/import')
      .send(buildScenario({ incident: { name: 'Rate incident' }, hotels: [buildHotel({ id: 'A1' })] }))
      .expect(201)
  ).body.incidentId;
  await user('duty', 'duty_manager');
  await user('duty2', 'duty_manager');
  await user('insurer', 'insurer', { bound: [A] });
  await user('insurer2', 'insurer', { bound: [A] });
  await user('reception', 'reception', { incidentId: A, hotelId: 'A1' });
  fp = await fingerprinter(server.database);
});
afterAll(async () => server?.close());

/** The 429 every limiter answers with. */
async function expectLimited(res: {
  status: number;
  headers: Record<string, string>;
  body: { error: { code: string; message: string; details: { retryAfterSeconds?: number } } };
}) {
  expect(res.status).toBe(429);
  expect(res.body.error).toEqual({
    code: 'rate_limited',
    message: expect.stringMatching(/^Too many .+ Try again in \d+ second\(s\)\.$/),
    details: { retryAfterSeconds: expect.any(Number) },
  });
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
  expect(retryAfter).toBe(res.body.error.details.retryAfterSeconds);
}

test('the defaults: 30 planner runs, 20 export requests, 60 downloads and 20 imports a minute', () => {
  const c = loadConfig({});
  expect([c.RATE_LIMIT_PLANS_PER_MIN, c.RATE_LIMIT_EXPORTS_PER_MIN, c.RATE_LIMIT_DOWNLOADS_PER_MIN, c.RATE_LIMIT_IMPORTS_PER_MIN]).toEqual([30, 20, 60, 20]);
  expect(() => loadConfig({ RATE_LIMIT_PLANS_PER_MIN: '0' })).toThrow(/RATE_LIMIT_PLANS_PER_MIN/);
});

test('planner runs: the next proposal or move over the limit is a 429 that changes nothing; another duty manager is unaffected', async () => {
  // Refused callers spend nobody's budget.
  await agents.reception.post(`/api/incidents/${A}/plans`).expect(403);
  const plans: string[] = [];
  for (let i = 0; i < LIMITS.plans; i++) plans.push((await agents.duty.post(`/api/incidents/${A}/plans`).expect(201)).body.id);
  const before = await fp.settled();
  await expectLimited(await agents.duty.post(`/api/incidents/${A}/plans`));
  // A manual move runs the planner too: same budget.
  await expectLimited(await agents.duty.post(`/api/incidents/${A}/plans/${plans[0]}/moves`).send({ partyId: 'x', hotelId: 'A1' }));
  expect(changedTables(before, await fp.take())).toEqual([]);
  // Reading plans is not limited; someone else may still plan.
  await agents.duty.get(`/api/incidents/${A}/plans/${plans[0]}`).expect(200);
  await agents.duty2.post(`/api/incidents/${A}/plans`).expect(201);
});

test('exports: creating and verifying share a budget; downloads have their own; other insurers are unaffected', async () => {
  const ids: string[] = [];
  for (let i = 0; i < LIMITS.exports; i++) ids.push((await agents.insurer.post(`/api/incidents/${A}/exports`).send({}).expect(201)).body.exportId);
  const before = await fp.settled();
  await expectLimited(await agents.insurer.post(`/api/incidents/${A}/exports`).send({}));
  await expectLimited(await agents.insurer.get(`/api/incidents/${A}/exports/${ids[0]}/verify`));
  await expectLimited(await agents.insurer.post(`/api/incidents/${A}/exports/verify`).send({ manifest: {} }));
  expect(changedTables(before, await fp.take())).toEqual([]);
  // Listing and reading a manifest are not limited.
  await agents.insurer.get(`/api/incidents/${A}/exports`).expect(200);
  await agents.insurer.get(`/api/incidents/${A}/exports/${ids[0]}`).expect(200);
  // Downloads: their own budget.
  for (let i = 0; i < LIMITS.downloads; i++) await agents.insurer.get(`/api/incidents/${A}/exports/${ids[0]}/files/ledger.csv`).expect(200);
  await expectLimited(await agents.insurer.get(`/api/incidents/${A}/exports/${ids[0]}/files/manifest.json`));
  // Another insurer of the same incident is not affected.
  await agents.insurer2.post(`/api/incidents/${A}/exports`).send({}).expect(201);
  await agents.insurer2.get(`/api/incidents/${A}/exports/${ids[0]}/files/ledger.csv`).expect(200);
});

test("the ledger's whole-chain check counts as an export verification, a claim pack as a download", async () => {
  // Both re-read the whole ledger (the chain check re-hashes every cited photo's bytes too): an
  // insurer looping either was unlimited while an export's own verification was limited.
  await user('insurer3', 'insurer', { bound: [A] });
  for (let i = 0; i < LIMITS.exports; i++) await agents.insurer3.get(`/api/incidents/${A}/ledger/verify`).expect(200);
  await expectLimited(await agents.insurer3.get(`/api/incidents/${A}/ledger/verify`));
  await expectLimited(await agents.insurer3.post(`/api/incidents/${A}/exports`).send({}));
  const party = (await agents.duty.get(`/api/incidents/${A}/state`).expect(200)).body.parties[0].id as string;
  for (let i = 0; i < LIMITS.downloads; i++) await agents.insurer3.get(`/api/incidents/${A}/exports/claim-packs/${party}`).expect(200);
  await expectLimited(await agents.insurer3.get(`/api/incidents/${A}/exports/claim-packs/${party}`));
  // Totals and lines stay unlimited; another insurer is unaffected.
  await agents.insurer3.get(`/api/incidents/${A}/ledger/summary`).expect(200);
  await agents.insurer2.get(`/api/incidents/${A}/ledger/verify`).expect(200);
});

test('perks: the next perk over the limit is a 429 that writes nothing; another member of staff is unaffected', async () => {
  // Each perk is a permanent ledger line (append-only): penny perks within the staff limit, sent by
  // a script, used to be unlimited.
  expect(loadConfig({}).RATE_LIMIT_PERKS_PER_MIN).toBe(120);
  await user('perker', 'duty_manager');
  await user('perker2', 'duty_manager');
  const party = (await agents.perker.get(`/api/incidents/${A}/state`).expect(200)).body.parties[0].id as string;
  const perk = (who: Agent) => who.post(`/api/incidents/${A}/ledger/perks`).send({ partyId: party, hotelId: 'A1', category: 'meals', amountMinor: 1 });
  for (let i = 0; i < LIMITS.perks; i++) expect((await perk(agents.perker)).status).toBe(201);
  const before = await fp.settled();
  await expectLimited(await perk(agents.perker));
  expect(changedTables(before, await fp.take())).toEqual([]);
  expect((await perk(agents.perker2)).status).toBe(201);
});

test('imports: scenario and guest-list imports share a budget', async () => {
  await agents.duty2
    .post('/api/incidents/import')
    .send(buildScenario({ incident: { name: 'Rate import 1' } }))
    .expect(201);
  await agents.duty2
    .post(`/api/incidents/${A}/guests/csv`)
    .set('Content-Type', 'text/csv')
    .send('booking_ref,guest_name,age_group\nRL-1,Guest One,adult\n')
    .expect(201);
  const before = await fp.settled();
  await expectLimited(await agents.duty2.post('/api/incidents/import').send(buildScenario({ incident: { name: 'Rate import 2' } })));
  await expectLimited(
    await agents.duty2.post(`/api/incidents/${A}/guests/csv`).set('Content-Type', 'text/csv').send('booking_ref,guest_name,age_group\nRL-2,Guest Two,adult\n'),
  );
  expect(changedTables(before, await fp.take())).toEqual([]);
  await agents.duty
    .post('/api/incidents/import')
    .send(buildScenario({ incident: { name: 'Rate import 3' } }))
    .expect(201);
});

test('a window ends: the counter starts again', () => {
  const limiter = new RateLimiter(2, 60_000);
  const t = 1_000_000;
  limiter.hit('u', t);
  limiter.hit('u', t + 1);
  expect(limiter.retryAfter('u', t + 2)).toBe(59_998);
  expect(limiter.retryAfter('other', t + 2)).toBe(0);
  expect(limiter.retryAfter('u', t + 60_000)).toBe(0);
  limiter.hit('u', t + 60_000);
  expect(limiter.retryAfter('u', t + 60_001)).toBe(0);
});

test('over 10,000 keys the expired ones are forgotten, at most once a second (not on every request)', () => {
  const limiter = new RateLimiter(5, 1000);
  const t = 5_000_000;
  for (let i = 0; i <= 10_000; i++) limiter.hit(`early ${i}`, t); // over the mark: a sweep at t, nothing expired
  for (let i = 0; i <= 10_000; i++) limiter.hit(`later ${i}`, t + 600); // under a second since: no sweep
  expect(limiter.size).toBe(20_002);
  limiter.hit('x', t + 1000); // a second on: the early ones (expired at t + 1000) go
  expect(limiter.size).toBe(10_002);
  limiter.hit('y', t + 1700); // the later ones have expired, but the last sweep was under a second ago
  expect(limiter.size).toBe(10_003);
  limiter.hit('z', t + 2000); // a second after the last sweep: everything expired goes, 'x' with them
  expect(limiter.size).toBe(2);
  expect(limiter.retryAfter('y', t + 2000)).toBe(0);
});

test('a made-up address of any length is counted like any other, and kept small', () => {
  const limiter = new RateLimiter(2, 60_000);
  const long = `10.9.${'1'.repeat(7000)}`;
  expect(limiter.take(long)).toBe(0);
  expect(limiter.take(long)).toBe(0);
  expect(limiter.take(long)).toBeGreaterThan(0);
  // A different long address is another key; a released attempt comes back to the same one.
  expect(limiter.take(`${long}2`)).toBe(0);
  limiter.release(long);
  expect(limiter.take(long)).toBe(0);
  const keys = [...(limiter as unknown as { hits: Map<string, unknown> }).hits.keys()];
  expect(keys).toHaveLength(2);
  for (const k of keys) expect(k.length).toBeLessThanOrEqual(200);
});
