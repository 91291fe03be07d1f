/**
 * Declaring an incident from nothing, in real Chromium against the real app: a duty manager's
 * mistakes are shown beside their fields and nothing is created; put right, the incident is
 * created with its places and its console opens. The browser runs on New York's clocks while the
 * incident is on London's, so a start read on the browser's clocks instead of the incident's would
 * be five hours out. Staff who may not start incidents never see the form.
 */
import request from 'supertest';
import type { IncidentListItem, IncidentState } from '../../shared/api.js';
import { DEMO_PASSWORD, startTestServer } from '../helpers/server.js';
import { loginCookie } from '../helpers/socket.js';
import { assertClientBuilt, browserAvailable, openBrowser, screenshot, type BrowserSession } from './browser.js';

const DUTY = 'duty@demo.test';

const describeBrowser = browserAvailable() ? describe : describe.skip;

describeBrowser('declaring an incident in Chromium', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: BrowserSession;
  let cookie: string;

  async function signIn(email: string) {
    const { page, context } = browser;
    await context.clearCookies();
    await page.goto(server.url);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  const incidents = async () =>
    ((await request(server.url).get('/api/incidents').set('cookie', cookie).expect(200)).body as { incidents: IncidentListItem[] }).incidents;

  beforeAll(async () => {
    assertClientBuilt();
    server = await startTestServer({ seed: 'storm' });
    browser = await openBrowser(server.url, { timezoneId: 'America/New_York' });
    cookie = await loginCookie(server.url, DUTY);
  }, 180_000); // starting a server and Chromium can be slow on a busy machine

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('a duty manager declares an incident: mistakes beside their fields and nothing created, then the console of the new one', async () => {
    const { page } = browser;
    await signIn(DUTY);
    await page.getByRole('heading', { name: 'Declare an incident' }).waitFor();
    const form = page.getByTestId('declare-form');
    const row = (i: number) => form.locator(`[data-place-row="${i}"]`);
    // One muster point to start with; the start defaults to now on the incident's (London's) clocks.
    expect(await form.locator('[data-place-row]').count()).toBe(1);
    expect(await row(0).getByLabel('Kind').inputValue()).toBe('muster');
    expect(await form.getByLabel('Time zone').inputValue()).toBe('Europe/London');
    const defaultStart = await form.getByLabel(/Started at/).inputValue();
    const london = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/London', dateStyle: 'short', timeStyle: 'short' }).format(new Date());
    expect(Math.abs(Date.parse(`${defaultStart}Z`) - Date.parse(`${london.replace(' ', 'T')}Z`))).toBeLessThanOrEqual(120_000);
    const before = await incidents();

    // No name, and a latitude off the planet.
    await row(0).getByLabel('Name').fill('Clubhouse');
    await row(0).getByLabel('Latitude').fill('95');
    await row(0).getByLabel('Longitude').fill('0.34');
    await form.getByRole('button', { name: 'Declare incident' }).click();
    const nameError = form.locator('[data-error-path="incident.name"]');
    const latError = form.locator('[data-error-path="sites[0].lat"]');
    await nameError.waitFor();
    expect(await nameError.textContent()).toBe('expected the incident name');
    expect(await latError.textContent()).toBe('latitude must be between -90 and 90');
    // Beside their fields: each input is marked and described by its own message.
    for (const [input, error] of [
      [form.getByLabel('Incident name'), nameError],
      [row(0).getByLabel('Latitude'), latError],
    ] as const) {
      expect(await input.getAttribute('aria-invalid')).toBe('true');
      expect(await input.getAttribute('aria-describedby')).toBe(await error.getAttribute('id'));
    }
    expect(await form.locator('[data-error-path]').count()).toBe(2);
    await screenshot(page, 'declare-01-refused');
    expect(await page.evaluate(() => window.location.hash)).not.toMatch(/incidents\//);
    expect((await incidents()).map((i) => i.id).sort()).toEqual(before.map((i) => i.id).sort());

    // Put right: a name, a summer evening start, the muster point and a coach depot (a third place
    // added and removed again on the way).
    const name = 'Flooding at Dunes Holiday Park';
    await form.getByLabel('Incident name').fill(name);
    await form.getByLabel(/Started at/).fill('2026-07-01T21:30');
    await row(0).getByLabel('Latitude').fill('52.95');
    await form.getByRole('button', { name: 'Add another place' }).click();
    await row(1).getByLabel('Name').fill('Coach depot');
    await row(1).getByLabel('Kind').selectOption({ label: 'Vehicle depot' });
    await row(1).getByLabel('Latitude').fill('53.01');
    await row(1).getByLabel('Longitude').fill('-0.12');
    await form.getByRole('button', { name: 'Add another place' }).click();
    await row(2).getByLabel('Name').fill('Spare');
    await screenshot(page, 'declare-02-filled');
    await form.getByRole('button', { name: 'Remove place 3 (Spare)' }).click();
    expect(await form.locator('[data-place-row]').count()).toBe(2);
    await form.getByRole('button', { name: 'Declare incident' }).click();

    await page.locator('[data-testid="console"]').waitFor();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    const hash = await page.evaluate(() => window.location.hash);
    const incidentId = decodeURIComponent(/^#\/incidents\/([^/?#]+)$/.exec(hash)?.[1] ?? '');
    const created = (await incidents()).filter((i) => !before.some((b) => b.id === i.id));
    expect(created.map((i) => [i.id, i.name])).toEqual([[incidentId, name]]);
    await screenshot(page, 'declare-03-console');

    const state = (
      await request(server.url)
        .get(`/api/incidents/${encodeURIComponent(incidentId)}/state`)
        .set('cookie', cookie)
        .expect(200)
    ).body as IncidentState;
    expect(state.incident).toMatchObject({ name, timezone: 'Europe/London', currency: 'GBP', status: 'active' });
    // 21:30 on London's summer clocks (BST), whatever the browser's own clocks read.
    expect(new Date(state.incident.startedAt).toISOString()).toBe('2026-07-01T20:30:00.000Z');
    expect(state.sites.map(({ id, name, kind, lat, lng }) => ({ id, name, kind, lat, lng }))).toEqual([
      { id: 'clubhouse', name: 'Clubhouse', kind: 'muster', lat: 52.95, lng: 0.34 },
      { id: 'coach-depot', name: 'Coach depot', kind: 'depot', lat: 53.01, lng: -0.12 },
    ]);
    expect([state.parties.length, state.hotels.length, state.vehicles.length]).toEqual([0, 0, 0]);
  });

  test('reception staff and insurers never see the form', async () => {
    const { page } = browser;
    await signIn('reception@demo.test');
    await page.getByRole('heading', { level: 1, name: 'The Grand Skegness' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Declare an incident' }).count()).toBe(0);
    expect(await page.getByTestId('declare-form').count()).toBe(0);

    // An insurer does see the incident list, but not the form on it.
    await signIn('insurer@demo.test');
    await page.locator('.incident-table a').first().waitFor();
    expect(await page.getByRole('heading', { name: 'Declare an incident' }).count()).toBe(0);
    expect(await page.getByTestId('declare-form').count()).toBe(0);
  });
});
