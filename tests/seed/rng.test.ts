import { Rng } from '../../seed/rng.js';

test('the same seed gives the same sequence; another seed does not', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const c = new Rng(43);
  const xs = Array.from({ length: 20 }, () => a.next());
  expect(Array.from({ length: 20 }, () => b.next())).toEqual(xs);
  expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(xs);
  for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
});

test('helpers stay in range', () => {
  const r = new Rng(1);
  for (let i = 0; i < 1000; i++) {
    const n = r.int(3, 5);
    expect(n >= 3 && n <= 5).toBe(true);
  }
  const counts = { a: 0, b: 0 };
  for (let i = 0; i < 10_000; i++)
    counts[
      r.weighted([
        ['a', 9],
        ['b', 1],
      ] as const)
    ]++;
  expect(counts.a / 10_000).toBeGreaterThan(0.85);
  expect(counts.a / 10_000).toBeLessThan(0.95);
  const items = [1, 2, 3, 4, 5, 6];
  const shuffled = r.shuffle(items);
  expect([...shuffled].sort()).toEqual(items);
  expect(items).toEqual([1, 2, 3, 4, 5, 6]);
  expect(() => r.pick([])).toThrow();
});
