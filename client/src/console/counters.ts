/**
 * The console's headline counters, computed from one state snapshot. Pure: no DOM, no fetch, so
 * the numbers a duty manager reads at arm's length are unit-tested.
 */
import type { IncidentState } from '../../../shared/api.js';

export interface Counters {
  households: number;
  guests: number;
  /** Guests whose whereabouts are known and safe: arrived, checked in or out, or made their own way. */
  accountedFor: number;
  /** Guests still at a muster point (with or without a plan), including those asking for help. */
  waiting: number;
  /** Guests riding a vehicle now. */
  onTheRoad: number;
  checkedIn: number;
  /** Guests still waiting with no hotel in the plan in force. */
  unplaced: number;
  bedsFree: number;
  /** Guests whose household asked for help: shown beside "waiting". */
  needsHelp: number;
}

const ACCOUNTED = new Set(['arrived', 'checked_in', 'checked_out', 'self_evacuated']);
const WAITING = new Set(['waiting', 'assigned', 'needs_help']);

export function computeCounters(state: Pick<IncidentState, 'parties' | 'hotels'>): Counters {
  const c: Counters = { households: 0, guests: 0, accountedFor: 0, waiting: 0, onTheRoad: 0, checkedIn: 0, unplaced: 0, bedsFree: 0, needsHelp: 0 };
  for (const p of state.parties) {
    c.households++;
    c.guests += p.size;
    if (ACCOUNTED.has(p.status)) c.accountedFor += p.size;
    if (WAITING.has(p.status)) {
      c.waiting += p.size;
      if (!p.hotelId) c.unplaced += p.size;
    }
    // People, under the Waiting tile: those of a household asking for help who are waiting (a member
    // reported missing is counted under Missing, not twice).
    if (p.status === 'needs_help') c.needsHelp += p.guests ? p.guests.filter((g) => g.whereabouts === 'waiting').length : p.size;
    if (p.status === 'on_vehicle') c.onTheRoad += p.size;
    if (p.status === 'checked_in') c.checkedIn += p.size;
  }
  for (const h of state.hotels) c.bedsFree += Math.max(0, h.bedsOffered - h.bedsTaken);
  return c;
}
