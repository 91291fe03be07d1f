/** `#/incidents/<id>/passes` and `#/incidents/<id>/passes/<siteId>`: the guest passes pages. */
export function passesRouteOf(hash: string): { incidentId: string; siteId: string | null } | null {
  const m = /^#\/incidents\/([^/?#]+)\/passes(?:\/([^/?#]+))?\/?$/.exec(hash);
  return m ? { incidentId: decodeURIComponent(m[1]!), siteId: m[2] ? decodeURIComponent(m[2]) : null } : null;
}
