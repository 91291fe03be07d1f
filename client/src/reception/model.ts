/**
 * Reception's view model, pure: the server's arrivals with the device's unsent actions laid over
 * them (so a check-in done offline shows at once, marked as waiting), grouped by vehicle, searched.
 */
import type { ArrivalHousehold, HotelArrivals } from '../../../shared/api.js';
import type { CheckInRequest } from '../../../shared/checkin.js';
import type { HotelEta } from '../../../shared/drivers.js';
import type { TripStatus } from '../../../shared/statuses.js';
import type { QueuedAction } from '../offline/queue.js';

export interface Household extends ArrivalHousehold {
  /** An unsent action of this device changed how it shows. */
  pending: boolean;
}

export interface VehicleGroup {
  key: string;
  title: string;
  tripStatus: TripStatus | null;
  eta: HotelEta | null;
  fallbackEta: string | null;
  households: Household[];
}

export function overlay(arrivals: HotelArrivals | null, actions: QueuedAction[]): Household[] {
  if (!arrivals) return [];
  const list: Household[] = arrivals.households.map((h) => ({ ...h, guests: h.guests.map((g) => ({ ...g })), pending: false }));
  const byId = new Map(list.map((h) => [h.partyId, h]));
  for (const a of actions) {
    // A perk waiting to send does not change the household (its card lists it as waiting).
    if (a.state === 'conflict' || !a.partyId || a.kind === 'perk') continue;
    const h = byId.get(a.partyId);
    if (!h) continue;
    h.pending = true;
    if (a.kind === 'checkin') {
      const body = a.body as CheckInRequest;
      const ids = body.guestIds ?? h.guests.map((g) => g.id);
      for (const g of h.guests) if (ids.includes(g.id)) g.checkedIn = true;
      h.status = 'checked_in';
      h.roomNumbers = { ...(h.roomNumbers ?? {}), ...(body.roomNumbers ?? {}) };
    } else if (a.kind === 'no_show') h.status = (a.body as { kind: string }).kind === 'went_elsewhere' ? 'self_evacuated' : 'no_show';
    else if (a.kind === 'checkout') h.status = 'checked_out';
  }
  return list;
}

export type Tab = 'arriving' | 'in_house' | 'closed';

/**
 * The lists a household appears in. Part of a family checked in is in the house AND still
 * arriving: the desk must keep expecting the others ("split: 4 checked in, 2 not arrived").
 */
export function tabsOf(h: Household): Tab[] {
  if (h.status === 'checked_in') return h.guests.some((g) => !g.checkedIn) ? ['arriving', 'in_house'] : ['in_house'];
  if (['checked_out', 'no_show', 'self_evacuated'].includes(h.status)) return ['closed'];
  return ['arriving'];
}

/** Surname, unit or pass code, case-insensitive; a 6-character code also matches exactly. */
export function matches(h: ArrivalHousehold, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return (
    h.name.toLowerCase().includes(q) ||
    h.unit.toLowerCase().includes(q) ||
    h.passCode.toLowerCase() === q ||
    (q.length >= 3 && h.passCode.toLowerCase().includes(q)) ||
    h.guests.some((g) => g.name.toLowerCase().includes(q))
  );
}

export function groupByVehicle(households: Household[], etas: HotelEta[]): VehicleGroup[] {
  const etaByTrip = new Map(etas.map((e) => [e.tripId, e]));
  const groups = new Map<string, VehicleGroup>();
  for (const h of households) {
    // Without a vehicle: those whose stay here ended (no-show, went elsewhere, checked out) under
    // what happened, the rest as still to come on their own or not yet planned.
    const ended = NO_VEHICLE_OUTCOME[h.status];
    const key = h.trip ? h.trip.id : ended ? `none:${h.status}` : 'none';
    let g = groups.get(key);
    if (!g) {
      g = {
        key,
        title: h.trip
          ? `${kindLabel(h.trip.vehicleKind)} ${h.trip.vehicleId}${h.trip.provider ? ` · ${h.trip.provider}` : ''}`
          : (ended ?? 'No vehicle (own way or not yet planned)'),
        tripStatus: h.trip?.status ?? null,
        eta: h.trip ? (etaByTrip.get(h.trip.id) ?? null) : null,
        fallbackEta: h.trip?.eta ?? null,
        households: [],
      };
      groups.set(key, g);
    }
    g.households.push(h);
  }
  const when = (g: VehicleGroup) => g.eta?.eta ?? g.fallbackEta ?? '9999';
  return [...groups.values()].sort((a, b) => when(a).localeCompare(when(b)));
}

/** Headings for households without a vehicle whose stay here has ended. */
const NO_VEHICLE_OUTCOME: Record<string, string | undefined> = {
  no_show: 'Did not arrive (no-show)',
  self_evacuated: 'Went elsewhere / made own way',
  checked_out: 'Checked out',
};

export function kindLabel(kind: string): string {
  return ({ coach: 'Coach', minibus: 'Minibus', taxi: 'Taxi', accessible_taxi: 'Accessible taxi' } as Record<string, string>)[kind] ?? kind;
}

export function needLabel(need: string): string {
  return (
    (
      { wheelchair: '♿ Wheelchair', reduced_mobility: 'Reduced mobility', medical: '✚ Medical', infant: 'Infant', pet: 'Pet', pets: 'Pets' } as Record<
        string,
        string
      >
    )[need] ?? need.replace(/_/g, ' ')
  );
}

/** A time on reception's screens, in the incident's time zone (with the weekday when not today there). */
export function timeOf(iso: string | null, timeZone: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const day = (x: Date) => x.toLocaleDateString('en-GB', { timeZone });
  const today = day(d) === day(new Date());
  return d.toLocaleString(
    'en-GB',
    today ? { hour: '2-digit', minute: '2-digit', timeZone } : { weekday: 'short', hour: '2-digit', minute: '2-digit', timeZone },
  );
}

export function etaText(g: VehicleGroup, timeZone: string): string {
  const e = g.eta;
  if (e?.source === 'arrived') return `arrived ${timeOf(e.eta, timeZone)}`;
  const t = timeOf(e?.eta ?? g.fallbackEta, timeZone);
  if (!e) return `ETA ${t}`;
  const why = { plan: 'as planned', late_departure: 'leaving late', on_the_road: 'on the road', position: 'live position', arrived: '' }[e.source];
  return `ETA ${t} · ${why}`;
}
