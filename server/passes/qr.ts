/**
 * QR codes drawn from their module grid, so the browser, the printout and the PDF need no QR
 * library: an SVG path (one `h1v1` square per dark module, runs merged per row) or rectangles.
 */
import QRCode from 'qrcode';
import type { QrPath } from '../../shared/passes.js';

/** Dark modules as [row, startCol, length] runs. */
export function qrRuns(text: string, level: 'L' | 'M' | 'Q' | 'H' = 'M'): { size: number; runs: [number, number, number][] } {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: level });
  const { size, data } = modules;
  const runs: [number, number, number][] = [];
  for (let r = 0; r < size; r++) {
    let c = 0;
    while (c < size) {
      if (!data[r * size + c]) {
        c++;
        continue;
      }
      const start = c;
      while (c < size && data[r * size + c]) c++;
      runs.push([r, start, c - start]);
    }
  }
  return { size, runs };
}

export function qrPath(text: string, level: 'L' | 'M' | 'Q' | 'H' = 'M'): QrPath {
  const { size, runs } = qrRuns(text, level);
  return { size, path: runs.map(([r, c, n]) => `M${c} ${r}h${n}v1h-${n}z`).join('') };
}
