/**
 * `Idempotency-Key` on a mutating request: the first request with a key is applied and its answer
 * stored; a retry with the same key (a phone on bad Wi-Fi) gets the stored answer and changes
 * nothing. A request that failed stored nothing, so its retry runs again.
 *
 * Surviving a crash (SIGKILL mid-request) without a key stuck "in progress" and without applying
 * twice: the key is claimed with an INSERT under a lease (`owner`, `lease_until`), and the change's
 * own transaction stamps `applied_at` on the key *while it still owns it* (markIdempotentApplied,
 * called by commitWithEvents and the perk batches). So after a crash:
 *  - the change never committed: the key holds no `applied_at`; once the lease runs out the next
 *    retry takes the key over (a conditional UPDATE, so only one retry can) and runs it once;
 *  - the change committed but its answer was lost: `applied_at` is set, the retry is told it was
 *    applied (200, `idempotent-replay: applied`) and nothing runs again.
 * A takeover changes `owner`, so an original that was merely slow finds its lease gone inside its
 * transaction and rolls back rather than apply a second time.
 * While a key is in progress a retry gets 409 `in_progress` with Retry-After: retryable, not final.
 * Keys older than a day are pruned as requests come in.
 *
 * The request hash covers the method, the URL and the body: the parsed JSON, or for a raw body (a
 * receipt photo, a guest CSV) its bytes and declared Content-Type, so the same key on a different
 * photo is a mismatch, not the first photo's answer. A raw body is read by its route (after the
 * route's role check, rate limit and type check), so a request whose body no app-wide parser read
 * is claimed there instead: routerFrom runs `idempotencyAfterBody` after the route's own middleware.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { idempotencyKeys } from '../db/schema.js';
import { AppError } from './errors.js';

const IN_PROGRESS = 0;
const KEEP_MS = 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 10 * 60 * 1000;

/** The key a request holds while it runs: who it is for and the lease it holds on it. */
export interface IdempotencyClaim {
  userId: string;
  key: string;
  owner: string;
  /** Set once the answer is stored: work the request set off later (listeners) marks nothing. */
  settled?: boolean;
}

const current = new AsyncLocalStorage<IdempotencyClaim>();

/** The claim of the request being handled, if it came with an Idempotency-Key. */
export function currentIdempotencyClaim(): IdempotencyClaim | undefined {
  return current.getStore();
}

/**
 * Inside the change's transaction: record that the keyed request's change is being applied. Throws
 * a retryable 409 (rolling the change back) when the lease was taken over by a retry meanwhile.
 */
export async function markIdempotentApplied(tx: Tx, claims: readonly (IdempotencyClaim | undefined)[] = [currentIdempotencyClaim()]): Promise<void> {
  for (const c of claims) {
    if (!c || c.settled) continue;
    const rows = await tx
      .update(idempotencyKeys)
      .set({ appliedAt: sql`coalesce(${idempotencyKeys.appliedAt}, now())` })
      .where(and(eq(idempotencyKeys.userId, c.userId), eq(idempotencyKeys.key, c.key), eq(idempotencyKeys.owner, c.owner)))
      .returning({ key: idempotencyKeys.key });
    if (rows.length === 0) throw inProgress('This request took too long and is being retried; its retry will apply it.');
  }
}

function inProgress(message: string): AppError {
  return new AppError('conflict', message, { reason: 'in_progress', retryable: true });
}

function answerInProgress(res: Response, retryAfterS: number, message: string): void {
  res.setHeader('retry-after', String(retryAfterS));
  res.status(409).json({ error: { code: 'in_progress', message, details: { retryable: true, retryAfterSeconds: retryAfterS } } });
}

/** Requests with a key whose body a route reads itself (raw): claimed once the body is there. */
const awaitingBody = new WeakMap<Request, (next: NextFunction) => Promise<void>>();

/** A request body is on its way (what type-is calls hasBody): a length other than 0, or chunked. */
function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** What makes two requests under one key the same request: method, URL, and the body as the route reads it. */
function requestHashOf(req: Request): string {
  const h = createHash('sha256').update(`${req.method} ${req.originalUrl}\n`);
  const body: unknown = req.body;
  if (Buffer.isBuffer(body) || typeof body === 'string') {
    // Raw bytes mean what their declared type says: the same bytes as another type are another request.
    h.update(`raw ${req.headers['content-type'] ?? ''}\n`).update(body);
  } else h.update(JSON.stringify(body ?? null));
  return h.digest('hex');
}

/**
 * Claims the key of a request whose raw body its route has just read (see the module comment).
 * Runs for every route, after the route's own middleware; does nothing for other requests.
 */
export const idempotencyAfterBody: RequestHandler = async (req, _res, next) => {
  const claim = awaitingBody.get(req);
  if (!claim) return next();
  awaitingBody.delete(req);
  await claim(next);
};

export interface IdempotencyOptions {
  /** How long a request holds its key before a retry may take it over (ms). */
  leaseMs?: number;
}

