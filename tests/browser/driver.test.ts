/**
 * The driver's phone (390x844, no account: the signed link is the key) in real Chromium: the
 * manifest of the vehicle's trip, households ticked off as they board, departure, arrival at each
 * hotel. A duty manager's socket hears each step live, and so does the console's activity feed.
 * The duty managers' pages for driver links and guest passes are shown on a phone too.
 */
import type { DriverLink, DriverView } from '../../shared/drivers.js';
import type { IncidentState } from '../../shared/api.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { DEMO, signIn, type Agent } from '../helpers/api.js';
import { collect, connect, connected, loginCookie, subscribe, type ClientSocket } from '../helpers/socket.js';
import { assertClientBuilt, browserAvailable, openBrowser, screenshot, type BrowserSession } from './browser.js';
import { PHONE, serveClientOverride, signInAs, smallTargets } from './reception-helpers.js';

const describeBrowser = browserAvailable() ? describe : describe.skip;

describeBrowser('driver on a phone', () => {
  let server: TestServer;
  let browser: BrowserSession;
  let duty: Agent;
  let incidentId: string;
  let links: DriverLink[];
  let socket: ClientSocket;

  beforeAll(async () => {
    assertClientBuilt();
    server = await startTestServer();
    serveClientOverride(server);
    duty = await signIn(server.url, DEMO.duty);
    incidentId = (await duty.get('/api/incidents').expect(200)).body.incidents[0].id;
    const proposal = (await duty.post(`/api/incidents/${incidentId}/plans`).expect(201)).body;
    await duty.post(`/api/incidents/${incidentId}/plans/${proposal.id}/apply`).expect(200);
    links = (await duty.get(`/api/incidents/${incidentId}/drivers`).expect(200)).body.links;
    browser = await openBrowser(server.url);
    await browser.page.setViewportSize(PHONE);
    socket = connect(server.url, { cookie: await loginCookie(server.url, DEMO.duty) });
    await connected(socket);
    expect((await subscribe(socket, incidentId)).ok).toBe(true);
  }, 180_000);

  afterAll(async () => {
    socket?.disconnect();
    await browser?.close();
    await server?.close();
  });

  test('board, depart and arrive from the phone; the duty manager hears each step live', async () => {
    const { page, context } = browser;
    // A vehicle whose current trip carries at least three households and stops at one or two hotels.
    let chosen: { link: DriverLink; view: DriverView } | null = null;
    for (const l of links) {
      if (!l.currentTrip) continue;
      const v: DriverView = (await duty.get(`/api/drive/${l.token}`).expect(200)).body;
      if (v.trip && v.trip.households.length >= 3 && v.trip.households.slice(0, -1).some((h) => h.size >= 2)) {
        chosen = { link: l, view: v };
        break;
      }
    }
    expect(chosen).not.toBeNull();
    const { link, view } = chosen!;
    const trip = view.trip!;
    const live = collect(socket);
    // One member of a household about to board is reported missing by the family: the driver sees
    // who will not be at the door, and counts people, not households.
    const split = trip.households.slice(0, -1).find((h) => h.size >= 2)!;
    const before: IncidentState = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
    const lost = before.parties.find((p) => p.id === split.partyId)!.guests[1]!;
    const statusToken = (await duty.get(`/api/incidents/${incidentId}/status-links/${split.partyId}`).expect(200)).body.token as string;
    await duty
      .post('/api/guest/replies')
      .set('x-status-token', statusToken)
      .send({ kind: 'missing_member', key: 'driver-test-1', guestId: lost.id })
      .expect(201);

    await context.clearCookies();
    await page.goto(`${server.url}${link.path}`);
    await page.locator('main.driver[data-trip-status="planned"]').waitFor();
    expect(await page.locator('article.dr-hh').count()).toBe(trip.households.length);
    expect(await smallTargets(page, 'main.driver')).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // A live night's departure gone by says how late (tests/unit/driver-late.test.ts); this night is
    // replayed weeks later, so its departures are not "886 h late" on the driver's phone.
    expect(Date.parse(trip.departAt)).toBeLessThan(Date.now() - 13 * 60 * 60_000);
    expect(await page.getByTestId('late').count()).toBe(0);
    await screenshot(page, 'driver-01-manifest');

    const aboard = trip.households.slice(0, trip.households.length - 1);
    const missing = trip.households[trip.households.length - 1]!;
    for (const h of aboard) {
      await page.locator(`article.dr-hh[data-party="${h.partyId}"] button.dr-tick`).click();
      await page.locator(`article.dr-hh[data-party="${h.partyId}"][data-boarded="true"]`).waitFor();
    }
    await waitFor(() => live.events.filter((e) => e.type === 'party.boarded').length >= aboard.length);
    expect(await page.locator(`article.dr-hh[data-party="${split.partyId}"] [data-testid="not-riding"]`).textContent()).toBe(
      `Not with them: ${lost.name} (missing)`,
    );
    const people = (hs: typeof trip.households) => hs.reduce((n, h) => n + h.size, 0) - (hs.includes(split) ? 1 : 0);
    // Once the phone has heard back for every tick (until then a tick sent shows from its outbox).
    const onBoard = `On board: ${people(aboard)} of ${people(trip.households)} guests (${aboard.length} of ${trip.households.length} households)`;
    await page
      .waitForFunction((text) => document.querySelector('[data-testid="on-board"]')?.textContent === text, onBoard, { timeout: 15_000 })
      .catch(() => undefined);
    expect(await page.getByTestId('on-board').textContent()).toBe(onBoard);
    await screenshot(page, 'driver-02-boarded');
    await page.getByRole('button', { name: /^Depart with/ }).click();
    await page.getByRole('alertdialog').waitFor();
    await screenshot(page, 'driver-03-confirm-depart');
    await page.getByRole('button', { name: 'Depart anyway' }).click();
    await page.locator('main.driver[data-trip-status="departed"]').waitFor();
    // Gone: no longer late, the time it left instead.
    expect(await page.getByTestId('late').count()).toBe(0);
    const departed = await live.until(aboard.length + 1).then((l) => l.find((e) => e.type === 'trip.departed')!);
    expect(departed.payload.leftBehindPartyIds).toEqual([missing.partyId]);
    const stops = trip.stops.filter((s) => aboard.some((h) => h.hotelId === s.hotelId));
    for (const [i, s] of stops.entries()) {
      await page.getByRole('button', { name: `Arrived at ${s.name}` }).click();
      if (i === stops.length - 2 || stops.length === 1) await screenshot(page, 'driver-04-arrived');
      // Once every stop is reached the trip is complete and the page moves on to the vehicle's next trip.
      await page.waitForFunction(
        ({ tripId, hotelId }) =>
          document.querySelector(`main.driver`)?.getAttribute('data-trip-id') !== tripId ||
          Boolean(document.querySelector(`[data-stop="${hotelId}"][data-arrived="true"] .dr-arrived`)?.textContent?.match(/Arrived \S*\s*\d\d:\d\d/)),
        { tripId: trip.id, hotelId: s.hotelId },
        { timeout: 30_000 },
      );
    }
    await screenshot(page, 'driver-05-after-last-stop');
    const events = await live.until(aboard.length + 1 + stops.length);
    expect(events.filter((e) => e.type === 'trip.arrived').map((e) => e.payload.hotelId)).toEqual(stops.map((s) => s.hotelId));
    const state: IncidentState = (await duty.get(`/api/incidents/${incidentId}/state`).expect(200)).body;
    for (const h of aboard) expect(state.parties.find((p) => p.id === h.partyId)!.status).toBe('arrived');
    expect(state.parties.find((p) => p.id === missing.partyId)!.tripId).toBeNull();
    // The vehicle is taken out of service: the driver's phone says so, and how to go on.
    await duty.patch(`/api/incidents/${incidentId}/vehicles/${link.vehicleId}`).send({ status: 'out_of_service', reason: 'warning light' }).expect(200);
    await page.reload();
    await expect(page.getByTestId('out-of-service').textContent()).resolves.toMatch(/marked out of service: the duty managers know/);
    await screenshot(page, 'driver-05b-out-of-service');
    await duty.patch(`/api/incidents/${incidentId}/vehicles/${link.vehicleId}`).send({ status: 'in_service' }).expect(200);

    // The console, if it shows an activity feed, lists the driver's steps.
    await signInAs(page, server.url, DEMO.duty);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${server.url}/#/incidents/${incidentId}`);
    const feed = page.getByTestId('activity-feed');
    if (
      await feed.waitFor({ state: 'attached', timeout: 15_000 }).then(
        () => true,
        () => false,
      )
    ) {
      const before = await feed.locator('li[data-type="party.boarded"]').count();
      // One more boarding, live, while the console is open.
      const next = links.find((l) => l.vehicleId !== link.vehicleId && l.currentTrip && l.currentTrip.households > 0)!;
      const nv: DriverView = (await duty.get(`/api/drive/${next.token}`).expect(200)).body;
      await duty.post(`/api/drive/${next.token}/boardings`).send({ tripId: nv.trip!.id, partyId: nv.trip!.households[0]!.partyId }).expect(200);
      await waitFor(async () => (await feed.locator('li[data-type="party.boarded"]').count()) > before, 15_000);
      await screenshot(page, 'driver-06-console-activity');
    }
    await page.setViewportSize(PHONE);
  }, 120_000);

  test('duty managers get driver links and printable guest passes on a phone', async () => {
    const { page } = browser;
    await signInAs(page, server.url, DEMO.duty);
    await page.getByRole('heading', { name: 'Incidents' }).waitFor();
    // A duty manager coordinating from another time zone sees departures in the incident's, as the console shows them.
    const listed = (await duty.get(`/api/incidents/${incidentId}/drivers`).expect(200)).body as { links: DriverLink[]; timezone: string };
    expect(listed.timezone).toBe('Europe/London');
    const abroad = await openBrowser(server.url, { timezoneId: 'Asia/Tokyo' });
    try {
      await signInAs(abroad.page, server.url, DEMO.duty);
      await abroad.page.goto(`${server.url}/#/incidents/${incidentId}/drivers`);
      await abroad.page.locator('.dr-links li').first().waitFor();
      const next = listed.links.find((l) => l.currentTrip)!;
      const leaves = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: listed.timezone }).format(
        new Date(next.currentTrip!.departAt),
      );
      const households = next.currentTrip!.households;
      expect(await abroad.page.locator(`.dr-links li[data-vehicle="${next.vehicleId}"]`).textContent()).toContain(
        `Next: leaves ${leaves} with ${households} ${households === 1 ? 'household' : 'households'}`,
      );
    } finally {
      await abroad.close();
    }
    await page.goto(`${server.url}/#/incidents/${incidentId}/drivers`);
    await page.locator('.dr-links li').first().waitFor();
    expect(await page.locator('.dr-links li').count()).toBe(links.length);
    await page.locator('.dr-links li').first().getByRole('button', { name: 'Show QR' }).click();
    await page.locator('.dr-qr').waitFor();
    await screenshot(page, 'driver-07-links');
    const sites = (await duty.get(`/api/incidents/${incidentId}/passes`).expect(200)).body.sites as { id: string; households: number }[];
    await page.goto(`${server.url}/#/incidents/${incidentId}/passes/${sites[0]!.id}`);
    await page.locator(`.pass-grid[data-count="${sites[0]!.households}"]`).waitFor();
    await page.locator('.pass-card').first().waitFor();
    // Each muster point's button says what its number counts.
    expect((await page.locator('.pass-sites a').first().textContent())!.trim()).toMatch(new RegExp(`\\(${sites[0]!.households} households?\\)$`));
    await screenshot(page, 'driver-08-passes');
  }, 60_000);
});

async function waitFor(pred: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
