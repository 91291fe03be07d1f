/**
 * `Idempotency-Key` on a mutating request: the first request with a key is applied and its answer
 * stored; a retry with the same key (a phone on bad Wi-Fi) gets the stored answer and changes
 * nothing. A request that failed stored nothing, so its retry runs again. The key is claimed with
 * an INSERT before the work starts, so two copies racing each other cannot both run.
 */
import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { idempotencyKeys } from '../db/schema.js';
import { AppError } from './errors.js';

const IN_PROGRESS = 0;

export function idempotency(db: Db): RequestHandler {
  return async (req, res, next) => {
    const key = req.header('idempotency-key');
    if (!key || req.method === 'GET' || req.method === 'HEAD' || !req.user) return next();
    if (key.length > 200) throw new AppError('bad_request', 'Idempotency-Key must be at most 200 characters.');
    const userId = req.user.id;
    const requestHash = createHash('sha256').update(`${req.method} ${req.originalUrl}\n${JSON.stringify(req.body ?? null)}`).digest('hex');
    const claimed = await db
      .insert(idempotencyKeys)
      .values({ userId, key, requestHash, statusCode: IN_PROGRESS, response: {} })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (claimed.length === 0) {
      const [prev] = await db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)));
      if (!prev) throw new AppError('conflict', 'That request is being retried; try again.');
      if (prev.requestHash !== requestHash) throw new AppError('idempotency_mismatch', 'This Idempotency-Key was already used for a different request.');
      if (prev.statusCode === IN_PROGRESS) throw new AppError('conflict', 'The same request is still being processed; try again in a moment.');
      res.setHeader('idempotent-replay', 'true');
      return res.status(prev.statusCode).json(prev.response);
    }
    const json = res.json.bind(res);
    let viaJson = false;
    res.on('finish', () => {
      // Answers without a JSON body (204) are stored here.
      if (viaJson) return;
      const where = and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key));
      void (res.statusCode < 400 ? db.update(idempotencyKeys).set({ statusCode: res.statusCode, response: {} }).where(where) : db.delete(idempotencyKeys).where(where));
    });
    res.json = (body: unknown) => {
      viaJson = true;
      const status = res.statusCode;
      const where = and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key));
      const store = status < 400 ? db.update(idempotencyKeys).set({ statusCode: status, response: body ?? {} }).where(where) : db.delete(idempotencyKeys).where(where);
      // Answer only once the outcome is stored, so a retry that races the answer sees it.
      store.then(
        () => json(body),
        () => json(body),
      );
      return res;
    };
    res.on('close', () => {
      if (!res.writableFinished && res.statusCode >= 400) void db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)));
    });
    next();
  };
}
