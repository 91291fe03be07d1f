/**
 * The group committer behind perk appends (server/ledger/group-commit.ts), without a database:
 * requests that arrive while a batch is being written go together in the next one, in order; each
 * gets its own outcome; and a batch that fails as a whole is retried one job at a time, so one bad
 * job cannot sink the others.
 */
import { GroupCommit, type Outcome } from '../../server/ledger/group-commit.js';

const tick = () => new Promise((r) => setImmediate(r));

test('jobs arriving while a batch is written form the next batch, in arrival order', async () => {
  const batches: number[][] = [];
  const gc = new GroupCommit<number, number>(async (_key, jobs) => {
    batches.push(jobs);
    await tick();
    return jobs.map((j) => ({ ok: true, value: j * 10 }));
  });
  const out = await Promise.all([1, 2, 3, 4, 5].map((j) => gc.submit('incident-a', j)));
  expect(out).toEqual([10, 20, 30, 40, 50]);
  // The first runs at once, alone; the four that came meanwhile go together.
  expect(batches).toEqual([[1], [2, 3, 4, 5]]);
  expect(gc.size).toBe(0);
});

test('keys are independent, and a batch is capped', async () => {
  const batches: string[] = [];
  const gc = new GroupCommit<number, number>(async (key, jobs) => {
    batches.push(`${key}:${jobs.join(',')}`);
    await tick();
    return jobs.map((j) => ({ ok: true, value: j }));
  }, 2);
  await Promise.all([gc.submit('a', 1), gc.submit('b', 1), gc.submit('a', 2), gc.submit('a', 3), gc.submit('a', 4), gc.submit('b', 2)]);
  expect(batches).toEqual(['a:1', 'b:1', 'a:2,3', 'b:2', 'a:4']);
});

test('each job gets its own outcome; a refused one does not affect the rest', async () => {
  const gc = new GroupCommit<number, number>(async (_key, jobs) => {
    await tick();
    return jobs.map((j): Outcome<number> => (j % 2 ? { ok: true, value: j } : { ok: false, error: new Error(`even ${j}`) }));
  });
  const settled = await Promise.allSettled([1, 2, 3, 4].map((j) => gc.submit('k', j)));
  expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([1, 'even 2', 3, 'even 4']);
});

test('a batch that fails as a whole is retried job by job, so only the bad job fails', async () => {
  const runs: number[][] = [];
  const gc = new GroupCommit<number, number>(async (_key, jobs) => {
    runs.push(jobs);
    await tick();
    if (jobs.includes(13)) throw new Error('constraint violated by 13');
    return jobs.map((j) => ({ ok: true, value: j }));
  });
  const first = gc.submit('k', 1);
  const rest = [12, 13, 14].map((j) => gc.submit('k', j));
  const settled = await Promise.allSettled([first, ...rest]);
  expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([1, 12, 'constraint violated by 13', 14]);
  expect(runs).toEqual([[1], [12, 13, 14], [12], [13], [14]]);
});
