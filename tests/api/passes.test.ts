/**
 * Guest passes through the API: duty managers only; one pass per household at the muster point with
 * hotel, vehicle, departure, pass code, QR and perks; a reprint after a re-plan reflects it; the PDF
 * is a real PDF.
 */
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import type { IncidentState } from '../../shared/api.js';
import type { PassSheet, PassSites } from '../../shared/passes.js';
import { passCodeFrom } from '../../shared/passes.js';

let server: TestServer;
let duty: Agent;
let incidentId: string;

beforeAll(async () => {
  server = await startTestServer();
  duty = await signIn(server.url, DEMO.duty);
  incidentId = (await duty.get('/api/incidents').expect(200)).body.incidents[0].id;
  const proposal = (await duty.post(`/api/incidents/${incidentId}/plans`).expect(201)).body;
  await duty.post(`/api/incidents/${incidentId}/plans/${proposal.id}/apply`).expect(200);
}, 180_000);
afterAll(async () => server?.close());

const base = () => `/api/incidents/${incidentId}/passes`;

test('a pass for every household at a muster point, from the plan in force', async () => {
  const { sites }: PassSites = (await duty.get(base()).expect(200)).body;
  expect(sites.length).toBeGreaterThan(0);
  const state: IncidentState = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
  const site = sites[0]!;
  const sheet: PassSheet = (await duty.get(`${base()}/${site.id}`).expect(200)).body;
  const expected = state.parties.filter((p) => p.siteId === site.id);
  expect(sheet.passes.map((p) => p.partyId).sort()).toEqual(expected.map((p) => p.id).sort());
  for (const pass of sheet.passes) {
    const party = expected.find((p) => p.id === pass.partyId)!;
    expect(pass.passCode).toBe(party.passCode);
    expect(pass.size).toBe(party.size);
    expect(pass.qr.size).toBeGreaterThanOrEqual(21);
    if (party.hotelId) {
      const hotel = state.hotels.find((h) => h.id === party.hotelId)!;
      expect(pass.hotel).toMatchObject({ id: hotel.id, name: hotel.name, address: hotel.address });
      expect(pass.hotel!.perks).toHaveLength(hotel.perks.length);
    }
    if (party.tripId) {
      const trip = state.trips.find((t) => t.id === party.tripId)!;
      expect(pass.transport).toMatchObject({ vehicleId: trip.vehicleId, departAt: trip.departAt });
    }
  }
});

test('a reprint after a hotel withdraws shows the new hotel', async () => {
  const { sites }: PassSites = (await duty.get(base()).expect(200)).body;
  const before: PassSheet = (await duty.get(`${base()}/${sites[0]!.id}`).expect(200)).body;
  const moved = before.passes.find((p) => p.hotel)!;
  const state: IncidentState = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
  const hotel = state.hotels.find((h) => h.id === moved.hotel!.id)!;
  await duty.patch(`/api/incidents/${incidentId}/hotels/${hotel.id}`).send({ roomTypes: hotel.roomTypes.map(({ used: _u, ...r }) => ({ ...r, count: 0 })) }).expect(200);
  const proposal = (await duty.post(`/api/incidents/${incidentId}/plans`).expect(201)).body;
  await duty.post(`/api/incidents/${incidentId}/plans/${proposal.id}/apply`).expect(200);
  const after: PassSheet = (await duty.get(`${base()}/${sites[0]!.id}`).expect(200)).body;
  expect(after.seq).toBeGreaterThan(before.seq);
  const again = after.passes.find((p) => p.partyId === moved.partyId)!;
  expect(again.hotel?.id ?? null).not.toBe(hotel.id);
});

test('the PDF is a PDF; reception, insurers and strangers get no passes', async () => {
  const { sites }: PassSites = (await duty.get(base()).expect(200)).body;
  const pdf = await duty.get(`${base()}/${sites[0]!.id}/pdf`).buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  }).expect(200);
  expect(pdf.headers['content-type']).toBe('application/pdf');
  expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
  const reception = await signIn(server.url, DEMO.reception);
  await reception.get(base()).expect(403);
  await reception.get(`${base()}/${sites[0]!.id}`).expect(403);
  const insurer = await signIn(server.url, DEMO.insurer);
  await insurer.get(`${base()}/${sites[0]!.id}/pdf`).expect(403);
  await duty.get(`${base()}/no-such-site`).expect(404);
});

test('a scanned or typed pass code is recognised', () => {
  expect(passCodeFrom('abc234')).toBe('ABC234');
  expect(passCodeFrom(' K7M2PQ\n')).toBe('K7M2PQ');
  expect(passCodeFrom('https://example.test/#/pass/K7M2PQ')).toBe('K7M2PQ');
  expect(passCodeFrom('hello')).toBeNull();
});
