/**
 * The device's outbox for actions taken on patchy Wi-Fi. Every action is written to IndexedDB
 * first, with its Idempotency-Key, and only then sent; sends run one at a time in the order taken
 * (across tabs too, under a Web Lock). A lost answer is retried with the same key, so the server
 * applies it once ("nothing doubled"); nothing leaves the outbox until the server has answered
 * ("nothing lost"). A refusal (404/409: the household was re-routed or already handled) is kept and
 * shown to the user as a conflict instead of being dropped silently. An action may carry a file
 * (a receipt photo, kept in IndexedDB as a Blob): it is uploaded first and its id put in the body.
 */
import { idbAdd, idbAll, idbDelete, idbPut } from './idb.js';

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

/** A fresh Idempotency-Key for one intended action. */
export function newKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** Statuses that mean "try again later" rather than "the server said no". */
const RETRYABLE = new Set([0, 408, 425, 429, 500, 502, 503, 504]);

export class OfflineQueue {
  private listeners = new Set<Listener>();
  private running: Promise<void> | null = null;
  private again = false;
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
    const action: QueuedAction = { ...a, scope: this.scope, key: a.key ?? newKey(), method: 'POST', createdAt: new Date().toISOString(), state: 'pending', attempts: 0 };
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
  replay(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = async () => {
      do {
        this.again = false;
        const locks = typeof navigator !== 'undefined' ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
        if (locks) await locks.request(`relocation-outbox:${this.scope}`, () => this.pass());
        else await this.pass();
      } while (this.again);
    };
    this.running = run().finally(() => (this.running = null));
    return this.running;
  }

  private schedule() {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.replay();
    }, this.backoff);
    this.backoff = Math.min(this.backoff * 2, 30_000);
  }

  /** Upload the action's file if it has one (then stored without it), then send the action. */
  private async send(a: QueuedAction): Promise<{ status: number; body: unknown }> {
    if (a.attachment) {
      const { url, blob, field } = a.attachment;
      const up = await answer(() => fetch(url, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': blob.type, accept: 'application/json' }, body: blob }));
      const id = (up.body as { id?: unknown } | null)?.id;
      if (up.status < 200 || up.status >= 300 || typeof id !== 'string') return up;
      a.body = { ...(a.body as Record<string, unknown>), [field]: id };
      delete a.attachment;
      await idbPut(a);
    }
    return answer(() =>
      fetch(a.url, {
        method: a.method,
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': a.key },
        body: JSON.stringify(a.body),
      }),
    );
  }

  private async pass(): Promise<void> {
    for (const a of await this.list()) {
      if (a.state === 'conflict') continue;
      if (typeof navigator !== 'undefined' && navigator.onLine === false) return this.schedule();
      a.state = 'sending';
      a.attempts += 1;
      await idbPut(a);
      await this.notify();
      const { status, body } = await this.send(a);
      if (status >= 200 && status < 300) {
        await idbDelete(a.seq!);
        this.backoff = 2000;
        await this.notify();
        this.onApplied?.(a, body);
        continue;
      }
      if (status === 401) {
        a.state = 'pending';
        await idbPut(a);
        await this.notify();
        this.onUnauthorized?.();
        return;
      }
      if (RETRYABLE.has(status)) {
        a.state = 'pending';
        await idbPut(a);
        await this.notify();
        return this.schedule();
      }
      const err = (body as { error?: { code?: string; message?: string } } | null)?.error;
      a.state = 'conflict';
      a.error = { status, code: err?.code ?? `http_${status}`, message: err?.message ?? `The server refused this (HTTP ${status}).` };
      await idbPut(a);
      await this.notify();
    }
  }
}

const queues = new Map<string, OfflineQueue>();

/** An HTTP answer, or status 0 when there was none (no connection). */
async function answer(req: () => Promise<Response>): Promise<{ status: number; body: unknown }> {
  try {
    const res = await req();
    return { status: res.status, body: await res.json().catch(() => null) };
  } catch {
    return { status: 0, body: null };
  }
}

/** One queue per scope per page, shared by every component that uses it. */
export function queueFor(scope: string): OfflineQueue {
  let q = queues.get(scope);
  if (!q) {
    q = new OfflineQueue(scope);
    queues.set(scope, q);
  }
  return q;
}
