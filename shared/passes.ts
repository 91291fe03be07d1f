/**
 * Guest passes: one card per household at a muster point, generated from the state in force (a
 * reprint after a re-plan shows the new hotel and vehicle). The QR holds the pass code only.
 */

export interface QrPath {
  /** Modules per side (without the quiet zone). */
  size: number;
  /** SVG path data drawing the dark modules on a `size` x `size` grid. */
  path: string;
}

export interface GuestPass {
  partyId: string;
  name: string;
  unit: string;
  size: number;
  ages: { adults: number; children: number; infants: number };
  needs: string[];
  guests: string[];
  status: string;
  passCode: string;
  qr: QrPath;
  hotel: { id: string; name: string; address: string; phone: string; perks: string[] } | null;
  transport: { vehicleId: string; kind: string; provider: string; departAt: string; eta: string | null } | null;
}

export interface PassSheet {
  incident: { id: string; name: string; timezone: string };
  site: { id: string; name: string };
  generatedAt: string;
  /** The incident's event seq the sheet reflects. */
  seq: number;
  passes: GuestPass[];
}

export interface PassSites {
  sites: { id: string; name: string; households: number }[];
}

/** What a scanned QR or typed text means: a 6-character pass code, or null. */
export function passCodeFrom(text: string): string | null {
  const t = text.trim().toUpperCase();
  const m = /(?:^|[^A-Z0-9])([A-Z0-9]{6})(?:$|[^A-Z0-9])/.exec(` ${t} `);
  return m ? m[1]! : null;
}
