/**
 * Guest passes through the API: duty managers only; one pass per household at the muster point with
 * hotel, vehicle, departure, pass code, QR and perks; the QR decodes to the household's status link;
 * a reprint after a re-plan reflects it; the PDF is a real PDF; reception's scanner resolves a
 * scanned status link (or a pass code) to a household at its own hotel, and to nothing else.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import jsQR from 'jsqr';
import request from 'supertest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { binaryBody, DEMO, signIn, type Agent } from '../helpers/api.js';
import type { IncidentState } from '../../shared/api.js';
import type { HotelArrivals } from '../../shared/api.js';
import type { PassSheet, PassSites, QrPath } from '../../shared/passes.js';
import { passCodeFrom, passJourney, scanTargetFrom, statusTokenFrom } from '../../shared/passes.js';
import { qrPath } from '../../server/passes/qr.js';

/** Draw the pass's QR path as pixels (4 px a module, white quiet zone) and read it back with a real decoder. */
function decodeQr(qr: QrPath): string | null {
  const scale = 4;
  const side = (qr.size + 8) * scale;
  const rgba = new Uint8ClampedArray(side * side * 4).fill(255);
  for (const m of qr.path.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    const [c, r, n] = [Number(m[1]), Number(m[2]), Number(m[3])];
    for (let y = (r + 4) * scale; y < (r + 5) * scale; y++) {
      for (let x = (c + 4) * scale; x < (c + 4 + n) * scale; x++) rgba.fill(0, (y * side + x) * 4, (y * side + x) * 4 + 3);
    }
  }
  return jsQR(rgba, side, side)?.data ?? null;
}

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
    // Everyone's needs, as the console lists them: the household's, each member's, and an infant.
    const needs = new Set([...party.needs, ...party.guests.flatMap((g) => g.needs), ...(party.guests.some((g) => g.age === 'infant') ? ['infant'] : [])]);
    expect([...pass.needs].sort()).toEqual([...needs].sort());
    // The QR is the household's status link: a guest scans it for live updates.
    const link = (await duty.get(`/api/incidents/${incidentId}/status-links/${pass.partyId}`).expect(200)).body as { token: string; url: string };
    expect(pass.statusUrl).toMatch(new RegExp(`/#/s/${link.token}$`));
    expect(pass.qr).toEqual(qrPath(pass.statusUrl!));
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

test('the QR decodes to the status link; a revoked link prints the pass code instead', async () => {
  const { sites }: PassSites = (await duty.get(base()).expect(200)).body;
  const sheet: PassSheet = (await duty.get(`${base()}/${sites[0]!.id}`).expect(200)).body;
  const pass = sheet.passes[0]!;
  const decoded = decodeQr(pass.qr);
  expect(decoded).toBe(pass.statusUrl);
  expect(statusTokenFrom(decoded!)).toBe((await duty.get(`/api/incidents/${incidentId}/status-links/${pass.partyId}`).expect(200)).body.token);
  await duty.post(`/api/incidents/${incidentId}/status-links/${pass.partyId}/revoke`).expect(200);
  const after: PassSheet = (await duty.get(`${base()}/${sites[0]!.id}`).expect(200)).body;
  const revoked = after.passes.find((p) => p.partyId === pass.partyId)!;
  expect(revoked.statusUrl).toBeNull();
  expect(decodeQr(revoked.qr)).toBe(pass.passCode);
  await duty.post(`/api/incidents/${incidentId}/status-links/${pass.partyId}/reissue`).expect(200);
});

