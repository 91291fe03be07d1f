/** A QR code drawn from the server's module path: crisp at any size, printable, no QR library. */
import type { QrPath } from '../../../shared/passes.js';

export function QrSvg({ qr, label, className }: { qr: QrPath; label: string; className?: string }) {
  const q = qr.size + 8;
  return (
    <svg className={className} viewBox={`-4 -4 ${q} ${q}`} role="img" aria-label={label} shapeRendering="crispEdges">
      <rect x={-4} y={-4} width={q} height={q} fill="#fff" />
      <path d={qr.path} fill="#000" />
    </svg>
  );
}
