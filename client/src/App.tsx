/**
 * The console shell: checks the session once on load, then shows sign-in or the page the hash
 * route names. A 401 from any page sends the user back to sign-in with a plain notice.
 */
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import type { UserView } from '../../shared/api.js';
import { api, ApiError } from './api.js';
import { useRoute } from './route.js';
import { roleLabel } from './format.js';
import { SignInPage } from './pages/SignInPage.js';
import { IncidentListPage } from './pages/IncidentListPage.js';
import { driveTokenOf, driverLinksRouteOf } from './driver/route.js';
import { passesRouteOf } from './passes/route.js';
import { rollCallRouteOf, rollCallTokenOf } from './rollcall/route.js';

// Each role's page is its own chunk: a reception phone on a slow network loads no console code.
const ConsolePage = lazy(() => import('./console-ui/ConsolePage.js').then((m) => ({ default: m.ConsolePage })));
const IncidentPage = lazy(() => import('./pages/IncidentPage.js').then((m) => ({ default: m.IncidentPage })));
const InsurerPortal = lazy(() => import('./insurer/InsurerPortal.js').then((m) => ({ default: m.InsurerPortal })));
const ReceptionPage = lazy(() => import('./reception/ReceptionPage.js'));
const DriverPage = lazy(() => import('./driver/DriverPage.js'));
const DriverLinksPage = lazy(() => import('./driver/DriverLinksPage.js'));
const PassesPage = lazy(() => import('./passes/PassesPage.js'));
const RollCallPage = lazy(() => import('./rollcall/RollCallPage.js'));
const loading = (
  <main className="centred" aria-busy="true">
    <p>Loading…</p>
  </main>
);
import { ErrorNotice } from './components/ErrorNotice.js';
import { clearOfflineData, forgetReadLists, StaleNotice } from './offline/service-worker.js';
import { GuestRoot, isGuestRoute } from './guest/index.js';

type Session =
  { status: 'checking' } | { status: 'unreachable'; error: ApiError } | { status: 'signed-out'; notice?: string } | { status: 'signed-in'; user: UserView };

/** Guests' status links (#/s/<token>), drivers' and roll-call links need no sign-in; everything else is the staff app. */
export function App() {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const driveToken = driveTokenOf(hash);
  const rollCallToken = rollCallTokenOf(hash);
  return (
    <>
      <StaleNotice />
      {isGuestRoute(hash) ? (
        <GuestRoot />
      ) : driveToken ? (
        <Suspense fallback={loading}>
          <DriverPage token={driveToken} />
        </Suspense>
      ) : rollCallToken ? (
        <Suspense fallback={loading}>
          <RollCallPage key={rollCallToken} token={rollCallToken} />
        </Suspense>
      ) : (
        <StaffApp />
      )}
    </>
  );
}

/**
 * Who was last signed in on this device. A page reloaded with no connection (a reception tablet on
 * patchy Wi-Fi) opens as that user from the device's copies of its lists and outbox, instead of a
 * dead "cannot reach the server"; the server still decides every request, so a session that ended
 * meanwhile is sent back to sign-in at the first answer. Forgotten on sign-out.
 */
const LAST_USER = 'rc.lastUser';
const rememberUser = (user: UserView | null) => {
  try {
    if (user) localStorage.setItem(LAST_USER, JSON.stringify(user));
    else localStorage.removeItem(LAST_USER);
  } catch {
    /* storage unavailable: nothing to remember */
  }
};
const lastUser = (): UserView | null => {
  try {
    const raw = localStorage.getItem(LAST_USER);
    return raw ? (JSON.parse(raw) as UserView) : null;
  } catch {
    return null;
  }
};

