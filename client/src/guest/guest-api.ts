/**
 * The guest page's calls, through the client's one door: the public status-link API. The token goes
 * in the X-Status-Token header, never in a URL the server logs, and no cookie is sent (the link is
 * the credential). Failures are the door's ApiError, with the server's plain message.
 */
import { ApiError, request, readAnswer, send, type DoorOptions } from '../api.js';
import type { Strings } from './strings.js';
import type { GuestFeedback, GuestFeedbackResult, GuestReply, GuestReplyResult, GuestStatusView } from '../../../shared/messages.js';

/** How every status-link call authenticates: the token header, and no cookie. */
const asLink = (token: string, headers: Record<string, string> = {}): Omit<DoorOptions, 'method' | 'body'> => ({
  credentials: 'omit',
  headers: { 'X-Status-Token': token, ...headers },
});

/** The last page read and its ETag: sent back as If-None-Match, so an unchanged page costs no body. */
let lastStatus: { token: string; etag: string; view: GuestStatusView } | null = null;

async function status(token: string): Promise<GuestStatusView> {
  const known = lastStatus?.token === token ? lastStatus : null;
  const res = await send('/api/guest/status', asLink(token, known ? { 'If-None-Match': known.etag } : {}));
  // 304: nothing shown has changed since `known` was read; it is current as of now.
  if (res.status === 304 && known) return { ...known.view, updatedAt: new Date().toISOString() };
  if (res.status === 404) lastStatus = null;
  const view = await readAnswer<GuestStatusView>(res);
  const etag = res.headers.get('ETag');
  lastStatus = etag ? { token, etag, view } : null;
  return view;
}

export const guestApi = {
  status,
  /** The reply's own key (one per intended reply: retries and double taps carry it) is its Idempotency-Key too. */
  reply: (token: string, reply: GuestReply) => request<GuestReplyResult>('POST', '/api/guest/replies', reply, { ...asLink(token), idempotencyKey: reply.key }),
  feedback: (token: string, feedback: GuestFeedback) => request<GuestFeedbackResult>('POST', '/api/guest/feedback', feedback, asLink(token)),
};

/**
 * What to tell the guest when a reply or feedback was not taken: sent too often (429, the link's
 * own limit) in their language with how long to wait, else the server's plain message. The form
 * stays filled, so they send the same words again once the wait is over.
 */
export function sendProblem(t: Strings, err: unknown): string {
  if (err instanceof ApiError && err.status === 429) {
    const wait = Number(err.details.retryAfterSeconds);
    return t.tooSoon.replace('{seconds}', String(Number.isFinite(wait) && wait > 0 ? Math.ceil(wait) : 60));
  }
  return err instanceof Error ? err.message : String(err);
}

/** `#/s/<token>` or `#/s/<token>/feedback` -> the token and whether to open the feedback form. */
export function guestRouteFromHash(hash: string): { token: string; feedback: boolean } | null {
  const m = /^#\/s\/([A-Za-z0-9_-]{16,128})(\/feedback)?\/?$/.exec(hash);
  return m ? { token: m[1]!, feedback: Boolean(m[2]) } : null;
}
