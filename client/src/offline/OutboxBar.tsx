/** The outbox, visible: connection, what is waiting to be sent, and what the server refused. */
import type { OutboxState } from './useOfflineQueue.js';
import type { QueuedAction } from './queue.js';

/** An action the server refused, in the user's words and the server's, until they say "Understood". */
export function NotDone({
  action,
  onDismiss,
  className = '',
  ...attrs
}: { action: QueuedAction; onDismiss: () => void; className?: string } & Record<`data-${string}`, string>) {
  return (
    <div className={`notice error ${className}`} role="alert" {...attrs}>
      <p>
        <strong>Not done: {action.label}.</strong> {action.error?.message}
      </p>
      <button type="button" className="secondary" onClick={onDismiss}>
        Understood
      </button>
    </div>
  );
}

export function OutboxBar({ outbox }: { outbox: OutboxState }) {
  const waiting = outbox.actions.filter((a) => a.state !== 'conflict');
  const conflicts = outbox.actions.filter((a) => a.state === 'conflict');
  return (
    <section className="outbox" aria-label="Connection and unsent actions">
      <p className={`conn ${outbox.online ? 'conn-on' : 'conn-off'}`} role="status" data-online={outbox.online} data-pending={waiting.length}>
        {outbox.online ? 'Online' : 'Offline: actions are kept on this phone'}
        {waiting.length > 0 && (
          <>
            {' '}
            · <strong>{waiting.length} waiting to send</strong>
          </>
        )}
      </p>
      {waiting.length > 0 && (
        <details className="outbox-list">
          <summary>Show waiting actions</summary>
          <ol>
            {waiting.map((a) => (
              <li key={a.seq} data-state={a.state}>
                {a.label} <span className="muted">({a.state === 'sending' ? 'sending…' : 'waiting'})</span>
              </li>
            ))}
          </ol>
          {outbox.online && (
            <button type="button" className="secondary" onClick={() => void outbox.replay()}>
              Send now
            </button>
          )}
        </details>
      )}
      {conflicts.map((a) => (
        <NotDone key={a.seq} action={a} className="conflict" data-conflict={a.partyId ?? ''} onDismiss={() => void outbox.dismiss(a.seq!)} />
      ))}
    </section>
  );
}
