/**
 * The live map of the console: places (muster points, hotels filling, depots), planned trips as
 * lines, vehicles moving along them at the clock's incident time, and waiting households (one dot
 * each, or a ring when crowded). In replay, `state` is the incident rolled back to the replay clock
 * (lines, dots, labels follow it), vehicles stand where they were then, and hotel fill shows check-ins
 * folded from the event log at that step.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { IncidentState } from '../../../shared/api.js';
import { STALE_MS } from '../../../shared/live-shelter.js';
import type { PlanView } from '../../../shared/api.js';
import { mapConfig } from '../config.js';
import { createIncidentMap, type IncidentMapHandle } from '../map/leaflet-adapter.js';
import { buildMarkers, type MarkerSpec } from '../map/markers.js';
import { householdDots, tripLines, vehicleDots } from '../map/overlays.js';
import { MapLegend } from '../map/MapLegend.js';
import { clusterHouseholds } from '../console/clusters.js';
import type { EventLog } from '../console/event-log.js';
import { plural } from '../format.js';
import type { Lookup } from '../console/lookup.js';
import { foldEvents, type ReplayFrame } from '../console/replay.js';
import { tripWindow, vehicleAt, type TripLike } from '../console/trips.js';
import { TimeBar } from './TimeBar.js';
import type { Replay } from './useReplay.js';

interface Props {
  state: IncidentState;
  log: EventLog;
  lookup: Lookup;
  proposal: PlanView | null;
  onSelect: (id: string) => void;
  /** A place chosen in a panel: its details open on the map too. */
  focusId: string | null;
  replay: Replay;
}

/**
 * The markers of `state`; in replay, hotels offered after the replay step are left out and each
 * hotel's fill is its check-ins at that step.
 */
function markersAt(state: IncidentState, frame: ReplayFrame | null, events: EventLog['events'], lookup: Lookup): MarkerSpec[] {
  const all = buildMarkers(state);
  if (!frame) return all;
  const offeredLater = new Set(events.filter((e) => e.type === 'hotel.offered').map((e) => e.payload.hotelId));
  return all
    .filter((m) => m.kind !== 'hotel' || !offeredLater.has(m.id.slice(6)) || frame.hotels.get(m.id.slice(6))?.offeredAtStep)
    .map((m) => {
      if (m.kind !== 'hotel') return m;
      const h = lookup.hotel(m.id.slice(6));
      const guests = frame.hotels.get(m.id.slice(6))?.checkedInGuests ?? 0;
      const beds = h?.bedsOffered ?? 0;
      return {
        ...m,
        fillRatio: beds ? Math.min(1, guests / beds) : 0,
        stat: `${guests}/${beds} checked in`,
        tooltip: `${h?.name ?? ''}: ${guests} of ${plural(beds, 'bed')} checked in at this step`,
      };
    });
}

/** Now, kept within the clock slider's range around the trips. */
const nowWithin = (span: { start: number; end: number }) => Math.min(Math.max(Date.now(), span.start - 15 * 60_000), span.end + 15 * 60_000);

