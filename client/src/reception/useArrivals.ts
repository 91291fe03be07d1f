/**
 * The hotel's arrivals, kept fresh: fetched on load, refetched when the server says something
 * changed at this hotel ('hotel.changed' on the reception socket), when the socket reconnects, when
 * the browser comes back online, and every minute (live ETAs). The last list is kept on the device
 * and shown at once on the next visit (marked as such) while the fresh one loads. Ledger notices
 * (a perk recorded, approved, rejected at this hotel) do not touch arrivals: they bump `ledgerTick`.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { HotelArrivals } from '../../../shared/api.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../../../shared/realtime.js';
import type { HotelEta } from '../../../shared/drivers.js';
import { api, ApiError } from '../api.js';
import { oneInFlight } from '../one-in-flight.js';

export interface ArrivalsState {
  arrivals: HotelArrivals | null;
  etas: HotelEta[];
  error: { status: number; message: string } | null;
  live: boolean;
  loadedAt: number | null;
  /** Showing the list kept from an earlier visit until the fresh one arrives. */
  fromCache: boolean;
  cachedAt: number | null;
  /** Bumped on every ledger change at this hotel (perks recorded, approved, rejected). */
  ledgerTick: number;
  refresh(): void;
}

interface Cached {
  arrivals: HotelArrivals;
  etas: HotelEta[];
  at: number;
}

function readCache(key: string): Cached | null {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as Cached) : null;
  } catch {
    return null;
  }
}

export function useArrivals(incidentId: string, hotelId: string, onAuthError: () => void): ArrivalsState {
  // Forgotten on sign-out (offline/service-worker.tsx, forgetReadLists).
  const cacheKey = `relocation:arrivals:${incidentId}:${hotelId}`;
  const [cached] = useState(() => readCache(cacheKey));
  const [arrivals, setArrivals] = useState<HotelArrivals | null>(cached?.arrivals ?? null);
  const [etas, setEtas] = useState<HotelEta[]>(cached?.etas ?? []);
  const [error, setError] = useState<ArrivalsState['error']>(null);
  const [live, setLive] = useState(false);
  const [loadedAt, setLoadedAt] = useState<number | null>(null);
  const [fromCache, setFromCache] = useState(Boolean(cached));
  const [cachedAt, setCachedAt] = useState<number | null>(cached?.at ?? null);
  const [ledgerTick, setLedgerTick] = useState(0);
  const load = useMemo(
    () =>
      oneInFlight(async () => {
        try {
          const [got, e] = await Promise.all([
            api.arrivalsAsKept(incidentId, hotelId),
            api.hotelEtas(incidentId, hotelId).catch(() => ({ etas: [] as HotelEta[] })),
          ]);
          const a = got.arrivals;
          setArrivals(a);
          setEtas(e.etas);
          if (got.cachedAt !== null) {
            // No network: the service worker's last good answer. Not stored or counted as fresh; the
            // page-wide notice says when it was last fresh.
            setCachedAt(got.cachedAt);
            setFromCache(false);
            setError(null);
            return;
          }
          setError(null);
          setLoadedAt(Date.now());
          setFromCache(false);
          try {
            localStorage.setItem(cacheKey, JSON.stringify({ arrivals: a, etas: e.etas, at: Date.now() } satisfies Cached));
          } catch {
            /* storage full or disabled: the live list still works */
          }
        } catch (err) {
          const status = err instanceof ApiError ? err.status : 0;
          if (status === 401) onAuthError();
          setError({ status, message: status ? (err as Error).message : 'Cannot reach the server: showing the list as last loaded.' });
        }
      }),
    [incidentId, hotelId, cacheKey, onAuthError],
  );

  const refresh = useCallback(() => void load(), [load]);

  useEffect(() => {
    void load();
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ withCredentials: true });
    socket.on('connect', () => {
      setLive(true);
      void load();
      // Notices missed while disconnected: perks are read again too.
      setLedgerTick((t) => t + 1);
    });
    socket.on('disconnect', () => setLive(false));
    socket.on('hotel.changed', (n) => {
      if (n.incidentId !== incidentId || n.hotelId !== hotelId) return;
      if (n.type.startsWith('ledger.')) setLedgerTick((t) => t + 1);
      else void load();
    });
    const online = () => void load();
    window.addEventListener('online', online);
    const timer = setInterval(() => void load(), 60_000);
    return () => {
      socket.disconnect();
      window.removeEventListener('online', online);
      clearInterval(timer);
    };
  }, [incidentId, hotelId, load]);

  return { arrivals, etas, error, live, loadedAt, fromCache, cachedAt, ledgerTick, refresh };
}
