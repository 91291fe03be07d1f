/** Connection banner and who else is here ("Sam Second is viewing Plan"), announced politely. */
import type { PresenceEntry } from '../../../shared/realtime.js';
import type { Connection } from '../live/useIncidentLive.js';

export function LiveStatus({ connection, presence, me }: { connection: Connection; presence: PresenceEntry[]; me: string }) {
  const others = presence.filter((p) => p.userId !== me);
  return (
    <div className="live-status">
      <p className={`conn conn-${connection}`} role="status" aria-live="polite" data-connection={connection}>
        {connection === 'lost'
          ? '⚠ Connection lost — reconnecting; your changes are safe'
          : connection === 'caught-up'
            ? '✓ Back online — caught up'
            : connection === 'connecting'
              ? 'Connecting…'
              : '● Live'}
      </p>
      <p className="presence" aria-live="polite" data-testid="presence">
        {others.length === 0
          ? 'No one else here'
          : others.map((p) => `${p.name} is viewing ${p.viewing ?? 'the map'}`).join(' · ')}
      </p>
    </div>
  );
}
