/*
 * The field pages' service worker (reception, driver, passes, guest status): after one visit they
 * load with no network. Plain JavaScript, copied to the site root by the client build, which fills
 * in VERSION and SHELL (index.html and every hashed asset of that build).
 *
 * - App shell: precached per version; pages are network-first falling back to the cached
 *   index.html, hashed assets cache-first. A new version installs beside the old one and takes over
 *   when a page next loads (the page asks it to skip waiting); old versions' caches are deleted.
 * - API GETs: network-first; the last good (2xx) answer is kept and served when the network fails,
 *   marked with an x-sw-cached-at header, and the page is told ("stale"/"fresh" messages) so it can
 *   say when the data was last fresh. Mutating requests are never cached or answered from cache.
 * - Signing in or out (any /api/auth/ write) and a 401 from /api/auth/me clear the cached answers.
 */
const VERSION = '__VERSION__';
const SHELL = __SHELL__;
const SHELL_CACHE = `shell-${VERSION}`;
const API_CACHE = 'api-v1';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((c) => c.addAll(SHELL)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('shell-') && k !== SHELL_CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('message', (event) => {
  const type = event.data && event.data.type;
  if (type === 'skip-waiting') void self.skipWaiting();
  if (type === 'clear-data') event.waitUntil(caches.delete(API_CACHE));
});

/** Answers worth keeping for offline: the signed-in user's reads, not downloads or the event feed. */
function cacheableApi(url) {
  if (!url.pathname.startsWith('/api/')) return false;
  if (url.pathname.startsWith('/api/auth/') && url.pathname !== '/api/auth/me') return false;
  return !/\/(exports|events|health)(\/|$)/.test(url.pathname);
}

async function tell(clientId, message) {
  const client = clientId ? await self.clients.get(clientId) : null;
  if (client) client.postMessage(message);
}

/**
 * The key an answer is kept under: its URL, plus a digest of the credential when one travels in a
 * header (a status link's token, X-Status-Token): two households' links opened on one phone are two
 * answers, and neither is ever shown for the other. The token itself is not stored in the key.
 */
async function cacheKey(request) {
  const credential = request.headers.get('x-status-token') || request.headers.get('authorization');
  if (!credential) return request;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(credential));
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
  const keyed = new URL(request.url);
  keyed.searchParams.set('sw-credential', hex);
  return new Request(keyed.toString());
}

async function apiNetworkFirst(event, url) {
  const cache = await caches.open(API_CACHE);
  const key = await cacheKey(event.request);
  try {
    const res = await fetch(event.request);
    if (res.ok) {
      const headers = new Headers(res.headers);
      headers.set('x-sw-cached-at', new Date().toISOString());
      const body = await res.clone().arrayBuffer();
      await cache.put(key, new Response(body, { status: res.status, statusText: res.statusText, headers }));
      void tell(event.clientId, { type: 'fresh', path: url.pathname });
    } else if (res.status === 401 && url.pathname === '/api/auth/me') {
      await caches.delete(API_CACHE);
    }
    return res;
  } catch (err) {
    const cached = await cache.match(key);
    if (!cached) throw err;
    void tell(event.clientId, { type: 'stale', path: url.pathname, at: cached.headers.get('x-sw-cached-at') });
    return cached;
  }
}

async function page(request) {
  try {
    return await fetch(request);
  } catch (err) {
    const shell = await caches.open(SHELL_CACHE);
    const cached = (await shell.match('/index.html')) || (await shell.match('/'));
    if (!cached) throw err;
    return cached;
  }
}

async function asset(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const res = await fetch(request);
  if (res.ok) {
    const shell = await caches.open(SHELL_CACHE);
    await shell.put(request, res.clone());
  }
  return res;
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/socket.io/')) return;
  if (event.request.method !== 'GET') {
    // Never cached; a sign-in or sign-out drops what the last user read.
    if (url.pathname.startsWith('/api/auth/')) event.waitUntil(caches.delete(API_CACHE));
    return;
  }
  if (url.pathname.startsWith('/api/')) {
    if (cacheableApi(url)) event.respondWith(apiNetworkFirst(event, url));
    return;
  }
  if (event.request.mode === 'navigate') return event.respondWith(page(event.request));
  if (url.pathname.startsWith('/assets/')) event.respondWith(asset(event.request));
});
