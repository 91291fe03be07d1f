/**
 * Drivers' links are signed, not stored: `<payload>.<mac>` where the payload names the incident and
 * the vehicle and the mac is HMAC-SHA256 under DRIVER_LINK_SECRET (128 bits kept). A link is per
 * vehicle, not per trip, because a re-plan rebuilds trips that have not left: the link keeps
 * pointing at whatever trip the vehicle has in hand. Rotating the secret revokes every link.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const VERSION = 'drive/v1';

export interface DriverClaim {
  incidentId: string;
  vehicleId: string;
}

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(`${VERSION}:${payload}`).digest().subarray(0, 16);
}

export function signDriverToken(secret: string, claim: DriverClaim): string {
  const payload = Buffer.from(JSON.stringify([claim.incidentId, claim.vehicleId])).toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** The claim of a genuine token; null for anything forged, truncated or malformed. */
export function verifyDriverToken(secret: string, token: string): DriverClaim | null {
  if (token.length > 400) return null;
  const [payload, sig, extra] = token.split('.');
  if (!payload || !sig || extra !== undefined) return null;
  const given = Buffer.from(sig, 'base64url');
  const want = mac(secret, payload);
  if (given.length !== want.length || !timingSafeEqual(given, want)) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string') return null;
    return { incidentId: parsed[0], vehicleId: parsed[1] };
  } catch {
    return null;
  }
}
