/**
 * Where a vehicle is at a given incident time, from its trips: waiting at the depot before its
 * first trip, driving (straight-line interpolation) muster point -> stop -> stop, driving empty
 * between trips, parked at its last stop after. Pure, so the map only has to draw.
 */
export interface LatLng {
  lat: number;
  lng: number;
}

/** The trip fields the map needs; both a plan's trips and the state's trips have them. */
export interface TripLike {
  vehicleId: string;
  fromSiteId: string;
  stops: readonly string[];
  departAt: string;
  arrivals: readonly string[];
  status?: string;
}

export type Where = (placeId: string) => LatLng | undefined;

export interface VehicleFix extends LatLng {
  vehicleId: string;
  /** What the vehicle is doing at that time, in words for the tooltip and screen readers. */
  doing: 'at depot' | 'driving' | 'at stop' | 'returning' | 'finished';
  moving: boolean;
}

const lerp = (a: LatLng, b: LatLng, f: number): LatLng => ({ lat: a.lat + (b.lat - a.lat) * f, lng: a.lng + (b.lng - a.lng) * f });
const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);

/** Waypoints of a trip with their times: departure from the muster point, then each stop's arrival. */
export function tripPath(t: TripLike, where: Where): { at: number; pos: LatLng }[] {
  const out: { at: number; pos: LatLng }[] = [];
  const start = where(t.fromSiteId);
  if (start) out.push({ at: Date.parse(t.departAt), pos: start });
  t.stops.forEach((s, i) => {
    const pos = where(s);
    const at = Date.parse(t.arrivals[i] ?? t.arrivals[t.arrivals.length - 1] ?? t.departAt);
    if (pos) out.push({ at, pos });
  });
  return out;
}

function along(path: { at: number; pos: LatLng }[], now: number): LatLng {
  for (let i = 1; i < path.length; i++) {
    const a = path[i - 1]!;
    const b = path[i]!;
    if (now <= b.at) return b.at === a.at ? b.pos : lerp(a.pos, b.pos, clamp01((now - a.at) / (b.at - a.at)));
  }
  return path[path.length - 1]!.pos;
}

/** The position of one vehicle at `now` (ms). `trips` may be unsorted and may include other vehicles'. */
export function vehicleAt(vehicleId: string, depot: LatLng, trips: readonly TripLike[], where: Where, now: number): VehicleFix {
  const mine = trips
    .filter((t) => t.vehicleId === vehicleId && t.status !== 'cancelled')
    .map((t) => ({ t, path: tripPath(t, where) }))
    .filter((x) => x.path.length >= 2)
    .sort((a, b) => a.path[0]!.at - b.path[0]!.at);
  const fix = (pos: LatLng, doing: VehicleFix['doing'], moving: boolean): VehicleFix => ({ vehicleId, ...pos, doing, moving });
  if (mine.length === 0 || now < mine[0]!.path[0]!.at) return fix(depot, 'at depot', false);
  for (let i = 0; i < mine.length; i++) {
    const { path } = mine[i]!;
    const start = path[0]!.at;
    const end = path[path.length - 1]!.at;
    if (now >= start && now <= end) {
      const atStop = path.slice(1).some((w) => w.at === now);
      return fix(along(path, now), atStop ? 'at stop' : 'driving', !atStop);
    }
    const next = mine[i + 1];
    if (next && now > end && now < next.path[0]!.at) {
      const from = path[path.length - 1]!;
      const to = next.path[0]!;
      return fix(along([from, { at: to.at, pos: to.pos }], now), 'returning', true);
    }
  }
  const last = mine[mine.length - 1]!.path;
  return fix(last[last.length - 1]!.pos, 'finished', false);
}

/** The incident-time window the clock slider covers: first departure to last arrival. */
export function tripWindow(trips: readonly TripLike[]): { start: number; end: number } | null {
  let start = Infinity;
  let end = -Infinity;
  for (const t of trips) {
    if (t.status === 'cancelled') continue;
    const d = Date.parse(t.departAt);
    if (Number.isFinite(d)) start = Math.min(start, d);
    for (const a of t.arrivals) {
      const x = Date.parse(a);
      if (Number.isFinite(x)) end = Math.max(end, x);
    }
  }
  return Number.isFinite(start) && Number.isFinite(end) ? { start, end: Math.max(end, start) } : null;
}

/** Polyline points of a trip: muster point, then every stop in order. */
export function tripLine(t: TripLike, where: Where): LatLng[] {
  return [t.fromSiteId, ...t.stops].map(where).filter((p): p is LatLng => p !== undefined);
}
