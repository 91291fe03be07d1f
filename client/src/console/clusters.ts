/**
 * Households on the map: few households at a muster point are drawn one by one in a small ring
 * around it; many become one cluster bubble with the count. Keeps 10,000 guests drawable. Pure.
 */
import type { LatLng } from './trips.js';
import { countOf } from '../../../shared/plural.js';

export interface HouseholdDot extends LatLng {
  id: string;
  /** 'party:<id>' for a single household, 'cluster:<siteId>' for a bubble. */
  kind: 'party' | 'cluster';
  count: number;
  guests: number;
  label: string;
  needsHelp: boolean;
}

export interface WaitingParty {
  id: string;
  name: string;
  siteId: string;
  size: number;
  status: string;
  /** Its people: those still waiting are the ones drawn (a household split at check-in still has someone there). */
  guests?: readonly { whereabouts: string }[];
}

/** How many of the household wait at its place: person by person when its people are known. */
function waitingOf(p: WaitingParty): number {
  if (p.guests) return p.guests.filter((g) => g.whereabouts === 'waiting').length;
  return p.status === 'waiting' || p.status === 'assigned' || p.status === 'needs_help' ? p.size : 0;
}

/** Ring radius in degrees of latitude (~60 m), wide enough to separate dots at street zoom. */
const RING = 0.00055;

export function clusterHouseholds(parties: readonly WaitingParty[], where: (siteId: string) => LatLng | undefined, maxSingles = 12): HouseholdDot[] {
  const bySite = new Map<string, (WaitingParty & { here: number })[]>();
  for (const p of parties) {
    const here = waitingOf(p);
    if (!here) continue;
    const list = bySite.get(p.siteId);
    if (list) list.push({ ...p, here });
    else bySite.set(p.siteId, [{ ...p, here }]);
  }
  const out: HouseholdDot[] = [];
  for (const [siteId, list] of bySite) {
    const at = where(siteId);
    if (!at) continue;
    const guests = list.reduce((n, p) => n + p.here, 0);
    const help = list.some((p) => p.status === 'needs_help');
    if (list.length > maxSingles) {
      out.push({
        id: `cluster:${siteId}`,
        kind: 'cluster',
        count: list.length,
        guests,
        lat: at.lat,
        lng: at.lng,
        label: `${countOf(list.length, 'household')} (${countOf(guests, 'guest')}) waiting`,
        needsHelp: help,
      });
      continue;
    }
    const stretch = 1 / Math.cos((at.lat * Math.PI) / 180);
    list.forEach((p, i) => {
      const a = (2 * Math.PI * i) / list.length;
      out.push({
        id: `party:${p.id}`,
        kind: 'party',
        count: 1,
        guests: p.here,
        lat: at.lat + RING * Math.sin(a),
        lng: at.lng + RING * stretch * Math.cos(a),
        label: `${p.name}: ${p.here}${p.here < p.size ? ` of ${p.size}` : ''} waiting${p.status === 'needs_help' ? ', needs help' : ''}`,
        needsHelp: p.status === 'needs_help',
      });
    });
  }
  return out;
}
