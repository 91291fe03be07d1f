/**
 * The guest's status link on a phone (390x844) in real Chromium: the household sees where it is
 * going, on what and when, sends "we need help", and a duty manager's socket receives it at once;
 * in a second browser, two duty managers' consoles show it under "Needs attention", one marks it
 * handled and it leaves both; a revoked link shows nothing; after the stay the household's rating
 * and words appear on the console. Screenshots: test-output/screenshots/guest-*.png.
 *
 * Two ways in: through the console bundle's hash route `#/s/<token>` (the link guests get), and
 * through the page's own small entry (client/src/guest/preview.html), built here and served on the
 * app's origin, so the page is also tested on its own.
 */
import { spawnSync } from 'node:child_process';
import request from 'supertest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import { collect, connect, connected, loginCookie, subscribe, type ClientSocket } from '../helpers/socket.js';
import { smallScenario } from '../../seed/small.js';
import type { IncidentState } from '../../shared/api.js';
import { assertClientBuilt, browserAvailable, openBrowser, screenshot, type BrowserSession } from './browser.js';
import { openConsole, signIn as signInConsole } from './console-helpers.js';
import { smallTargets } from './reception-helpers.js';

const PREVIEW_DIR = path.resolve('test-output/guest-preview');
const PREVIEW_BASE = '/__guest-preview/';
const describeBrowser = browserAvailable() ? describe : describe.skip;

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
  let desk: BrowserSession | undefined;
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
    await desk?.close();
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
      const check = () =>
        live.events.some((e) => e.type === 'guest.replied' && e.payload.partyId === partyId)
          ? resolve()
          : void live.until(live.events.length + 1, 20_000).then(check, () => undefined);
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

  test('a guest whose language nobody recorded picks Polski on the page, and the phone keeps it', async () => {
    const { page } = browser;
    const url = previewUrl(`#/s/${await tokenOf('P01')}`);
    await page.goto(url);
    await page.getByTestId('guest-status').waitFor();
    expect(await page.locator('main').getAttribute('lang')).toBe('en');
    const langs = page.getByRole('navigation', { name: /Language/ });
    expect(await langs.getByRole('button').allTextContents()).toEqual(['English', 'Polski', 'Deutsch']);
    await langs.getByRole('button', { name: 'Polski' }).click();
    await page.getByRole('button', { name: 'Potrzebujemy pomocy' }).waitFor();
    expect(await page.locator('main').getAttribute('lang')).toBe('pl');
    expect(await langs.getByRole('button', { name: 'Polski' }).getAttribute('aria-pressed')).toBe('true');
    expect(await smallTargets(page, 'nav.g-langs')).toEqual([]);
    await screenshot(page, 'guest-04b-chosen-polish');
    // Reopened on the same phone: still Polish; back to English with one tap.
    await page.goto('about:blank');
    await page.goto(url);
    await page.getByRole('button', { name: 'Potrzebujemy pomocy' }).waitFor();
    await langs.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: 'We need help' }).waitFor();
    // The choice belongs to this phone: leave the shared browser as the other tests expect it.
    await page.evaluate(() => window.localStorage.removeItem('guest-page-language'));
  });

  test('a reply refused for coming too often (429) says how long to wait, keeps the words, and sends them once the wait is over', async () => {
    const { page } = browser;
    await page.goto(previewUrl(`#/s/${await tokenOf('P12')}`));
    await page.getByTestId('guest-status').waitFor();
    // The link's reply budget is spent (the server's own answer shape; the limit itself is tested in tests/api).
    const spent = JSON.stringify({
      error: { code: 'rate_limited', message: 'Too many messages from this link. Please wait 42 seconds.', details: { retryAfterSeconds: 42 } },
    });
    await page.route('**/api/guest/replies', (route) =>
      route.fulfill({ status: 429, headers: { 'retry-after': '42' }, contentType: 'application/json', body: spent }),
    );
    await page.getByRole('button', { name: 'We need help' }).click();
    await page.getByLabel('What do you need? (optional)').fill('The water is rising at the back door');
    await page.getByRole('button', { name: 'Send' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      'You have sent several messages in the last minute. Please wait 42 seconds, then send again. If it is urgent, ring the helpline.',
    );
    expect(await page.getByLabel('What do you need? (optional)').inputValue()).toBe('The water is rising at the back door');
    await screenshot(page, 'guest-04c-too-often');
    await page.unroute('**/api/guest/replies');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByTestId('guest-reply-sent').waitFor();
    const replies = (await duty.get(`/api/incidents/${incidentId}/guest-replies?partyId=P12`).expect(200)).body.replies;
    expect(replies.map((r: { text: string }) => r.text)).toEqual(['The water is rising at the back door']);
  });

  test('someone missing from the household: the page names who is not with them, person by person', async () => {
    const { page } = browser;
    const party = state.parties.find((p) => p.guests.length >= 3 && !['P01', 'P02', 'P03', 'P04', 'P05', 'P06', 'P11', 'P12'].includes(p.id))!;
    const token = await tokenOf(party.id);
    const lost = party.guests[2]!;
    await request(server.url)
      .post('/api/guest/replies')
      .set('x-status-token', token)
      .send({ kind: 'missing_member', key: 'browser-missing-1', guestId: lost.id })
      .expect(201);
    await page.goto(previewUrl(`#/s/${token}`));
    await page.getByTestId('guest-missing').waitFor();
    expect(await page.getByTestId('guest-missing').textContent()).toMatch(new RegExp(`^Not with you: ${lost.name}\\. Staff are looking for them`));
    expect(await page.getByTestId('guest-members').locator('li').allTextContents()).toEqual(
      party.guests.map((g) => `${g.name} · ${g.id === lost.id ? 'missing' : 'waiting to leave'}`),
    );
    await screenshot(page, 'guest-04b-someone-missing');
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

  test('through the console bundle: #/s/<token> opens the guest page without signing in', async () => {
    const { page } = browser;
    await browser.context.clearCookies();
    await page.goto(`${server.url}/#/s/${await tokenOf('P11')}`);
    await needHelpFlow(page, 'P11', 'guest-console');
  });

  test("a duty manager's console in a second browser shows the reply under Needs attention; marked handled, it leaves every console", async () => {
    desk = await openBrowser(server.url);
    await signInConsole(desk.page, server.url, DEMO.duty);
    const consoles = [desk.page, await desk.context.newPage()];
    for (const c of consoles) {
      await openConsole(c, server.url, incidentId);
      await c.getByRole('tab', { name: /Attention/ }).click();
      await c.locator('section.attention[data-loaded="true"]').waitFor();
    }
    const first = consoles[0]!;
    const item = (c: Page) => c.locator('[data-testid="attention-replies"] li[data-party-id="P03"]');
    expect(await item(first).count()).toBe(0);

    // The guest's phone opens the real status link and asks for help.
    const { page } = browser;
    await browser.context.clearCookies();
    await page.goto(`${server.url}/#/s/${await tokenOf('P03')}`);
    await page.getByTestId('guest-status').waitFor();
    await page.getByRole('button', { name: 'We need help' }).click();
    await page.getByLabel('What do you need? (optional)').fill('The dog is unwell, we need a vet before we travel');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByTestId('guest-reply-sent').waitFor();

    // Both consoles show it, live.
    for (const c of consoles) await item(c).waitFor();
    const text = (await item(first).textContent()) ?? '';
    expect(text).toContain('Need help');
    expect(text).toContain('Patel');
    expect(text).toContain('The dog is unwell, we need a vet before we travel');
    expect(text).toMatch(/just now|1 min ago/);
    expect(Number(await first.getByTestId('attention-count').textContent())).toBeGreaterThanOrEqual(1);
    await screenshot(first, 'guest-06-console-attention');

    // They ask again, in other words: still one thing to act on, with both messages.
    const countBefore = Number(await first.getByTestId('attention-count').textContent());
    await request(server.url)
      .post('/api/guest/replies')
      .set('x-status-token', await tokenOf('P03'))
      .send({ kind: 'need_help', key: 'need-help-again-P03', text: 'We are by the main door now' })
      .expect(201);
    for (const c of consoles) await item(c).getByText('Sent 2 times').waitFor();
    expect(await item(first).count()).toBe(1);
    const both = (await item(first).textContent()) ?? '';
    expect(both).toContain('We are by the main door now');
    expect(both).toContain('The dog is unwell, we need a vet before we travel');
    expect(both.indexOf('We are by the main door now')).toBeLessThan(both.indexOf('The dog is unwell'));
    expect(Number(await first.getByTestId('attention-count').textContent())).toBe(countBefore);

    // "show household" opens it in the households panel.
    await item(first)
      .getByRole('button', { name: /Show household Patel/ })
      .click();
    await first.getByRole('tab', { name: /Households/, selected: true }).waitFor();
    await first.getByRole('heading', { name: /Patel/ }).waitFor();
    await first.getByRole('tab', { name: /Attention/ }).click();

    await item(first).getByRole('button', { name: 'Mark handled…' }).click();
    await item(first).getByLabel('What was done? (optional)').fill('Rang them: a vet meets them at the hotel');
    // Help given is offered, ticked: the household comes off "needs help".
    expect(
      await item(first)
        .getByLabel(/Patel no longer needs help/)
        .isChecked(),
    ).toBe(true);
    await screenshot(first, 'guest-07-console-mark-handled');
    await item(first).getByRole('button', { name: 'Mark handled' }).click();
    for (const c of consoles) await item(c).waitFor({ state: 'detached' });
    const replies = (await duty.get(`/api/incidents/${incidentId}/guest-replies?partyId=P03`).expect(200)).body.replies;
    expect(replies).toHaveLength(2);
    for (const r of replies) {
      expect(r).toMatchObject({ handledNote: 'Rang them: a vet meets them at the hotel', handledByName: expect.any(String) });
      expect(r.handledAt).toBeTruthy();
    }
    const patel = ((await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body as IncidentState).parties.find((p) => p.id === 'P03')!;
    expect(patel.status).toBe('assigned');
    expect(
      (await duty.get(`/api/incidents/${incidentId}/guest-replies?open=true`).expect(200)).body.replies.some((r: { partyId: string }) => r.partyId === 'P03'),
    ).toBe(false);
  });

  test('after the stay the household rates it from its link; the console shows the rating and words live', async () => {
    const party = state.parties.find((p) => p.id === 'P02')!;
    expect(party.hotelId).toBeTruthy();
    desk ??= await openBrowser(server.url);
    await signInConsole(desk.page, server.url, DEMO.duty);
    const c = desk.page;
    await openConsole(c, server.url, incidentId);
    await c.getByRole('tab', { name: /Attention/ }).click();
    await c.getByTestId('feedback-summary').filter({ hasText: 'No household has answered' }).waitFor();

    // Checked in, then out: the follow-up's link opens the feedback form.
    const arrivals = `/api/incidents/${incidentId}/hotels/${party.hotelId}/arrivals`;
    await duty.post(`${arrivals}/checkins`).send({ partyId: 'P02' }).expect(200);
    await duty.post(`${arrivals}/checkouts`).send({ partyId: 'P02' }).expect(200);
    const { page } = browser;
    await browser.context.clearCookies();
    await page.goto(`${server.url}/#/s/${await tokenOf('P02')}/feedback`);
    await page.getByRole('heading', { name: 'How was your stay?' }).waitFor();
    await page.locator('.g-stars label').nth(1).click();
    await page.getByLabel('Anything to tell us? (optional)').fill('Nobody told us breakfast had moved to the other wing');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('Thank you for telling us.').waitFor();
    // Checked out: "we made our own way" no longer makes sense; help can still be asked for.
    expect(await page.getByRole('button', { name: 'We have made our own way' }).count()).toBe(0);
    await page.getByRole('button', { name: 'We need help' }).waitFor();
    await screenshot(page, 'guest-08-feedback');

    const item = c.locator('[data-testid="feedback-list"] li[data-party-id="P02"]');
    await item.waitFor();
    expect(await item.getAttribute('class')).toContain('low');
    expect(await item.locator('.stars').getAttribute('aria-label')).toBe('2 out of 5');
    const text = (await item.textContent()) ?? '';
    expect(text).toContain(party.name);
    expect(text).toContain('Nobody told us breakfast had moved to the other wing');
    expect(await c.getByTestId('feedback-summary').textContent()).toBe('2.0 out of 5 from 1 household');
    await item.scrollIntoViewIfNeeded();
    await screenshot(c, 'guest-09-console-feedback');
  });
  test('the phone refreshes with If-None-Match: 304 keeps the page as it is; a check-in shows at the next refresh', async () => {
    const { page } = browser;
    const token = await tokenOf('P05');
    // What the page itself sent and got, recorded by its own fetch: the browser's network events
    // cannot tell, since with the context's routing on, a request the service worker answers is
    // reported from its response, sometimes without the headers the page set (If-None-Match).
    await page.addInitScript(() => {
      const real = window.fetch.bind(window);
      const calls: { token: string | null; status: number; etag: string | null; sent: string | null }[] = [];
      (window as unknown as { statusCalls: typeof calls }).statusCalls = calls;
      window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
        const url = new URL(input instanceof Request ? input.url : String(input), location.href);
        const res = await real(input, init);
        if (url.pathname === '/api/guest/status') {
          const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
          calls.push({ token: headers.get('x-status-token'), status: res.status, etag: res.headers.get('etag'), sent: headers.get('if-none-match') });
        }
        return res;
      };
    });
    type Call = { token: string | null; status: number; etag: string | null; sent: string | null };
    const calls = () => page.evaluate(() => (window as unknown as { statusCalls: Call[] }).statusCalls);
    // Only this household's answers: the page this browser showed before (another household's
    // link) must have stopped polling when the link changed; if it had not, its answers would
    // replace the remembered ETag and this page would send none.
    let answers: Call[] = [];
    let others: string[] = [];
    const read = async () => {
      const all = await calls();
      answers = all.filter((c) => c.token === token);
      others = all.filter((c) => c.token !== token).map((c) => c.token ?? '');
    };
    const waitForAnswers = async (n: number) => {
      await page.waitForFunction((n) => (window as unknown as { statusCalls: Call[] }).statusCalls.length >= n, n);
      await read();
    };
    await page.goto(previewUrl(`#/s/${token}`));
    await page.locator('[data-testid="guest-status"][data-status="assigned"]').waitFor();
    // The page refreshes when it becomes visible again (and every 15 s): ask it to, and wait for its answer.
    const refresh = async () => {
      const sofar = (await calls()).length;
      await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
      await waitForAnswers(sofar + 1);
    };
    await refresh();
    const first = answers[0]!;
    expect(first).toMatchObject({ status: 200, sent: null });
    // Nothing changed (the loop paged the household before this test's page opened, or answers
    // were 200 with a new tag; then the tag sent back is the newest one).
    const last = answers.at(-1)!;
    expect(last.sent).toBe(answers.at(-2)!.etag);
    if (last.status === 200) {
      await refresh();
      expect(answers.at(-1)!.status).toBe(304);
    } else expect(last.status).toBe(304);
    await page.locator('[data-testid="guest-status"][data-status="assigned"]').waitFor();
    expect(await page.getByTestId('guest-destination').textContent()).toContain(
      state.hotels.find((h) => h.id === state.parties.find((p) => p.id === 'P05')!.hotelId)!.name,
    );

    const party = state.parties.find((p) => p.id === 'P05')!;
    await duty.post(`/api/incidents/${incidentId}/hotels/${party.hotelId}/arrivals/checkins`).send({ partyId: 'P05' }).expect(200);
    const before = answers.length;
    await refresh();
    expect(answers[before]!).toMatchObject({ status: 200, sent: answers[before - 1]!.etag });
    await page.locator('[data-testid="guest-status"][data-status="checked_in"]').waitFor();
    // Shown again three times while an answer is still on its way: one more request after it,
    // with the ETag, not three beside it (which left the phone polling on several timers).
    const burst = answers.length;
    await page.evaluate(() => {
      for (let i = 0; i < 3; i++) document.dispatchEvent(new Event('visibilitychange'));
    });
    await waitForAnswers(burst + 1);
    await page.waitForTimeout(2000);
    await read();
    const after = answers.slice(burst);
    expect(after.length).toBeGreaterThanOrEqual(1);
    expect(after.length).toBeLessThanOrEqual(2);
    expect(after.every((x) => x.sent !== null)).toBe(true);
    expect(others).toEqual([]);
  });
});
