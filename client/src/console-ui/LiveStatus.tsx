/**
 * Connection banner and who else is here ("Sam Second is viewing Plan"), announced politely. While
 * replaying, the badge says so with the replay clock ("Replay 21:40"), never "Live".
 */
import type { PresenceEntry } from '../../../shared/realtime.js';
import type { Connection } from '../live/useIncidentLive.js';

export function LiveStatus({
  connection,
  presence,
  me,
  replayClock,
}: {
  connection: Connection;
  presence: PresenceEntry[];
  me: string;
  replayClock: string | null;
}) {
  const others = presence.filter((p) => p.userId !== me);
  return (
    <div className="live-status">
      <p
        className={`conn conn-${replayClock === null || connection === 'lost' ? connection : 'replay'}`}
        role="status"
        aria-live="polite"
        data-connection={connection}
        data-testid="live-badge"
      >
        {replayClock !== null
          ? `Replay ${replayClock}${connection === 'lost' ? ' · connection lost, reconnecting' : ''}`
          : connection === 'lost'
            ? '⚠ Connection lost — reconnecting; your changes are safe'
            : connection === 'caught-up'
              ? '✓ Back online — caught up'
              : connection === 'connecting'
                ? 'Connecting…'
                : '● Live'}
      </p>
      <p className="presence" aria-live="polite" data-testid="presence">
        {others.length === 0 ? 'No one else here' : others.map((p) => `${p.name} is viewing ${p.viewing ?? 'the map'}`).join(' · ')}
      </p>
    </div>
  );
}
