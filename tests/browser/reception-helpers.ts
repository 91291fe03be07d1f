/**
 * Shared by the reception and driver browser tests: a phone viewport, sign-in, the API as a given
 * user, and (optionally) serving a client build other than dist/client through the test server's
 * own HTTP listener (RX_CLIENT_DIST=/path/to/build), so network throttling still applies to it;
 * RX_GZIP=1 gzips what it serves, to measure what compression would buy.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Page } from 'playwright-core';
import type { TestServer } from '../helpers/server.js';

export const PHONE = { width: 390, height: 844 };
export const PASSWORD = 'storm-demo-2026';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
};

export function serveClientOverride(server: TestServer): void {
  const dir = process.env.RX_CLIENT_DIST;
  if (!dir) return;
  const listeners = server.http.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.http.removeAllListeners('request');
  server.http.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method !== 'GET' || url.pathname.startsWith('/api/') || url.pathname.startsWith('/socket.io/')) return listeners.forEach((l) => l(req, res));
    let file = path.join(dir, path.normalize(url.pathname).replace(/^(\.\.[/\\])+/, ''));
    if (!existsSync(file) || statSync(file).isDirectory()) file = path.join(dir, 'index.html');
    const gzip = process.env.RX_GZIP === '1' && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? gzipSync(readFileSync(file)) : readFileSync(file);
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
    res.end(body);
  });
}

export async function signInAs(page: Page, url: string, email: string): Promise<void> {
  await page.context().clearCookies();
  await page.goto(url);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** JSON from the API with the page's own session cookie. */
export async function apiAs<T>(page: Page, url: string, method: 'GET' | 'POST' = 'GET', body?: unknown): Promise<{ status: number; body: T }> {
  const res = method === 'GET' ? await page.request.get(url) : await page.request.post(url, { data: body ?? {}, headers: { origin: new URL(url).origin } });
  return { status: res.status(), body: (await res.json().catch(() => null)) as T };
}

/** Every element that looks tappable is at least 44 px in both directions (WCAG target size). */
export async function smallTargets(page: Page, scope: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>(
      `${sel} button, ${sel} a.button, ${sel} input[type=text], ${sel} input[type=search], ${sel} summary`,
    )) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.height < 43.5 || r.width < 43.5)
        out.push(`${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
    return out;
  }, scope);
}
