/**
 * Drivers' links are signed, not stored: `<payload>.<mac>` where the payload names the incident,
 * the vehicle and the link's generation, and the mac is HMAC-SHA256 (128 bits kept) under the
 * driver-link secret. There is no built-in secret: DRIVER_LINK_SECRET when set, otherwise a random
 * one made on first start and kept in the database (server_secrets), so every replica signs alike
 * and nobody who has read the source can forge a link (see driverLinkSecret).
 *
 * A link is per vehicle, not per trip, because a re-plan rebuilds trips that have not left: the
 * link keeps pointing at whatever trip the vehicle has in hand. A duty manager's revoke bumps the
 * vehicle's generation (driver_links), so the old link stops working and the next one listed is
 * new; every link stops when its incident is closed; rotating the secret revokes them all.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { serverSecrets } from '../db/schema.js';

const VERSION = 'drive/v2';
const SECRET_NAME = 'driver_link_secret';

export interface DriverClaim {
  incidentId: string;
  vehicleId: string;
  /** Which generation of the vehicle's link this is (1 until its first revoke). */
  generation: number;
}

/**
 * The mac binds the link's purpose (`drive/v2`, `rollcall/v1`) as well as its payload, so a link
 * signed for one purpose never verifies as another: a driver's link is no roll-call link.
 */
function mac(secret: string, payload: string, purpose = VERSION): Buffer {
  return createHmac('sha256', secret).update(`${purpose}:${payload}`).digest().subarray(0, 16);
}

/** `<payload>.<mac>` for a JSON array payload under `purpose`. */
export function signLink(secret: string, purpose: string, parts: unknown[]): string {
  const payload = Buffer.from(JSON.stringify(parts)).toString('base64url');
  return `${payload}.${mac(secret, payload, purpose).toString('base64url')}`;
}

/** The parsed payload of a genuine link signed for `purpose`; null for anything else. */
export function verifyLink(secret: string, purpose: string, token: string): unknown {
  if (token.length > 400) return null;
  const [payload, sig, extra] = token.split('.');
  if (!payload || !sig || extra !== undefined) return null;
  // Compared as text, not decoded: Node's base64 decoder skips characters outside the alphabet and
  // padding, and ignores the last character's unused bits, so decoding first let one link be
  // spelt countless ways ("sig=", "si!g", a different last letter) that all verified.
  const given = Buffer.from(sig);
  const want = Buffer.from(mac(secret, payload, purpose).toString('base64url'));
  if (given.length !== want.length || !timingSafeEqual(given, want)) return null;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
  } catch {
    return null;
  }
}

export function signDriverToken(secret: string, claim: DriverClaim): string {
  return signLink(secret, VERSION, [claim.incidentId, claim.vehicleId, claim.generation]);
}

/** The claim of a genuine token; null for anything forged, truncated or malformed. */
export function verifyDriverToken(secret: string, token: string): DriverClaim | null {
  const parsed = verifyLink(secret, VERSION, token);
  if (!Array.isArray(parsed) || parsed.length !== 3 || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string' || !Number.isInteger(parsed[2]))
    return null;
  return { incidentId: parsed[0], vehicleId: parsed[1], generation: parsed[2] as number };
}

/**
 * The secret that signs drivers' links: `configured` (DRIVER_LINK_SECRET) when given, otherwise
 * the one in the database, made (32 random bytes) by whichever process starts first. The INSERT
 * ... ON CONFLICT DO NOTHING then SELECT means racing replicas all end up with the same one.
 * Never logged, never sent to a client.
 */
export async function driverLinkSecret(db: Db, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  await db
    .insert(serverSecrets)
    .values({ name: SECRET_NAME, value: randomBytes(32).toString('base64url') })
    .onConflictDoNothing();
  const [row] = await db.select({ value: serverSecrets.value }).from(serverSecrets).where(eq(serverSecrets.name, SECRET_NAME));
  if (!row) throw new Error('the driver-link secret could not be stored');
  return row.value;
}

/**
 * The secret, read once per service and kept; a failed read (the database was away) is not kept,
 * so the next call tries again.
 */
export function linkSecretSource(db: Db, configured: string | undefined): () => Promise<string> {
  let kept: Promise<string> | null = null;
  return () =>
    (kept ??= driverLinkSecret(db, configured).catch((err: unknown) => {
      kept = null;
      throw err;
    }));
}
