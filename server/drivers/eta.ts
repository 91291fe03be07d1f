/**
 * Live arrival estimates for reception, pure: the plan's ETA shifted by a late departure, or, once
 * the vehicle is on the road and its driver shares a position, the road time from where it is
 * through the stops still ahead to this hotel.
 */
import { roadKm, travelMinutes, type LatLng } from '../../shared/geo.js';
import type { Policy } from '../../shared/scenario.js';
import type { EtaSource } from '../../shared/statuses.js';

export interface EtaInput {
  now: Date;
  status: string;
  departAt: Date;
  departedAt: Date | null;
  plannedEta: string | null;
  arrivedAt: string | null;
  /** The vehicle's last reported position. */
  position: (LatLng & { at: Date }) | null;
  /** Stops not yet reached, in order, ending with this hotel. */
  ahead: LatLng[];
  policy: Pick<Policy, 'roadFactor' | 'speedKmh'>;
}

export type { EtaSource };

/** A position older than this says nothing about where the vehicle is now. */
export const POSITION_FRESH_MS = 10 * 60_000;

/** The plan's ETA moved by when the vehicle really left (early or late): its legs as planned. */
export function fromDeparture(plannedEta: string, departAt: Date, departedAt: Date): string {
  return new Date(departedAt.getTime() + Date.parse(plannedEta) - departAt.getTime()).toISOString();
}

export function liveEta(i: EtaInput): { eta: string | null; source: EtaSource } {
  if (i.arrivedAt) return { eta: i.arrivedAt, source: 'arrived' };
  if (!i.plannedEta) return { eta: null, source: 'plan' };
  if (i.status === 'departed' || i.status === 'completed') {
    const p = i.position;
    if (p && i.ahead.length && i.now.getTime() - p.at.getTime() <= POSITION_FRESH_MS && (!i.departedAt || p.at >= i.departedAt)) {
      let km = 0;
      let from: LatLng = p;
      for (const stop of i.ahead) {
        km += roadKm(from, stop, i.policy);
        from = stop;
      }
      return { eta: new Date(i.now.getTime() + travelMinutes(km, i.policy) * 60_000).toISOString(), source: 'position' };
    }
    return { eta: fromDeparture(i.plannedEta, i.departAt, i.departedAt ?? i.departAt), source: 'on_the_road' };
  }
  const late = Math.max(0, i.now.getTime() - i.departAt.getTime());
  if (late > 60_000) return { eta: new Date(Date.parse(i.plannedEta) + late).toISOString(), source: 'late_departure' };
  return { eta: i.plannedEta, source: 'plan' };
}
