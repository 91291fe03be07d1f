/** Hash routes of the drivers' pages (tiny on purpose: the shell imports it without the pages). */

/** `#/drive/<token>` -> the token; the driver's phone needs no account. */
export function driveTokenOf(hash: string): string | null {
  const m = /^#\/drive\/([A-Za-z0-9_.-]{10,400})/.exec(hash);
  return m ? m[1]! : null;
}

/** `#/incidents/<id>/drivers` -> the incident whose driver links a duty manager wants. */
export function driverLinksRouteOf(hash: string): { incidentId: string } | null {
  const m = /^#\/incidents\/([^/?#]+)\/drivers\/?$/.exec(hash);
  return m ? { incidentId: decodeURIComponent(m[1]!) } : null;
}
