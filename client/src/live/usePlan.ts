/**
 * The proposal a duty manager is working on: compute, move a household by hand, apply. Lifted out
 * of the Plan panel so keyboard shortcuts (p, a) work from anywhere on the console.
 */
import { useCallback, useState } from 'react';
import type { PlanMove } from '../../../shared/operations.js';
import { api, ApiError } from '../api.js';
import type { PlanView } from '../../../shared/api.js';

export type PlanStatus = 'idle' | 'computing' | 'moving' | 'applying';

export interface PlanWork {
  view: PlanView | null;
  status: PlanStatus;
  error: unknown;
  /** Set when applying was refused because the situation changed (409). */
  conflict: ApiError | null;
  applied: { seq: number } | null;
  /** ms from Compute pressed to the proposal received (shown, and read by the browser test). */
  computeMs: number | null;
  /** Why the last Compute or Apply pressed did nothing (a shortcut pressed at the wrong moment), until the next action. */
  hint: string | null;
  compute(): Promise<void>;
  move(move: PlanMove): Promise<boolean>;
  apply(): Promise<void>;
  /** Switch to another of the proposal's alternatives (same choice list kept). */
  choose(planId: string): Promise<void>;
  discard(): void;
}

export function usePlan(incidentId: string, onAuthError: (err: unknown) => void): PlanWork {
  const [view, setView] = useState<PlanView | null>(null);
  const [status, setStatus] = useState<PlanStatus>('idle');
  const [error, setError] = useState<unknown>(null);
  const [conflict, setConflict] = useState<ApiError | null>(null);
  const [applied, setApplied] = useState<{ seq: number } | null>(null);
  const [computeMs, setComputeMs] = useState<number | null>(null);
  const [hint, setHint] = useState<string | null>(null);

  const fail = useCallback(
    (err: unknown) => {
      onAuthError(err);
      if (err instanceof ApiError && err.status === 409) setConflict(err);
      else setError(err);
    },
    [onAuthError],
  );

  const compute = useCallback(async () => {
    if (status !== 'idle') {
      setHint(BUSY[status]);
      return;
    }
    setHint(null);
    const t0 = performance.now();
    performance.mark('plan-compute-start');
    setStatus('computing');
    setError(null);
    setConflict(null);
    setApplied(null);
    try {
      setView(await api.proposePlan(incidentId));
      setComputeMs(Math.round(performance.now() - t0));
      // "Still being computed" said while it was: it is here now, to look over.
      setHint((h) => (h === BUSY.computing ? null : h));
    } catch (err) {
      fail(err);
    } finally {
      setStatus('idle');
    }
  }, [incidentId, status, fail]);

  const move = useCallback(
    async (m: PlanMove) => {
      if (!view || status !== 'idle') return false;
      setStatus('moving');
      setError(null);
      try {
        setView(await api.movePlan(incidentId, view.id, m));
        return true;
      } catch (err) {
        fail(err);
        return false;
      } finally {
        setStatus('idle');
      }
    },
    [incidentId, view, status, fail],
  );

  const apply = useCallback(async () => {
    // Nothing is applied unseen: a plan still computing is shown first, and applied when asked again.
    const why =
      status !== 'idle' ? BUSY[status] : !view ? 'There is no plan to apply yet: compute one first (p).' : applied ? 'This plan is already applied.' : null;
    setHint(why);
    if (why || !view) return;
    setStatus('applying');
    setError(null);
    setConflict(null);
    try {
      const r = await api.applyPlan(incidentId, view.id);
      setApplied({ seq: r.seq });
    } catch (err) {
      fail(err);
    } finally {
      setStatus('idle');
    }
  }, [incidentId, view, status, applied, fail]);

  const choose = useCallback(
    async (planId: string) => {
      if (!view || status !== 'idle' || applied || view.id === planId) return;
      setStatus('moving');
      setError(null);
      try {
        const next = await api.getPlan(incidentId, planId);
        setView({ ...next, alternatives: view.alternatives });
      } catch (err) {
        fail(err);
      } finally {
        setStatus('idle');
      }
    },
    [incidentId, view, status, applied, fail],
  );

  const discard = useCallback(() => {
    setHint(null);
    setView(null);
    setError(null);
    setConflict(null);
    setApplied(null);
  }, []);

  return { view, status, error, conflict, applied, computeMs, hint, compute, move, apply, choose, discard };
}

const BUSY: Record<Exclude<PlanStatus, 'idle'>, string> = {
  computing: 'A plan is still being computed: look it over when it appears, then apply it (a).',
  moving: 'A change to the plan is still being saved: try again in a moment.',
  applying: 'The plan is already being applied.',
};