export function ConsoleMap({ state, log, lookup, proposal, onSelect, focusId, replay }: Props) {
  const containerRef = useRef<HTMLDivElement>(null);
  const selectRef = useRef(onSelect);
  selectRef.current = onSelect;
  const [clock, setClock] = useState<number | null>(null);
  const replayStep = replay.pos?.step ?? null;
  const replayAt = replay.pos?.at ?? null;
  const [showKey, setShowKey] = useState(false);
  // Esc closes the map key first (and only the key): caught before the console's own Esc, which closes panels.
  useEffect(() => {
    if (!showKey) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.stopImmediatePropagation();
      setShowKey(false);
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, [showKey]);

  const liveTrips: TripLike[] = useMemo(() => state.trips.filter((t) => t.status !== 'cancelled'), [state.trips]);
  const previewTrips: TripLike[] = useMemo(() => (replayStep === null ? (proposal?.plan.trips ?? []) : []), [proposal, replayStep]);
  const movingTrips = liveTrips.length > 0 ? liveTrips : previewTrips;
  const span = useMemo(() => tripWindow(movingTrips), [movingTrips]);
  // On a live night (started less than STALE_MS ago) the clock is now, and follows now until a
  // manager moves it; a night replayed or rehearsed starts at the plan's first departure, so
  // vehicles are visibly on their way.
  const liveNight = Date.now() - Date.parse(state.incident.startedAt) < STALE_MS;
  const [following, setFollowing] = useState(true);
  useEffect(() => {
    if (span && (clock === null || clock < span.start - 3_600_000 || clock > span.end + 3_600_000)) setClock(liveNight ? nowWithin(span) : span.start);
  }, [span, clock, liveNight]);
  useEffect(() => {
    if (!span || !liveNight || !following) return;
    const id = setInterval(() => setClock(nowWithin(span)), 30_000);
    return () => clearInterval(id);
  }, [span, liveNight, following]);
  const onClock = useCallback((t: number) => {
    setFollowing(false);
    setClock(t);
  }, []);

  const frame = useMemo(() => (replayStep === null ? null : foldEvents(log.events, replayStep, lookup.sizeOf)), [replayStep, log.events, lookup]);

  // The map is made after the console's first frame: Leaflet measures its container, which before
  // that frame would lay out the whole page inside the task that mounted it (decision 0017).
  const [map, setMap] = useState<IncidentMapHandle | null>(null);
  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    let made: IncidentMapHandle | null = null;
    let afterFrame: ReturnType<typeof setTimeout> | undefined;
    const make = () => {
      if (made) return;
      made = createIncidentMap(container, { tileUrl: mapConfig.tileUrl, attribution: mapConfig.attribution, onSelect: (id) => selectRef.current(id) });
      setMap(made);
    };
    const drawn = requestAnimationFrame(() => (afterFrame = setTimeout(make, 0)));
    // A page that is not being drawn (a tab in the background) gets its map all the same.
    const anyway = setTimeout(make, 250);
    return () => {
      cancelAnimationFrame(drawn);
      clearTimeout(afterFrame);
      clearTimeout(anyway);
      made?.destroy();
      setMap(null);
    };
  }, []);

  // Each layer is handed over as a function: the map builds it in its own slices, not in this task.
  // Live, the markers follow the state alone (not every event of the log).
  const replayEvents = frame ? log.events : null;
  useEffect(() => map?.setMarkers(() => markersAt(state, frame, replayEvents ?? [], lookup)), [map, state, frame, replayEvents, lookup]);
  useEffect(() => {
    if (focusId) map?.openDetails(focusId);
  }, [map, focusId]);

  useEffect(() => {
    map?.setTrips(() => [
      ...tripLines(liveTrips, lookup.where, lookup.name, false),
      ...(liveTrips.length === 0 ? tripLines(previewTrips, lookup.where, lookup.name, true) : []),
    ]);
  }, [map, liveTrips, previewTrips, lookup]);

  useEffect(() => {
    map?.setDots('households', () => householdDots(clusterHouseholds(state.parties, lookup.where)));
  }, [map, state.parties, lookup]);

  // Each vehicle's own trips, once per change (not a scan of every trip per vehicle per clock tick).
  const tripsOf = useMemo(() => {
    const out = new Map<string, TripLike[]>();
    for (const t of movingTrips) {
      const mine = out.get(t.vehicleId);
      if (mine) mine.push(t);
      else out.set(t.vehicleId, [t]);
    }
    return out;
  }, [movingTrips]);
  useEffect(() => {
    const now = replayAt ?? clock ?? Date.now();
    map?.setDots('vehicles', () =>
      vehicleDots(
        state.vehicles.map((v) =>
          vehicleAt(v.id, lookup.where(v.depotSiteId) ?? { lat: v.lat ?? 0, lng: v.lng ?? 0 }, tripsOf.get(v.id) ?? [], lookup.where, now),
        ),
        state.vehicles,
      ),
    );
  }, [map, clock, replayAt, state.vehicles, tripsOf, lookup]);

  const bedsTaken = state.hotels.reduce((n, h) => n + h.bedsTaken, 0);
  return (
    <section className="console-map" aria-labelledby="map-title" data-beds-taken={bedsTaken} data-replay={replayStep === null ? 'off' : String(replayStep)}>
      <h2 id="map-title" className="visually-hidden">
        Live map
      </h2>
      <div className="map-frame">
        <div
          ref={containerRef}
          className="incident-map"
          role="region"
          aria-label="Map of muster points, hotels, vehicles and trips; the panels list the same things"
          data-testid="incident-map"
        />
        <div className="map-tools">
          <button type="button" className="secondary" onClick={() => map?.fitToMarkers()}>
            Show everything
          </button>
          <button type="button" className="secondary" aria-expanded={showKey} onClick={() => setShowKey((k) => !k)}>
            Key
          </button>
        </div>
        {showKey ? (
          <div className="map-key-pop" data-testid="map-key">
            <MapLegend />
          </div>
        ) : null}
        {frame ? (
          <p className="replay-flag" role="status">
            Replay: step {frame.step} of {log.events.length} — plans applied {frame.plansApplied}, housed {frame.housed}; hotel fill shows check-ins at that
            moment
          </p>
        ) : null}
      </div>
      <TimeBar
        span={span}
        clock={clock}
        onClock={onClock}
        log={log}
        replay={replay}
        timeZone={state.incident.timezone}
        previewing={liveTrips.length === 0 && previewTrips.length > 0}
      />
    </section>
  );
}
