/**
 * The perks recorded at this hotel (reception reads only its own hotel's ledger lines), read again
 * whenever the server says the hotel's ledger changed (`tick`), when the page comes back into view,
 * and after this device records one.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { LedgerLine } from '../../../shared/ledger.js';
import { api, ApiError } from '../api.js';
import { oneInFlight } from '../one-in-flight.js';

export interface PerksState {
  lines: LedgerLine[] | null;
  error: string | null;
  refresh(): void;
}

export function usePerks(incidentId: string, tick: number, onAuthError: () => void): PerksState {
  const [lines, setLines] = useState<LedgerLine[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useMemo(
    () =>
      oneInFlight(async () => {
        try {
          setLines((await api.ledgerLines(incidentId)).lines);
          setError(null);
        } catch (err) {
          const status = err instanceof ApiError ? err.status : 0;
          if (status === 401) onAuthError();
          setError(status ? (err as Error).message : 'Cannot reach the server: perks shown as last loaded.');
        }
      }),
    [incidentId, onAuthError],
  );

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
