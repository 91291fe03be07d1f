/**
 * The guest's status link on a phone (390x844) in real Chromium: the household sees where it is
 * going, on what and when, sends "we need help", and a duty manager's socket receives it at once;
 * a revoked link shows nothing. Screenshots: test-output/screenshots/guest-*.png.
 *
 * Two ways in: through the console bundle's hash route `#/s/<token>` (skipped, with a notice, until
 * App.tsx routes it), and through the page's own small entry (client/src/guest/preview.html), built
 * here and served on the app's origin, so the page is tested whatever the console does.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import { collect, connect, connected, loginCookie, subscribe, type ClientSocket } from '../helpers/socket.js';
import { smallScenario } from '../../seed/small.js';
import type { IncidentState } from '../../shared/api.js';
import { assertClientBuilt, browserAvailable, openBrowser, screenshot, type BrowserSession } from './browser.js';

const PREVIEW_DIR = path.resolve('test-output/guest-preview');
const PREVIEW_BASE = '/__guest-preview/';
const describeBrowser = browserAvailable() ? describe : describe.skip;

/** True when the built console bundle contains the guest page (App.tsx routes #/s/<token>). */
function consoleRoutesGuestPage(): boolean {
  const dir = path.resolve('dist/client/assets');
  if (!existsSync(dir)) return false;
  return readdirSync(dir).some((f) => f.endsWith('.js') && readFileSync(path.join(dir, f), 'utf8').includes('guest-status'));
}

