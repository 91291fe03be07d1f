/**
 * Replay in real Chromium: the badge, the counters and the map follow the replay clock (the past,
 * not today's values), play runs at 60x until it reaches the present, and Back to live is live.
 * Waits on app state (data attributes, text), never on sleeps.
 */
import type { Page } from 'playwright-core';
import type { IncidentState } from '../../shared/api.js';
import { startTestServer } from '../helpers/server.js';
import { assertClientBuilt, browserAvailable, openBrowser, screenshot, type BrowserSession } from './browser.js';
import { counter, openConsole, signIn, stormIncidentId } from './console-helpers.js';

const describeBrowser = browserAvailable() ? describe : describe.skip;

/** Waits until a counter shows `n` (as a person reads it, separators and all). */
async function counterIs(page: Page, key: string, n: number): Promise<void> {
  await page.waitForFunction(
    ([k, want]) => Number((document.querySelector(`[data-count="${k}"] .stat-value`)?.textContent ?? '').replace(/[^0-9]/g, '')) === want,
    [key, n] as const,
  );
}

describeBrowser('console replay', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let one: BrowserSession;
  let incidentId: string;

  beforeAll(async () => {
    assertClientBuilt();
    server = await startTestServer({ seed: 'storm' });
    one = await openBrowser(server.url);
    await signIn(one.page, server.url, 'duty@demo.test');
    incidentId = await stormIncidentId(one.page, server.url);
  }, 180_000); // starting a server and Chromium can be slow on a busy machine

  afterAll(async () => {
    await one?.close();
    await server?.close();
  });

  test('replay shows the past on the badge and counters, plays at 60x to the present, and Back to live is live', async () => {
    const page = one.page;
    const api = (p: string) => `${server.url}/api/incidents/${incidentId}${p}`;
    await openConsole(page, server.url, incidentId);
    const before = (await (await page.request.get(api('/state'))).json()) as IncidentState;
    const waitingBefore = await counter(page, 'waiting');
    const seqBefore = Number(await page.getByTestId('console').getAttribute('data-seq'));
    await page.getByRole('button', { name: 'Start replay' }).waitFor();

    // Two households make their own way: live, fewer are waiting.
    const leaving = before.parties.filter((p) => p.status === 'waiting').slice(0, 2);
    const gone = leaving.reduce((n, p) => n + p.guests.length, 0);
    for (const p of leaving) expect((await page.request.post(api(`/parties/${p.id}/status`), { data: { status: 'self_evacuated' } })).status()).toBe(200);
    await page.locator(`[data-testid="console"][data-seq="${seqBefore + 2}"]`).waitFor();
    await counterIs(page, 'waiting', waitingBefore - gone);
    expect(await page.getByTestId('live-badge').textContent()).toContain('Live');

    // Replay to the step before they left: the counter and badge show the past.
    await page.getByRole('button', { name: 'Start replay' }).click();
    const steps = Number(await page.locator('#replay').getAttribute('max'));
    const stepBefore = steps - 2;
    await page.locator('#replay').fill(String(stepBefore));
    await page.locator(`.console-map[data-replay="${stepBefore}"]`).waitFor();
    await counterIs(page, 'waiting', waitingBefore);
    expect(await page.locator('[data-count="own-way"]').count()).toBe(0);
    const events = (await (await page.request.get(api('/events?after=0&limit=5000'))).json()) as { events: { seq: number; at: string }[] };
    expect(events.events).toHaveLength(steps);
    const hhmm = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: before.incident.timezone }).format(
      new Date(events.events[stepBefore - 1]!.at),
    );
    const badge = page.getByTestId('live-badge');
    expect(await badge.textContent()).toBe(`Replay ${hhmm}`);
    expect(await page.getByTestId('replay-clock').textContent()).toBe(hhmm);
    expect(await page.locator('.counters').getAttribute('data-replaying')).toBe('yes');
    expect(await page.locator('[data-count="spend"] .stat-value').textContent()).toBe('—');
    await screenshot(page, 'console-replay-01-past');

    // Play at 60x: the replay clock runs forward, the step follows, and it stops at the present.
    const clockBefore = Number(await page.getByTestId('replay-clock').getAttribute('data-at'));
    await page.getByRole('button', { name: '60x' }).click();
    expect(await page.getByRole('button', { name: '60x' }).getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('replay-play').click();
    await page.locator(`.console-map[data-replay="${steps}"]`).waitFor();
    await counterIs(page, 'waiting', waitingBefore - gone);
    await page.locator('[data-testid="replay-play"][aria-pressed="false"]').waitFor();
    expect(Number(await page.getByTestId('replay-clock').getAttribute('data-at'))).toBeGreaterThan(clockBefore);
    expect(await badge.textContent()).toMatch(/^Replay \d\d:\d\d$/);
    await screenshot(page, 'console-replay-02-played');

    // Back to live: the badge says Live, and a change made now shows at once.
    await page.getByRole('button', { name: 'Back to live' }).click();
    await page.locator('.console-map[data-replay="off"]').waitFor();
    expect(await badge.textContent()).toContain('Live');
    const next = before.parties.filter((p) => p.status === 'waiting')[2]!;
    expect((await page.request.post(api(`/parties/${next.id}/status`), { data: { status: 'self_evacuated' } })).status()).toBe(200);
    await counterIs(page, 'waiting', waitingBefore - gone - next.guests.length);
    expect(await page.locator('.counters').getAttribute('data-replaying')).toBe('no');
    await screenshot(page, 'console-replay-03-live');
  });
});
