/**
 * Real Chromium for browser tests (Debian's package driven by playwright-core). When the browser is
 * missing the tests are skipped with a loud warning, except under CI=true where that is a failure.
 * Pages never touch the network: every request outside the app's own origin is aborted.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.resolve('test-output/screenshots');
export const CLIENT_INDEX = path.resolve('dist/client/index.html');

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** True when a browser is available; otherwise warns (or throws under CI) so the suite can skip. */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const message = `Chromium not found at ${CHROMIUM_PATH} (set CHROMIUM_PATH or apt-get install -y chromium).`;
  if (process.env.CI === 'true') throw new Error(`${message} Browser tests cannot be skipped in CI.`);
  console.warn(
    `\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n!!! SKIPPING BROWSER TESTS: ${message}\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n`,
  );
  return false;
}

/** The built client must exist: the test server serves dist/client and builds nothing. */
export function assertClientBuilt(): void {
  if (!existsSync(CLIENT_INDEX)) throw new Error(`${CLIENT_INDEX} is missing: run \`npm run build:client\` before the browser tests.`);
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/**
 * A fresh persistent profile in a temp dir, one page at 1280x720, confined to `appOrigin`. Given a
 * `profile` dir, that one is used (and kept on close) so a test can reopen the same browser.
 */
export async function openBrowser(appOrigin: string, opts: { profile?: string; timezoneId?: string } = {}): Promise<BrowserSession> {
  const profile = opts.profile ?? mkdtempSync(path.join(tmpdir(), 'relocation-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 720 },
    locale: 'en-GB',
    timezoneId: opts.timezoneId ?? 'Europe/London',
    // The console honours reduced motion (no popup fades or zoom animations): steadier screenshots.
    reducedMotion: 'reduce',
  });
  const origin = new URL(appOrigin).origin;
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    return route.abort('blockedbyclient');
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      if (!opts.profile) rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Save a full-page screenshot to test-output/screenshots/<name>.png and return its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Canvas-drawn markers are not DOM elements: find where a colour appears on the map's canvas
 * (the first blob of matching pixels, scanning from the top) and return its centre in page pixels.
 */
export async function findColourOnCanvas(
  page: Page,
  canvasSelector: string,
  rgb: [number, number, number],
  tolerance = 24,
): Promise<{ x: number; y: number } | null> {
  return page.evaluate(
    ({ canvasSelector, rgb, tolerance }) => {
      const canvas = document.querySelector<HTMLCanvasElement>(canvasSelector);
      const ctx = canvas?.getContext('2d');
      if (!canvas || !ctx) return null;
      const { width, height } = canvas;
      const data = ctx.getImageData(0, 0, width, height).data;
      const near = (i: number) =>
        Math.abs(data[i]! - rgb[0]) <= tolerance && Math.abs(data[i + 1]! - rgb[1]) <= tolerance && Math.abs(data[i + 2]! - rgb[2]) <= tolerance;
      const rect = canvas.getBoundingClientRect();
      const scale = rect.width / width;
      // Only pixels a click can reach: inside the visible map (the canvas overhangs it) and not
      // covered by a label, popup or control.
      const clickable = (x: number, y: number) => document.elementFromPoint(rect.left + x * scale, rect.top + y * scale) === canvas;
      let first: { x: number; y: number } | null = null;
      let sx = 0,
        sy = 0,
        n = 0;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          if (!near((y * width + x) * 4)) continue;
          if (!first) {
            if (!clickable(x, y)) continue;
            first = { x, y };
          }
          if (Math.abs(x - first.x) <= 20 && y - first.y <= 20 && clickable(x, y)) {
            sx += x;
            sy += y;
            n++;
          }
        }
      }
      if (!first || n === 0) return null;
      return { x: rect.left + (sx / n) * scale, y: rect.top + (sy / n) * scale };
    },
    { canvasSelector, rgb, tolerance },
  );
}
