/** Who did what, newest first; new entries are announced politely to screen readers. */
import type { LiveEvent } from '../../../shared/realtime.js';
import { describeEvent, type EventLog } from '../console/event-log.js';
import { dateFormat } from '../../../shared/intl.js';

export function timeOf(iso: string, timeZone: string): string {
  try {
    return dateFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone }).format(new Date(iso));
  } catch {
    return iso.slice(11, 19);
  }
}

export function EventLine({ e, timeZone, name }: { e: LiveEvent; timeZone: string; name?: (id: string) => string }) {
  return (
    <li data-seq={e.seq} data-type={e.type}>
      <time dateTime={e.at}>{timeOf(e.at, timeZone)}</time> <strong>{e.actor.name}</strong> {describeEvent(e, name)}
    </li>
  );
}

export function ActivityPanel({ log, timeZone, name }: { log: EventLog; timeZone: string; name?: (id: string) => string }) {
  const recent = log.events.slice(-200).reverse();
  return (
    <section aria-labelledby="activity-title">
      <h2 id="activity-title">Activity</h2>
      {recent.length === 0 ? <p className="muted">Nothing has happened yet.</p> : null}
      <ol className="feed" aria-live="polite" aria-relevant="additions" data-testid="activity-feed">
        {recent.map((e) => (
          <EventLine key={e.seq} e={e} timeZone={timeZone} name={name} />
        ))}
      </ol>
      {log.events.length > 200 ? <p className="muted">Showing the latest 200 of {log.events.length}; use Replay under the map for the rest.</p> : null}
    </section>
  );
}
