/**
 * Only host names this server is meant to be reached by: this machine's own (localhost, 127.x,
 * ::1), PUBLIC_URL's, ALLOWED_ORIGINS' and a HOST bound to a named address. A page on another site
 * whose name an attacker re-points at 127.0.0.1 (DNS rebinding) is then "same origin" to the
 * browser, and our same-origin checks compare Origin with Host; refusing the unknown Host is what
 * stops it from signing in and reading the night's guests. Requests without a Host (HTTP/1.0
 * tools) are not from a browser and pass.
 */
import type { RequestHandler } from 'express';
import { isLoopback, type Config } from '../config.js';
import { AppError } from './errors.js';

/** The name part of a Host header: "[::1]:3000" -> "::1", "Example.org:8080" -> "example.org". */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  const colon = h.lastIndexOf(':');
  return colon >= 0 && h.indexOf(':') === colon ? h.slice(0, colon) : h;
}

export function hostAllowed(config: Pick<Config, 'HOST' | 'PUBLIC_URL' | 'ALLOWED_ORIGINS'>): (host: string | undefined) => boolean {
  const names = new Set<string>();
  for (const url of [config.PUBLIC_URL ?? '', ...config.ALLOWED_ORIGINS.split(',')].map((u) => u.trim()).filter(Boolean)) {
    try {
      names.add(hostName(new URL(url).host));
    } catch {
      // Not a URL: the config check reports it; it names no host.
    }
  }
  if (!['0.0.0.0', '::', ''].includes(config.HOST.trim())) names.add(hostName(config.HOST));
  return (host) => host === undefined || isLoopback(hostName(host)) || names.has(hostName(host));
}

export function hostCheck(config: Pick<Config, 'HOST' | 'PUBLIC_URL' | 'ALLOWED_ORIGINS'>): RequestHandler {
  const allowed = hostAllowed(config);
  return (req, _res, next) => {
    if (!allowed(req.headers.host)) throw new AppError('forbidden', 'This server does not answer to that host name. Open it by the address you were given.');
    next();
  };
}
