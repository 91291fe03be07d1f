/**
 * The device's outbox for actions taken on patchy Wi-Fi. Every action is written to IndexedDB
 * first, with its Idempotency-Key, and only then sent; sends run one at a time in the order taken
 * (across tabs too, under a Web Lock). A lost answer is retried with the same key, so the server
 * applies it once ("nothing doubled"); nothing leaves the outbox until the server has answered
 * ("nothing lost"). A refusal (404/409: the household was re-routed or already handled) is kept and
 * shown to the user as a conflict instead of being dropped silently; a 409 the server marks
 * retryable (the same key still in progress, e.g. across a server crash) is retried (./retry.ts). An action may carry a file
 * (a receipt photo, kept in IndexedDB as a Blob): it is uploaded first and its id put in the body.
 */
import { idbAdd, idbAll, idbDelete, idbPut } from './idb.js';
import { verdict } from './retry.js';
import { exchange, newIdempotencyKey, HEAVY_REQUEST_DEADLINE_MS, type Exchange } from '../api.js';
import { oneInFlight } from '../one-in-flight.js';

export type ActionState = 'pending' | 'sending' | 'conflict';

/** A file to upload before the action; the upload's answer `{ id }` goes into `body[field]`. */
export interface Attachment {
  url: string;
  blob: Blob;
  field: string;
}

export interface QueuedAction {
  seq?: number;
  scope: string;
  key: string;
  method: 'POST';
  url: string;
  body: unknown;
  /** What the user did, in their words: "Check in Turner (4)". */
  label: string;
  kind: string;
  partyId?: string;
  attachment?: Attachment;
  createdAt: string;
  state: ActionState;
  attempts: number;
  error?: { status: number; code: string; message: string };
}

/** `key`: the Idempotency-Key of an attempt that may already have reached the server (sent again with it, never doubled). */
export type NewAction = Pick<QueuedAction, 'url' | 'body' | 'label' | 'kind' | 'partyId' | 'attachment'> & { key?: string };

type Listener = (actions: QueuedAction[]) => void;

export class OfflineQueue {
  private listeners = new Set<Listener>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private backoff = 2000;
  /** Called when the server says the session ended (the queue waits for a new sign-in). */
  onUnauthorized: (() => void) | null = null;
  /** Called after each action the server accepted (the page refetches). */
  onApplied: ((a: QueuedAction, body: unknown) => void) | null = null;

  constructor(readonly scope: string) {}

  async list(): Promise<QueuedAction[]> {
    const all = await idbAll<QueuedAction>(this.scope);
    return all.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  }

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    void this.list().then(l);
    return () => this.listeners.delete(l);
  }

  private async notify() {
    const list = await this.list();
    for (const l of this.listeners) l(list);
  }

  /** Store the action, then try to send everything pending. */
  async enqueue(a: NewAction): Promise<QueuedAction> {
    const action: QueuedAction = {
      ...a,
      scope: this.scope,
      key: a.key ?? newIdempotencyKey(),
      method: 'POST',
      createdAt: new Date().toISOString(),
      state: 'pending',
      attempts: 0,
    };
    action.seq = await idbAdd(action);
    await this.notify();
    void this.replay();
    return action;
  }

  async dismiss(seq: number): Promise<void> {
    await idbDelete(seq);
    await this.notify();
  }

  /** Send pending actions in order; concurrent calls coalesce into one more pass. */
  readonly replay = oneInFlight(async () => {
    const locks = typeof navigator !== 'undefined' ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
    if (locks) await locks.request(`relocation-outbox:${this.scope}`, () => this.pass());
    else await this.pass();
  });

  /** Try again after `afterMs` (the server's Retry-After) or the growing backoff. */
  private schedule(afterMs: number | null = null) {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.replay();
    }, afterMs ?? this.backoff);
    if (afterMs === null) this.backoff = Math.min(this.backoff * 2, 30_000);
  }

  /** Upload the action's file if it has one (then stored without it), then send the action. */
  private async send(a: QueuedAction): Promise<Exchange> {
    if (a.attachment) {
      const { url, blob, field } = a.attachment;
      // A photo over a slow uplink may take longer than an answer should.
      const up = await exchange(url, { method: 'POST', body: blob, deadlineMs: HEAVY_REQUEST_DEADLINE_MS });
      const id = (up.body as { id?: unknown } | null)?.id;
      if (up.status < 200 || up.status >= 300 || typeof id !== 'string') return up;
      a.body = { ...(a.body as Record<string, unknown>), [field]: id };
      delete a.attachment;
      await idbPut(a);
    }
    return exchange(a.url, { method: a.method, body: a.body, idempotencyKey: a.key });
  }

  private async pass(): Promise<void> {
    for (const a of await this.list()) {
      if (a.state === 'conflict') continue;
      if (typeof navigator !== 'undefined' && navigator.onLine === false) return this.schedule();
      a.state = 'sending';
      a.attempts += 1;
      await idbPut(a);
      await this.notify();
      const { status, body, retryAfter } = await this.send(a);
      const v = verdict(status, body, retryAfter);
      if (v.kind === 'done') {
        await idbDelete(a.seq!);
        this.backoff = 2000;
        await this.notify();
        this.onApplied?.(a, body);
        continue;
      }
      if (v.kind === 'signed-out') {
        a.state = 'pending';
        await idbPut(a);
        await this.notify();
        this.onUnauthorized?.();
        return;
      }
      if (v.kind === 'retry') {
        a.state = 'pending';
        await idbPut(a);
        await this.notify();
        return this.schedule(v.afterMs);
      }
      a.state = 'conflict';
      a.error = { status, code: v.code, message: v.message };
      await idbPut(a);
      await this.notify();
    }
  }
}

const queues = new Map<string, OfflineQueue>();

/** One queue per scope per page, shared by every component that uses it. */
export function queueFor(scope: string): OfflineQueue {
  let q = queues.get(scope);
  if (!q) {
    q = new OfflineQueue(scope);
    queues.set(scope, q);
  }
  return q;
}
