/**
 * A manual move and an apply of the same proposal at once (two duty managers, one dragging a
 * household while the other presses Apply). The move used to read "proposed", compute, and then
 * mark the plan superseded whatever had happened meanwhile: the plan just applied was marked
 * superseded (the incident then had no plan in force: households added later were not flagged for
 * the next plan, the shelter bar lost its times) and the move answered 201 with a proposal made
 * from a plan already applied. Now exactly one of the two wins, and the plan in force stays so.
 *
 * PGlite runs one transaction at a time, so the race itself happens only on PostgreSQL (run this
 * file with DATABASE_URL too); on PGlite the same checks hold trivially.
 */
import { sql } from 'drizzle-orm';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import { scenarioSchema } from '../../shared/scenario.js';

let server: TestServer;
let duty: Agent;
let duty2: Agent;
let incidentId: string;

beforeAll(async () => {
  server = await startTestServer();
  [duty, duty2] = await Promise.all([signIn(server.url, DEMO.duty), signIn(server.url, DEMO.duty2)]);
  incidentId = (await duty.get('/api/incidents').expect(200)).body.incidents[0].id;
});
afterAll(async () => server?.close());

const GAPS_MS = [0, 20, 50, 80, 120, 160];

const rows = async (q: ReturnType<typeof sql>) => {
  const res = await server.database.db.execute(q);
  return ((res as { rows?: Record<string, unknown>[] }).rows ?? (res as unknown as Record<string, unknown>[])) as Record<string, unknown>[];
};

test('a move and an apply of one proposal at once: never both, and the applied plan stays in force', async () => {
  const base = `/api/incidents/${incidentId}`;
  const scenario = scenarioSchema.parse((await duty.get(`${base}/scenario`).expect(200)).body);
  let bothWon = 0;
  let everApplied = false;
  for (let attempt = 0; attempt < GAPS_MS.length; attempt++) {
    const proposal = (await duty.post(`${base}/plans`).expect(201)).body as { id: string; plan: { stays: { partyId: string; hotelId: string }[] } };
    const stay = proposal.plan.stays.find((s) => {
      const p = scenario.parties.find((x) => x.id === s.partyId)!;
      return !p.needs.includes('pets') && !p.guests.some((g) => g.needs.includes('wheelchair')) && p.guests.length <= 2;
    })!;
    const target = scenario.hotels.find((h) => h.id !== stay.hotelId && h.roomTypes.some((r) => r.sleeps >= 2 && r.count > 0))!;
    // The move sets off while the apply is under way, a different gap each time (an apply takes
    // a few hundred milliseconds; a move reads the proposal at once and writes when computed).
    const apply = duty.post(`${base}/plans/${proposal.id}/apply`).then((r) => r);
    await new Promise((r) => setTimeout(r, GAPS_MS[attempt]));
    const move = duty2
      .post(`${base}/plans/${proposal.id}/moves`)
      .send({ partyId: stay.partyId, hotelId: target.id })
      .then((r) => r);
    const [m, a] = await Promise.all([move, apply]);
    expect([201, 400, 409]).toContain(m.status);
    expect([200, 409]).toContain(a.status);
    if (m.status === 201 && a.status === 200) bothWon++;
    if (a.status === 200) everApplied = true;
    const applied = await rows(sql`select id from plans where incident_id = ${incidentId}::uuid and status = 'applied'`);
    // Applied in any attempt so far: one plan in force, and it is this one when this apply won.
    expect(applied.length).toBe(everApplied ? 1 : 0);
    if (a.status === 200) expect(applied[0]!.id).toBe(proposal.id);
    if (a.status === 200) {
      const [row] = await rows(sql`select status from plans where id = ${proposal.id}::uuid`);
      expect(row!.status).toBe('applied');
    }
  }
  expect(bothWon).toBe(0);
  expect(everApplied).toBe(true);
});
