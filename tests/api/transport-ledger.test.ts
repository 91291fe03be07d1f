/**
 * Transport in the ledger as trips complete: a trip still on the road shows in the summary as
 * running, with its estimated cost and outside every total; when its driver reports the last
 * drop-off, its cost is posted by itself (no duty manager step), once, for the amount estimated.
 */
import ExcelJS from 'exceljs';
import request from 'supertest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { binaryBody, DEMO, signIn, type Agent } from '../helpers/api.js';
import { smallScenario } from '../../seed/small.js';
import type { DriverLink, DriverView } from '../../shared/drivers.js';
import { allocate, type ExportManifest, type LedgerSummary } from '../../shared/ledger.js';
import type { IncidentState } from '../../shared/api.js';
import type { RollCallList } from '../../shared/attention.js';

let server: TestServer;
let duty: Agent;
let incidentId: string;

beforeAll(async () => {
  server = await startTestServer();
  duty = await signIn(server.url, DEMO.duty);
  incidentId = (await duty.post('/api/incidents/import').send(smallScenario()).expect(201)).body.incidentId;
  const proposal = (await duty.post(`/api/incidents/${incidentId}/plans`).expect(201)).body;
  await duty.post(`/api/incidents/${incidentId}/plans/${proposal.id}/apply`).expect(200);
}, 180_000);
afterAll(async () => server?.close());

const summary = async (): Promise<LedgerSummary> => (await duty.get(`/api/incidents/${incidentId}/ledger/summary`).expect(200)).body;
const transport = (s: LedgerSummary) => s.byCategory.find((c) => c.key === 'transport')?.amountMinor ?? 0;

/** Resolves when the event log commits an event of `type` for this incident (the ledger job's work). */
function committed(type: string): Promise<void> {
  return new Promise((resolve) => {
    const on = (list: { incidentId: string; type: string }[]) => {
      if (list.some((e) => e.incidentId === incidentId && e.type === type)) {
        server.app.bus.off('committed', on);
        resolve();
      }
    };
    server.app.bus.on('committed', on);
  });
}

test('a running trip is marked as such; its cost posts once when the driver completes it', async () => {
  const links: DriverLink[] = (await duty.get(`/api/incidents/${incidentId}/drivers`).expect(200)).body.links;
  const base = request(server.url);
  let found: { link: DriverLink; view: DriverView } | null = null;
  for (const l of links) {
    if (!l.currentTrip) continue;
    const view: DriverView = (await base.get(`/api/drive/${l.token}`).expect(200)).body;
    if (view.trip?.status === 'planned' && view.trip.households.length) found = { link: l, view };
    if (found) break;
  }
  const { link, view } = found!;
  const trip = view.trip!;
  expect(transport(await summary())).toBe(0);
  for (const h of trip.households) await base.post(`/api/drive/${link.token}/boardings`).send({ tripId: trip.id, partyId: h.partyId }).expect(200);
  await base.post(`/api/drive/${link.token}/departures`).send({ tripId: trip.id }).expect(200);

  const running = await summary();
  expect(running.runningTransport.trips).toEqual([expect.objectContaining({ tripId: trip.id, vehicleId: link.vehicleId })]);
  const estimate = running.runningTransport.trips[0]!.estimatedMinor;
  expect(estimate).toBeGreaterThan(0);
  expect(running.runningTransport.estimatedMinor).toBe(estimate);
  expect(transport(running)).toBe(0);

  const costed = committed('ledger.trip_costed');
  const stops = [...new Set(trip.households.map((h) => h.hotelId))];
  for (const hotelId of stops) await base.post(`/api/drive/${link.token}/arrivals`).send({ tripId: trip.id, hotelId }).expect(200);
  await costed;

  const after = await summary();
  expect(after.runningTransport.trips).toEqual([]);
  expect(transport(after)).toBe(estimate);
  const lines = (await duty.get(`/api/incidents/${incidentId}/ledger?limit=5000`).expect(200)).body.lines as {
    tripId: string | null;
    category: string;
    amountMinor: number;
  }[];
  expect(lines.filter((l) => l.tripId === trip.id && l.category === 'transport')).toEqual([expect.objectContaining({ amountMinor: estimate })]);
  // A duty manager marking it completed afterwards posts nothing more.
  expect((await duty.post(`/api/incidents/${incidentId}/ledger/trips/${trip.id}/complete`).expect(200)).body).toMatchObject({ alreadyPosted: true });
  expect(transport(await summary())).toBe(estimate);
});

