/**
 * The only module that imports Leaflet. It draws marker specs (see markers.ts) as shaped markers
 * on one canvas renderer, shows details in popups, and reports what it drew as data attributes on
 * the container (data-marker-count, data-marker-<kind>, data-map-ready) so tests can wait on state.
 * Swapping the map library means rewriting this file only.
 */
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import type { MarkerSpec } from './markers.js';
import { detailsElement } from './details-element.js';
import type { OverlayDot, TripLineSpec } from './overlays.js';
import { countByKind } from './markers.js';
import { MARKER_STYLES } from './marker-styles.js';
import { slicedJobs } from './sliced-jobs.js';

export interface MapOptions {
  /** Tile URL template; null draws no tiles (the container's plain background shows through). */
  tileUrl: string | null;
  attribution: string;
  /** Called with the id of whatever was clicked (marker, trip line, vehicle, household dot). */
  onSelect?: (id: string) => void;
}

/**
 * What a layer is set to: the list, or a function that builds it. A function is called inside the
 * layer's sliced job (in a later task when this one's slice is spent), so building thousands of
 * specs does not add to the task that asked for them (decision 0017, "the map builds in slices").
 */
export type Layer<T> = readonly T[] | (() => readonly T[]);

function listOf<T>(layer: Layer<T>): readonly T[] {
  return typeof layer === 'function' ? layer() : layer;
}

export interface IncidentMapHandle {
  /** Replace every marker. The first call with markers fits the view to them. */
  setMarkers(markers: Layer<MarkerSpec>): void;
  /** Open the details popup of one marker (used by the keyboard-friendly place list). */
  openDetails(id: string): void;
  fitToMarkers(): void;
  /** Planned trips as lines (muster point through its stops); proposals are drawn dashed. */
  setTrips(lines: Layer<TripLineSpec>): void;
  /** Moving things (vehicles, households): existing dots are moved in place, not rebuilt. */
  setDots(layer: 'vehicles' | 'households', dots: Layer<OverlayDot>): void;
  destroy(): void;
}

/** Shape options carried by each marker into the canvas renderer. */
interface ShapeOptions extends L.CircleMarkerOptions {
  shape: 'circle' | 'square' | 'triangle' | 'diamond';
  fillRatio?: number;
}

/** Leaflet internals the shaped renderer relies on (stable through Leaflet 1.x). */
interface CanvasInternals {
  _drawing: boolean;
  _ctx: CanvasRenderingContext2D;
  _fillStroke(ctx: CanvasRenderingContext2D, layer: unknown): void;
  _updateCircle(layer: unknown): void;
}
interface LayerInternals {
  _point: L.Point;
  _radius: number;
  _empty(): boolean;
  options: ShapeOptions;
}

/**
 * Leaflet inserts a string given to bindTooltip / bindPopup / setTooltipContent as HTML. Every
 * label here comes from imported or typed data (a muster point, a hotel, a household name, a
 * vehicle id), so it is always handed over as a text node inside an element, never as a string:
 * `<img onerror>` or `<meta http-equiv=refresh>` in a name is shown literally, never parsed.
 */
function textContent(text: string): HTMLElement {
  const span = document.createElement('span');
  span.textContent = text;
  return span;
}

const baseUpdateCircle = (L.Canvas.prototype as unknown as CanvasInternals)._updateCircle;

/** A canvas renderer that draws circle markers as circles, squares, triangles or diamonds. */
const ShapedCanvas = L.Canvas.extend({
  _updateCircle(this: CanvasInternals, layer: LayerInternals) {
    const { shape, fillRatio } = layer.options;
    if (shape === 'circle') return baseUpdateCircle.call(this, layer);
    if (!this._drawing || layer._empty()) return;
    const ctx = this._ctx;
    const { x, y } = layer._point;
    const r = Math.max(Math.round(layer._radius), 2);
    const outline = () => {
      ctx.beginPath();
      if (shape === 'square') ctx.rect(x - r, y - r, 2 * r, 2 * r);
      else if (shape === 'triangle') {
        ctx.moveTo(x, y - r * 1.2);
        ctx.lineTo(x + r * 1.1, y + r * 0.8);
        ctx.lineTo(x - r * 1.1, y + r * 0.8);
        ctx.closePath();
      } else {
        ctx.moveTo(x, y - r * 1.25);
        ctx.lineTo(x + r, y);
        ctx.lineTo(x, y + r * 1.25);
        ctx.lineTo(x - r, y);
        ctx.closePath();
      }
    };
    outline();
    this._fillStroke(ctx, layer);
    if (shape === 'square' && fillRatio !== undefined && fillRatio > 0) {
      const h = 2 * r * fillRatio;
      ctx.beginPath();
      ctx.rect(x - r, y + r - h, 2 * r, h);
      ctx.globalAlpha = 1;
      ctx.fillStyle = layer.options.color ?? '#000';
      ctx.fill();
      outline();
      ctx.stroke();
    }
  },
}) as unknown as new (options?: L.RendererOptions) => L.Canvas;

