/**
 * The console in real Chromium against the real app: a duty manager signs in, opens the storm
 * incident, sees the same headline counts the API reports, and a map with markers on it.
 * Each test signs in on its own (cookies cleared first). Waits on app state (roles, data
 * attributes), never on sleeps; tile requests are blocked, the map must not need them.
 */
import request from 'supertest';
import type { IncidentListItem, IncidentSummary } from '../../shared/api.js';
import { startTestServer } from '../helpers/server.js';
import { assertClientBuilt, browserAvailable, findColourOnCanvas, openBrowser, screenshot, type BrowserSession } from './browser.js';

const DUTY = 'duty@demo.test';
const PASSWORD = 'storm-demo-2026';

const describeBrowser = browserAvailable() ? describe : describe.skip;

describeBrowser('console in Chromium', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: BrowserSession;

  async function apiJson<T>(path: string): Promise<T> {
    const res = await browser.page.request.get(`${server.url}${path}`);
    if (!res.ok()) throw new Error(`GET ${path}: ${res.status()} ${await res.text()}`);
    return (await res.json()) as T;
  }

  async function signIn(email: string, password = PASSWORD) {
    const { page, context } = browser;
    await context.clearCookies();
    await page.goto(server.url);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  beforeAll(async () => {
    assertClientBuilt();
    server = await startTestServer({ seed: 'storm' });
    browser = await openBrowser(server.url);
  }, 180_000); // starting a server and Chromium can be slow on a busy machine

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('a wrong password is refused in plain words', async () => {
    const { page } = browser;
    await signIn(DUTY, 'not-the-password');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/do not match|invalid|incorrect/i);
    await screenshot(page, '01-signin-refused');
  });

  test('a duty manager opens the storm incident and sees its counts and map', async () => {
    const { page } = browser;
    await signIn(DUTY);
    await page.getByRole('heading', { name: 'Incidents' }).waitFor();
    const { incidents } = await apiJson<{ incidents: IncidentListItem[] }>('/api/incidents');
    const storm = incidents.find((i) => /storm/i.test(i.name));
    expect(storm).toBeDefined();
    const link = page.getByRole('link', { name: storm!.name });
    await link.waitFor();
    await screenshot(page, '02-incident-list');

    await link.click();
    await page.getByRole('heading', { level: 1, name: storm!.name }).waitFor();
    const summary = await apiJson<IncidentSummary>(`/api/incidents/${storm!.id}/summary`);
    const stat = async (key: string) => Number(((await page.locator(`[data-count="${key}"] .stat-value`).textContent()) ?? '').replace(/[^0-9]/g, ''));
    expect(summary.counts.households).toBeGreaterThan(0);
    expect(await stat('households')).toBe(summary.counts.households);
    expect(await stat('guests')).toBe(summary.counts.guests);

    const map = page.locator('[data-testid="incident-map"][data-map-ready="true"]');
    await map.waitFor();
    expect(Number(await map.getAttribute('data-marker-count'))).toBeGreaterThan(0);
    expect(Number(await map.getAttribute('data-marker-hotel'))).toBe(summary.counts.hotels);
    expect(Number(await map.getAttribute('data-marker-muster'))).toBe(summary.counts.musterPoints);
    await screenshot(page, '03-incident-page');

    // The Hotels panel (key 2) opens the same details a click on the marker would.
    const popup = page.locator('.leaflet-popup .map-details');
    await page.keyboard.press('2');
    // The map flies to the hotel and opens its details; a click that lands while the map is still
    // settling from the page's first fit can lose its popup, so it is tried up to three times.
    const hotelPopup = popup.filter({ hasText: /Beds taken/ });
    for (let attempt = 1; ; attempt++) {
      await page.locator('[data-place-id^="hotel:"]').first().click();
      const opened = await hotelPopup.waitFor({ timeout: 8000 }).then(
        () => true,
        () => false,
      );
      if (opened) break;
      if (attempt === 3) throw new Error("three clicks on a hotel in the Hotels panel did not open the hotel's details");
    }
    expect(await popup.textContent({ timeout: 5000 })).toMatch(/Beds taken/);
    await screenshot(page, '04-hotel-popup');
    // A click on a canvas-drawn depot triangle (orange at 75% over the map background) opens its
    // details. The hotel's popup is closed first and the map left to settle (closing may pan it);
    // under load a click can still land mid-redraw, so it is tried up to three times.
    const depotPopup = popup.filter({ hasText: /Vehicle depot/i });
    for (let attempt = 1; ; attempt++) {
      await page
        .locator('.leaflet-popup-close-button')
        .click({ timeout: 2000 })
        .catch(() => undefined);
      await page.keyboard.press('Escape');
      await popup.waitFor({ state: 'detached', timeout: 5000 }).catch(() => undefined);
      await page.waitForTimeout(300);
      const depot = await findColourOnCanvas(page, '[data-testid="incident-map"] canvas', [246, 169, 103]);
      if (!depot) {
        // Closing the popup may have panned the depot out of view, or the canvas is mid-redraw.
        if (attempt === 3) throw new Error('no depot triangle drawn on the map after three tries');
        await page.getByRole('button', { name: 'Show everything' }).click();
        await page.waitForTimeout(800);
        continue;
      }
      await page.mouse.click(depot.x, depot.y);
      const opened = await depotPopup.waitFor({ timeout: 8000 }).then(
        () => true,
        () => false,
      );
      if (opened) break;
      if (attempt === 3) throw new Error('three clicks on the depot triangle did not open its details');
    }
    expect(await popup.textContent()).toMatch(/Vehicle depot/i);
    await page.getByRole('tab', { name: /Fleet & trips/, selected: true }).waitFor();
    await screenshot(page, '05-depot-popup');
  });

  test('a scenario file with mistakes is refused with the path of each mistake', async () => {
    const { page } = browser;
    await signIn(DUTY);
    await page.getByRole('heading', { name: 'Import a scenario' }).waitFor();
    const bad = {
      format: 'relocation-scenario/1',
      incident: { name: 'Broken', startedAt: '2026-03-01T20:00:00+00:00', currency: 'pounds' },
      sites: [{ id: 'm', name: 'Hall', kind: 'muster', lat: 53.1, lng: 0.3 }],
      parties: [{ id: 'P1', name: 'Smith', siteId: 'm', guests: [{ id: 'G1', name: 'Ann', age: 'elder' }] }],
    };
    await page.getByLabel('Scenario file').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
    await page.getByRole('button', { name: 'Import' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const text = (await alert.textContent()) ?? '';
    expect(text).toContain('parties[0].guests[0].age');
    expect(text).toContain('incident.currency');
    await screenshot(page, '06-import-refused');
  });

  test('a valid scenario file is imported and listed', async () => {
    const { page } = browser;
    await signIn(DUTY);
    await page.getByRole('heading', { name: 'Import a scenario' }).waitFor();
    const name = `Flood drill ${Date.now()}`;
    const good = {
      format: 'relocation-scenario/1',
      incident: { name, startedAt: '2026-03-01T20:00:00+00:00', currency: 'GBP' },
      sites: [{ id: 'm', name: 'Hall', kind: 'muster', lat: 53.1, lng: 0.3 }],
      parties: [{ id: 'P1', name: 'Smith', siteId: 'm', guests: [{ id: 'G1', name: 'Ann Smith', age: 'adult' }] }],
      hotels: [{ id: 'H1', name: 'Sea View', lat: 53.15, lng: 0.33, roomTypes: [{ type: 'double', sleeps: 2, count: 3, rateMinor: 8000 }] }],
    };
    await page.getByLabel('Scenario file').setInputFiles({ name: 'good.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(good)) });
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByRole('status').filter({ hasText: 'Imported 1 household (1 guest)' }).waitFor();
    await page.getByRole('link', { name }).waitFor();
    await screenshot(page, '07-import-done');
  });

  test('an insurer opens the cost portal of their incident, with no map', async () => {
    const { page } = browser;
    await signIn('insurer@demo.test');
    await page.getByRole('heading', { name: 'Incidents' }).waitFor();
    await page.locator('.incident-table a').first().click();
    await page.getByRole('heading', { name: /Storm at Seaview Holiday Park: costs/ }).waitFor();
    expect(await page.getByTestId('incident-map').count()).toBe(0);
    // The nights are what the ledger has posted, and it says when a check-in's night arrives there.
    expect(await page.locator('.insurer-facts').textContent()).toMatch(/Lodging posted.*posted within 15 minutes of check-in/);
    await screenshot(page, '08-insurer-incident');
  });

  test("the insurer's spend by hotel shows every hotel's name in full, on a laptop and on a phone", async () => {
    const { page } = browser;
    await signIn('insurer@demo.test');
    await page.getByRole('heading', { name: 'Incidents' }).waitFor();
    const { incidents } = await apiJson<{ incidents: IncidentListItem[] }>('/api/incidents');
    const storm = incidents.find((i) => /storm/i.test(i.name))!;
    // Spend posted at every hotel of the night, under its real name (the ledger itself is
    // exercised by the API tests; this is about reading the names on the page).
    const duty = request.agent(server.url);
    await duty.post('/api/auth/login').send({ email: DUTY, password: PASSWORD }).expect(200);
    const state = (await duty.get(`/api/incidents/${storm.id}/state`).expect(200)).body as { hotels: { id: string; name: string }[] };
    const names = [...state.hotels.map((h) => h.name), '(no hotel: transport)'];
    await page.route('**/ledger/summary', async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as { byHotel: { key: string; label: string; amountMinor: number }[] };
      body.byHotel = names.map((label, i) => ({ key: `k${i}`, label, amountMinor: 1000 * (i + 1) }));
      await route.fulfill({ response: res, json: body });
    });
    try {
      for (const viewport of [
        { width: 1280, height: 720 },
        { width: 390, height: 844 },
      ]) {
        await page.setViewportSize(viewport);
        await page.goto(`${server.url}/#/incidents/${storm.id}`);
        const byHotel = page.locator('section', { has: page.getByRole('heading', { name: 'By hotel' }) });
        await byHotel.locator('.insurer-bar-label').first().waitFor();
        const labels = await byHotel
          .locator('.insurer-bar-label')
          .evaluateAll((els) =>
            els.map((el) => ({ text: el.textContent, clipped: el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1 })),
          );
        expect(labels.map((l) => l.text).sort()).toEqual([...names].sort());
        expect(labels.filter((l) => l.clipped)).toEqual([]);
        // Nothing of the list spills out of its card either.
        expect(await byHotel.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
        await screenshot(page, `08b-insurer-by-hotel-${viewport.width}`);
      }
    } finally {
      await page.unroute('**/ledger/summary');
      await page.setViewportSize({ width: 1280, height: 720 });
    }
  });

  test("reception staff land on their own hotel's page", async () => {
    const { page } = browser;
    await signIn('reception@demo.test');
    await page.getByRole('heading', { level: 1, name: 'The Grand Skegness' }).waitFor();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const me = await browser.page.request.get(`${server.url}/api/auth/me`);
    expect(me.status()).toBe(401);
  });

  test('"Sign out everywhere" ends the sessions on other devices too', async () => {
    const { page } = browser;
    // Another device of the same user, signed in through the API.
    const other = await request(server.url).post('/api/auth/login').send({ email: DUTY, password: PASSWORD }).expect(200);
    const otherCookie = ([] as string[]).concat(other.headers['set-cookie'] ?? [])[0]!.split(';')[0]!;
    await signIn(DUTY);
    await page.getByRole('heading', { name: 'Incidents' }).waitFor();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.getByText(/You are signed out everywhere \(\d+ sessions? ended\)/).waitFor();
    await screenshot(page, '09-signed-out-everywhere');
    await request(server.url).get('/api/auth/me').set('cookie', otherCookie).expect(401);
    expect((await browser.page.request.get(`${server.url}/api/auth/me`)).status()).toBe(401);
  });
});
