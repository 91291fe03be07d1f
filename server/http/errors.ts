/**
 * One error model: services throw AppError(code, message, details); one middleware turns codes
 * into HTTP status and `{ error: { code, message, details } }`. Anything else is logged with the
 * request id and answered as a generic 500, so internals never leak.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { describeFieldErrors, zodFieldErrors, type FieldError } from '../../shared/errors.js';
import { isDatabaseUnavailable } from '../db/client.js';

export const ERROR_STATUS = {
  validation_failed: 400,
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  capacity_exceeded: 409,
  idempotency_mismatch: 422,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** A 400 naming every bad field, e.g. `parties[12].guests[0].age: expected adult, child or infant`. */
export function validationError(fields: FieldError[], what = 'request'): AppError {
  // A file of bad rows gets its first MAX_FIELD_ERRORS refusals and how many more there are: enough
  // to act on, never an answer many times the size of the upload.
  const shown = fields.slice(0, MAX_FIELD_ERRORS);
  return new AppError(
    'validation_failed',
    `Invalid ${what}: ${describeFieldErrors(fields.slice(0, 10))}${fields.length > 10 ? ` (and ${fields.length - 10} more)` : ''}`,
    fields.length > shown.length ? { fields: shown, more: fields.length - shown.length } : { fields },
  );
}

/** The most field refusals one answer lists. */
export const MAX_FIELD_ERRORS = 200;

/**
 * Parse `value` with `schema` or throw a 400 whose paths start at `where` (body, query, params);
 * the message says "Invalid <what>: ..." (`where` unless named).
 */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, where?: string, what: string = where ?? 'request'): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw validationError(zodFieldErrors(r.error, where ? [where] : []), what);
}

export const notFound: RequestHandler = (req) => {
  throw new AppError('not_found', `No such endpoint: ${req.method} ${req.baseUrl}${req.path}`);
};

/** Postgres SQLSTATEs that mean the request lost a race or broke an invariant, not a server fault. */
function fromDatabase(err: unknown): AppError | undefined {
  const code = (err as { cause?: { code?: string } })?.cause?.code ?? (err as { code?: string })?.code;
  const constraint = (err as { cause?: { constraint?: string } })?.cause?.constraint ?? (err as { constraint?: string })?.constraint;
  if (code === '23514')
    return new AppError('capacity_exceeded', 'Not enough capacity left: someone else took it first. Refresh and try again.', { constraint });
  if (code === '23505') return new AppError('conflict', 'That already exists or was just changed by someone else.', { constraint });
  if (code === '23503') return new AppError('bad_request', 'That refers to something that does not exist in this incident.', { constraint });
  if (code === '22003') return new AppError('bad_request', 'A number in the request is too large to store.', {});
  if (code === '22021' || code === '22P05')
    return new AppError('bad_request', 'The request contains a character that cannot be stored (such as a NUL byte).', {});
  if (code === '40001' || code === '40P01') return new AppError('conflict', 'Two changes collided; please try again.', {});
  if (isDatabaseUnavailable(err))
    return new AppError('unavailable', 'The database is not answering right now (restart or network); please try again in a few seconds.', {});
  return undefined;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let appErr = err instanceof AppError ? err : fromDatabase(err);
    if (!appErr) {
      const e = err as { type?: string; status?: number; message?: string };
      if (e?.type === 'entity.too.large') appErr = new AppError('payload_too_large', 'The request body is too large.');
      else if (e?.type === 'entity.parse.failed') appErr = new AppError('bad_request', 'The request body is not valid JSON.');
      else if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported')
        appErr = new AppError('bad_request', 'The request body is in a charset or Content-Encoding the server does not read; send UTF-8 JSON.');
      else if (err instanceof URIError) appErr = new AppError('bad_request', 'The address contains a malformed %-escape.');
      // Other client errors raised by Express or the body parsers (aborted uploads, bad lengths).
      else if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) appErr = new AppError('bad_request', 'The request could not be read.');
    }
    if (!appErr) {
      logger.error({ err, reqId: req.id }, 'unhandled error');
      appErr = new AppError('internal', `Something went wrong on our side (request ${String(req.id)}).`);
    }
    const retryAfter = (appErr.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (appErr.code === 'rate_limited' && typeof retryAfter === 'number') res.setHeader('retry-after', String(retryAfter));
    if (appErr.code === 'unavailable') {
      logger.warn({ reqId: req.id, err: err instanceof AppError ? undefined : err }, 'database unavailable');
      res.setHeader('retry-after', '5');
    }
    res.status(appErr.status).json({ error: { code: appErr.code, message: appErr.message, details: appErr.details ?? {} } });
  };
}
