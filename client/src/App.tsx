/**
 * The console shell: checks the session once on load, then shows sign-in or the page the hash
 * route names. A 401 from any page sends the user back to sign-in with a plain notice.
 */
import { useCallback, useEffect, useState } from 'react';
import type { UserView } from '../../shared/api.js';
import { api, ApiError } from './api.js';
import { useRoute } from './route.js';
import { roleLabel } from './format.js';
import { SignInPage } from './pages/SignInPage.js';
import { IncidentListPage } from './pages/IncidentListPage.js';
import { IncidentPage } from './pages/IncidentPage.js';
import { ConsolePage } from './console-ui/ConsolePage.js';
import { ReceptionPlaceholder } from './pages/ReceptionPlaceholder.js';
import { ErrorNotice } from './components/ErrorNotice.js';
import { GuestRoot, isGuestRoute } from './guest/index.js';

type Session =
  | { status: 'checking' }
  | { status: 'unreachable'; error: ApiError }
  | { status: 'signed-out'; notice?: string }
  | { status: 'signed-in'; user: UserView };

/** Guests' status links (#/s/<token>) need no sign-in; everything else is the staff app. */
export function App() {
  const [guest, setGuest] = useState(() => isGuestRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setGuest(isGuestRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return guest ? <GuestRoot /> : <StaffApp />;
}

function StaffApp() {
  const [session, setSession] = useState<Session>({ status: 'checking' });
  const route = useRoute();

  const checkSession = useCallback(async () => {
    setSession({ status: 'checking' });
    try {
      const { user } = await api.me();
      setSession({ status: 'signed-in', user });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setSession({ status: 'signed-out' });
      else setSession({ status: 'unreachable', error: toApiError(err) });
    }
  }, []);

  useEffect(() => {
    void checkSession();
  }, [checkSession]);

  const onSignedOut = useCallback((notice?: string) => setSession({ status: 'signed-out', notice }), []);

  /** Pages call this with any error; a lost session leads back to sign-in. */
  const onAuthError = useCallback(
    (err: unknown) => {
      if (err instanceof ApiError && err.status === 401) onSignedOut('Your session has ended. Please sign in again.');
    },
    [onSignedOut],
  );

  const signOut = async () => {
    try {
      await api.logout();
    } finally {
      onSignedOut('You are signed out.');
    }
  };

  if (session.status === 'checking') return <main className="centred" aria-busy="true"><p>Checking your session…</p></main>;
  if (session.status === 'unreachable') {
    return (
      <main className="centred">
        <ErrorNotice error={session.error} />
        <button type="button" onClick={() => void checkSession()}>Try again</button>
      </main>
    );
  }
  if (session.status === 'signed-out') {
    return <SignInPage notice={session.notice} onSignedIn={(user) => setSession({ status: 'signed-in', user })} />;
  }

  const { user } = session;
  return (
    <div className="shell">
      <header className="topbar">
        <a className="brand" href="#/">Relocation coordinator</a>
        <div className="whoami">
          <span>
            <strong>{user.name}</strong> · {roleLabel(user.role)}
          </span>
          <button type="button" className="secondary" onClick={() => void signOut()}>Sign out</button>
        </div>
      </header>
      {user.role === 'reception' ? (
        <ReceptionPlaceholder user={user} />
      ) : route.page === 'incident' && (user.role === 'admin' || user.role === 'duty_manager') ? (
        <ConsolePage key={route.incidentId} incidentId={route.incidentId} user={user} onAuthError={onAuthError} />
      ) : route.page === 'incident' ? (
        <IncidentPage
          key={route.incidentId}
          incidentId={route.incidentId}
          canSeeMap={false}
          onAuthError={onAuthError}
        />
      ) : (
        <IncidentListPage user={user} onAuthError={onAuthError} />
      )}
    </div>
  );
}

function toApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, 'unknown', 'Something went wrong. Please try again.');
}
