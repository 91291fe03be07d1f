/** The key to the map: each kind's shape, drawn the same way the canvas draws it, and its name. */
import { MARKER_KIND_ORDER, MARKER_STYLES, type MarkerStyle } from './marker-styles.js';

export function ShapeIcon({ style, size = 18, fillRatio }: { style: MarkerStyle; size?: number; fillRatio?: number }) {
  const c = size / 2;
  const r = size / 2 - 2;
  const common = { stroke: style.stroke, strokeWidth: 2, fill: style.shape === 'square' ? '#fff' : style.fill };
  let body;
  if (style.shape === 'circle') body = <circle cx={c} cy={c} r={r} {...common} />;
  else if (style.shape === 'square') {
    const h = 2 * r * (fillRatio ?? 0.5);
    body = (
      <>
        <rect x={c - r} y={c - r} width={2 * r} height={2 * r} {...common} />
        <rect x={c - r} y={c + r - h} width={2 * r} height={h} fill={style.stroke} />
      </>
    );
  } else if (style.shape === 'triangle') body = <polygon points={`${c},${c - r} ${c + r},${c + r * 0.8} ${c - r},${c + r * 0.8}`} {...common} />;
  else body = <polygon points={`${c},${c - r} ${c + r * 0.8},${c} ${c},${c + r} ${c - r * 0.8},${c}`} {...common} />;
  return (
    <svg width={size} height={size} viewBox={`0 0 ${size} ${size}`} aria-hidden="true" focusable="false">
      {body}
    </svg>
  );
}

export function MapLegend() {
  return (
    <div className="map-legend">
      <h3>Key</h3>
      <ul>
        {MARKER_KIND_ORDER.map((kind) => {
          const style = MARKER_STYLES[kind];
          return (
            <li key={kind}>
              <ShapeIcon style={style} />
              <span>
                <strong>{style.label}</strong>{' '}
                <span className="muted">
                  ({style.shape}): {style.describe}
                </span>
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
