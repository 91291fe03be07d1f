/** `#/incidents/<id>/rollcall/<siteId>`: the roll call at a muster point (phone-friendly). */
export function rollCallRouteOf(hash: string): { incidentId: string; siteId: string } | null {
  const m = /^#\/incidents\/([^/?#]+)\/rollcall\/([^/?#]+)\/?$/.exec(hash);
  return m ? { incidentId: decodeURIComponent(m[1]!), siteId: decodeURIComponent(m[2]!) } : null;
}

export function rollCallHref(incidentId: string, siteId: string): string {
  return `#/incidents/${encodeURIComponent(incidentId)}/rollcall/${encodeURIComponent(siteId)}`;
}

/** `#/rollcall/<token>`: a roll call handed to staff by a duty manager (no sign-in). */
export function rollCallTokenOf(hash: string): string | null {
  const m = /^#\/rollcall\/([^/?#]+)\/?$/.exec(hash);
  return m ? decodeURIComponent(m[1]!) : null;
}