export function idempotency(db: Db, opts: IdempotencyOptions = {}): RequestHandler {
  const leaseMs = opts.leaseMs ?? 15_000;
  let lastPrune = 0;
  const prune = () => {
    const now = Date.now();
    if (now - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = now;
    db.delete(idempotencyKeys)
      .where(lt(idempotencyKeys.createdAt, new Date(now - KEEP_MS)))
      .then(
        () => undefined,
        () => (lastPrune = 0),
      );
  };
  return async (req, res, next) => {
    const key = req.header('idempotency-key');
    if (!key || req.method === 'GET' || req.method === 'HEAD' || !req.user) return next();
    if (key.length > 200) throw new AppError('bad_request', 'Idempotency-Key must be at most 200 characters.');
    if (req.body === undefined && hasBody(req)) {
      // No app-wide parser read this body: its route will (a receipt photo). Hash it once it has.
      awaitingBody.set(req, (after) => claimKey(req, res, after, key));
      return next();
    }
    await claimKey(req, res, next, key);
  };

  async function claimKey(req: Request, res: Response, next: NextFunction, key: string): Promise<void> {
    prune();
    const userId = req.user!.id;
    const requestHash = requestHashOf(req);
    const owner = randomUUID();
    const leaseUntil = () => sql`now() + ${`${leaseMs} milliseconds`}::interval`;
    const mine = and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key), eq(idempotencyKeys.owner, owner));
    let claimed = await db
      .insert(idempotencyKeys)
      .values({ userId, key, requestHash, statusCode: IN_PROGRESS, response: {}, owner, leaseUntil: leaseUntil() })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (claimed.length === 0) {
      const [prev] = await db
        .select({
          requestHash: idempotencyKeys.requestHash,
          statusCode: idempotencyKeys.statusCode,
          response: idempotencyKeys.response,
          owner: idempotencyKeys.owner,
          appliedAt: idempotencyKeys.appliedAt,
          leaseLeftMs: sql<number | null>`extract(epoch from (${idempotencyKeys.leaseUntil} - now())) * 1000`,
        })
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)));
      if (!prev) return answerInProgress(res, 1, 'That request is being retried; try again.');
      if (prev.requestHash !== requestHash) throw new AppError('idempotency_mismatch', 'This Idempotency-Key was already used for a different request.');
      if (prev.statusCode !== IN_PROGRESS) {
        res.setHeader('idempotent-replay', 'true');
        res.status(prev.statusCode).json(prev.response);
        return;
      }
      const leaseLeft = Number(prev.leaseLeftMs ?? 0);
      if (leaseLeft > 0)
        return answerInProgress(res, Math.max(1, Math.ceil(leaseLeft / 1000)), 'The same request is still being processed; try again in a moment.');
      if (prev.appliedAt) {
        // Applied, but the server stopped before its answer was stored: say so; never run it again.
        res.setHeader('idempotent-replay', 'applied');
        res.status(200).json({
          applied: true,
          appliedAt: prev.appliedAt.toISOString(),
          message: 'This request was applied before a restart; its original answer was lost. Refresh to see the result.',
        });
        return;
      }
      // The lease ran out with nothing applied (the server stopped mid-request): take the key over.
      claimed = await db
        .update(idempotencyKeys)
        .set({ owner, leaseUntil: leaseUntil() })
        .where(
          and(
            eq(idempotencyKeys.userId, userId),
            eq(idempotencyKeys.key, key),
            prev.owner === null ? isNull(idempotencyKeys.owner) : eq(idempotencyKeys.owner, prev.owner),
            isNull(idempotencyKeys.appliedAt),
            eq(idempotencyKeys.statusCode, IN_PROGRESS),
          ),
        )
        .returning({ key: idempotencyKeys.key });
      if (claimed.length === 0) return answerInProgress(res, 1, 'That request is being retried; try again.');
    }
    /** Store a success (or anything after the change was applied); forget a refusal so its retry runs again. */
    const claim: IdempotencyClaim = { userId, key, owner };
    const settle = async (status: number, body: unknown) => {
      claim.settled = true;
      if (status >= 400) {
        const dropped = await db
          .delete(idempotencyKeys)
          .where(and(mine, isNull(idempotencyKeys.appliedAt)))
          .returning({ key: idempotencyKeys.key });
        if (dropped.length > 0) return;
      }
      await db
        .update(idempotencyKeys)
        .set({ statusCode: status, response: body ?? {}, leaseUntil: null })
        .where(mine);
    };
    const json = res.json.bind(res);
    let viaJson = false;
    res.on('finish', () => {
      // Answers without a JSON body (204) are stored here.
      if (viaJson) return;
      settle(res.statusCode, {}).catch(() => undefined);
    });
    res.json = (body: unknown) => {
      viaJson = true;
      // Answer only once the outcome is stored, so a retry that races the answer sees it.
      settle(res.statusCode, body).then(
        () => json(body),
        () => json(body),
      );
      return res;
    };
    res.on('close', () => {
      if (!res.writableFinished && res.statusCode >= 400)
        db.delete(idempotencyKeys)
          .where(and(mine, isNull(idempotencyKeys.appliedAt)))
          .catch(() => undefined);
    });
    current.run(claim, () => next());
  }
}
