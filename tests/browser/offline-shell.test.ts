/**
 * Field pages work with no network after one visit (service worker): reception reloaded offline
 * shows the hotel's arrivals from the last good answer with when they were last fresh (never the
 * sign-in page); a check-in made offline waits in the outbox across a reload and a closed browser,
 * and is applied exactly once when the same browser profile is reopened online. Signing out clears
 * the cached answers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { HotelArrivals, IncidentState } from '../../shared/api.js';
import type { LiveEvent } from '../../shared/realtime.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import { assertClientBuilt, browserAvailable, openBrowser, screenshot, type BrowserSession } from './browser.js';
import { apiAs, PHONE, signInAs } from './reception-helpers.js';

const describeBrowser = browserAvailable() ? describe : describe.skip;

describeBrowser('offline field pages', () => {
  let server: TestServer;
  let duty: Agent;
  let incidentId: string;
  let browser: BrowserSession | undefined;
  const profile = mkdtempSync(path.join(tmpdir(), 'relocation-offline-'));

  beforeAll(async () => {
    assertClientBuilt();
    server = await startTestServer();
    duty = await signIn(server.url, DEMO.duty);
    incidentId = (await duty.get('/api/incidents').expect(200)).body.incidents[0].id;
    const proposal = (await duty.post(`/api/incidents/${incidentId}/plans`).expect(201)).body;
    await duty.post(`/api/incidents/${incidentId}/plans/${proposal.id}/apply`).expect(200);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  const status = async (partyId: string) =>
    ((await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body as IncidentState).parties.find((p) => p.id === partyId)!.status;

  test('reception reloads offline from cache, keeps an offline check-in across a closed browser, sends it once online', async () => {
    browser = await openBrowser(server.url, { profile });
    let { page, context } = browser;
    await page.setViewportSize(PHONE);
    await signInAs(page, server.url, DEMO.reception);
    await page.locator('main.reception[data-fresh="true"]').waitFor();
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    // Once controlled by the worker, a load fills its cache of API answers.
    await page.reload();
    await page.locator('main.reception[data-fresh="true"]').waitFor();
    expect(await page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);
    const hotelId = (await apiAs<{ user: { hotelId: string } }>(page, `${server.url}/api/auth/me`)).body.user.hotelId;
    const arrivals = (await apiAs<HotelArrivals>(page, `${server.url}/api/incidents/${incidentId}/hotels/${hotelId}/arrivals`)).body;
    const household = arrivals.households.find((h) => h.status === 'assigned')!;
    expect(household).toBeDefined();
    const seqBefore = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body.seq as number;

    await context.setOffline(true);
    await page.reload();
    await page.locator('main.reception[data-ready="true"]').waitFor();
    expect(await page.getByLabel('Password').count()).toBe(0);
    expect(await page.locator('.offline-stale').textContent()).toMatch(/last fresh at \d\d:\d\d/);
    expect(await page.locator('main.reception').getAttribute('data-fresh')).toBe('false');
    await page.locator('.conn[data-online="false"]').waitFor();

    await page.getByRole('tab', { name: /Arriving/ }).click();
    const card = page.locator(`article.household[data-party="${household.partyId}"]`);
    await card.scrollIntoViewIfNeeded();
    await card.locator('.household-head').click();
    await card.getByRole('button', { name: /Check in everyone/ }).click();
    await page.locator('.conn[data-pending="1"]').waitFor();

    // Reloaded offline again, the page still shows what waits to be sent.
    await page.reload();
    await page.locator('main.reception[data-ready="true"]').waitFor();
    await page.locator('.conn[data-online="false"][data-pending="1"]').waitFor();
    await screenshot(page, 'offline-01-reloaded-with-pending');
    expect(await status(household.partyId)).not.toBe('checked_in');

    await browser.close();
    browser = await openBrowser(server.url, { profile });
    ({ page, context } = browser);
    await page.setViewportSize(PHONE);
    await page.goto(`${server.url}/#/`);
    await page.locator('.conn[data-online="true"][data-pending="0"]').waitFor({ timeout: 30_000 });
    await page.locator('main.reception[data-fresh="true"]').waitFor();
    expect(await page.locator('.offline-stale').count()).toBe(0);

    // The outbox empties as the request goes out; the server's answer may land a moment later.
    for (const until = Date.now() + 15_000; (await status(household.partyId)) !== 'checked_in' && Date.now() < until;) await page.waitForTimeout(250);
    expect(await status(household.partyId)).toBe('checked_in');
    const events: LiveEvent[] = (await duty.get(`/api/incidents/${incidentId}/events?after=${seqBefore}&limit=5000`).expect(200)).body.events;
    expect(events.filter((e) => e.type === 'guest.checked_in' && e.payload.partyId === household.partyId)).toHaveLength(1);

    // Signing out leaves no cached answers on the device, and an offline reload then asks to sign in.
    // Nor the arrivals list kept for reading offline (names, phones, needs).
    const kept = () => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('relocation:arrivals:')).length);
    expect(await page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('api-')).length)).toBe(1);
    expect(await kept()).toBe(1);
    await page.getByRole('button', { name: /^Sign out$/ }).click();
    await page.getByLabel('Password').waitFor();
    expect(await page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('api-')).length)).toBe(0);
    expect(await kept()).toBe(0);
    await context.setOffline(true);
    await page.reload();
    await page.locator('main.centred').waitFor();
    expect(await page.locator('main.reception').count()).toBe(0);
    await context.setOffline(false);
  }, 180_000);

  test("two households' status links opened on one phone: offline, each shows its own household, never the other's", async () => {
    const phoneProfile = mkdtempSync(path.join(tmpdir(), 'relocation-offline-guest-'));
    const phone = await openBrowser(server.url, { profile: phoneProfile });
    try {
      const { page, context } = phone;
      await page.setViewportSize(PHONE);
      const parties = ((await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body as IncidentState).parties.filter((p) => p.hotelId);
      const [a, b] = [parties[0]!, parties[1]!];
      const tokenOf = async (partyId: string): Promise<string> =>
        (await duty.get(`/api/incidents/${incidentId}/status-links/${partyId}`).expect(200)).body.token;
      const [tokenA, tokenB] = [await tokenOf(a.id), await tokenOf(b.id)];
      const open = async (token: string, name: string) => {
        await page.goto(`${server.url}/#/s/${token}`);
        await page.reload();
        await page.getByTestId('guest-status').filter({ hasText: name }).waitFor();
      };
      await open(tokenA, a.name);
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
      });
      // Once controlled by the worker, each link's answer is kept.
      await open(tokenA, a.name);
      expect(await page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);
      await open(tokenB, b.name);
      await context.setOffline(true);
      await open(tokenA, a.name);
      expect(await page.getByTestId('guest-status').textContent()).not.toContain(b.name);
      await open(tokenB, b.name);
      expect(await page.getByTestId('guest-status').textContent()).not.toContain(a.name);
      await screenshot(page, 'offline-guest-two-links');
      await context.setOffline(false);
    } finally {
      await phone.close();
      rmSync(phoneProfile, { recursive: true, force: true });
    }
  }, 180_000);
});
