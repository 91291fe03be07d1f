/**
 * A locked file (the stays and trips a re-plan must keep exactly) read against its scenario: every
 * household, hotel, room type, vehicle and place it names must be the scenario's, each household
 * locked once, each trip's times one per stop. A lock the planner cannot keep is refused by field,
 * never dropped in silence.
 */
import type { FieldError } from '../errors.js';
import type { Plan } from '../plan.js';
import type { Scenario } from '../scenario.js';
import { countOf } from '../plural.js';

export function lockedRefErrors(scenario: Scenario, locked: Pick<Plan, 'stays' | 'trips'>): FieldError[] {
  const errors: FieldError[] = [];
  const parties = new Set(scenario.parties.map((p) => p.id));
  const hotels = new Map(scenario.hotels.map((h) => [h.id, new Set(h.roomTypes.map((r) => r.type))]));
  const sites = new Set(scenario.sites.map((s) => s.id));
  const vehicles = new Set(scenario.vehicles.map((v) => v.id));
  const stayed = new Set<string>();
  locked.stays.forEach((s, i) => {
    const at = `stays[${i}]`;
    if (!parties.has(s.partyId)) errors.push({ path: `${at}.partyId`, message: `household ${s.partyId} is not in the scenario` });
    else if (stayed.has(s.partyId)) errors.push({ path: `${at}.partyId`, message: `household ${s.partyId} has more than one locked stay` });
    stayed.add(s.partyId);
    const types = hotels.get(s.hotelId);
    if (!types) return errors.push({ path: `${at}.hotelId`, message: `hotel ${s.hotelId} is not in the scenario` });
    s.rooms.forEach((r, j) => {
      if (!types.has(r.type)) errors.push({ path: `${at}.rooms[${j}].type`, message: `hotel ${s.hotelId} has no room type ${r.type}` });
    });
  });
  const riding = new Set<string>();
  locked.trips.forEach((t, i) => {
    const at = `trips[${i}]`;
    if (!vehicles.has(t.vehicleId)) errors.push({ path: `${at}.vehicleId`, message: `vehicle ${t.vehicleId} is not in the scenario` });
    if (!sites.has(t.fromSiteId)) errors.push({ path: `${at}.fromSiteId`, message: `place ${t.fromSiteId} is not in the scenario` });
    t.stops.forEach((h, j) => {
      if (!hotels.has(h)) errors.push({ path: `${at}.stops[${j}]`, message: `hotel ${h} is not in the scenario` });
    });
    if (t.arrivals.length !== t.stops.length)
      errors.push({
        path: `${at}.arrivals`,
        message: `${countOf(t.arrivals.length, 'arrival time')} for ${countOf(t.stops.length, 'stop')}; give one per stop`,
      });
    t.partyIds.forEach((p, j) => {
      if (!parties.has(p)) errors.push({ path: `${at}.partyIds[${j}]`, message: `household ${p} is not in the scenario` });
      else if (riding.has(p)) errors.push({ path: `${at}.partyIds[${j}]`, message: `household ${p} rides more than one locked trip` });
      riding.add(p);
    });
  });
  return errors;
}
