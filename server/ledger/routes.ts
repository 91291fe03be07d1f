/**
 * Ledger endpoints under /api/incidents/:incidentId/ledger. Thin: parse, check role and scope, call
 * the service. Insurers read (never notes) and cannot write; reception records perks for its own
 * hotel's households and reads its hotel's lines; duty managers do everything else.
 */
import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/middleware.js';
import { actorOf } from '../http/actor.js';
import { AppError, parseOr400 } from '../http/errors.js';
import { assertIncidentVisible } from '../incidents/scope.js';
import { accrueSchema, RECEIPT_CONTENT_TYPES, RECEIPT_MAX_BYTES, type ReceiptContentType } from '../../shared/ledger.js';
import type { LedgerService } from './service.js';
import { isReceiptType } from './receipts.js';
import type { AccrualService } from './accrual.js';

const params = z.object({ incidentId: z.uuid({ message: 'expected an incident id' }) });
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
    throw new AppError('unsupported_media_type', `A receipt photo must be sent as ${RECEIPT_CONTENT_TYPES.join(', ')} (Content-Type).`, { accepted: RECEIPT_CONTENT_TYPES });
  },
  express.raw({ type: () => true, limit: RECEIPT_MAX_BYTES }),
];
const listQuery = z.object({
  afterSeq: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(5000).optional(),
  status: z.enum(['posted', 'pending_approval', 'rejected']).optional(),
});

export function ledgerRoutes(ledger: LedgerService, accrual: AccrualService): Router {
  const r = Router({ mergeParams: true });
  const readers = requireRole('admin', 'duty_manager', 'insurer');
  const managers = requireRole('admin', 'duty_manager');

  r.get('/', requireRole('admin', 'duty_manager', 'insurer', 'reception'), async (req, res) => {
    const { incidentId } = parseOr400(params, req.params, 'params');
    const user = assertIncidentVisible(req.user, incidentId);
    res.json(await ledger.lines(incidentId, user, parseOr400(listQuery, req.query, 'query')));
  });
  r.get('/summary', readers, async (req, res) => {
    const { incidentId } = parseOr400(params, req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    res.json(await ledger.summary(incidentId));
  });
  r.get('/verify', readers, async (req, res) => {
    const { incidentId } = parseOr400(params, req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    res.json(await ledger.verifyChain(incidentId));
  });
  r.get('/pending', managers, async (req, res) => {
    const { incidentId } = parseOr400(params, req.params, 'params');
    const user = assertIncidentVisible(req.user, incidentId);
    res.json({ lines: await ledger.pending(incidentId, user) });
  });
  r.post('/perks', requireRole('admin', 'duty_manager', 'reception'), async (req, res) => {
    const { incidentId } = parseOr400(params, req.params, 'params');
    const user = assertIncidentVisible(req.user, incidentId);
    const out = await ledger.recordPerk(incidentId, user, req.body);
    res.status(201).json({ entryId: out.entry.id, seq: out.entry.seq, status: out.entry.status, needsApproval: out.needsApproval, limitMinor: out.limitMinor, spentBeforeMinor: out.spentBeforeMinor, capMinor: out.capMinor, flags: out.flags, receiptRef: out.entry.receiptRef, hash: out.entry.hash });
  });
  // Receipt photos: the raw image is the body (image/jpeg, image/png or image/webp, at most 5 MB).
  r.post('/receipts', requireRole('admin', 'duty_manager', 'reception'), ...receiptUpload, async (req, res) => {
    const { incidentId } = parseOr400(params, req.params, 'params');
    const user = assertIncidentVisible(req.user, incidentId);
    res.status(201).json(await ledger.receipts.upload(incidentId, user, declaredImageType(req.headers['content-type'])!, req.body));
  });
  r.get('/receipts/:receiptId', requireRole('admin', 'duty_manager', 'insurer', 'reception'), async (req, res) => {
    const { incidentId, receiptId } = parseOr400(receiptParams, req.params, 'params');
    const user = assertIncidentVisible(req.user, incidentId);
    const photo = await ledger.receipts.read(incidentId, user, receiptId);
    res.setHeader('content-type', photo.contentType);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('content-disposition', `inline; filename="receipt-${receiptId.slice(0, 8)}.${EXTENSION[photo.contentType] ?? 'img'}"`);
    res.setHeader('cache-control', 'private, max-age=3600');
    res.setHeader('etag', `"${photo.sha256}"`);
    res.send(photo.data);
  });
  r.post('/entries/:entryId/approve', managers, async (req, res) => {
    const { incidentId, entryId } = parseOr400(entryParams, req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    const out = await ledger.approve(incidentId, entryId, req.body, actorOf(req));
    res.json({ entryId: out.entry.id, seq: out.entry.seq, approves: out.pending.id, amountMinor: out.entry.amountMinor });
  });
  r.post('/entries/:entryId/reject', managers, async (req, res) => {
    const { incidentId, entryId } = parseOr400(entryParams, req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    const out = await ledger.reject(incidentId, entryId, req.body, actorOf(req));
    res.json({ entryId: out.entry.id, seq: out.entry.seq, rejects: out.pending.id });
  });
  r.post('/entries/:entryId/reverse', managers, async (req, res) => {
    const { incidentId, entryId } = parseOr400(entryParams, req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    const out = await ledger.reverse(incidentId, entryId, req.body, actorOf(req));
    res.status(201).json({
      reversal: { entryId: out.reversal.id, seq: out.reversal.seq, amountMinor: out.reversal.amountMinor, reverses: out.reversal.reversesEntryId },
      replacement: out.replacement ? { entryId: out.replacement.id, seq: out.replacement.seq, amountMinor: out.replacement.amountMinor, corrects: out.replacement.relatedEntryId } : null,
    });
  });
  r.post('/accruals/lodging', managers, async (req, res) => {
    const { incidentId } = parseOr400(params, req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    const body = parseOr400(accrueSchema, req.body ?? {}, 'body');
    res.json(await accrual.accrueLodging(incidentId, body.asOf ? new Date(body.asOf) : new Date(), actorOf(req)));
  });
  r.post('/trips/:tripId/complete', managers, async (req, res) => {
    const { incidentId, tripId } = parseOr400(tripParams, req.params, 'params');
    assertIncidentVisible(req.user, incidentId);
    const out = await accrual.completeTrip(incidentId, tripId, actorOf(req));
    res.json({ tripId: out.tripId, completed: true, alreadyPosted: out.alreadyPosted, entryId: out.entry?.id ?? null, amountMinor: out.entry?.amountMinor ?? null });
  });
  return r;
}
