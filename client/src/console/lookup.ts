/** Fast lookups over one state snapshot: names for ids, and where each place is. Pure. */
import type { IncidentState } from '../../../shared/api.js';
import type { LatLng } from './trips.js';

export interface Lookup {
  party(id: string): IncidentState['parties'][number] | undefined;
  hotel(id: string | null | undefined): IncidentState['hotels'][number] | undefined;
  vehicle(id: string): IncidentState['vehicles'][number] | undefined;
  site(id: string): IncidentState['sites'][number] | undefined;
  /** Display name for any id: household, hotel, site or vehicle. */
  name(id: string | null | undefined): string;
  /** Position of a site or hotel. */
  where(id: string): LatLng | undefined;
  sizeOf(partyId: string): number;
  /** The incident's time zone: every time on the console is shown in it, whatever the laptop's. */
  timeZone: string;
}

export function buildLookup(state: IncidentState): Lookup {
  const parties = new Map(state.parties.map((p) => [p.id, p]));
  const hotels = new Map(state.hotels.map((h) => [h.id, h]));
  const vehicles = new Map(state.vehicles.map((v) => [v.id, v]));
  const sites = new Map(state.sites.map((s) => [s.id, s]));
  return {
    party: (id) => parties.get(id),
    hotel: (id) => (id ? hotels.get(id) : undefined),
    vehicle: (id) => vehicles.get(id),
    site: (id) => sites.get(id),
    name(id) {
      if (!id) return 'nowhere';
      return parties.get(id)?.name ?? hotels.get(id)?.name ?? sites.get(id)?.name ?? (vehicles.has(id) ? `vehicle ${id}` : id);
    },
    where(id) {
      const p = sites.get(id) ?? hotels.get(id);
      return p ? { lat: p.lat, lng: p.lng } : undefined;
    },
    sizeOf: (id) => parties.get(id)?.size ?? 0,
    timeZone: state.incident.timezone,
  };
}
