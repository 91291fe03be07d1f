/** The only place that queries users and sessions. */
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { sessions, userIncidents, users } from '../db/schema.js';
import type { Role, SessionUser } from './types.js';

/** The user whose email, in lower case, is `address` (already trimmed and lower-cased by the caller). */
export async function findUserByEmail(db: Db, address: string) {
  const rows = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${address}`)
    .limit(1);
  return rows[0];
}

export async function loadSessionUser(db: Db | Tx, userId: string): Promise<SessionUser | undefined> {
  const rows = await db
    .select()
    .from(users)
    .where(and(eq(users.id, userId), eq(users.disabled, false)))
    .limit(1);
  const u = rows[0];
  if (!u) return undefined;
  const bound = await db.select({ incidentId: userIncidents.incidentId }).from(userIncidents).where(eq(userIncidents.userId, u.id));
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    incidentId: u.incidentId,
    hotelId: u.hotelId,
    incidentIds: bound.map((b) => b.incidentId),
    spendLimitMinor: u.spendLimitMinor,
  };
}

export async function insertSession(db: Db, tokenHash: string, userId: string, expiresAt: Date): Promise<void> {
  await db.insert(sessions).values({ tokenHash, userId, expiresAt });
}

/**
 * The signed-in user and the session's expiry for a live (unexpired, unrevoked) session of an
 * enabled user, in one round trip (it was three: session, user, bound incidents).
 */
export async function findSessionUser(db: Db, tokenHash: string, now: Date): Promise<{ user: SessionUser; expiresAt: Date } | undefined> {
  const rows = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      incidentId: users.incidentId,
      hotelId: users.hotelId,
      spendLimitMinor: users.spendLimitMinor,
      expiresAt: sessions.expiresAt,
      incidentIds: sql<
        string[] | null
      >`(select array_agg(${userIncidents.incidentId}::text) from ${userIncidents} where ${userIncidents.userId} = ${users.id})`,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now), isNull(sessions.revokedAt), eq(users.disabled, false)))
    .limit(1);
  const r = rows[0];
  if (!r) return undefined;
  const { expiresAt, incidentIds, ...rest } = r;
  return { user: { ...rest, incidentIds: incidentIds ?? [] }, expiresAt };
}

/** Revoke, and tell every process (rc_sessions, at commit) to forget a cached copy. */
export async function revokeSession(db: Db, tokenHash: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.tokenHash, tokenHash));
    await tx.execute(sql`select pg_notify('rc_sessions', ${tokenHash})`);
  });
}

/** Revoke every live session of a user, telling every process (rc_sessions); returns their token hashes. */
export async function revokeUserSessions(db: Db, userId: string): Promise<string[]> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(sessions)
      .set({ revokedAt: new Date() })
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date())))
      .returning({ tokenHash: sessions.tokenHash });
    const hashes = rows.map((r) => r.tokenHash);
    if (hashes.length) await tx.execute(sql`select pg_notify('rc_sessions', h) from unnest(${sql.param(hashes)}::text[]) as h`);
    return hashes;
  });
}

export interface NewUser {
  email: string;
  name: string;
  passwordHash: string;
  role: Role;
  incidentId?: string | null;
  hotelId?: string | null;
}

export async function insertUser(db: Db | Tx, u: NewUser, incidentIds: string[] = []): Promise<string> {
  const [row] = await db
    .insert(users)
    .values({ ...u, incidentId: u.incidentId ?? null, hotelId: u.hotelId ?? null })
    .returning({ id: users.id });
  if (!row) throw new Error('user insert returned nothing');
  if (incidentIds.length) await db.insert(userIncidents).values(incidentIds.map((incidentId) => ({ userId: row.id, incidentId })));
  return row.id;
}

export async function countUsers(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
  return row?.n ?? 0;
}
