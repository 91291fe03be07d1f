/**
 * Conditional requests for the status page. The ETag is the page's version: a hash of the
 * versions of every row the page is built from (server/guest/repo.ts, `partyAndPageVersion`: the
 * household, its guests, replies, page messages, feedback, stays and hotels, rides, trips,
 * vehicles and muster points, the incident's name, zone and helpline, the message settings),
 * whichever service in whichever process changed them. So any process answers 304 from that one
 * read, without building the page. A phone that sends the ETag of its last answer back in
 * If-None-Match gets 304 and no body when nothing changed.
 *
 * The page is a function of those rows and of the code that builds it: STATUS_PAGE_FORMAT names
 * that code's output. Change what the page shows or how (a field, a label, an order) and bump it,
 * or phones keep the page the old code built until their household next changes;
 * tests/api/guest-etag.test.ts pins the page's shape to the number.
 */
import { createHash } from 'node:crypto';

export const STATUS_PAGE_FORMAT = 3;

export function pageEtag(version: string): string {
  return `"p${STATUS_PAGE_FORMAT}-${createHash('sha256').update(version).digest('base64url').slice(0, 32)}"`;
}

/** True when an If-None-Match header names `etag` (weak or strong, in a list, or `*`). */
export function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}
