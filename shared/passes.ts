/**
 * Guest passes: one card per household at a muster point, generated from the state in force (a
 * reprint after a re-plan shows the new hotel and vehicle). The QR holds the household's status
 * link (`<origin>/#/s/<token>`: the guest scans it for live updates), or the pass code when the
 * link was revoked; reception's scanner accepts either (the link is resolved by the server).
 */
import { z } from 'zod';
import { lineSchema } from './fields.js';
import { countOf } from './plural.js';

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
  /** What the QR encodes for the guest: the status link, or null when it was revoked. */
  statusUrl: string | null;
  qr: QrPath;
  hotel: { id: string; name: string; address: string; phone: string; perks: string[] } | null;
  /** The ride still to take or, when none is left, the one that set them down at the hotel (`arrived`). */
  transport: { vehicleId: string; kind: string; provider: string; departAt: string; eta: string | null; arrived: boolean } | null;
  /** Set once members are checked in at the hotel: how many, and their room numbers by type. */
  checkedIn: { guests: number; rooms: string } | null;
}

/**
 * What a pass says about the journey, the same on paper and on screen: a household already in its
 * rooms is told so (with the numbers), not "Transport: being arranged"; one set down at the door
 * is told which vehicle brought it; members still to travel keep their vehicle and time.
 */
export function passJourney(p: GuestPass, when: (iso: string) => string): { stay: string | null; ride: string | null; detail: string | null } {
  const all = p.checkedIn !== null && p.checkedIn.guests >= p.size;
  const stay = p.checkedIn
    ? `Checked in${all ? '' : ` (${p.checkedIn.guests} of ${countOf(p.size, 'guest')})`}${p.checkedIn.rooms ? `: rooms ${p.checkedIn.rooms}` : ''}`
    : null;
  const t = p.transport;
  const vehicle = t ? `${t.kind.replace(/_/g, ' ')} ${t.vehicleId}${t.provider ? ` (${t.provider})` : ''}` : '';
  if (t && !t.arrived) return { stay, ride: `${vehicle}, leaves ${when(t.departAt)}`, detail: t.eta ? `Expected at the hotel about ${when(t.eta)}` : null };
  if (all) return { stay, ride: null, detail: null };
  if (t) return { stay, ride: `Arrived at the hotel on ${vehicle}`, detail: null };
  return { stay, ride: 'Transport: being arranged', detail: null };
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

/** The token of a status link (`…/#/s/<token>`) in a scanned or typed text, or null. */
export function statusTokenFrom(text: string): string | null {
  const m = /#\/s\/([A-Za-z0-9_-]{16,128})(?:[/?#]|$)/.exec(text.trim());
  return m ? m[1]! : null;
}

/** What reception's scanner read: a status link (resolved by the server) or a pass code. */
export type ScanTarget = { kind: 'status_link'; token: string } | { kind: 'pass_code'; code: string };

export function scanTargetFrom(text: string): ScanTarget | null {
  const token = statusTokenFrom(text);
  if (token) return { kind: 'status_link', token };
  if (/#\/s\//.test(text)) return null;
  const code = passCodeFrom(text);
  return code ? { kind: 'pass_code', code } : null;
}

/** POST passes/scan: the text a scanner read (a status link or a pass code). */
/** A scanned link or a typed pass code: one line (a scanner's trailing Enter is trimmed). */
export const passScanSchema = z.object({ text: lineSchema(500).min(1, 'expected the scanned text') });

/** The household a scan names, if the caller may see it: nothing else about it. */
export interface PassScanResult {
  partyId: string;
  passCode: string;
}