test('reception scans a pass: the status link or the code finds a household at its own hotel, and nothing else', async () => {
  const reception = await signIn(server.url, DEMO.reception);
  const me = (await reception.get('/api/auth/me').expect(200)).body.user as { hotelId: string };
  const arrivals: HotelArrivals = (await reception.get(`/api/incidents/${incidentId}/hotels/${me.hotelId}/arrivals`).expect(200)).body;
  const here = arrivals.households[0]!;
  const linkOf = async (partyId: string) =>
    (await duty.get(`/api/incidents/${incidentId}/status-links/${partyId}`).expect(200)).body as { token: string; url: string };
  const scan = (agent: Agent, text: unknown) => agent.post(`${base()}/scan`).send({ text });

  const byLink = await scan(reception, (await linkOf(here.partyId)).url).expect(200);
  expect(byLink.body).toEqual({ partyId: here.partyId, passCode: here.passCode });
  expect((await scan(reception, here.passCode.toLowerCase()).expect(200)).body).toEqual({ partyId: here.partyId, passCode: here.passCode });

  // A household at another hotel (or nowhere yet) is "not found" for this reception, by link or by code...
  const state: IncidentState = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
  const elsewhere = state.parties.find((p) => p.hotelId && p.hotelId !== me.hotelId)!;
  const refused = await scan(reception, (await linkOf(elsewhere.id)).url).expect(404);
  expect(refused.text).not.toContain(elsewhere.name);
  expect(refused.text).not.toContain(elsewhere.passCode);
  await scan(reception, elsewhere.passCode).expect(404);
  // ...while a duty manager finds it.
  expect((await scan(duty, (await linkOf(elsewhere.id)).url).expect(200)).body.partyId).toBe(elsewhere.id);

  // A revoked link, a made-up token, text that is neither: not found; no text at all: 400.
  const old = (await linkOf(here.partyId)).url;
  await duty.post(`/api/incidents/${incidentId}/status-links/${here.partyId}/reissue`).expect(200);
  await scan(reception, old).expect(404);
  await scan(reception, 'https://example.test/#/s/AAAAAAAAAAAAAAAAAAAAAAAA').expect(404);
  await scan(reception, 'hello there').expect(404);
  const empty = await scan(reception, '').expect(400);
  expect(empty.body.error.details.fields[0].path).toBe('body.text');
  const insurer = await signIn(server.url, DEMO.insurer);
  await scan(insurer, here.passCode).expect(403);
  await request(server.url).post(`${base()}/scan`).send({ text: here.passCode }).expect(401);
});

test('a reprint after a hotel withdraws shows the new hotel', async () => {
  const { sites }: PassSites = (await duty.get(base()).expect(200)).body;
  const before: PassSheet = (await duty.get(`${base()}/${sites[0]!.id}`).expect(200)).body;
  const moved = before.passes.find((p) => p.hotel)!;
  const state: IncidentState = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
  const hotel = state.hotels.find((h) => h.id === moved.hotel!.id)!;
  await duty
    .patch(`/api/incidents/${incidentId}/hotels/${hotel.id}`)
    .send({ roomTypes: hotel.roomTypes.map(({ used: _u, ...r }) => ({ ...r, count: 0 })) })
    .expect(200);
  const proposal = (await duty.post(`/api/incidents/${incidentId}/plans`).expect(201)).body;
  await duty.post(`/api/incidents/${incidentId}/plans/${proposal.id}/apply`).expect(200);
  const after: PassSheet = (await duty.get(`${base()}/${sites[0]!.id}`).expect(200)).body;
  expect(after.seq).toBeGreaterThan(before.seq);
  const again = after.passes.find((p) => p.partyId === moved.partyId)!;
  expect(again.hotel?.id ?? null).not.toBe(hotel.id);
});

test('the PDF is a PDF; reception, insurers and strangers get no passes', async () => {
  const { sites }: PassSites = (await duty.get(base()).expect(200)).body;
  const pdf = await duty.get(`${base()}/${sites[0]!.id}/pdf`).buffer(true).parse(binaryBody).expect(200);
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
  const token = 'Zx9_-abcDEF0123456789_kLmNoPq';
  expect(scanTargetFrom(`https://park.example/#/s/${token}`)).toEqual({ kind: 'status_link', token });
  expect(scanTargetFrom(`http://127.0.0.1:3000/#/s/${token}/`)).toEqual({ kind: 'status_link', token });
  expect(scanTargetFrom(' k7m2pq ')).toEqual({ kind: 'pass_code', code: 'K7M2PQ' });
  // A broken status link is not mistaken for a pass code hidden in its letters.
  expect(scanTargetFrom('https://park.example/#/s/ABC123')).toBeNull();
});