test('a member left at the muster point pays no share of the trip the rest of the family rode', async () => {
  const links: DriverLink[] = (await duty.get(`/api/incidents/${incidentId}/drivers`).expect(200)).body.links;
  const base = request(server.url);
  const state: IncidentState = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
  const sizeOf = (partyId: string) => state.parties.find((p) => p.id === partyId)!.guests.length;
  let found: { link: DriverLink; trip: NonNullable<DriverView['trip']>; partyId: string } | null = null;
  for (const l of links) {
    if (!l.currentTrip) continue;
    const view: DriverView = (await base.get(`/api/drive/${l.token}`).expect(200)).body;
    const family = view.trip?.status === 'planned' ? view.trip.households.find((h) => sizeOf(h.partyId) >= 2) : undefined;
    if (family) found = { link: l, trip: view.trip!, partyId: family.partyId };
    if (found) break;
  }
  const { link, trip, partyId } = found!;
  const party = state.parties.find((p) => p.id === partyId)!;
  const left = party.guests.at(-1)!;
  // The roll call at their muster point: everyone there but one of the family.
  const list: RollCallList = (await duty.get(`/api/incidents/${incidentId}/sites/${party.siteId}/rollcall`).expect(200)).body;
  const present = list.households.flatMap((h) => h.guests.map((g) => g.id)).filter((id) => id !== left.id);
  await duty.post(`/api/incidents/${incidentId}/sites/${party.siteId}/rollcall`).send({ presentGuestIds: present }).expect(200);

  const costed = committed('ledger.trip_costed');
  for (const h of trip.households) await base.post(`/api/drive/${link.token}/boardings`).send({ tripId: trip.id, partyId: h.partyId }).expect(200);
  await base.post(`/api/drive/${link.token}/departures`).send({ tripId: trip.id }).expect(200);
  for (const hotelId of new Set(trip.households.map((h) => h.hotelId)))
    await base.post(`/api/drive/${link.token}/arrivals`).send({ tripId: trip.id, hotelId }).expect(200);
  await costed;

  const lines = (await duty.get(`/api/incidents/${incidentId}/ledger?limit=5000`).expect(200)).body.lines as {
    tripId: string | null;
    category: string;
    amountMinor: number;
  }[];
  const tripCost = lines.find((l) => l.tripId === trip.id && l.category === 'transport')!.amountMinor;
  // The trip is shared by the people aboard: the family counts as one fewer.
  const riders = [...new Set(trip.households.map((h) => h.partyId))].sort();
  const shares = allocate(
    tripCost,
    riders.map((id) => sizeOf(id) - (id === partyId ? 1 : 0)),
  );
  const familyShare = shares[riders.indexOf(partyId)]!;

  const manifest: ExportManifest = (await duty.post(`/api/incidents/${incidentId}/exports`).send({}).expect(201)).body;
  const xlsx = await duty.get(`/api/incidents/${incidentId}/exports/${manifest.exportId}/files/ledger.xlsx`).buffer(true).parse(binaryBody).expect(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx.body as unknown as ArrayBuffer);
  const rowsOf = (name: string) => {
    const ws = wb.getWorksheet(name)!;
    const header = (ws.getRow(1).values as unknown[]).slice(1).map(String);
    const out: Record<string, unknown>[] = [];
    ws.eachRow((row, i) => {
      if (i > 1 && i < ws.rowCount) out.push(Object.fromEntries(header.map((h, k) => [h, (row.values as unknown[]).slice(1)[k]])));
    });
    return out;
  };
  const money = (v: unknown) => Math.round(Number(v && typeof v === 'object' && 'result' in v ? (v as { result: unknown }).result : (v ?? 0)) * 100);
  const household = rowsOf('By household').find((r) => r['Household id'] === partyId)!;
  expect(money(household['Transport amount'])).toBe(familyShare);
  const members = rowsOf('By guest').filter((r) => r['Household id'] === partyId);
  expect(members.map((m) => m['Guest id'])).toEqual(party.guests.map((g) => g.id));
  const transportOf = (id: string) => money(members.find((m) => m['Guest id'] === id)!['Transport amount']);
  expect(transportOf(left.id)).toBe(0);
  const aboard = party.guests.filter((g) => g.id !== left.id).map((g) => transportOf(g.id));
  expect(aboard.reduce((a, b) => a + b, 0)).toBe(familyShare);
  expect(Math.max(...aboard) - Math.min(...aboard)).toBeLessThanOrEqual(1);
});
