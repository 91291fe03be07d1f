/**
 * The guest page's door to the server: the public status-link API. The token goes in the
 * X-Status-Token header, never in a URL the server logs. Failures carry a plain message.
 */
import type { GuestFeedback, GuestReply, GuestReplyResult, GuestStatusView } from '../../../shared/messages.js';

export class GuestApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'GuestApiError';
  }
}

async function call<T>(token: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/guest${path}`, {
      method,
      credentials: 'omit',
      headers: { Accept: 'application/json', 'X-Status-Token': token, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new GuestApiError(0, 'offline');
  }
  const parsed = (await res.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
  if (!res.ok) throw new GuestApiError(res.status, parsed?.error?.message ?? `HTTP ${res.status}`);
  return parsed as T;
}

/** A fresh key per intended reply: retries and double taps of the same reply carry the same key. */
export function newReplyKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export const guestApi = {
  status: (token: string) => call<GuestStatusView>(token, 'GET', '/status'),
  reply: (token: string, reply: GuestReply) => call<GuestReplyResult>(token, 'POST', '/replies', reply),
  feedback: (token: string, feedback: GuestFeedback) => call<{ feedback: { rating: number; comment: string } }>(token, 'POST', '/feedback', feedback),
};

/** `#/s/<token>` or `#/s/<token>/feedback` -> the token and whether to open the feedback form. */
export function guestRouteFromHash(hash: string): { token: string; feedback: boolean } | null {
  const m = /^#\/s\/([A-Za-z0-9_-]{16,128})(\/feedback)?\/?$/.exec(hash);
  return m ? { token: m[1]!, feedback: Boolean(m[2]) } : null;
}
