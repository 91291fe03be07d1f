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
}

/** Ring radius in degrees of latitude (~60 m), wide enough to separate dots at street zoom. */
const RING = 0.00055;

export function clusterHouseholds(parties: readonly WaitingParty[], where: (siteId: string) => LatLng | undefined, maxSingles = 12): HouseholdDot[] {
  const bySite = new Map<string, WaitingParty[]>();
  for (const p of parties) {
    if (p.status !== 'waiting' && p.status !== 'assigned' && p.status !== 'needs_help') continue;
    const list = bySite.get(p.siteId);
    if (list) list.push(p);
    else bySite.set(p.siteId, [p]);
  }
  const out: HouseholdDot[] = [];
  for (const [siteId, list] of bySite) {
    const at = where(siteId);
    if (!at) continue;
    const guests = list.reduce((n, p) => n + p.size, 0);
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
        guests: p.size,
        lat: at.lat + RING * Math.sin(a),
        lng: at.lng + RING * stretch * Math.cos(a),
        label: `${p.name}: ${p.size} waiting${p.status === 'needs_help' ? ', needs help' : ''}`,
        needsHelp: p.status === 'needs_help',
      });
    });
  }
  return out;
}