test("passes to print from the console: one household, a hotel's guests, and those still waiting at a muster point", async () => {
  const state: IncidentState = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
  const pdfText = async (path: string): Promise<string> => {
    const res = await duty.get(path).buffer(true).parse(binaryBody).expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const file = path.replace(/[^A-Za-z0-9]/g, '_');
    const tmp = `${os.tmpdir()}/${file}.pdf`;
    writeFileSync(tmp, res.body as Buffer);
    return execFileSync('/usr/bin/pdftotext', [tmp, '-'], { encoding: 'utf8' });
  };
  const one = state.parties.find((p) => p.hotelId)!;
  const single = await pdfText(`${base()}/households/${one.id}/pdf`);
  expect(single).toContain(one.passCode);
  expect(single).toContain(one.name);
  const others = state.parties.filter((p) => p.id !== one.id);
  for (const p of others.slice(0, 20)) expect(single).not.toContain(p.passCode);

  const hotelId = one.hotelId!;
  const atHotel = await pdfText(`${base()}/hotels/${hotelId}/pdf`);
  for (const p of state.parties) {
    if (p.hotelId === hotelId) expect(atHotel).toContain(p.passCode);
    else expect(atHotel).not.toContain(p.passCode);
  }

  const site = state.sites.find((s) => s.kind === 'muster' && state.parties.some((p) => p.siteId === s.id))!;
  const sheet: PassSheet = (await duty.get(`${base()}/${site.id}`).expect(200)).body;
  const waiting = await pdfText(`${base()}/${site.id}/pdf?waiting=true`);
  for (const p of state.parties.filter((x) => x.siteId === site.id)) {
    if (['waiting', 'assigned', 'needs_help'].includes(p.status)) expect(waiting).toContain(p.passCode);
    else expect(waiting).not.toContain(p.passCode);
  }
  expect(sheet.passes.length).toBeGreaterThan(0);
  await duty.get(`${base()}/households/NOPE/pdf`).expect(404);
  await duty.get(`${base()}/hotels/NOPE/pdf`).expect(404);
  expect((await duty.get(`${base()}/${site.id}/pdf?waiting=maybe`).expect(400)).body.error.details.fields[0].path).toBe('query.waiting');
});

test('a reprinted pass says where a household stands: in its rooms with their numbers, part of it still to travel, not "being arranged"', async () => {
  const state: IncidentState = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
  const onWay = state.parties.filter((p) => p.hotelId && p.guests.length >= 3 && p.guests.every((g) => g.whereabouts === 'waiting'));
  const [whole, part] = onWay;
  const checkIn = async (p: (typeof onWay)[number], body: object) => {
    const arrivals: HotelArrivals = (await duty.get(`/api/incidents/${incidentId}/hotels/${p.hotelId}/arrivals`).expect(200)).body;
    const a = arrivals.households.find((h) => h.partyId === p.id)!;
    let n = 200;
    const roomNumbers = Object.fromEntries(a.rooms.map((r) => [r.type, Array.from({ length: r.count }, () => String(++n))]));
    await duty
      .post(`/api/incidents/${incidentId}/hotels/${p.hotelId}/arrivals/checkins`)
      .send({ partyId: p.id, roomNumbers, ...body })
      .expect(200);
    return a.rooms.map((r) => `${r.type} ${roomNumbers[r.type]!.join(', ')}`).join('; ');
  };
  const wholeRooms = await checkIn(whole!, {});
  const partRooms = await checkIn(part!, { guestIds: [part!.guests[0]!.id] });

  // The muster point's sheet (the same passes the console prints) holds both households.
  const pass = async (p: (typeof onWay)[number]) =>
    ((await duty.get(`${base()}/${p.siteId}`).expect(200)).body as PassSheet).passes.find((x) => x.partyId === p.id)!;
  const when = (iso: string) => iso;
  const w = passJourney(await pass(whole!), when);
  expect(w).toEqual({ stay: `Checked in: rooms ${wholeRooms}`, ride: null, detail: null });
  const pPass = await pass(part!);
  const p = passJourney(pPass, when);
  expect(p.stay).toBe(`Checked in (1 of ${part!.guests.length} guests): rooms ${partRooms}`);
  // The members still to come keep their vehicle and its time.
  expect(p.ride).toBe(
    `${pPass.transport!.kind.replace(/_/g, ' ')} ${pPass.transport!.vehicleId}${pPass.transport!.provider ? ` (${pPass.transport!.provider})` : ''}, leaves ${pPass.transport!.departAt}`,
  );

  // And the printed pass says the same.
  const res = await duty.get(`${base()}/households/${whole!.id}/pdf`).buffer(true).parse(binaryBody).expect(200);
  const tmp = `${os.tmpdir()}/pass-checked-in-${whole!.id}.pdf`;
  writeFileSync(tmp, res.body as Buffer);
  const text = execFileSync('/usr/bin/pdftotext', [tmp, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  expect(text).toContain(`Checked in: rooms ${wholeRooms}`);
  expect(text).not.toContain('being arranged');
});
