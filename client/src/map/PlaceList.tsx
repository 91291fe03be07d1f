/** Every muster point, hotel and depot as a button that opens its details on the map. */
import { MARKER_KIND_ORDER, MARKER_STYLES } from './marker-styles.js';
import type { MarkerSpec } from './markers.js';
import { ShapeIcon } from './MapLegend.js';

export function PlaceList({ markers, onOpen }: { markers: readonly MarkerSpec[]; onOpen: (id: string) => void }) {
  const groups = MARKER_KIND_ORDER.map((kind) => ({ kind, items: markers.filter((m) => m.kind === kind) })).filter((g) => g.items.length > 0);
  return (
    <nav className="place-list" aria-label="Places on the map">
      {groups.map(({ kind, items }) => (
        <details key={kind} open={kind === 'muster' || kind === 'hotel'}>
          <summary>
            {MARKER_STYLES[kind].label}s ({items.length})
          </summary>
          <ul>
            {items.map((m) => (
              <li key={m.id}>
                <button type="button" className="place" data-place-id={m.id} onClick={() => onOpen(m.id)}>
                  <ShapeIcon style={MARKER_STYLES[kind]} size={14} fillRatio={m.fillRatio} />
                  <span className="place-name">{m.details.title}</span>
                  <span className="place-stat">{m.stat}</span>
                </button>
              </li>
            ))}
          </ul>
        </details>
      ))}
    </nav>
  );
}
