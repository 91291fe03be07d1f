/**
 * "Everyone in bed by", live, in real Chromium: a plan is applied, then the vehicle carrying the
 * most guests breaks down. The console's header shows the projected last arrival slipping against
 * the plan as applied and offers a transport re-plan with its gain; applying it from the header
 * brings everyone back on a vehicle. Waits on app state, never on sleeps.
 */
import type { IncidentState, PlanView } from '../../shared/api.js';
import { startTestServer } from '../helpers/server.js';
import { assertClientBuilt, browserAvailable, openBrowser, screenshot, type BrowserSession } from './browser.js';
import { openConsole, signIn, stormIncidentId } from './console-helpers.js';

const describeBrowser = browserAvailable() ? describe : describe.skip;

describeBrowser('everyone sheltered by, live', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let one: BrowserSession;
  let incidentId: string;

  beforeAll(async () => {
    assertClientBuilt();
    server = await startTestServer({ seed: 'storm' });
    one = await openBrowser(server.url);
    await signIn(one.page, server.url, 'duty@demo.test');
    incidentId = await stormIncidentId(one.page, server.url);
  }, 180_000);

  afterAll(async () => {
    await one?.close();
    await server?.close();
  });

  /** A write from the page itself (same origin, the session's cookie). */
  const send = <T>(method: string, path: string, body: unknown): Promise<T> =>
    one.page.evaluate(
      async ([m, p, b]) => {
        const r = await fetch(p as string, { method: m as string, headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
        if (!r.ok) throw new Error(`${m} ${p}: ${r.status} ${await r.text()}`);
        return r.json();
      },
      [method, `/api/incidents/${incidentId}${path}`, body] as const,
    ) as Promise<T>;
  const state = async () => (await (await one.page.request.get(`${server.url}/api/incidents/${incidentId}/state`)).json()) as IncidentState;

  test('a breakdown after apply: the header shows the slip and a transport re-plan with its gain', async () => {
    const page = one.page;
    await openConsole(page, server.url, incidentId);
    const proposal = await send<PlanView>('POST', '/plans', {});
    await send('POST', `/plans/${proposal.id}/apply`, {});
    const headline = page.getByTestId('shelter-headline');
    await headline.filter({ hasText: /Everyone in bed by \d\d:\d\d · vulnerable by \d\d:\d\d/ }).waitFor();
    expect(await page.getByTestId('shelter-slip').count()).toBe(0);
    expect(await page.getByTestId('shelter-bar').getAttribute('data-advised')).toBe('false');

    // The vehicle carrying most guests breaks down before it leaves.
    const s = await state();
    const size = new Map(s.parties.map((p) => [p.id, p.size]));
    const load = new Map<string, number>();
    for (const t of s.trips) load.set(t.vehicleId, (load.get(t.vehicleId) ?? 0) + t.partyIds.reduce((n, id) => n + size.get(id)!, 0));
    const [vehicleId] = [...load].sort((a, b) => b[1] - a[1])[0]!;
    await send('PATCH', `/vehicles/${vehicleId}`, { status: 'out_of_service', reason: 'gearbox' });

    await page.locator('[data-testid="shelter-bar"][data-advised="true"]').waitFor();
    const after = (await state()).shelter!;
    console.log(
      `shelter after the breakdown of ${vehicleId}: ${JSON.stringify({ planned: after.planned, last: after.lastArrivalAt, vulnerable: after.vulnerableLastArrivalAt, slip: after.slipMinutes, vulnerableSlip: after.vulnerableSlipMinutes, stranded: after.strandedGuests })}`,
    );
    expect(after.slipMinutes!).toBeGreaterThan(0);
    await page
      .getByTestId('shelter-slip')
      .filter({ hasText: `slipped ${after.slipMinutes} min` })
      .waitFor();
    expect(await page.getByTestId('shelter-bar').textContent()).toContain(`${after.strandedGuests} guests without a vehicle · ${vehicleId} out of service`);
    const gain = page.getByTestId('replan-gain');
    await gain.waitFor({ timeout: 60_000 });
    const text = (await gain.textContent())!;
    console.log(`offer: ${text}`);
    expect(text).toMatch(/^re-plan: last arrival \d\d:\d\d (instead of \d\d:\d\d|, unchanged)/);
    // And what it costs in phone calls: those already booked who would get another vehicle or time.
    expect(await page.getByTestId('replan-changes').textContent()).toMatch(
      /^ ?\(((1 household gets|\d+ households get) a new vehicle or time|nobody already booked changes vehicle)\)$/,
    );
    await screenshot(page, 'shelter-01-slipped-with-offer');

    await page.getByRole('button', { name: 'Apply re-plan' }).click();
    await page.locator('[data-testid="shelter-bar"][data-advised="false"]').waitFor({ timeout: 30_000 });
    const done = (await state()).shelter!;
    expect(done.strandedGuests).toBe(0);
    expect(await page.getByTestId('shelter-slip').count()).toBe(0);
    expect(await headline.textContent()).toContain('Everyone in bed by');
    await screenshot(page, 'shelter-02-replanned');
  }, 240_000);
});
