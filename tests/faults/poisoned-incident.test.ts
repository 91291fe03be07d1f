/**
 * One bad incident never stops the others. A poisoned incident is written straight into the
 * database (validation refuses it at every door): a time zone that is not one and a hotel whose
 * perks are not a list, so rendering its guests' messages throws. Next to it a healthy incident
 * must still get its messages; the poisoned one is reported to its duty managers once
 * (`job.failed`), retried with backoff, recovers when fixed, and meanwhile its perks, ledger
 * summary, accrual and exports answer without a 500.
 */
import { sql } from 'drizzle-orm';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import { smallScenario } from '../../seed/small.js';
import type { IncidentState } from '../../shared/api.js';

let server: TestServer;
let duty: Agent;
let poisoned: string;
let healthy: string;

type Ev = { seq: number; type: string; payload: Record<string, unknown> };
const eventsOf = async (id: string): Promise<Ev[]> => (await duty.get(`/api/incidents/${id}/events?after=0&limit=5000`).expect(200)).body.events;
const messageCount = async (id: string): Promise<number> => (await duty.get(`/api/incidents/${id}/messages?limit=1000`).expect(200)).body.messages.length;
const exec = (q: ReturnType<typeof sql>) => server.database.db.execute(q);

/** Wait on state, not on time: poll until `check` holds (the test's own timeout bounds it). */
async function until<T>(read: () => Promise<T>, check: (v: T) => boolean): Promise<T> {
  for (;;) {
    const v = await read();
    if (check(v)) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function importAndPlan(name: string, poison?: (id: string) => Promise<void>): Promise<string> {
  const s = smallScenario();
  s.incident.name = name;
  const id: string = (await duty.post('/api/incidents/import').send(s).expect(201)).body.incidentId;
  if (poison) await poison(id);
  const proposal = (await duty.post(`/api/incidents/${id}/plans`).expect(201)).body;
  await duty.post(`/api/incidents/${id}/plans/${proposal.id}/apply`).expect(200);
  return id;
}

beforeAll(async () => {
  server = await startTestServer({ seed: 'storm', env: { MESSAGES_TICK_MS: '100', JOB_RETRY_BASE_MS: '300', JOB_RETRY_MAX_MS: '600' } });
  duty = await signIn(server.url, DEMO.duty);
  // The poisoned incident comes first, so a loop that stops at it would starve the healthy one.
  poisoned = await importAndPlan('Poisoned', async (id) => {
    await exec(sql`update incidents set timezone = 'Mars/Olympus' where id = ${id}`);
    await exec(sql`update hotels set perks = '"not a list"'::jsonb where incident_id = ${id}`);
  });
  healthy = await importAndPlan('Healthy');
});
afterAll(async () => server?.close());

test('the healthy incident gets its messages while the poisoned one fails, and duty managers of the poisoned one are told once', async () => {
  expect(
    await until(
      () => messageCount(healthy),
      (n) => n > 0,
    ),
  ).toBeGreaterThan(0);
  const failed = (
    await until(
      () => eventsOf(poisoned),
      (l) => l.some((e) => e.type === 'job.failed'),
    )
  ).filter((e) => e.type === 'job.failed');
  expect(failed[0]!.payload).toEqual({ job: 'guest messages', error: expect.stringMatching(/TypeError/), failures: 1, retryAt: expect.any(String) });
  // Retries with backoff do not repeat the notice while the reason is the same.
  await until(
    () => eventsOf(healthy),
    () => server.app.services.messaging.guards.projection.failures().get(poisoned)!.failures >= 3,
  );
  expect((await eventsOf(poisoned)).filter((e) => e.type === 'job.failed')).toHaveLength(1);
  expect(await messageCount(poisoned)).toBe(0);
  // The healthy incident heard nothing about it.
  expect((await eventsOf(healthy)).some((e) => e.type.startsWith('job.'))).toBe(false);
});

test('in the poisoned incident perks, the ledger summary, accrual and exports answer without a 500', async () => {
  const state: IncidentState = (await duty.get(`/api/incidents/${poisoned}/state`).expect(200)).body;
  // The console gets a zone it can format in.
  expect(state.incident.timezone).toBe('UTC');
  const stay = state.parties.find((p) => p.hotelId)!;
  await duty.post(`/api/incidents/${poisoned}/hotels/${stay.hotelId}/arrivals/checkins`).send({ partyId: stay.id }).expect(200);
  await duty.post(`/api/incidents/${poisoned}/ledger/perks`).send({ partyId: stay.id, hotelId: stay.hotelId, category: 'bar', amountMinor: 1250 }).expect(201);
  await duty.get(`/api/incidents/${poisoned}/ledger/summary`).expect(200);
  await duty.get(`/api/incidents/${poisoned}/ledger?limit=100`).expect(200);
  await duty.post(`/api/incidents/${poisoned}/ledger/accruals/lodging`).send({ asOf: new Date().toISOString() }).expect(200);
  const manifest = (await duty.post(`/api/incidents/${poisoned}/exports`).send({}).expect(201)).body;
  for (const f of manifest.files as { name: string }[]) await duty.get(`/api/incidents/${poisoned}/exports/${manifest.exportId}/files/${f.name}`).expect(200);
  await duty.get(`/api/incidents/${poisoned}/summary`).expect(200);
});

test('once the data is put right the job recovers by itself and says so', async () => {
  await exec(sql`update hotels set perks = '[]'::jsonb where incident_id = ${poisoned}`);
  const list = await until(
    () => eventsOf(poisoned),
    (l) => l.some((e) => e.type === 'job.recovered'),
  );
  expect(list.find((e) => e.type === 'job.recovered')!.payload).toMatchObject({ job: 'guest messages' });
  expect(
    await until(
      () => messageCount(poisoned),
      (n) => n > 0,
    ),
  ).toBeGreaterThan(0);
});
