/**
 * The incident map: mounts the Leaflet adapter once, feeds it markers, and sits beside a legend
 * and a list of places (the keyboard and screen-reader way to open the same details).
 */
import { useEffect, useRef } from 'react';
import { mapConfig } from '../config.js';
import { createIncidentMap, type IncidentMapHandle } from './leaflet-adapter.js';
import type { MarkerSpec } from './markers.js';
import { MapLegend } from './MapLegend.js';
import { PlaceList } from './PlaceList.js';

export interface IncidentMapProps {
  markers: readonly MarkerSpec[];
  tileUrl?: string | null;
  attribution?: string;
}

export function IncidentMap({ markers, tileUrl = mapConfig.tileUrl, attribution = mapConfig.attribution }: IncidentMapProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const handleRef = useRef<IncidentMapHandle | null>(null);
  const markersRef = useRef(markers);
  markersRef.current = markers;

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const handle = createIncidentMap(container, { tileUrl, attribution });
    handle.setMarkers(markersRef.current);
    handleRef.current = handle;
    return () => {
      handle.destroy();
      handleRef.current = null;
    };
  }, [tileUrl, attribution]);

  useEffect(() => {
    handleRef.current?.setMarkers(markers);
  }, [markers]);

  return (
    <section className="map-section" aria-labelledby="map-title">
      <h2 id="map-title" className="visually-hidden">
        Map
      </h2>
      <div className="map-layout">
        <div className="map-frame">
          <div ref={containerRef} className="incident-map" role="region" aria-label="Map of muster points, hotels and vehicles" data-testid="incident-map" />
          <button type="button" className="secondary map-fit" onClick={() => handleRef.current?.fitToMarkers()}>
            Show everything
          </button>
        </div>
        <aside className="map-side">
          <MapLegend />
          <PlaceList markers={markers} onOpen={(id) => handleRef.current?.openDetails(id)} />
        </aside>
      </div>
    </section>
  );
}
