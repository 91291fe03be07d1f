/**
 * The page's side of the service worker (client/sw/sw.js): registers it, lets a new version take
 * over on the next load, clears cached answers on sign-out, and tracks whether what is on screen
 * came from the worker's cache (network down) so pages can say when it was last fresh.
 */
import { useEffect, useState } from 'react';

/** Paths answered from cache, with when each was last fresh, since the last fresh answer. */
const stale = new Map<string, number>();
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());

let registered = false;

/**
 * Register the worker. Called by the field pages (reception, driver, passes, guest status) when they
 * mount, so those pages work offline after one visit; the console and insurer pages, which need a
 * live connection anyway, never install it on a device of their own.
 */
export function registerServiceWorker(): void {
  if (registered || !import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  registered = true;
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent<{ type?: string; path?: string; at?: string | null }>) => {
    const { type, path, at } = event.data ?? {};
    if (!path) return;
    if (type === 'stale') stale.set(path, at ? Date.parse(at) : NaN);
    else if (type === 'fresh') stale.delete(path);
    else return;
    notify();
  });
  navigator.serviceWorker
    .register('/sw.js')
    .then((reg) => {
      // A new version installed on an earlier load takes over now, before anything else is fetched lazily.
      reg.waiting?.postMessage({ type: 'skip-waiting' });
    })
    .catch(() => undefined);
}

/** Keys of lists kept on the device for reading offline (reception's arrivals: names, phones, needs). */
const READ_LISTS = 'relocation:arrivals:';

/** Lists kept for reading offline, forgotten: on sign-out, and when the session has ended. */
export function forgetReadLists(): void {
  try {
    for (const key of Object.keys(localStorage)) if (key.startsWith(READ_LISTS)) localStorage.removeItem(key);
  } catch {
    /* storage unavailable */
  }
}

/** On sign-out: what this user read must not stay on the device. */
export async function clearOfflineData(): Promise<void> {
  forgetReadLists();
  stale.clear();
  notify();
  try {
    if ('caches' in window) {
      for (const key of await caches.keys()) if (key.startsWith('api-')) await caches.delete(key);
    }
    navigator.serviceWorker?.controller?.postMessage({ type: 'clear-data' });
  } catch {
    /* nothing cached, or storage unavailable */
  }
}

/** The oldest "last fresh" time of anything shown from cache, or null when all is fresh. */
export function useLastFresh(): number | null {
  const [at, setAt] = useState<number | null>(null);
  useEffect(() => {
    const update = () => {
      const times = [...stale.values()].filter((t) => Number.isFinite(t));
      setAt(stale.size === 0 ? null : times.length ? Math.min(...times) : 0);
    };
    listeners.add(update);
    update();
    return () => void listeners.delete(update);
  }, []);
  return at;
}

export function StaleNotice() {
  const at = useLastFresh();
  if (at === null) return null;
  const time = at ? new Date(at).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' }) : 'an earlier visit';
  return (
    <p className="notice info offline-stale" role="status" data-stale="true">
      No connection: showing what was last fresh at {time}.
    </p>
  );
}
