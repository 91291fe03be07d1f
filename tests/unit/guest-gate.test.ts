/**
 * The status links' gate when many requests from one address are in flight at once, which the
 * HTTP tests can only hope to produce: here each lookup answers when the test says so. A muster
 * point's households all polling at the same moment must never be refused; a burst of guesses
 * must learn no more than 30 answers, whatever order the answers come back in.
 */
import type { Request } from 'express';
import { guestGate, STATUS_TOKEN_HEADER, type GuestGate } from '../../server/guest/routes.js';
import { AppError } from '../../server/http/errors.js';

const request = (ip: string, token: string) => ({ ip, header: (name: string) => (name === STATUS_TOKEN_HEADER ? token : undefined) }) as unknown as Request;
const miss = () => new AppError('not_found', 'This status link is not valid any more.');

/** A lookup the test answers by hand: `answer(true)` finds the household, `answer(false)` does not. */
function heldLookup() {
  let answer!: (found: boolean) => void;
  const done = new Promise<boolean>((resolve) => (answer = resolve));
  let ran = false;
  const fn = async () => {
    ran = true;
    if (await done) return 'page';
    throw miss();
  };
  return { fn, answer, ran: () => ran };
}

type Outcome = 'ok' | 'not_found' | 'rate_limited';
const outcome = (p: Promise<unknown>): Promise<Outcome> =>
  p.then(
    () => 'ok' as const,
    (e: unknown) => (e instanceof AppError ? (e.code as Outcome) : Promise.reject(e)),
  );
const tally = (list: Outcome[]) => list.reduce<Record<string, number>>((m, o) => ({ ...m, [o]: (m[o] ?? 0) + 1 }), {});
const turn = () => new Promise((r) => setImmediate(r));

let gate: GuestGate;
beforeEach(() => (gate = guestGate()));

test('300 households behind one address, all with a poll in flight at once, are all answered', async () => {
  const held = Array.from({ length: 300 }, () => heldLookup());
  const polls = held.map((h, i) => outcome(gate(request('203.0.113.10', `household-${i}`), h.fn)));
  await turn();
  held.forEach((h) => h.answer(true));
  expect(tally(await Promise.all(polls))).toEqual({ ok: 300 });
});

test('a revoked link polled 40 times at once, among the households, is one miss and locks nobody out', async () => {
  const revoked = Array.from({ length: 40 }, () => heldLookup());
  const stale = revoked.map((h) => outcome(gate(request('203.0.113.10', 'revoked'), h.fn)));
  await turn();
  revoked.forEach((h) => h.answer(false));
  expect(tally(await Promise.all(stale))).toEqual({ not_found: 40 });
  // The address may be told 30 misses: the stale link spent one, so 28 more leave one to spare.
  for (let i = 0; i < 28; i++) expect(await outcome(gate(request('203.0.113.10', `gone-${i}`), async () => Promise.reject(miss())))).toBe('not_found');
  expect(await outcome(gate(request('203.0.113.10', 'household'), async () => 'page'))).toBe('ok');
  expect(await outcome(gate(request('203.0.113.10', 'gone-29'), async () => Promise.reject(miss())))).toBe('not_found');
  expect(await outcome(gate(request('203.0.113.10', 'household'), async () => 'page'))).toBe('rate_limited');
});

test.each([
  ['in the order they were sent', (n: number) => Array.from({ length: n }, (_, i) => i)],
  ['in reverse', (n: number) => Array.from({ length: n }, (_, i) => n - 1 - i)],
  ['interleaved', (n: number) => Array.from({ length: n }, (_, i) => (i * 37) % n)],
])('60 guesses and 5 real links in flight from one address, answered %s: 30 misses are told, nothing after them', async (_order, order) => {
  const n = 65;
  const real = new Set([3, 17, 31, 45, 62]);
  const held = Array.from({ length: n }, () => heldLookup());
  const results = held.map((h, i) => outcome(gate(request('198.51.100.7', `token-${i}`), h.fn)));
  await turn();
  const told: Outcome[] = [];
  let missesTold = 0;
  for (const i of order(n)) {
    held[i]!.answer(real.has(i));
    const o = await results[i]!;
    told.push(o);
    if (o === 'not_found') missesTold++;
    // Once 30 misses were told, every later answer is a refusal: a real link is not told apart.
    if (missesTold === 30 && o !== 'not_found') expect(o).toBe('rate_limited');
  }
  expect(tally(told).not_found).toBe(30);
  expect(tally(told).ok ?? 0).toBeLessThanOrEqual(5);
  expect(told.length - (tally(told).ok ?? 0) - 30).toBe(tally(told).rate_limited);
  // The address is refused from now on, before any lookup; another address is not.
  const after = heldLookup();
  expect(await outcome(gate(request('198.51.100.7', 'token-3'), after.fn))).toBe('rate_limited');
  expect(after.ran()).toBe(false);
  expect(await outcome(gate(request('198.51.100.8', 'token-3'), async () => 'page'))).toBe('ok');
});

test('writes reserve their miss before they run: of 40 in flight with unknown tokens, 30 run and 10 are refused unrun', async () => {
  const held = Array.from({ length: 40 }, () => heldLookup());
  const writes = held.map((h, i) => outcome(gate(request('198.51.100.9', `write-${i}`), h.fn, 'write')));
  await turn();
  expect(held.filter((h) => h.ran())).toHaveLength(30);
  held.forEach((h) => h.answer(false));
  expect(tally(await Promise.all(writes))).toEqual({ not_found: 30, rate_limited: 10 });
});

test('a write that finds its household hands its reservation back', async () => {
  for (let i = 0; i < 100; i++) expect(await outcome(gate(request('198.51.100.10', `reply-${i}`), async () => 'recorded', 'write'))).toBe('ok');
  expect(await outcome(gate(request('198.51.100.10', 'guess'), async () => Promise.reject(miss()), 'write'))).toBe('not_found');
});

test('one link is limited to 120 a minute, read or write, whatever address it comes from', async () => {
  gate = guestGate({ writesPerMinute: 1000 });
  const results = await Promise.all(
    Array.from({ length: 130 }, (_, i) => outcome(gate(request(`192.0.2.${i % 100}`, 'busy-link'), async () => 'page', i % 2 ? 'read' : 'write'))),
  );
  expect(tally(results)).toEqual({ ok: 120, rate_limited: 10 });
});

test('one link sends 6 replies a minute, from any address; refused ones count against nothing else, and reads go on', async () => {
  const writes = await Promise.all(
    Array.from({ length: 10 }, (_, i) => outcome(gate(request(`192.0.2.${i}`, 'chatty-link'), async () => 'recorded', 'write'))),
  );
  expect(tally(writes)).toEqual({ ok: 6, rate_limited: 4 });
  // 6 writes and 4 refusals spent 6 of the link's 120: 114 reads are left.
  const reads = await Promise.all(Array.from({ length: 115 }, () => outcome(gate(request('192.0.2.1', 'chatty-link'), async () => 'page'))));
  expect(tally(reads)).toEqual({ ok: 114, rate_limited: 1 });
  expect(await outcome(gate(request('192.0.2.1', 'another-link'), async () => 'recorded', 'write'))).toBe('ok');
});
