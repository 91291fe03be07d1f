/**
 * Every text the map shows comes from imported data, so a scenario whose names are HTML must be
 * shown literally: a muster point, depot, hotel, household and guest each named with an
 * `<img onerror>`, a `<meta http-equiv=refresh>` and a `<b>`, imported and planned (trip lines),
 * then every tooltip, permanent label and popup on the map is brought up. Nothing may navigate, no
 * script may run, no element may be made from a name, and the page must raise no content security
 * policy violation (the policy allows no inline scripts or styles: a parsed `onerror` is reported).
 */
import { smallScenario } from '../../seed/small.js';
import type { ScenarioInput } from '../../shared/scenario.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { assertClientBuilt, browserAvailable, openBrowser, screenshot, type BrowserSession } from './browser.js';
import { openConsole, signIn } from './console-helpers.js';

const describeBrowser = browserAvailable() ? describe : describe.skip;

/** A name that is also HTML: runs script, navigates, or shows bold if it is ever parsed. */
const hostile = (tag: string) => `${tag} <img src=x onerror=__pwned=1><meta http-equiv=refresh content=0;url=about:blank><b>bold</b>`;

function hostileScenario(): ScenarioInput {
  const s = smallScenario();
  s.incident.name = 'Hostile names';
  for (const site of s.sites) site.name = hostile(`site-${site.id}`);
  for (const h of s.hotels ?? []) h.name = hostile(`hotel-${h.id}`);
  for (const p of s.parties ?? []) {
    p.name = hostile(`party-${p.id}`);
    for (const g of p.guests) g.name = hostile(`guest-${g.id}`);
  }
  return s;
}