/** Build client/src/guest/preview.html on its own into test-output/guest-preview. */
function buildPreview(): void {
  const guestDir = path.resolve('client/src/guest');
  const config = path.resolve('test-output/guest-preview.vite.config.mjs');
  mkdirSync(path.dirname(config), { recursive: true });
  writeFileSync(
    config,
    `import react from '@vitejs/plugin-react';\nexport default { root: ${JSON.stringify(guestDir)}, base: '${PREVIEW_BASE}', plugins: [react()], logLevel: 'warn', build: { outDir: ${JSON.stringify(PREVIEW_DIR)}, emptyOutDir: true, sourcemap: false, rollupOptions: { input: ${JSON.stringify(path.join(guestDir, 'preview.html'))} } } };\n`,
  );
  const r = spawnSync(process.execPath, [path.resolve('node_modules/vite/bin/vite.js'), 'build', '--config', config], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`building the guest preview failed:\n${r.stdout}\n${r.stderr}`);
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

describeBrowser('the guest status link on a phone', () => {
  let server: TestServer;
  let browser: BrowserSession;
  let duty: Agent;
  let incidentId: string;
  let socket: ClientSocket;
  let live: ReturnType<typeof collect>;
  let state: IncidentState;

  const tokenOf = async (partyId: string): Promise<string> => (await duty.get(`/api/incidents/${incidentId}/status-links/${partyId}`).expect(200)).body.token;

  beforeAll(async () => {
    assertClientBuilt();
    buildPreview();
    server = await startTestServer();
    duty = await signIn(server.url, DEMO.duty);
    incidentId = (await duty.post('/api/incidents/import').send(smallScenario()).expect(201)).body.incidentId;
    await duty.patch(`/api/incidents/${incidentId}/message-settings`).send({ helplinePhone: '+44 1754 000111' }).expect(200);
    const proposal = (await duty.post(`/api/incidents/${incidentId}/plans`).expect(201)).body;
    await duty.post(`/api/incidents/${incidentId}/plans/${proposal.id}/apply`).expect(200);
    await server.app.services.messaging.project();
    state = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
    socket = connect(server.url, { cookie: await loginCookie(server.url, DEMO.duty) });
    await connected(socket);
    live = collect(socket);
    expect((await subscribe(socket, incidentId)).ok).toBe(true);
    browser = await openBrowser(server.url);
    await browser.page.setViewportSize({ width: 390, height: 844 });
    // The preview build is served on the app's own origin, so the page talks to the real API.
    await browser.context.route(`${server.url}${PREVIEW_BASE}**`, (route) => {
      const rel = new URL(route.request().url()).pathname.slice(PREVIEW_BASE.length) || 'preview.html';
      const file = path.join(PREVIEW_DIR, rel);
      if (!file.startsWith(PREVIEW_DIR) || !existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
      return route.fulfill({ status: 200, contentType: TYPES[path.extname(file)] ?? 'application/octet-stream', body: readFileSync(file) });
    });
  });

  afterAll(async () => {
    socket?.disconnect();
    await browser?.close();
    await server?.close();
  });

  const previewUrl = (hash: string) => `${server.url}${PREVIEW_BASE}preview.html${hash}`;

  async function needHelpFlow(page: Page, partyId: string, shotPrefix: string) {
    const party = state.parties.find((p) => p.id === partyId)!;
    const hotel = state.hotels.find((h) => h.id === party.hotelId)!;
    const trip = state.trips.find((t) => t.id === party.tripId)!;
    const view = page.getByTestId('guest-status');
    await view.waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(party.name);
    expect(await page.getByTestId('guest-destination').textContent()).toContain(hotel.name);
    expect(await page.getByTestId('guest-destination').textContent()).toContain(hotel.address);
    expect(await page.getByTestId('guest-transport').textContent()).toContain(trip.vehicleId);
    expect(await page.getByRole('link', { name: '+44 1754 000111' }).getAttribute('href')).toBe('tel:+441754000111');
    // Only this household's members.
    const members = await page.getByTestId('guest-members').locator('li').allTextContents();
    expect(members).toEqual(party.guests.map((g) => g.name));
    await screenshot(page, `${shotPrefix}-01-plan`);

    await page.getByRole('button', { name: 'We need help' }).click();
    await page.getByLabel('What do you need? (optional)').fill('Our daughter has asthma and the inhaler is in the lodge');
    await screenshot(page, `${shotPrefix}-02-need-help-form`);
    const heard = new Promise<void>((resolve) => {
      const check = () => (live.events.some((e) => e.type === 'guest.replied' && e.payload.partyId === partyId) ? resolve() : void live.until(live.events.length + 1, 20_000).then(check, () => undefined));
      check();
    });
    // A double tap sends one reply.
    await page.getByRole('button', { name: 'Send' }).dblclick();
    await page.getByTestId('guest-reply-sent').waitFor();
    await heard;
    const ev = live.events.find((e) => e.type === 'guest.replied' && e.payload.partyId === partyId)!;
    expect(ev.payload).toMatchObject({ kind: 'need_help', text: 'Our daughter has asthma and the inhaler is in the lodge', to: 'needs_help' });
    await page.locator('[data-testid="guest-status"][data-status="needs_help"]').waitFor();
    await page.getByTestId('guest-replies').waitFor();
    expect(await page.getByTestId('guest-status-badge').textContent()).toBe('Help requested');
    const replies = (await duty.get(`/api/incidents/${incidentId}/guest-replies?partyId=${partyId}`).expect(200)).body.replies;
    expect(replies).toHaveLength(1);
    await screenshot(page, `${shotPrefix}-03-help-sent`);
  }

  test('the page on its own entry: sees the plan, sends "we need help", the duty manager hears it', async () => {
    const { page } = browser;
    await page.goto(previewUrl(`#/s/${await tokenOf('P01')}`));
    await needHelpFlow(page, 'P01', 'guest');
  });

  test('a Polish household reads its page in Polish', async () => {
    const { page } = browser;
    await page.goto(previewUrl(`#/s/${await tokenOf('P06')}`));
    await page.getByTestId('guest-status').waitFor();
    expect(await page.locator('main').getAttribute('lang')).toBe('pl');
    await page.getByRole('button', { name: 'Potrzebujemy pomocy' }).waitFor();
    expect(await page.getByTestId('guest-status-badge').textContent()).toBe('Pokój zarezerwowany');
    await screenshot(page, 'guest-04-polish');
  });

  test('a revoked link shows nothing', async () => {
    const { page } = browser;
    const token = await tokenOf('P04');
    await duty.post(`/api/incidents/${incidentId}/status-links/P04/revoke`).expect(200);
    await page.goto(previewUrl(`#/s/${token}`));
    await page.getByTestId('guest-invalid').waitFor();
    expect(await page.content()).not.toContain('Murphy');
    await screenshot(page, 'guest-05-revoked');
  });

  // Enabled by itself once App.tsx routes #/s/<token> to GuestRoot and the client is rebuilt.
  const viaConsole = consoleRoutesGuestPage() ? test : test.skip;
  if (!consoleRoutesGuestPage()) console.warn('guest browser test: the console bundle does not route #/s/<token> yet (App.tsx wiring pending); skipping that test.');
  viaConsole('through the console bundle: #/s/<token> opens the guest page without signing in', async () => {
    const { page } = browser;
    await browser.context.clearCookies();
    await page.goto(`${server.url}/#/s/${await tokenOf('P11')}`);
    await needHelpFlow(page, 'P11', 'guest-console');
  });
});