function StaffApp() {
  const [session, setSession] = useState<Session>({ status: 'checking' });
  const route = useRoute();

  const checkSession = useCallback(async () => {
    setSession({ status: 'checking' });
    try {
      const { user } = await api.me();
      rememberUser(user);
      setSession({ status: 'signed-in', user });
    } catch (err) {
      const known = lastUser();
      if (err instanceof ApiError && err.status === 401) {
        rememberUser(null);
        setSession({ status: 'signed-out' });
      } else if (known && (!(err instanceof ApiError) || err.status === 0)) setSession({ status: 'signed-in', user: known });
      else setSession({ status: 'unreachable', error: toApiError(err) });
    }
  }, []);

  useEffect(() => {
    void checkSession();
  }, [checkSession]);

  // Unreachable with nobody remembered: try again by itself when the connection comes back.
  useEffect(() => {
    if (session.status !== 'unreachable') return;
    const again = () => void checkSession();
    window.addEventListener('online', again);
    return () => window.removeEventListener('online', again);
  }, [session.status, checkSession]);

  const onSignedOut = useCallback((notice?: string) => {
    rememberUser(null);
    setSession({ status: 'signed-out', notice });
  }, []);

  /** Pages call this with any error; a lost session leads back to sign-in. */
  const onAuthError = useCallback(
    (err: unknown) => {
      if (err instanceof ApiError && err.status === 401) {
        forgetReadLists();
        onSignedOut('Your session has ended. Please sign in again.');
      }
    },
    [onSignedOut],
  );

  const signOut = async () => {
    try {
      await api.logout();
    } finally {
      await clearOfflineData();
      onSignedOut('You are signed out.');
    }
  };

  const signOutEverywhere = async () => {
    if (!window.confirm('Sign out on every device where you are signed in (phones, tablets, other browsers)?')) return;
    try {
      const { revoked } = await api.logoutEverywhere();
      await clearOfflineData();
      onSignedOut(`You are signed out everywhere (${revoked} session${revoked === 1 ? '' : 's'} ended).`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) onSignedOut('Your session has ended. Please sign in again.');
      else window.alert('Could not sign out everywhere. Check the connection and try again.');
    }
  };

  if (session.status === 'checking')
    return (
      <main className="centred" aria-busy="true">
        <p>Checking your session…</p>
      </main>
    );
  if (session.status === 'unreachable') {
    return (
      <main className="centred">
        <ErrorNotice error={session.error} />
        <button type="button" onClick={() => void checkSession()}>
          Try again
        </button>
      </main>
    );
  }
  if (session.status === 'signed-out') {
    return (
      <SignInPage
        notice={session.notice}
        onSignedIn={(user) => {
          rememberUser(user);
          setSession({ status: 'signed-in', user });
        }}
      />
    );
  }

  const { user } = session;
  const manager = user.role === 'admin' || user.role === 'duty_manager';
  const passes = manager ? passesRouteOf(window.location.hash) : null;
  const driverLinks = manager ? driverLinksRouteOf(window.location.hash) : null;
  const rollCall = manager ? rollCallRouteOf(window.location.hash) : null;
  return (
    <div className="shell">
      <header className="topbar">
        <a className="brand" href="#/">
          Relocation coordinator
        </a>
        <div className="whoami">
          <span>
            <strong>{user.name}</strong> · {roleLabel(user.role)}
          </span>
          <button type="button" className="secondary" onClick={() => void signOut()}>
            Sign out
          </button>
          <button type="button" className="secondary" onClick={() => void signOutEverywhere()} title="End your sessions on every device">
            Sign out everywhere
          </button>
        </div>
      </header>
      <Suspense fallback={loading}>
        {user.role === 'reception' ? (
          <ReceptionPage user={user} onAuthError={onAuthError} />
        ) : rollCall ? (
          <RollCallPage key={`${rollCall.incidentId}/${rollCall.siteId}`} incidentId={rollCall.incidentId} siteId={rollCall.siteId} />
        ) : passes ? (
          <PassesPage key={passes.incidentId} incidentId={passes.incidentId} siteId={passes.siteId} />
        ) : driverLinks ? (
          <DriverLinksPage key={driverLinks.incidentId} incidentId={driverLinks.incidentId} />
        ) : route.page === 'incident' && manager ? (
          <ConsolePage key={route.incidentId} incidentId={route.incidentId} user={user} onAuthError={onAuthError} />
        ) : route.page === 'incident' && user.role === 'insurer' ? (
          <InsurerPortal key={route.incidentId} incidentId={route.incidentId} onAuthError={onAuthError} />
        ) : route.page === 'incident' ? (
          <IncidentPage key={route.incidentId} incidentId={route.incidentId} canSeeMap={false} onAuthError={onAuthError} />
        ) : (
          <IncidentListPage user={user} onAuthError={onAuthError} />
        )}
      </Suspense>
    </div>
  );
}

function toApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, 'unknown', 'Something went wrong. Please try again.');
}
