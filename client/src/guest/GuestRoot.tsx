/** Reads the status link from the hash (#/s/<token>[/feedback]) and shows that household's page. */
import { useEffect, useState } from 'react';
import { guestRouteFromHash } from './guest-api.js';
import { GuestStatusPage } from './GuestStatusPage.js';

export function isGuestRoute(hash: string): boolean {
  return hash.startsWith('#/s/');
}

export function GuestRoot() {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const route = guestRouteFromHash(hash);
  if (!route) {
    return (
      <main className="g-page" data-testid="guest-invalid">
        <p className="g-error" role="alert">
          This link is not valid. Please ask a member of staff for a new one.
        </p>
      </main>
    );
  }
  return <GuestStatusPage key={route.token} token={route.token} openFeedback={route.feedback} />;
}
