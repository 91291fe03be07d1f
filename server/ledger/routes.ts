/**
 * Ledger endpoints under /api/incidents/:incidentId/ledger. Thin: parse, check role and scope, call
 * the service. Insurers read (never notes) and cannot write; reception records perks for its own
 * hotel's households and reads its hotel's lines; duty managers do everything else.
 */
import { Router } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/middleware.js';
import { actorOf } from '../http/actor.js';
import { parseOr400 } from '../http/errors.js';
import { assertIncidentVisible } from '../incidents/scope.js';
import { accrueSchema } from '../../shared/ledger.js';
import type { LedgerService } from './service.js';
import type { AccrualService } from './accrual.js';

const params = z.object({ incidentId: z.uuid({ message: 'expected an incident id' }) });
const entryParams = params.extend({ entryId: z.uuid({ message: 'expected a ledger entry id' }) });
const tripParams = params.extend({ tripId: z.uuid({ message: 'expected a trip id' }) });
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
    assertIncidentVisible(req.user, incidentId);
    res.json({ lines: await ledger.pending(incidentId) });
  });
  r.post('/perks', requireRole('admin', 'duty_manager', 'reception'), async (req, res) => {
    const { incidentId } = parseOr400(params, req.params, 'params');
    const user = assertIncidentVisible(req.user, incidentId);
    const out = await ledger.recordPerk(incidentId, user, req.body);
    res.status(201).json({ entryId: out.entry.id, seq: out.entry.seq, status: out.entry.status, needsApproval: out.needsApproval, limitMinor: out.limitMinor, spentBeforeMinor: out.spentBeforeMinor, capMinor: out.capMinor, flags: out.flags, hash: out.entry.hash });
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