describeBrowser('hostile names on the map', () => {
  let server: TestServer;
  let browser: BrowserSession;
  let incidentId: string;

  beforeAll(async () => {
    assertClientBuilt();
    server = await startTestServer();
    browser = await openBrowser(server.url);
    await signIn(browser.page, server.url, 'duty@demo.test');
    const api = browser.page.request;
    const imported = await api.post(`${server.url}/api/incidents/import`, { data: hostileScenario() });
    expect(imported.status()).toBe(201);
    incidentId = ((await imported.json()) as { incidentId: string }).incidentId;
    const proposal = await api.post(`${server.url}/api/incidents/${incidentId}/plans`);
    expect(proposal.status()).toBe(201);
    const applied = await api.post(`${server.url}/api/incidents/${incidentId}/plans/${((await proposal.json()) as { id: string }).id}/apply`);
    expect(applied.status()).toBe(200);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('every label, tooltip and popup shows the name as text: no script, no navigation, no element made from a name', async () => {
    const { page } = browser;
    await page.addInitScript(() => {
      const w = window as unknown as { __violations: string[]; __tooltips: { text: string; parsed: boolean }[] };
      w.__violations = [];
      w.__tooltips = [];
      document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(`${e.violatedDirective}: ${e.blockedURI} ${e.sample}`));
      new MutationObserver((records) => {
        for (const r of records)
          for (const n of r.addedNodes) {
            if (!(n instanceof HTMLElement)) continue;
            for (const el of [n, ...n.querySelectorAll<HTMLElement>('.leaflet-tooltip, .leaflet-popup')]) {
              if (!el.matches('.leaflet-tooltip, .leaflet-popup')) continue;
              w.__tooltips.push({ text: el.textContent ?? '', parsed: el.querySelector('img, meta, script, b, iframe') !== null });
            }
          }
      }).observe(document, { childList: true, subtree: true });
    });
    const navigations: string[] = [];
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) navigations.push(f.url());
    });
    await openConsole(page, server.url, incidentId);
    const consoleUrl = page.url();
    navigations.length = 0;

    // Permanent labels (muster points) are in the page as soon as the map is drawn.
    const musterLabel = page.locator('.map-label-muster').first();
    await musterLabel.waitFor();
    expect(await musterLabel.textContent()).toContain('site-muster-clubhouse <img src=x onerror=__pwned=1>');
    expect(await musterLabel.textContent()).toContain('<meta http-equiv=refresh');

    // Point at everything drawn on the map's canvas, as a pointer would, so every marker, trip
    // line and dot opens its tooltip; the observer records each tooltip as it is added. Leaflet
    // reads hover at most every 32 ms, so each point waits for the next frame after that.
    const sweep = () =>
      page.evaluate(async () => {
        const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="incident-map"] canvas')!;
        const box = canvas.closest('[data-testid="incident-map"]')!.getBoundingClientRect();
        const r = canvas.getBoundingClientRect();
        const scale = r.width / canvas.width;
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        const cells = new Map<string, [number, number, number]>();
        for (let y = 0; y < canvas.height; y++)
          for (let x = 0; x < canvas.width; x++) {
            const alpha = pixels[(y * canvas.width + x) * 4 + 3]!;
            if (alpha < 100) continue;
            const cx = r.left + x * scale;
            const cy = r.top + y * scale;
            if (cx < box.left || cx > box.right || cy < box.top || cy > box.bottom) continue;
            const key = `${Math.floor(cx / 10)}:${Math.floor(cy / 10)}`;
            if ((cells.get(key)?.[2] ?? -1) < alpha) cells.set(key, [cx, cy, alpha]);
          }
        const frame = () => new Promise<void>((ok) => setTimeout(ok, 40));
        for (const [x, y] of cells.values()) {
          canvas.dispatchEvent(new MouseEvent('mousemove', { clientX: x, clientY: y, bubbles: true }));
          await frame();
        }
        return cells.size;
      });
    expect(await sweep()).toBeGreaterThan(10);
    // Households wait in a small ring around their muster point: zoom in on one (a wheel over the
    // centre of its circle, found by its outline colour) until the ring opens up.
    await page.evaluate(async () => {
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="incident-map"] canvas')!;
      const box = canvas.closest('[data-testid="incident-map"]')!.getBoundingClientRect();
      const r = canvas.getBoundingClientRect();
      const scale = r.width / canvas.width;
      const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      const [R, G, B] = [0x1d, 0x4e, 0xd8]; // muster outline
      // Every outline pixel in view; the muster point is where most of them are (one drawn whole,
      // not one cut by the map's edge).
      const points: [number, number][] = [];
      for (let y = 0; y < canvas.height; y++)
        for (let x = 0; x < canvas.width; x++) {
          const i = (y * canvas.width + x) * 4;
          if (Math.abs(px[i]! - R) > 30 || Math.abs(px[i + 1]! - G) > 30 || Math.abs(px[i + 2]! - B) > 30) continue;
          const cx = r.left + x * scale;
          const cy = r.top + y * scale;
          if (cx < box.left || cx > box.right || cy < box.top || cy > box.bottom) continue;
          points.push([cx, cy]);
        }
      if (!points.length) throw new Error('no muster point drawn on the map');
      const cellOf = ([x, y]: [number, number]) => `${Math.floor(x / 40)}:${Math.floor(y / 40)}`;
      const counts = new Map<string, number>();
      for (const pt of points) counts.set(cellOf(pt), (counts.get(cellOf(pt)) ?? 0) + 1);
      const busiest = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
      const first = points.find((pt) => cellOf(pt) === busiest)!;
      let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
      for (const [cx, cy] of points) {
        if (Math.abs(cx - first[0]) > 60 || Math.abs(cy - first[1]) > 60) continue;
        [x0, y0, x1, y1] = [Math.min(x0, cx), Math.min(y0, cy), Math.max(x1, cx), Math.max(y1, cy)];
      }
      const at = { clientX: (x0 + x1) / 2, clientY: (y0 + y1) / 2, bubbles: true };
      // About six zoom levels (Leaflet takes at most ~4 per gesture): street level, where the
      // ring (~60 m across) fits the map whatever its height.
      for (const deltaY of [-2000, -300]) {
        canvas.dispatchEvent(new WheelEvent('wheel', { ...at, deltaY, deltaMode: 0 }));
        await new Promise((ok) => setTimeout(ok, 300));
      }
    });
    await page.waitForTimeout(300); // let the last zoom redraw the canvas
    await screenshot(page, 'map-hostile-names-zoomed');
    expect(await sweep()).toBeGreaterThan(3);
    // The details popup of every hotel, opened from the Hotels panel as a keyboard user would.
    await page.keyboard.press('2');
    const hotels = page.locator('[data-place-id^="hotel:"]');
    await hotels.first().waitFor();
    for (let i = 0; i < (await hotels.count()); i++) {
      await hotels.nth(i).click();
      await page
        .locator('.leaflet-popup .map-details')
        .filter({ hasText: `hotel-H${i + 1} <img src=x` })
        .waitFor();
    }
    await screenshot(page, 'map-hostile-names');

    const seen = await page.evaluate(() => (window as unknown as { __tooltips: { text: string; parsed: boolean }[] }).__tooltips);
    const texts = seen.map((t) => t.text).join('\n');
    // Each kind of text was shown, literally: muster points, hotels, households waiting, trips.
    expect(texts).toMatch(/site-muster-clubhouse <img src=x onerror=/);
    expect(texts).toMatch(/hotel-H\d <img src=x onerror=/);
    expect(texts).toMatch(/party-P\d\d <img src=x onerror=/);
    expect(texts).toMatch(/vehicle V\d: site-/);
    expect(texts).toMatch(/<b>bold<\/b>/);
    expect(seen.filter((t) => t.parsed)).toEqual([]);
    expect(await page.locator('#root img[src="x"], body meta, #root b:text("bold")').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
    expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
    // Still on the console: a refresh would have replaced the page (and the observer's records).
    expect(navigations.filter((u) => u !== consoleUrl)).toEqual([]);
    expect(page.url()).toBe(consoleUrl);
  });
});
