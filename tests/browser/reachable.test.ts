/**
 * Everything a duty manager hands out is reachable from the console, in real Chromium: a vehicle's
 * driver link (QR, copy, print, revoke button), a household's pass and claim pack, a hotel's
 * rooming list (PDF and CSV) and its guests' passes, and a muster point's sheet of passes for
 * everyone still waiting there. Each link is followed with the browser's own session and must
 * answer with the file it promises. Waits on app state, never on sleeps.
 */
import type { HotelArrivals, IncidentState } from '../../shared/api.js';
import { startTestServer } from '../helpers/server.js';
import { assertClientBuilt, browserAvailable, openBrowser, screenshot, type BrowserSession } from './browser.js';
import { openConsole, signIn, stormIncidentId } from './console-helpers.js';

const describeBrowser = browserAvailable() ? describe : describe.skip;

describeBrowser('reachable from the console', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let b: BrowserSession;
  let incidentId: string;
  let state: IncidentState;

  beforeAll(async () => {
    assertClientBuilt();
    server = await startTestServer({ seed: 'storm' });
    b = await openBrowser(server.url);
    await signIn(b.page, server.url, 'duty@demo.test');
    incidentId = await stormIncidentId(b.page, server.url);
    const proposal = (await (await b.page.request.post(`${server.url}/api/incidents/${incidentId}/plans`, { headers: { origin: server.url } })).json()) as {
      id: string;
    };
    const applied = await b.page.request.post(`${server.url}/api/incidents/${incidentId}/plans/${proposal.id}/apply`, { headers: { origin: server.url } });
    expect(applied.status()).toBe(200);
    state = (await (await b.page.request.get(`${server.url}/api/incidents/${incidentId}/state`)).json()) as IncidentState;
  }, 180_000);

  afterAll(async () => {
    await b?.close();
    await server?.close();
  });

  /** Follow a link's href with the page's own cookies: it must answer 200 with this content type. */
  async function follow(href: string | null, type: RegExp): Promise<Buffer> {
    expect(href).toBeTruthy();
    const res = await b.page.request.get(new URL(href!, server.url).toString());
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toMatch(type);
    return res.body();
  }

  test("fleet panel: a vehicle's driver link as QR, copy, print and revoke", async () => {
    const page = b.page;
    await openConsole(page, server.url, incidentId);
    await page.getByRole('tab', { name: /Fleet/ }).click();
    const vehicle = state.vehicles.find((v) => state.trips.some((t) => t.vehicleId === v.id))!;
    await page.locator(`button.row[data-vehicle-id="${vehicle.id}"]`).click();
    const box = page.getByTestId('driver-link');
    await box.getByRole('img', { name: `Driver link for ${vehicle.id}` }).waitFor();
    const url = (await box.getByTestId('driver-url').textContent())!;
    expect(url).toMatch(new RegExp(`^${server.url}/#/drive/`));
    // The link opens this vehicle's driver page.
    const token = url.split('/#/drive/')[1]!;
    const view = (await (await page.request.get(`${server.url}/api/drive/${token}`)).json()) as { vehicle: { id: string } };
    expect(view.vehicle.id).toBe(vehicle.id);
    for (const name of ['Open', 'Copy link', 'Print', 'Revoke link']) await box.getByRole(name === 'Open' ? 'link' : 'button', { name }).waitFor();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await box.getByRole('button', { name: 'Copy link' }).click();
    await box
      .getByRole('status')
      .filter({ hasText: /Link copied|Copy this link by hand/ })
      .waitFor();
    await screenshot(page, 'reachable-01-driver-link');

    // Revoke: the old link stops opening the vehicle, and the panel shows a new one that works.
    page.once('dialog', (d) => void d.accept());
    await box.getByRole('button', { name: 'Revoke link' }).click();
    await box
      .getByRole('status')
      .filter({ hasText: /Revoked: the old link no longer opens this vehicle/ })
      .waitFor();
    expect((await page.request.get(`${server.url}/api/drive/${token}`)).status()).toBe(403);
    const fresh = (await box.getByTestId('driver-url').textContent())!.split('/#/drive/')[1]!;
    expect(fresh).not.toBe(token);
    expect((await page.request.get(`${server.url}/api/drive/${fresh}`)).status()).toBe(200);
  });

  test("household panel: its pass and claim pack; hotel panel: rooming list (PDF, CSV) and guests' passes", async () => {
    const page = b.page;
    const party = state.parties.find((p) => p.hotelId)!;
    await page.getByRole('tab', { name: /Households/ }).click();
    await page.getByTestId('household-search').fill(party.passCode);
    await page.locator(`button.row[data-party-id="${party.id}"]`).click();
    const pass = await follow(await page.getByTestId('print-pass').getAttribute('href'), /application\/pdf/);
    expect(pass.subarray(0, 5).toString()).toBe('%PDF-');
    await follow(await page.getByTestId('claim-pack').getAttribute('href'), /application\/pdf/);
    await screenshot(page, 'reachable-02-household');

    await page.getByRole('tab', { name: /Hotels/ }).click();
    await page.locator(`button.row[data-place-id="hotel:${party.hotelId}"]`).click();
    await page.getByRole('heading', { name: 'Rooming list' }).waitFor();
    const csv = (await follow(await page.getByTestId('rooming-csv').getAttribute('href'), /text\/csv/)).toString('utf8');
    expect(csv.split('\r\n')[0]).toBe('Household,Unit,Pass code,Guest,Age,Needs,Notes,Room types,Room numbers,Arrival vehicle,Arrival time,Phone,Where now');
    expect(csv).toContain(party.passCode);
    await follow(await page.getByTestId('rooming-pdf').getAttribute('href'), /application\/pdf/);
    await follow(await page.getByTestId('print-hotel-passes').getAttribute('href'), /application\/pdf/);
    await screenshot(page, 'reachable-03-hotel');
  });

  test('a household checked in at reception shows its room numbers in the console, live, for the duty manager on the phone', async () => {
    const page = b.page;
    await openConsole(page, server.url, incidentId);
    const party = state.parties.find((p) => p.hotelId && p.guests.every((g) => g.whereabouts === 'waiting') && p !== state.parties.find((x) => x.hotelId))!;
    await page.getByRole('tab', { name: /Households/ }).click();
    await page.getByTestId('household-search').fill(party.passCode);
    await page.locator(`button.row[data-party-id="${party.id}"]`).click();
    expect(await page.getByTestId('household-rooms').count()).toBe(0);
    // Reception checks them in (here through the API, as the reception tests do from the phone).
    const arrivals = (await (await page.request.get(`${server.url}/api/incidents/${incidentId}/hotels/${party.hotelId}/arrivals`)).json()) as HotelArrivals;
    const rooms = arrivals.households.find((h) => h.partyId === party.id)!.rooms;
    let n = 300;
    const roomNumbers = Object.fromEntries(rooms.map((r) => [r.type, Array.from({ length: r.count }, () => String(++n))]));
    const res = await page.request.post(`${server.url}/api/incidents/${incidentId}/hotels/${party.hotelId}/arrivals/checkins`, {
      data: { partyId: party.id, roomNumbers },
      headers: { origin: server.url },
    });
    expect(res.status()).toBe(200);
    const expected = rooms.map((r) => `${r.type} ${roomNumbers[r.type]!.join(', ')}`).join('; ');
    await page.getByTestId('household-rooms').filter({ hasText: expected }).waitFor();
    await screenshot(page, 'reachable-04-household-rooms');
  });

  test('Esc closes the map key, and only the key', async () => {
    const page = b.page;
    await page.getByRole('button', { name: 'Key', exact: true }).click();
    await page.getByTestId('map-key').waitFor();
    const tab = await page.getByRole('tab', { selected: true }).textContent();
    await page.keyboard.press('Escape');
    await page.getByTestId('map-key').waitFor({ state: 'detached' });
    expect(await page.getByRole('button', { name: 'Key', exact: true }).getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByRole('tab', { selected: true }).textContent()).toBe(tab);
  });

  test("a muster point's printable sheet with passes for everyone waiting there", async () => {
    const page = b.page;
    const site = state.sites.find((s) => s.kind === 'muster' && s.waiting > 0)!;
    await page.getByRole('tab', { name: /Households/ }).click();
    // The household opened before is still open: back to the list.
    await page.getByRole('button', { name: /All households/ }).click();
    await page.getByTestId('household-search').fill('');
    await page.getByRole('combobox', { name: 'Muster point' }).selectOption(site.id);
    const link = page.getByTestId('print-waiting');
    await link.waitFor();
    const pdf = await follow(await link.getAttribute('href'), /application\/pdf/);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await screenshot(page, 'reachable-04-muster');
  });
});
