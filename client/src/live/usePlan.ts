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

  const fail = useCallback(
    (err: unknown) => {
      onAuthError(err);
      if (err instanceof ApiError && err.status === 409) setConflict(err);
      else setError(err);
    },
    [onAuthError],
  );

  const compute = useCallback(async () => {
    if (status !== 'idle') return;
    const t0 = performance.now();
    performance.mark('plan-compute-start');
    setStatus('computing');
    setError(null);
    setConflict(null);
    setApplied(null);
    try {
      setView(await api.proposePlan(incidentId));
      setComputeMs(Math.round(performance.now() - t0));
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
    if (!view || status !== 'idle' || applied) return;
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
    setView(null);
    setError(null);
    setConflict(null);
    setApplied(null);
  }, []);

  return { view, status, error, conflict, applied, computeMs, compute, move, apply, choose, discard };
}
