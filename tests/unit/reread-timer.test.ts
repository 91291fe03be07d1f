/**
 * When the console reads the incident again (client/src/live/reread-timer.ts): soon after changes
 * even while they keep coming, never closer together than the last read took, retried after a
 * failure and at once when a change comes meanwhile. Jest's clock stands in for the browser's.
 */
import { jest } from '@jest/globals';
import { AtMostEvery, POSITIONS_REREAD_MS, RereadTimer, RETRY_MS, SOON_MS } from '../../client/src/live/reread-timer.js';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

/** A read that takes `tookMs` of the fake clock and answers as `answers` says; the times it started. */
function reader(tookMs: number, answers: () => boolean = () => true) {
  const started: number[] = [];
  const read = () =>
    new Promise<boolean>((resolve) => {
      started.push(Date.now());
      setTimeout(() => resolve(answers()), tookMs);
    });
  return { started, read };
}

/** Let the fake clock run `ms`, settling promises between timers. */
async function run(ms: number) {
  await jest.advanceTimersByTimeAsync(ms);
}

test('changes faster than the wait still read, once per wait, not only when they stop', async () => {
  const { started, read } = reader(10);
  const t = new RereadTimer(read);
  const t0 = Date.now();
  // A change every 50 ms for 2 s: a debounce of 150 ms would never fire.
  for (let i = 0; i < 40; i++) {
    t.soon();
    await run(50);
  }
  expect(started.length).toBeGreaterThanOrEqual(10);
  expect(started[0]! - t0).toBe(SOON_MS);
  t.stop();
});

test('reads are never closer together than the last one took', async () => {
  const { started, read } = reader(600);
  const t = new RereadTimer(read);
  for (let i = 0; i < 60; i++) {
    t.soon();
    await run(50);
  }
  expect(started.length).toBeGreaterThanOrEqual(2);
  for (let i = 1; i < started.length; i++) expect(started[i]! - started[i - 1]!).toBeGreaterThanOrEqual(600 + 600);
  t.stop();
});

test('a failed read is tried again with backoff; a change meanwhile reads soon instead', async () => {
  let ok = false;
  const { started, read } = reader(10, () => ok);
  const t = new RereadTimer(read);
  t.soon();
  await run(SOON_MS + 10);
  expect(started).toHaveLength(1);
  await run(RETRY_MS[0]! + 10);
  expect(started).toHaveLength(2);
  // Now failing twice: the next try waits the second step; a change comes first and reads at once.
  await run(500);
  t.soon();
  await run(SOON_MS + 10);
  expect(started).toHaveLength(3);
  // That one failed too: the third step of the backoff, and then it is answered.
  ok = true;
  await run(RETRY_MS[2]! - 100);
  expect(started).toHaveLength(3);
  await run(200);
  expect(started).toHaveLength(4);
  // Answered: nothing more until the next change.
  await run(30_000);
  expect(started).toHaveLength(4);
  t.stop();
});

test('stopped, it reads nothing more', async () => {
  const { started, read } = reader(10);
  const t = new RereadTimer(read);
  t.soon();
  t.stop();
  await run(5_000);
  expect(started).toHaveLength(0);
});

test('drivers positions: the first after a quiet spell reads at once, then at most once per interval', async () => {
  const fired: number[] = [];
  const t0 = Date.now();
  const p = new AtMostEvery(POSITIONS_REREAD_MS, () => fired.push(Date.now() - t0));
  p.signal();
  await run(0);
  expect(fired).toEqual([0]);
  // A driver every 2 s for a minute and a half: one read per interval, and the last position
  // (just after the read at 90 s) still read, at 120 s.
  for (let i = 0; i < 45; i++) {
    await run(2000);
    p.signal();
  }
  await run(POSITIONS_REREAD_MS);
  expect(fired).toEqual([0, 1, 2, 3, 4].map((k) => k * POSITIONS_REREAD_MS));
  // Quiet, then one more: at once again.
  await run(5 * POSITIONS_REREAD_MS);
  p.signal();
  await run(0);
  expect(fired.at(-1)).toBe(9 * POSITIONS_REREAD_MS);
  p.signal();
  p.stop();
  await run(2 * POSITIONS_REREAD_MS);
  expect(fired.length).toBe(6);
});
