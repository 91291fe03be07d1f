/**
 * How each kind of place looks on the map and in the legend. Every kind has its own shape and its
 * own word, so colour is never the only signal. No Leaflet here: the legend draws these as SVG.
 */
export type MarkerKind = 'muster' | 'resort' | 'hotel' | 'depot' | 'vehicle';
export type MarkerShape = 'circle' | 'square' | 'triangle' | 'diamond';

export interface MarkerStyle {
  label: string;
  shape: MarkerShape;
  /** Outline and label colour (dark enough for text on white). */
  stroke: string;
  /** Fill colour; hotels fill from the bottom up with their share of beds taken. */
  fill: string;
  describe: string;
}

export const MARKER_STYLES: Record<MarkerKind, MarkerStyle> = {
  muster: { label: 'Muster point', shape: 'circle', stroke: '#1d4ed8', fill: '#60a5fa', describe: 'size grows with guests waiting; hollow when empty' },
  resort: { label: 'Holiday park', shape: 'diamond', stroke: '#57534e', fill: '#d6d3d1', describe: 'the park itself' },
  hotel: { label: 'Hotel', shape: 'square', stroke: '#0f766e', fill: '#2dd4bf', describe: 'filled from the bottom as beds are taken' },
  depot: { label: 'Vehicle depot', shape: 'triangle', stroke: '#9a3412', fill: '#fb923c', describe: 'vehicles waiting there' },
  vehicle: { label: 'Vehicle on the road', shape: 'circle', stroke: '#6b21a8', fill: '#c084fc', describe: 'small dot at its last position' },
};

export const MARKER_KIND_ORDER: MarkerKind[] = ['muster', 'hotel', 'depot', 'vehicle', 'resort'];
