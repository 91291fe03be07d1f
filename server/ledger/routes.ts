/**
 * Ledger endpoints under /api/incidents/:incidentId/ledger. Thin: parse, check role and scope, call
 * the service. Insurers read (never notes) and cannot write; reception records perks for its own
 * hotel's households and reads its hotel's lines; duty managers do everything else.
 */
import express, { type RequestHandler } from 'express';
import { z } from 'zod';
import { actorOf } from '../http/actor.js';
import { AppError, parseOr400 } from '../http/errors.js';
import { incidentParams as params } from '../http/params.js';
import { assertIncidentVisible } from '../incidents/scope.js';
import { routesFor } from '../http/route.js';
import {
  accrueSchema,
  RECEIPT_CONTENT_TYPES,
  RECEIPT_MAX_BYTES,
  type LedgerStatus,
  type LedgerSummary,
  type PerkApproveResult,
  type PerkRejectResult,
  type ReceiptContentType,
  type RecordPerkResult,
} from '../../shared/ledger.js';
import type { LedgerService } from './service.js';
import { isReceiptType } from './receipts.js';
import type { AccrualService } from './accrual.js';

const entryParams = params.extend({ entryId: z.uuid({ message: 'expected a ledger entry id' }) });
const tripParams = params.extend({ tripId: z.uuid({ message: 'expected a trip id' }) });
const receiptParams = params.extend({ receiptId: z.uuid({ message: 'expected a receipt photo id' }) });
const EXTENSION: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

/** The declared media type (parameters dropped), if it is one a receipt photo may be. */
function declaredImageType(contentType: string | undefined): ReceiptContentType | null {
  const t = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return isReceiptType(t) ? t : null;
}

/**
 * Before reading an upload's body: the incident must be the caller's (404) and the declared type an
 * accepted image (415); only then is the body buffered, up to 5 MB (413 beyond).
 */
const receiptUpload: RequestHandler[] = [
  (req, res, next) => {
    assertIncidentVisible(req.user, parseOr400(params, req.params, 'params').incidentId);
    if (declaredImageType(req.headers['content-type'])) return next();
    throw new AppError('unsupported_media_type', `A receipt photo must be sent as ${RECEIPT_CONTENT_TYPES.join(', ')} (Content-Type).`, {
      accepted: RECEIPT_CONTENT_TYPES,
    });
  },
  express.raw({ type: () => true, limit: RECEIPT_MAX_BYTES }),
];
const listQuery = z.object({
  afterSeq: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(5000).optional(),
  status: z.enum(['posted', 'pending_approval', 'rejected']).optional(),
});

const route = routesFor<{ ledger: LedgerService; accrual: AccrualService }>();
const ALL = ['admin', 'duty_manager', 'insurer', 'reception'] as const;
const READERS = ['admin', 'duty_manager', 'insurer'] as const;
const RECORDERS = ['admin', 'duty_manager', 'reception'] as const;
const MANAGERS = ['admin', 'duty_manager'] as const;
const at = '/api/incidents/:incidentId/ledger';

