/**
 * Conditional requests for the status page: the ETag is a hash of exactly what the page shows
 * (the view without `updatedAt`, the moment it was read), so it changes whenever anything shown
 * changes, whichever service changed it: correct by construction, with no version to bump. A phone
 * that sends the ETag of its last answer back in If-None-Match gets 304 and no body when nothing
 * changed. It saves bytes on the network and work on the phone, not the server's queries.
 */
import { createHash } from 'node:crypto';
import type { GuestStatusView } from '../../shared/messages.js';

export function statusEtag(view: GuestStatusView): string {
  const { updatedAt: _readAt, ...shown } = view;
  return `"${createHash('sha256').update(JSON.stringify(shown)).digest('base64url').slice(0, 32)}"`;
}

/** True when an If-None-Match header names `etag` (weak or strong, in a list, or `*`). */
export function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}
