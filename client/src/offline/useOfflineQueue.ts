/** The outbox as React state, plus the browser's idea of whether we are online. */
import { useCallback, useEffect, useState } from 'react';
import { queueFor, type NewAction, type QueuedAction } from './queue.js';

export interface OutboxState {
  actions: QueuedAction[];
  online: boolean;
  enqueue(a: NewAction): Promise<QueuedAction>;
  dismiss(seq: number): Promise<void>;
  replay(): Promise<void>;
}

export function useOfflineQueue(scope: string, hooks: { onApplied?: () => void; onUnauthorized?: () => void } = {}): OutboxState {
  const queue = queueFor(scope);
  const [actions, setActions] = useState<QueuedAction[]>([]);
  const [online, setOnline] = useState(() => navigator.onLine);
  const { onApplied, onUnauthorized } = hooks;

  useEffect(() => queue.subscribe(setActions), [queue]);
  useEffect(() => {
    queue.onApplied = onApplied ? () => onApplied() : null;
    queue.onUnauthorized = onUnauthorized ?? null;
  }, [queue, onApplied, onUnauthorized]);
  useEffect(() => {
    const up = () => {
      setOnline(true);
      void queue.replay();
    };
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    // Whatever an earlier visit left behind goes out now.
    void queue.replay();
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, [queue]);

  const enqueue = useCallback((a: NewAction) => queue.enqueue(a), [queue]);
  const dismiss = useCallback((seq: number) => queue.dismiss(seq), [queue]);
  const replay = useCallback(() => queue.replay(), [queue]);
  return { actions, online, enqueue, dismiss, replay };
}
