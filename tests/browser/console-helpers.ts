/**
 * Helpers for the console browser tests: sign in a session, open the storm incident's console,
 * read counters and map data attributes, and measure the built bundle.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import type { IncidentListItem } from '../../shared/api.js';

export const PASSWORD = 'storm-demo-2026';

export async function signIn(page: Page, baseUrl: string, email: string): Promise<void> {
  await page.context().clearCookies();
  await page.goto(baseUrl);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Incidents' }).waitFor();
}

/** Open the console by its hash route and wait until the map has drawn its markers; returns ms to interactive. */
/** The storm incident's id, as the signed-in page's user lists it. */
export async function stormIncidentId(page: Page, baseUrl: string): Promise<string> {
  const { incidents } = (await (await page.request.get(`${baseUrl}/api/incidents`)).json()) as { incidents: IncidentListItem[] };
  return incidents.find((i) => /storm/i.test(i.name))!.id;
}

export async function openConsole(page: Page, baseUrl: string, incidentId: string): Promise<number> {
  await page.goto('about:blank');
  await page.goto(`${baseUrl}/#/incidents/${incidentId}`);
  await page.locator('[data-testid="incident-map"][data-map-ready="true"]').waitFor();
  await page.locator('.conn[data-connection="online"], .conn[data-connection="caught-up"]').waitFor();
  return page.evaluate(() => {
    const mark = performance.getEntriesByName('console-interactive')[0];
    return Math.round(mark ? mark.startTime : performance.now());
  });
}

/** Where the load time went: each request's duration (ms) during the page load, slowest first. */
export async function loadBreakdown(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const out: Record<string, number> = {};
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    if (nav) out['DOMContentLoaded'] = Math.round(nav.domContentLoadedEventEnd);
    for (const e of performance.getEntriesByType('resource')) {
      const name = new URL(e.name).pathname.replace(/[0-9a-f-]{36}/, ':id').replace(/index-[^.]+/, 'index');
      out[name] = Math.round(e.duration);
    }
    return out;
  });
}

/** A counter's number as shown (e.g. data-count="beds-free"). */
export async function counter(page: Page, key: string): Promise<number> {
  const text = (await page.locator(`[data-count="${key}"] .stat-value`).textContent()) ?? '';
  return Number(text.replace(/[^0-9]/g, ''));
}

export async function mapAttr(page: Page, name: string): Promise<number> {
  return Number(await page.locator('[data-testid="incident-map"]').getAttribute(`data-${name}`));
}

/** Total gzipped size of the built client's JavaScript, in bytes. */
export function gzippedJsBytes(distDir = path.resolve('dist/client/assets')): { files: number; raw: number; gzip: number } {
  const files = readdirSync(distDir).filter((f) => f.endsWith('.js'));
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const buf = readFileSync(path.join(distDir, f));
    raw += buf.length;
    gzip += gzipSync(buf, { level: 9 }).length;
  }
  return { files: files.length, raw, gzip };
}
