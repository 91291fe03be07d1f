/**
 * The guest's phone page, self-contained: mount `GuestRoot` when the hash is `#/s/<token>`
 * (`isGuestRoute(location.hash)`); it follows hash changes itself and needs no session.
 */
export { GuestRoot, isGuestRoute } from './GuestRoot.js';
export { GuestStatusPage } from './GuestStatusPage.js';
export { guestRouteFromHash } from './guest-api.js';
