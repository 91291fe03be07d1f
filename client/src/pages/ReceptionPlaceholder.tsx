import type { UserView } from '../../../shared/api.js';

/** Reception staff get their own page (another issue); until then, say so plainly. */
export function ReceptionPlaceholder({ user }: { user: UserView }) {
  return (
    <main className="page">
      <h1>Reception</h1>
      <p className="notice info">
        Reception page for your hotel is coming. Your hotel: <code>{user.hotelId ?? 'not set'}</code>
      </p>
    </main>
  );
}