/** Mount a map into `container`. Call destroy() when the container goes away. */
export function createIncidentMap(container: HTMLElement, options: MapOptions): IncidentMapHandle {
  const jobs = slicedJobs();
  jobs.begin();
  const calm = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
  const map = L.map(container, {
    preferCanvas: true,
    minZoom: 3,
    maxZoom: 18,
    fadeAnimation: !calm,
    zoomAnimation: !calm,
    markerZoomAnimation: !calm,
  });
  const renderer = new ShapedCanvas({ padding: 0.5 });
  const tripLayer = L.layerGroup().addTo(map);
  const householdLayer = L.layerGroup().addTo(map);
  const layer = L.layerGroup().addTo(map);
  const vehicleLayer = L.layerGroup().addTo(map);
  const byId = new Map<string, L.CircleMarker>();
  /** What each marker was drawn from (its spec as JSON), to redraw only the ones that changed. */
  const drawn = new Map<string, string>();
  /** Trip lines drawn, by what they were drawn from (JSON; equal lines share a key). */
  let tripLines = new Map<string, L.Polyline[]>();
  const dotLayers = { vehicles: vehicleLayer, households: householdLayer };
  const dots = { vehicles: new Map<string, L.CircleMarker>(), households: new Map<string, L.CircleMarker>() };
  const select = (id: string) => options.onSelect?.(id);
  let fitted = false;

  const resize = new ResizeObserver(() => map.invalidateSize());
  resize.observe(container);

  const bounds = (): L.LatLngBounds | null => {
    const points = [...byId.values()].map((m) => m.getLatLng());
    return points.length > 0 ? L.latLngBounds(points) : null;
  };
  /** Fit the view to `b`; the first fit jumps (animated, its end would redraw everything drawn meanwhile at once). */
  const fit = (b: L.LatLngBounds | null, animate = true) => {
    if (!b) return;
    if (b.getNorthEast().equals(b.getSouthWest())) map.setView(b.getCenter(), 13, { animate });
    else map.fitBounds(b, { padding: [40, 40], maxZoom: 14, animate });
  };

  // The first view, the canvas, tiles and the scale bar in the next slices: each lays out or draws.
  jobs.run('furniture', addFurniture());

  const handle: IncidentMapHandle = {
    setMarkers(markers) {
      jobs.run('markers', drawMarkers(markers));
    },
    setTrips(lines) {
      jobs.run('trips', drawTrips(lines));
    },
    setDots(which, list) {
      jobs.run(which, drawDots(which, list));
    },
    openDetails(id) {
      jobs.finish('furniture');
      jobs.finish('markers');
      const marker = byId.get(id);
      if (!marker) return;
      if (!map.getBounds().contains(marker.getLatLng())) map.panTo(marker.getLatLng());
      marker.openPopup();
    },
    fitToMarkers() {
      jobs.finish('furniture');
      jobs.finish('markers');
      fit(bounds());
    },
    destroy() {
      jobs.stopAll();
      resize.disconnect();
      map.remove();
      delete container.dataset.mapReady;
    },
  };

  function* addFurniture(): Generator<void, void, void> {
    // A first view (Great Britain) measures the container: a step of its own. Markers fit the view to themselves.
    if (!fitted) map.setView([54, -2], 6);
    yield;
    // The canvas now, not with the first marker (where its setting up and that marker's label made one long step).
    renderer.addTo(map);
    yield;
    if (options.tileUrl) L.tileLayer(options.tileUrl, { attribution: options.attribution, maxZoom: 19 }).addTo(map);
    yield;
    L.control.scale({ imperial: true, metric: true }).addTo(map);
  }

  function* drawMarkers(source: Layer<MarkerSpec>): Generator<void, void, void> {
    const markers = listOf(source);
    yield;
    // Called whenever the incident changes (every check-in on a busy night): only the markers
    // whose drawing or details changed are redrawn (a redraw lays out its label again, which on
    // a console with long lists costs milliseconds each). Details someone has open stay open, on
    // the redrawn marker, with its new figures.
    // The first markers set the view, before any is drawn (drawing then goes on in slices).
    if (!fitted && markers.length > 0) {
      fit(L.latLngBounds(markers.map((m) => [m.lat, m.lng] as [number, number])), false);
      fitted = true;
      yield;
    }
    let openId: string | undefined;
    for (const [id, m] of byId) if (m.isPopupOpen()) openId = id;
    const seen = new Set<string>();
    let redrawn = false;
    let same = 0;
    for (const spec of markers) {
      seen.add(spec.id);
      const sig = JSON.stringify(spec);
      if (drawn.get(spec.id) === sig) {
        // Comparing reads each marker's details: hundreds unchanged are a slice's work too.
        if (++same % 50 === 0) yield;
        continue;
      }
      byId.get(spec.id)?.remove();
      drawn.set(spec.id, sig);
      redrawn = true;
      const style = MARKER_STYLES[spec.kind];
      const shapeOptions: ShapeOptions = {
        renderer,
        radius: spec.radius,
        shape: style.shape,
        fillRatio: spec.fillRatio,
        color: style.stroke,
        weight: 2,
        fillColor: spec.kind === 'hotel' ? '#ffffff' : style.fill,
        fillOpacity: spec.hollow ? 0 : spec.kind === 'hotel' ? 1 : 0.75,
      };
      const marker = L.circleMarker([spec.lat, spec.lng], shapeOptions);
      marker.bindPopup(() => detailsElement(spec.details), { maxWidth: 340, autoPanPadding: L.point(24, 24) });
      if (spec.permanentLabel) {
        const side = spec.labelSide ?? 'right';
        const offset = side === 'left' ? L.point(-spec.radius - 2, 0) : side === 'right' ? L.point(spec.radius + 2, 0) : L.point(0, spec.radius + 2);
        marker.bindTooltip(textContent(spec.permanentLabel), { permanent: true, direction: side, offset, className: `map-label map-label-${spec.kind}` });
      } else {
        marker.bindTooltip(textContent(spec.tooltip), { direction: 'top', offset: L.point(0, -spec.radius) });
      }
      marker.on('click', () => select(spec.id));
      marker.addTo(layer);
      byId.set(spec.id, marker);
      yield;
    }
    for (const [id, m] of byId) {
      if (seen.has(id)) continue;
      m.remove();
      byId.delete(id);
      drawn.delete(id);
    }
    // Draw order as listed (big muster circles at the bottom, vehicles on top): a redrawn marker
    // would otherwise land on top of all.
    if (redrawn) for (const spec of markers) if (spec.kind !== 'hotel') byId.get(spec.id)?.bringToFront();
    if (redrawn) for (const spec of [...markers].reverse()) if (spec.kind === 'muster') byId.get(spec.id)?.bringToBack();
    const counts = countByKind(markers);
    container.dataset.markerCount = String(markers.length);
    for (const [kind, n] of Object.entries(counts)) container.dataset[`marker${kind[0]!.toUpperCase()}${kind.slice(1)}`] = String(n);
    if (openId !== undefined && !byId.get(openId)?.isPopupOpen()) byId.get(openId)?.openPopup();
    container.dataset.mapReady = 'true';
  }

  function* drawTrips(source: Layer<TripLineSpec>): Generator<void, void, void> {
    const lines = listOf(source);
    yield;
    // As markers: lines already drawn as they are stay; the rest are drawn or removed.
    const keep = new Map<string, L.Polyline[]>();
    const fresh: (typeof lines)[number][] = [];
    for (const t of lines) {
      if (t.points.length < 2) continue;
      const sig = JSON.stringify(t);
      const have = tripLines.get(sig);
      const line = have?.pop();
      if (!line) {
        fresh.push(t);
        continue;
      }
      const kept = keep.get(sig);
      if (kept) kept.push(line);
      else keep.set(sig, [line]);
    }
    for (const left of tripLines.values()) for (const line of left) line.remove();
    tripLines = keep;
    for (const t of fresh) {
      const line = L.polyline(
        t.points.map((p) => [p.lat, p.lng] as [number, number]),
        { renderer, color: t.colour, weight: t.dashed ? 2 : 3, opacity: 0.7, dashArray: t.dashed ? '6 6' : undefined, interactive: true },
      );
      line.bindTooltip(textContent(t.label), { sticky: true });
      line.on('click', () => select(t.selectId));
      line.addTo(tripLayer);
      const sig = JSON.stringify(t);
      const kept = tripLines.get(sig);
      if (kept) kept.push(line);
      else tripLines.set(sig, [line]);
      yield;
    }
    container.dataset.tripCount = String(lines.length);
  }

  function* drawDots(which: 'vehicles' | 'households', source: Layer<OverlayDot>): Generator<void, void, void> {
    const list = listOf(source);
    yield;
    const have = dots[which];
    const seen = new Set<string>();
    for (const d of list) {
      seen.add(d.id);
      const style: ShapeOptions = {
        renderer,
        radius: d.radius,
        shape: d.shape,
        color: d.stroke,
        weight: 2,
        fillColor: d.fill,
        fillOpacity: d.hollow ? 0 : 0.9,
        dashArray: d.dashed ? '4 3' : undefined,
      };
      const m = have.get(d.id);
      if (m) {
        m.setLatLng([d.lat, d.lng]);
        m.setStyle(style);
        m.setTooltipContent(textContent(d.label));
        continue;
      }
      const marker = L.circleMarker([d.lat, d.lng], style);
      marker.bindTooltip(textContent(d.label), { direction: 'top', offset: L.point(0, -d.radius) });
      marker.on('click', () => select(d.id));
      marker.addTo(dotLayers[which]);
      have.set(d.id, marker);
      yield;
    }
    for (const [id, m] of have) {
      if (seen.has(id)) continue;
      m.remove();
      have.delete(id);
    }
    container.dataset[which === 'vehicles' ? 'vehicleDots' : 'householdDots'] = String(list.length);
  }

  return handle;
}
