/**
 * Hash routes (`#/incidents/<id>`) keep the console a plain static bundle: the server needs no
 * fallback route, and the back button works.
 */
import { useEffect, useState } from 'react';

export type Route = { page: 'incidents' } | { page: 'incident'; incidentId: string };

export function parseRoute(hash: string): Route {
  const match = /^#\/incidents\/([^/?#]+)/.exec(hash);
  if (match?.[1]) return { page: 'incident', incidentId: decodeURIComponent(match[1]) };
  return { page: 'incidents' };
}

export function hrefFor(route: Route): string {
  return route.page === 'incident' ? `#/incidents/${encodeURIComponent(route.incidentId)}` : '#/';
}

/** The current route, updated on every hash change. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