export const ledgerRoutes = [
  route({
    method: 'get',
    path: at,
    roles: ALL,
    params,
    scope: 'incident',
    query: listQuery,
    handler: async ({ res, params, query, user, deps }) => res.json(await deps.ledger.lines(params.incidentId, user, query)),
  }),
  route({
    method: 'get',
    path: `${at}/summary`,
    roles: READERS,
    params,
    scope: 'incident',
    handler: async ({ res, params, deps }) => {
      const summary: LedgerSummary = {
        ...(await deps.ledger.summary(params.incidentId)),
        runningTransport: await deps.accrual.runningTransport(params.incidentId),
      };
      res.json(summary);
    },
  }),
  route({
    method: 'get',
    path: `${at}/verify`,
    roles: READERS,
    // Re-reads and re-hashes every line and every cited photo's bytes: the work of an export's verification, and its budget.
    limit: 'exports',
    params,
    scope: 'incident',
    handler: async ({ res, params, deps }) => res.json(await deps.ledger.verifyChain(params.incidentId)),
  }),
  route({
    method: 'get',
    path: `${at}/pending`,
    roles: MANAGERS,
    params,
    scope: 'incident',
    handler: async ({ res, params, user, deps }) => res.json({ lines: await deps.ledger.pending(params.incidentId, user) }),
  }),
  route({
    method: 'post',
    path: `${at}/perks`,
    roles: RECORDERS,
    // The ledger is append-only: a script recording penny perks (each within the staff limit) would fill it for good.
    limit: 'perks',
    params,
    scope: 'incident',
    handler: async ({ req, res, params, user, deps }) => {
      const out = await deps.ledger.recordPerk(params.incidentId, user, req.body);
      const body: RecordPerkResult = {
        entryId: out.entry.id,
        seq: out.entry.seq,
        status: out.entry.status as LedgerStatus,
        needsApproval: out.needsApproval,
        limitMinor: out.limitMinor,
        spentBeforeMinor: out.spentBeforeMinor,
        capMinor: out.capMinor,
        flags: out.flags,
        receiptRef: out.entry.receiptRef,
        hash: out.entry.hash,
      };
      res.status(201).json(body);
    },
  }),
  // Receipt photos: the raw image is the body (image/jpeg, image/png or image/webp, at most 5 MB).
  route({
    method: 'post',
    path: `${at}/receipts`,
    roles: RECORDERS,
    limit: 'uploads',
    use: receiptUpload,
    params,
    scope: 'incident',
    handler: async ({ req, res, params, user, deps }) =>
      res.status(201).json(await deps.ledger.receipts.upload(params.incidentId, user, declaredImageType(req.headers['content-type'])!, req.body)),
  }),
  route({
    method: 'get',
    path: `${at}/receipts/:receiptId`,
    roles: ALL,
    params: receiptParams,
    scope: 'incident',
    handler: async ({ res, params, user, deps }) => {
      const photo = await deps.ledger.receipts.read(params.incidentId, user, params.receiptId);
      res.setHeader('content-type', photo.contentType);
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('content-disposition', `inline; filename="receipt-${params.receiptId.slice(0, 8)}.${EXTENSION[photo.contentType] ?? 'img'}"`);
      res.setHeader('cache-control', 'private, max-age=3600');
      res.setHeader('etag', `"${photo.sha256}"`);
      res.send(photo.data);
    },
  }),
  route({
    method: 'post',
    path: `${at}/entries/:entryId/approve`,
    roles: MANAGERS,
    params: entryParams,
    scope: 'incident',
    handler: async ({ req, res, params, deps }) => {
      const out = await deps.ledger.approve(params.incidentId, params.entryId, req.body, actorOf(req));
      res.json({ entryId: out.entry.id, seq: out.entry.seq, approves: out.pending.id, amountMinor: out.entry.amountMinor } satisfies PerkApproveResult);
    },
  }),
  route({
    method: 'post',
    path: `${at}/entries/:entryId/reject`,
    roles: MANAGERS,
    params: entryParams,
    scope: 'incident',
    handler: async ({ req, res, params, deps }) => {
      const out = await deps.ledger.reject(params.incidentId, params.entryId, req.body, actorOf(req));
      res.json({ entryId: out.entry.id, seq: out.entry.seq, rejects: out.pending.id } satisfies PerkRejectResult);
    },
  }),
  route({
    method: 'post',
    path: `${at}/entries/:entryId/reverse`,
    roles: MANAGERS,
    params: entryParams,
    scope: 'incident',
    handler: async ({ req, res, params, deps }) => {
      const out = await deps.ledger.reverse(params.incidentId, params.entryId, req.body, actorOf(req));
      res.status(201).json({
        reversal: { entryId: out.reversal.id, seq: out.reversal.seq, amountMinor: out.reversal.amountMinor, reverses: out.reversal.reversesEntryId },
        replacement: out.replacement
          ? { entryId: out.replacement.id, seq: out.replacement.seq, amountMinor: out.replacement.amountMinor, corrects: out.replacement.relatedEntryId }
          : null,
      });
    },
  }),
  route({
    method: 'post',
    path: `${at}/accruals/lodging`,
    roles: MANAGERS,
    params,
    scope: 'incident',
    handler: async ({ req, res, params, deps }) => {
      const body = parseOr400(accrueSchema, req.body ?? {}, 'body');
      res.json(await deps.accrual.accrueLodging(params.incidentId, body.asOf ? new Date(body.asOf) : new Date(), actorOf(req)));
    },
  }),
  route({
    method: 'post',
    path: `${at}/trips/:tripId/complete`,
    roles: MANAGERS,
    params: tripParams,
    scope: 'incident',
    handler: async ({ req, res, params, deps }) => {
      const out = await deps.accrual.completeTrip(params.incidentId, params.tripId, actorOf(req));
      res.json({
        tripId: out.tripId,
        completed: true,
        alreadyPosted: out.alreadyPosted,
        entryId: out.entry?.id ?? null,
        amountMinor: out.entry?.amountMinor ?? null,
      });
    },
  }),
];
