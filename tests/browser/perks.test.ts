/**
 * Perks between two real browsers: reception on a phone (390x844) records a £20 bar perk on a
 * checked-in household (posted at once), then £150 more (over the £100 staff limit: waiting for
 * approval); a duty manager's console in a second browser shows it under "Needs attention" without
 * a reload, approves it, and it leaves the console while reception's card shows it approved.
 * With no connection, a perk and its photo wait in the phone's outbox and are sent once when it is
 * back. Waits on app state, never on sleeps. Screenshots: test-output/screenshots/perks-*.png.
 */
import request from 'supertest';
import type { HotelArrivals } from '../../shared/api.js';
import type { LedgerLine } from '../../shared/ledger.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import { assertClientBuilt, browserAvailable, openBrowser, screenshot, type BrowserSession } from './browser.js';
import { openConsole, signIn as signInConsole } from './console-helpers.js';
import { apiAs, PHONE, signInAs, smallTargets } from './reception-helpers.js';

const describeBrowser = browserAvailable() ? describe : describe.skip;

/** A 2x2 PNG: small enough to upload as it is. */
const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==', 'base64');

describeBrowser('perks: reception records, a duty manager approves, both screens follow', () => {
  let server: TestServer;
  let phone: BrowserSession;
  let desk: BrowserSession;
  let duty: Agent;
  let incidentId: string;
  let hotelId: string;
  let household: HotelArrivals['households'][number];

  const card = () => phone.page.locator(`article.household[data-party="${household.partyId}"]`);

  beforeAll(async () => {
    assertClientBuilt();
    server = await startTestServer();
    duty = await signIn(server.url, DEMO.duty);
    incidentId = (await duty.get('/api/incidents').expect(200)).body.incidents[0].id;
    const proposal = (await duty.post(`/api/incidents/${incidentId}/plans`).expect(201)).body;
    await duty.post(`/api/incidents/${incidentId}/plans/${proposal.id}/apply`).expect(200);

    phone = await openBrowser(server.url);
    await phone.page.setViewportSize(PHONE);
    await signInAs(phone.page, server.url, DEMO.reception);
    await phone.page.locator('main.reception[data-ready="true"]').waitFor();
    hotelId = (await apiAs<{ user: { hotelId: string } }>(phone.page, `${server.url}/api/auth/me`)).body.user.hotelId;
    const arrivals: HotelArrivals = (await duty.get(`/api/incidents/${incidentId}/hotels/${hotelId}/arrivals`).expect(200)).body;
    household = arrivals.households.find((h) => h.status === 'assigned' && h.guests.length >= 2)!;
    await duty.post(`/api/incidents/${incidentId}/hotels/${hotelId}/arrivals/checkins`).send({ partyId: household.partyId }).expect(200);

    // Receipt photo uploads work for reception (the tests below attach one through the form).
    const probe = await phone.page.request.post(`${server.url}/api/incidents/${incidentId}/ledger/receipts`, {
      data: TINY_PNG,
      headers: { 'content-type': 'image/png', origin: server.url },
    });
    expect(probe.status()).toBe(201);

    desk = await openBrowser(server.url);
    await signInConsole(desk.page, server.url, DEMO.duty);
    await openConsole(desk.page, server.url, incidentId);
  }, 180_000);

  afterAll(async () => {
    await phone?.close();
    await desk?.close();
    await server?.close();
  });

  async function openCard() {
    const { page } = phone;
    await page.goto(`${server.url}/#/`);
    await page.locator('main.reception[data-fresh="true"]').waitFor();
    await page.getByRole('tab', { name: /In house/ }).click();
    await card().locator('.household-head').click();
    await card().getByTestId('perks-box').waitFor();
  }

  async function fillPerk(category: string, pounds: string, note: string) {
    const c = card();
    await c.getByRole('button', { name: 'Record perk' }).click();
    await c.locator('label.perk-cat', { hasText: category }).click();
    await c.getByLabel('Amount in pounds').fill(pounds);
    await c.getByLabel(/^Why \(optional/).fill(note);
  }

  test('£20 at the bar is within the limit: recorded at once', async () => {
    await openCard();
    await fillPerk('Bar', '20', 'two glasses of wine');
    await card().locator('form.perk-form').getByRole('button', { name: 'Record perk' }).click();
    const outcome = card().locator('[data-testid="perk-outcome"][data-state="recorded"]');
    await outcome.waitFor();
    expect(await outcome.textContent()).toBe('Recorded: Bar £20.00.');
    await card().locator('.perk-list li[data-state="recorded"]').waitFor();
    const lines = (await apiAs<{ lines: LedgerLine[] }>(phone.page, `${server.url}/api/incidents/${incidentId}/ledger?status=posted`)).body.lines;
    expect(lines.filter((l) => l.partyId === household.partyId && l.category === 'bar').map((l) => l.amountMinor)).toEqual([2000]);
  });

  test('a bad amount is refused on the phone, naming the field, and nothing is sent', async () => {
    await fillPerk('Meals', '12.345', '');
    await card().locator('form.perk-form').getByRole('button', { name: 'Record perk' }).click();
    await card().getByText('Enter pounds and pence as a number, e.g. 12.50').waitFor();
    expect(await card().getByLabel('Amount in pounds').getAttribute('aria-invalid')).toBe('true');
    await card().locator('form.perk-form').getByRole('button', { name: 'Cancel' }).click();
  });

  test('£150 more goes over the £100 limit: pending on the console, approved there, shown approved on the phone', async () => {
    const { page: console_ } = desk;
    await console_.getByRole('tab', { name: /Attention/ }).click();
    await console_.locator('section.attention[data-loaded="true"]').waitFor();

    await fillPerk('Bar', '150', 'birthday dinner, bottle of champagne');
    await card().locator('input[type="file"]').setInputFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: TINY_PNG });
    expect(await smallTargets(phone.page, 'article.household')).toEqual([]);
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await card().locator('form.perk-form').scrollIntoViewIfNeeded();
    await screenshot(phone.page, 'perks-01-phone-form');
    await card().locator('form.perk-form').getByRole('button', { name: 'Record perk' }).click();
    const waiting = card().locator('[data-testid="perk-outcome"][data-state="waiting"]');
    await waiting.waitFor();
    expect(await waiting.textContent()).toBe(
      "Bar £150.00: waiting for a duty manager's approval — over your £100.00 limit for this household (spent £20.00 so far).",
    );
    await screenshot(phone.page, 'perks-02-phone-waiting');

    // A guest's reply too, so the console shows both kinds of item.
    const token = (await duty.get(`/api/incidents/${incidentId}/status-links/${household.partyId}`).expect(200)).body.token;
    await request(server.url)
      .post('/api/guest/replies')
      .set('x-status-token', token)
      .send({ kind: 'need_help', key: 'perks-browser-help-1', text: 'The room is freezing, the heating does not work' })
      .expect(201);

    const item = console_.locator(`[data-testid="attention-perks"] li[data-party-id="${household.partyId}"]`);
    await item.waitFor();
    await console_.locator(`[data-testid="attention-replies"] li[data-party-id="${household.partyId}"]`).waitFor();
    // The note and receipt come from the list, fetched again once the event announced the perk.
    await item.getByText('birthday dinner, bottle of champagne').waitFor();
    const text = (await item.textContent()) ?? '';
    expect(text).toContain('Bar £150.00');
    expect(text).toContain(household.name);
    expect(text).toMatch(/recorded by .*Reception/i);
    expect(text).toContain('limit £100.00, spent £20.00 before');
    const href = await item.getByRole('link', { name: 'Receipt photo' }).getAttribute('href');
    const photo = await console_.request.get(new URL(href!, server.url).toString());
    expect(photo.status()).toBe(200);
    expect(photo.headers()['content-type']).toMatch(/^image\//);
    expect(Number(await console_.getByTestId('attention-count').textContent())).toBeGreaterThanOrEqual(2);
    await screenshot(console_, 'perks-03-console-attention');

    await item.getByRole('button', { name: 'Approve £150.00' }).click();
    await item.waitFor({ state: 'detached' });
    const pending = (await duty.get(`/api/incidents/${incidentId}/ledger/pending`).expect(200)).body.lines as LedgerLine[];
    expect(pending.some((l) => l.partyId === household.partyId)).toBe(false);

    // Reception hears of it through its hotel's notices: no reload.
    const approved = card().locator('[data-testid="perk-outcome"][data-state="approved"]');
    await approved.waitFor();
    expect(await approved.textContent()).toBe('Approved by a duty manager: Bar £150.00.');
    await card().locator('.perk-list li[data-state="approved"]', { hasText: '£150.00' }).waitFor();
    await screenshot(phone.page, 'perks-04-phone-approved');
  });

  test("the scanner takes the status link a pass's QR holds and opens that household; another hotel's is not found", async () => {
    const { page } = phone;
    await page.goto(`${server.url}/#/`);
    await page.locator('main.reception[data-fresh="true"]').waitFor();
    const link = (await duty.get(`/api/incidents/${incidentId}/status-links/${household.partyId}`).expect(200)).body.url as string;
    await page.getByRole('button', { name: 'Scan a pass' }).click();
    const scanner = page.getByRole('dialog', { name: 'Scan a guest pass' });
    await scanner.getByLabel('Pass code').fill(link);
    await scanner.getByRole('button', { name: 'Find' }).click();
    // The search box takes the pass code the link resolved to (asked of the server), then the card shows.
    const search = page.getByPlaceholder('Surname, unit or pass code');
    await page
      .waitForFunction(
        ([placeholder, code]) => (document.querySelector(`input[placeholder="${placeholder}"]`) as HTMLInputElement | null)?.value === code,
        ['Surname, unit or pass code', household.passCode] as const,
        { timeout: 10_000 },
      )
      .catch(() => undefined);
    expect(await search.inputValue()).toBe(household.passCode);
    await card().getByTestId('perks-box').waitFor();

    const state = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body as {
      parties: { id: string; name: string; hotelId: string | null }[];
    };
    const elsewhere = state.parties.find((p) => p.hotelId && p.hotelId !== hotelId)!;
    const other = (await duty.get(`/api/incidents/${incidentId}/status-links/${elsewhere.id}`).expect(200)).body.url as string;
    await page.getByRole('button', { name: 'Scan a pass' }).click();
    await scanner.getByLabel('Pass code').fill(other);
    await scanner.getByRole('button', { name: 'Find' }).click();
    await page.getByText('That pass is not for a household staying at this hotel.').waitFor();
    expect(await page.content()).not.toContain(elsewhere.name);
  });

  test('with no connection a perk and its receipt photo are kept on the phone and sent once when it is back', async () => {
    await phone.page.reload(); // clears the scanner test's search
    await openCard();
    const laundry = async () =>
      ((await duty.get(`/api/incidents/${incidentId}/ledger?limit=5000`).expect(200)).body.lines as LedgerLine[]).filter(
        (l) => l.partyId === household.partyId && l.category === 'laundry' && l.kind === 'charge',
      );
    await phone.context.setOffline(true);
    try {
      await fillPerk('Laundry', '8.50', 'shirts pressed for the morning');
      await card().locator('input[type="file"]').setInputFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: TINY_PNG });
      await card().locator('form.perk-form').getByRole('button', { name: 'Record perk' }).click();
      await card().getByTestId('perk-saved-offline').waitFor();
      const queued = card().locator('[data-testid="perks-queued"] li[data-state="queued"]');
      await queued.waitFor();
      expect(await queued.textContent()).toContain('Laundry £8.50');
      expect(await queued.textContent()).toContain('with receipt photo');
      await screenshot(phone.page, 'perks-05-phone-offline');
      expect(await laundry()).toEqual([]);
    } finally {
      await phone.context.setOffline(false);
    }
    // Back online: the outbox sends it by itself (photo first), once.
    await card().locator('.perk-list:not(.perk-queued) li', { hasText: '£8.50' }).waitFor();
    await card().locator('[data-testid="perks-queued"]').waitFor({ state: 'detached' });
    const lines = await laundry();
    expect(lines.map((l) => l.amountMinor)).toEqual([850]);
    expect(lines[0]!.receiptPhotoId).toBeTruthy();
    await screenshot(phone.page, 'perks-06-phone-sent');
  });

  test("the console's counters show a night's figures whole at 1280 px: the spend to the penny, what awaits approval, open exceptions", async () => {
    const perks = `${server.url}/api/incidents/${incidentId}/ledger/perks`;
    // Spend in four figures and pence, approved by a duty manager; more waiting; and a guest asking for help.
    const big = await apiAs<{ entryId: string; needsApproval: boolean }>(phone.page, perks, 'POST', {
      partyId: household.partyId,
      category: 'meals',
      amountMinor: 1_234_56,
      note: 'dinner for the coach party',
    });
    expect(big.status).toBe(201);
    expect(big.body.needsApproval).toBe(true);
    await duty.post(`/api/incidents/${incidentId}/ledger/entries/${big.body.entryId}/approve`).send({}).expect(200);
    expect((await apiAs(phone.page, perks, 'POST', { partyId: household.partyId, category: 'laundry', amountMinor: 987_65 })).status).toBe(201);
    const token = (await duty.get(`/api/incidents/${incidentId}/status-links/${household.partyId}`).expect(200)).body.token;
    await request(server.url)
      .post('/api/guest/replies')
      .set('x-status-token', token)
      .send({ kind: 'need_help', key: 'perks-counters-help-1', text: 'We need a cot for the baby' })
      .expect(201);
    const totals = (await duty.get(`/api/incidents/${incidentId}/ledger/summary`).expect(200)).body as { totalMinor: number };
    const money = (minor: number) => new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' }).format(minor / 100);

    const page = desk.page;
    await page.setViewportSize({ width: 1280, height: 720 });
    await openConsole(page, server.url, incidentId);
    await page.locator(`[data-count="spend"][data-value="${money(totals.totalMinor)}"]`).waitFor();
    await page.locator('[data-count="spend"] .stat-note', { hasText: `${money(987_65)} awaiting approval` }).waitFor();
    await page.locator('[data-count="needs-attention"].tone-bad').waitFor();
    const layout = await page.evaluate(() => {
      const counters = [...document.querySelectorAll('.counter')];
      const cut = [...document.querySelectorAll('.counter .stat-value, .counter .stat-label, .counter .stat-note')].filter(
        (e) => e.scrollWidth > e.clientWidth || (!e.classList.contains('stat-value') && e.scrollHeight > e.clientHeight),
      );
      return { rows: new Set(counters.map((e) => Math.round(e.getBoundingClientRect().top))).size, cut: cut.map((e) => e.textContent ?? '') };
    });
    expect(layout).toEqual({ rows: 1, cut: [] });
    await screenshot(page, 'perks-07-console-counters');
  });
});
