/**
 * Specs for what moves or changes often on the map (trip lines, vehicles, household dots), built
 * from pure console logic. No Leaflet here: the adapter draws them.
 */
import type { IncidentState } from '../../../shared/api.js';
import type { HouseholdDot } from '../console/clusters.js';
import { tripLine, type TripLike, type VehicleFix, type Where } from '../console/trips.js';
import { humanize } from '../format.js';
import { MARKER_STYLES, type MarkerShape } from './marker-styles.js';

export interface TripLineSpec {
  id: string;
  selectId: string;
  points: { lat: number; lng: number }[];
  label: string;
  colour: string;
  dashed: boolean;
}

export interface OverlayDot {
  id: string;
  lat: number;
  lng: number;
  radius: number;
  shape: MarkerShape;
  stroke: string;
  fill: string;
  hollow?: boolean;
  dashed?: boolean;
  label: string;
}

/** Lines for trips that are not cancelled; `proposal` draws them dashed. */
export function tripLines(trips: readonly TripLike[], where: Where, names: (id: string) => string, proposal: boolean): TripLineSpec[] {
  return trips
    .filter((t) => t.status !== 'cancelled')
    .map((t, i) => ({
      id: `trip:${i}:${t.vehicleId}`,
      selectId: `vehicle:${t.vehicleId}`,
      points: tripLine(t, where),
      label: `${proposal ? 'Proposed: ' : ''}vehicle ${t.vehicleId}: ${[t.fromSiteId, ...t.stops].map(names).join(' → ')}`,
      colour: proposal ? '#7c3aed' : '#6b21a8',
      dashed: proposal,
    }));
}

/** Vehicles away from their depot (driving, at a stop, finished); those at the depot are in its triangle. */
export function vehicleDots(fixes: readonly VehicleFix[], vehicles: IncidentState['vehicles']): OverlayDot[] {
  const byId = new Map(vehicles.map((v) => [v.id, v]));
  const style = MARKER_STYLES.vehicle;
  return fixes
    .filter((f) => f.doing !== 'at depot')
    .map((f) => {
      const v = byId.get(f.vehicleId);
      const broken = v?.status === 'out_of_service';
      return {
        id: `vehicle:${f.vehicleId}`,
        lat: f.lat,
        lng: f.lng,
        radius: f.moving ? 7 : 5,
        shape: 'circle' as const,
        stroke: broken ? '#b91c1c' : style.stroke,
        fill: style.fill,
        hollow: !f.moving,
        dashed: broken,
        label: `${v ? humanize(v.kind) : 'Vehicle'} ${f.vehicleId}: ${f.doing}${broken ? ' (out of service)' : ''}`,
      };
    });
}

/** Waiting households: single dots in a ring, or a dashed ring around a crowded muster point. */
export function householdDots(list: readonly HouseholdDot[]): OverlayDot[] {
  return list.map((d) => ({
    id: d.id,
    lat: d.lat,
    lng: d.lng,
    radius: d.kind === 'cluster' ? 34 : d.needsHelp ? 6 : 4,
    shape: d.needsHelp && d.kind === 'party' ? ('diamond' as const) : ('circle' as const),
    stroke: d.needsHelp ? '#b91c1c' : '#92400e',
    fill: '#fde68a',
    hollow: d.kind === 'cluster',
    dashed: d.kind === 'cluster',
    label: d.label,
  }));
}
