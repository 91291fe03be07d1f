/**
 * Reception on a phone (390x844) in real Chromium against the real app: a whole household and part
 * of one checked in with room numbers; five households checked in with the network cut, replayed
 * once each when it returns (the event log proves it), and a household re-routed meanwhile shown
 * as a conflict; another hotel's guests are neither shown nor reachable; load time on "Fast 3G".
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { HotelArrivals, IncidentState } from '../../shared/api.js';
import type { LiveEvent } from '../../shared/realtime.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import { assertClientBuilt, browserAvailable, openBrowser, screenshot, type BrowserSession } from './browser.js';
import { apiAs, PHONE, serveClientOverride, signInAs, smallTargets } from './reception-helpers.js';
import { countOf } from '../../shared/plural.js';

const describeBrowser = browserAvailable() ? describe : describe.skip;

describeBrowser('reception on a phone', () => {
  let server: TestServer;
  let browser: BrowserSession;
  let duty: Agent;
  let incidentId: string;
  let hotelId: string;
  const used = new Set<string>();

  const arrivalsUrl = (h = hotelId) => `${server.url}/api/incidents/${incidentId}/hotels/${h}/arrivals`;
  const card = (partyId: string) => browser.page.locator(`article.household[data-party="${partyId}"]`);
  async function arrivals(): Promise<HotelArrivals> {
    const r = await apiAs<HotelArrivals>(browser.page, arrivalsUrl());
    return r.body;
  }
  async function pick(pred: (h: HotelArrivals['households'][number]) => boolean, n = 1) {
    const list = (await arrivals()).households.filter((h) => !used.has(h.partyId) && h.status === 'assigned' && pred(h)).slice(0, n);
    if (list.length < n) throw new Error(`only ${list.length} suitable households left`);
    list.forEach((h) => used.add(h.partyId));
    return list;
  }
  /**
   * Wait for `selector`; if it never shows, say why: what the card, the outbox and the server show
   * (a refetch that never came and an action refused or never sent look alike from outside).
   */
  async function waitFor(selector: string, partyId: string) {
    try {
      await browser.page.locator(selector).waitFor();
    } catch (err) {
      const { page } = browser;
      const cardText = await card(partyId)
        .first()
        .textContent({ timeout: 1000 })
        .catch(() => '(no card)');
      const outbox = await page
        .locator('section.outbox')
        .evaluate((e) => (e as HTMLElement).innerText, null, { timeout: 1000 })
        .catch(() => '(no outbox)');
      const row = (await arrivals()).households.find((x) => x.partyId === partyId);
      throw new Error(
        `${(err as Error).message}\ncard: ${cardText}\noutbox: ${outbox}\nserver: ${JSON.stringify({ status: row?.status, guests: row?.guests.map((g) => g.checkedIn) })}`,
      );
    }
  }
  async function openReception() {
    await browser.page.goto(`${server.url}/#/`);
    await browser.page.locator('main.reception[data-fresh="true"]').waitFor();
  }
  async function openArriving(partyId: string) {
    const { page } = browser;
    await page.getByRole('tab', { name: /Arriving/ }).click();
    const c = card(partyId);
    await c.scrollIntoViewIfNeeded();
    await c.locator('.household-head').click();
    await c.locator('form.checkin-form').waitFor();
    return c;
  }

  beforeAll(async () => {
    assertClientBuilt();
    server = await startTestServer();
    serveClientOverride(server);
    duty = await signIn(server.url, DEMO.duty);
    incidentId = (await duty.get('/api/incidents').expect(200)).body.incidents[0].id;
    const proposal = (await duty.post(`/api/incidents/${incidentId}/plans`).expect(201)).body;
    await duty.post(`/api/incidents/${incidentId}/plans/${proposal.id}/apply`).expect(200);
    browser = await openBrowser(server.url);
    await browser.page.setViewportSize(PHONE);
    await signInAs(browser.page, server.url, DEMO.reception);
    await browser.page.locator('main.reception[data-ready="true"]').waitFor();
    hotelId = (await apiAs<{ user: { hotelId: string } }>(browser.page, `${server.url}/api/auth/me`)).body.user.hotelId;
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('arrivals are grouped by vehicle with ETA, notes and needs, on thumb-sized targets', async () => {
    const { page } = browser;
    await openReception();
    const data = await arrivals();
    const groups = page.locator('section.rx-group');
    expect(await groups.count()).toBeGreaterThan(0);
    expect(await groups.first().locator('.eta').textContent()).toMatch(/ETA \d\d:\d\d/);
    const shown = await page.locator('article.household').evaluateAll((els) => els.map((e) => e.getAttribute('data-party')));
    expect(shown.sort()).toEqual(
      data.households
        .filter((h) => !['checked_in', 'checked_out', 'no_show', 'self_evacuated'].includes(h.status))
        .map((h) => h.partyId)
        .sort(),
    );
    const withNotes = data.households.find((h) => h.notes);
    if (withNotes) expect(await card(withNotes.partyId).locator('.hh-notes').textContent()).toContain(withNotes.notes);
    const withNeeds = data.households.find((h) => h.needs.length || h.guests.some((g) => g.needs.length));
    if (withNeeds) expect(await card(withNeeds.partyId).locator('.need').count()).toBeGreaterThan(0);
    // Perk caps in the incident's currency (the storm's hotel has an open bar up to £30 a guest a night).
    expect(data.currency).toBe('GBP');
    await page.locator('details.rx-perks summary').click();
    expect(await page.locator('details.rx-perks').textContent()).toContain('up to £30.00 per guest per night');
    expect(await smallTargets(page, 'main.reception')).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'reception-01-arrivals');
  });

  test('search by pass code finds the household; a whole household is checked in with room numbers', async () => {
    const { page } = browser;
    await openReception();
    const [h] = await pick((x) => x.guests.length >= 2 && x.rooms.length >= 1);
    await page.getByPlaceholder('Surname, unit or pass code').fill(h!.passCode.toLowerCase());
    expect(await page.locator('article.household').count()).toBe(1);
    await card(h!.partyId).locator('.household-head').click();
    const c = card(h!.partyId);
    const inputs = c.locator('.room-field input');
    const n = await inputs.count();
    for (let i = 0; i < n; i++) await inputs.nth(i).fill(String(201 + i));
    expect(await smallTargets(page, 'main.reception')).toEqual([]);
    await screenshot(page, 'reception-02-checkin-form');
    await c.getByRole('button', { name: /Check in everyone/ }).click();
    await page.locator(`article.household[data-party="${h!.partyId}"][data-status="checked_in"][data-pending="false"]`).waitFor();
    const row = (await arrivals()).households.find((x) => x.partyId === h!.partyId)!;
    expect(row.status).toBe('checked_in');
    expect(row.guests.every((g) => g.checkedIn)).toBe(true);
    // Every number typed is kept; by room type, whose order in the stored object is not the form's.
    expect(
      Object.values(row.roomNumbers ?? {})
        .flat()
        .sort(),
    ).toEqual(Array.from({ length: n }, (_, i) => String(201 + i)));
    await page.getByPlaceholder('Surname, unit or pass code').fill('');
    await page.getByRole('tab', { name: /In house/ }).click();
    await card(h!.partyId).waitFor();
    await screenshot(page, 'reception-03-in-house');
  });

  test("a room number already given is refused on the household's own card, opened where the phone shows it, with what was typed kept", async () => {
    const { page } = browser;
    await openReception();
    const [first, second] = await pick((x) => x.rooms.length >= 1, 2);
    // The desk's other phone gave room 777 to the first household.
    const other = await signIn(server.url, DEMO.reception);
    await other
      .post(`/api/incidents/${incidentId}/hotels/${hotelId}/arrivals/checkins`)
      .send({ partyId: first!.partyId, roomNumbers: { [first!.rooms[0]!.type]: ['777'] } })
      .expect(200);
    const c = await openArriving(second!.partyId);
    await c.locator('.room-field input').first().fill('777');
    await c.getByRole('button', { name: /Check in everyone/ }).click();
    const refused = c.getByTestId('hh-refused');
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(/Not done: Check in .*Room 777 is already given to /);
    // The card is open again, in view, its form as it was sent.
    expect(await c.locator('.room-field input').first().inputValue()).toBe('777');
    const box = (await refused.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(PHONE.height);
    await screenshot(page, 'reception-03b-room-refused');
    await c.locator('.room-field input').first().fill('778');
    await refused.getByRole('button', { name: 'Understood' }).click();
    await refused.waitFor({ state: 'detached' });
    await c.getByRole('button', { name: /Check in everyone/ }).click();
    await page.getByRole('tab', { name: /In house/ }).click();
    await waitFor(`article.household[data-party="${second!.partyId}"][data-status="checked_in"][data-pending="false"]`, second!.partyId);
    const row = (await arrivals()).households.find((x) => x.partyId === second!.partyId)!;
    expect(Object.values(row.roomNumbers ?? {}).flat()).toContain('778');
  });

  test('part of a household is checked in, the rest later', async () => {
    const { page } = browser;
    await openReception();
    const [h] = await pick((x) => x.guests.length >= 2);
    const c = await openArriving(h!.partyId);
    const late = h!.guests[h!.guests.length - 1]!;
    await c.locator('label.tick', { hasText: late.name }).locator('input').uncheck();
    await c.getByRole('button', { name: `Check in ${h!.guests.length - 1} of ${h!.guests.length}` }).click();
    // Checked in households move to the "In house" list.
    await page.getByRole('tab', { name: /In house/ }).click();
    await waitFor(`article.household[data-party="${h!.partyId}"][data-status="checked_in"][data-pending="false"]`, h!.partyId);
    let row = (await arrivals()).households.find((x) => x.partyId === h!.partyId)!;
    expect(
      row.guests
        .filter((g) => g.checkedIn)
        .map((g) => g.id)
        .sort(),
    ).toEqual(
      h!.guests
        .filter((g) => g.id !== late.id)
        .map((g) => g.id)
        .sort(),
    );
    expect(await card(h!.partyId).locator('.hh-status').textContent()).toContain(`(${h!.guests.length - 1} of ${h!.guests.length})`);
    // The header counts people as well as households, both ways: who is still to come and who is in.
    const all = (await arrivals()).households;
    const still = all.filter((x) => !['checked_out', 'no_show', 'self_evacuated'].includes(x.status) && x.guests.some((g) => !g.checkedIn));
    const coming = still.reduce(
      (n, x) => n + x.guests.filter((g) => !g.checkedIn && !['missing', 'own_way', 'no_show', 'checked_out'].includes(g.whereabouts ?? 'waiting')).length,
      0,
    );
    const inHouse = all.filter((x) => x.status === 'checked_in');
    const guestsIn = inHouse.reduce((n, x) => n + x.guests.filter((g) => g.checkedIn).length, 0);
    const partly = inHouse.filter((x) => x.guests.some((g) => !g.checkedIn)).length;
    expect(partly).toBeGreaterThanOrEqual(1);
    expect(((await page.locator('.rx-sub').textContent()) ?? '').trim()).toBe(
      `${countOf(still.length, 'household')} arriving (${countOf(coming, 'guest')}; ${partly} partly in) · ${countOf(inHouse.length, 'household')} in (${countOf(guestsIn, 'guest')})`,
    );
    await card(h!.partyId).locator('.household-head').click();
    await screenshot(page, 'reception-04-partial');
    await card(h!.partyId).getByRole('button', { name: 'Check in the rest (1)' }).click();
    await waitFor(`article.household[data-party="${h!.partyId}"][data-pending="false"] .hh-status:not(:has-text(" of "))`, h!.partyId);
    row = (await arrivals()).households.find((x) => x.partyId === h!.partyId)!;
    expect(row.guests.every((g) => g.checkedIn)).toBe(true);
  });

  test('offline: five check-ins kept on the phone, sent once each on reconnect; a re-routed household is a conflict', async () => {
    const { page, context } = browser;
    await openReception();
    const five = await pick(() => true, 5);
    const [rerouted] = await pick(() => true, 1);
    const seqBefore = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body.seq as number;
    await context.setOffline(true);
    try {
      await page.locator('.conn[data-online="false"]').waitFor();
      let n = 0;
      for (const h of [...five, rerouted!]) {
        const c = await openArriving(h.partyId);
        await c.getByRole('button', { name: /Check in everyone/ }).click();
        await page.locator(`.conn[data-pending="${++n}"]`).waitFor();
        await page.getByRole('tab', { name: /In house/ }).click();
        await page.locator(`article.household[data-party="${h.partyId}"][data-pending="true"][data-status="checked_in"]`).waitFor();
      }
      await page.locator('.conn[data-pending="6"]').waitFor();
      await page.getByRole('tab', { name: /In house/ }).click();
      await screenshot(page, 'reception-05-offline-pending');
      // Reloaded with no connection: the same list from the device, signed in as before, the six still waiting.
      await page.reload();
      await page.locator('main.reception[data-ready="true"]').waitFor();
      await page.locator('.conn[data-pending="6"]').waitFor();
      await screenshot(page, 'reception-05b-offline-reloaded');
      // Meanwhile the duty manager's side: that household went elsewhere (recorded at the hotel's desk by another device).
      const other = await signIn(server.url, DEMO.reception);
      await other
        .post(`/api/incidents/${incidentId}/hotels/${hotelId}/arrivals/no-shows`)
        .send({ partyId: rerouted!.partyId, kind: 'went_elsewhere' })
        .expect(200);
      // Nothing reached the server while offline.
      for (const h of five)
        expect((await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body.parties.find((p: { id: string }) => p.id === h.partyId).status).not.toBe(
          'checked_in',
        );
    } finally {
      await context.setOffline(false);
    }
    await page.locator('.conn[data-online="true"][data-pending="0"]').waitFor({ timeout: 30_000 });
    const conflict = page.locator(`.conflict[data-conflict="${rerouted!.partyId}"]`);
    await conflict.waitFor();
    expect(await conflict.textContent()).toMatch(/not expected|re-routed|does not apply|self evacuated/i);
    await screenshot(page, 'reception-06-back-online-conflict');

    const state: IncidentState = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
    for (const h of five) expect(state.parties.find((p) => p.id === h.partyId)!.status).toBe('checked_in');
    expect(state.parties.find((p) => p.id === rerouted!.partyId)!.status).toBe('self_evacuated');
    const events: LiveEvent[] = (await duty.get(`/api/incidents/${incidentId}/events?after=${seqBefore}&limit=5000`).expect(200)).body.events;
    const checkins = events.filter((e) => e.type === 'guest.checked_in');
    expect(checkins.map((e) => e.payload.partyId).sort()).toEqual(five.map((h) => h.partyId).sort());
    // Replay order is the order the actions were taken.
    expect(checkins.map((e) => e.payload.partyId)).toEqual(five.map((h) => h.partyId));
    await conflict.getByRole('button', { name: 'Understood' }).click();
    await conflict.waitFor({ state: 'detached' });
  }, 120_000);

  test("another hotel's guests are neither shown nor reachable", async () => {
    const { page } = browser;
    await openReception();
    const state: IncidentState = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
    const foreign = state.parties.filter((p) => p.hotelId && p.hotelId !== hotelId);
    const otherHotel = state.hotels.find((h) => h.id !== hotelId)!.id;
    expect(foreign.length).toBeGreaterThan(0);
    const shown = new Set(await page.locator('article.household').evaluateAll((els) => els.map((e) => e.getAttribute('data-party'))));
    for (const p of foreign) expect(shown.has(p.id)).toBe(false);
    await page.getByPlaceholder('Surname, unit or pass code').fill(foreign[0]!.passCode);
    // The list narrows as the search is typed: wait for it before counting.
    await page.locator('article.household').first().waitFor({ state: 'detached' });
    expect(await page.locator('article.household').count()).toBe(0);
    expect((await apiAs(page, arrivalsUrl(otherHotel))).status).toBe(404);
    expect((await apiAs(page, `${server.url}/api/incidents/${incidentId}/hotels/${otherHotel}/etas`)).status).toBe(404);
    expect((await apiAs(page, `${arrivalsUrl(otherHotel)}/checkins`, 'POST', { partyId: foreign[0]!.id })).status).toBe(404);
    expect((await apiAs(page, `${arrivalsUrl()}/checkins`, 'POST', { partyId: foreign[0]!.id })).status).toBe(404);
    expect((await apiAs(page, `${server.url}/api/incidents/${incidentId}/passes`)).status).toBe(403);
    expect((await apiAs(page, `${server.url}/api/incidents/${incidentId}/drivers`)).status).toBe(403);
    expect(state.parties.find((p) => p.id === foreign[0]!.id)!.status).not.toBe('checked_in');
  });

  test('load time on a throttled "Fast 3G" phone (measured, not asserted)', async () => {
    const { page, context } = browser;
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 150,
      downloadThroughput: (1.6 * 1024 * 1024) / 8,
      uploadThroughput: (750 * 1024) / 8,
    });
    const firstHousehold = 'article.household .household-head';
    /** Load the page; ms from navigation start (the page's own clock) to the list being usable. */
    const visit = async (ready: string) => {
      await page.goto('about:blank');
      await page.goto(`${server.url}/#/`, { waitUntil: 'commit' });
      await page.locator(`main.reception[${ready}="true"] ${firstHousehold}`).first().waitFor({ timeout: 60_000 });
      return page.evaluate(() => {
        const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
        const res = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
        const end = (re: RegExp) => Math.round(res.find((r) => re.test(r.name))?.responseEnd ?? -1);
        return {
          usableMs: Math.round(performance.now()),
          domContentLoaded: n ? Math.round(n.domContentLoadedEventEnd) : null,
          mainJsDone: end(/\/assets\/index-.*\.js$/),
          sessionDone: end(/\/api\/auth\/me$/),
          pageChunkDone: end(/ReceptionPage-.*\.js$/),
          arrivalsDone: end(/\/arrivals$/),
          jsBytes: res.filter((r) => r.name.endsWith('.js')).map((r) => `${r.name.split('/').pop()}:${r.encodedBodySize}`),
        };
      });
    };
    await page.evaluate(() => localStorage.clear());
    const first = await visit('data-fresh');
    const repeat = await visit('data-ready');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
    mkdirSync('test-output', { recursive: true });
    writeFileSync('test-output/reception-fast3g.json', JSON.stringify({ firstVisit: first, repeatVisitFromDeviceCopy: repeat }, null, 2));
    console.log(
      `reception on Fast 3G: first visit usable at ${first.usableMs} ms, repeat visit (list kept on the device) at ${repeat.usableMs} ms; ${JSON.stringify(first)}`,
    );
    expect(first.usableMs).toBeGreaterThan(0);
  }, 90_000);
});
