/**
 * The perks recorded at this hotel (reception reads only its own hotel's ledger lines), read again
 * whenever the server says the hotel's ledger changed (`tick`), when the page comes back into view,
 * and after this device records one. Recording goes straight to the server with an
 * Idempotency-Key kept for the attempt, so "try again" after a lost answer never records twice.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { LedgerLine } from '../../../shared/ledger.js';

export interface PerksState {
  lines: LedgerLine[] | null;
  error: string | null;
  refresh(): void;
}

export async function readJson<T>(res: Response): Promise<T> {
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (body as { error?: { message?: string; code?: string; details?: { fields?: { path: string; message: string }[] } } } | null)?.error;
    throw Object.assign(new Error(err?.message ?? `The server answered HTTP ${res.status}.`), { status: res.status, code: err?.code ?? `http_${res.status}`, fields: err?.details?.fields ?? [] });
  }
  return body as T;
}

export function usePerks(incidentId: string, tick: number, onAuthError: () => void): PerksState {
  const [lines, setLines] = useState<LedgerLine[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const inFlight = useRef(false);
  const again = useRef(false);
  const url = `/api/incidents/${encodeURIComponent(incidentId)}/ledger?limit=5000`;

  const load = useCallback(async () => {
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = true;
    try {
      do {
        again.current = false;
        try {
          const res = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
          const body = await readJson<{ lines: LedgerLine[] }>(res);
          setLines(body.lines);
          setError(null);
        } catch (err) {
          if ((err as { status?: number }).status === 401) onAuthError();
          setError((err as { status?: number }).status ? (err as Error).message : 'Cannot reach the server: perks shown as last loaded.');
        }
      } while (again.current);
    } finally {
      inFlight.current = false;
    }
  }, [url, onAuthError]);

  useEffect(() => {
    void load();
  }, [load, tick]);

  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible') void load();
    };
    window.addEventListener('focus', onVisible);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.removeEventListener('focus', onVisible);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [load]);

  const refresh = useCallback(() => void load(), [load]);
  return { lines, error, refresh };
}
