/**
 * The map's drawing in slices (client/src/map/sliced-jobs.ts): a big drawing runs one slice now and
 * the rest in later tasks, a small one at once; layers set together share a slice; a newer drawing
 * of a layer replaces the one still running; `finish` completes one at once. A hand clock that moves
 * only when a job draws stands in for the browser's, so the slices are exact.
 */
import { slicedJobs } from '../../client/src/map/sliced-jobs.js';

const SLICE = 12;

/** A clock moved by the jobs themselves: each thing drawn costs `cost` ms. */
function setup() {
  let clock = 0;
  const jobs = slicedJobs(() => clock, SLICE);
  const drawn: Record<string, number> = {};
  function* job(name: string, things: number, cost = 1, throwAt = -1): Generator<void, void, void> {
    for (let i = 0; i < things; i++) {
      if (i === throwAt) throw new Error(`${name} broke`);
      clock += cost;
      drawn[name] = (drawn[name] ?? 0) + 1;
      yield;
    }
  }
  return { jobs, drawn, job };
}

/** Let one later task run (the next slice). */
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

test('a big drawing runs one slice now and the rest in later tasks, until all is drawn', async () => {
  const { jobs, drawn, job } = setup();
  jobs.run('markers', job('markers', 100));
  expect(drawn.markers).toBe(SLICE);
  let tasks = 1;
  while ((drawn.markers ?? 0) < 100) {
    const before = drawn.markers!;
    await nextTask();
    tasks++;
    expect(drawn.markers! - before).toBeLessThanOrEqual(SLICE);
    expect(drawn.markers!).toBeGreaterThan(before);
  }
  expect(drawn.markers).toBe(100);
  expect(tasks).toBe(Math.ceil(100 / SLICE));
  await nextTask();
  expect(drawn.markers).toBe(100);
});

test('a small drawing is done at once', () => {
  const { jobs, drawn, job } = setup();
  jobs.run('vehicles', job('vehicles', 5));
  expect(drawn.vehicles).toBe(5);
});

test('layers set in the same task share one slice; what is left goes on later', async () => {
  const { jobs, drawn, job } = setup();
  jobs.begin();
  jobs.run('markers', job('markers', 8));
  jobs.run('trips', job('trips', 8));
  expect(drawn.markers).toBe(8);
  expect(drawn.trips).toBe(SLICE - 8);
  await nextTask();
  expect(drawn.trips).toBe(8);
  // A new task has a slice of its own.
  jobs.run('households', job('households', 10));
  expect(drawn.households).toBe(10);
});

test('a newer drawing of a layer replaces the one still running, which is never resumed', async () => {
  const { jobs, drawn, job } = setup();
  jobs.run('households', job('old', 100));
  expect(drawn.old).toBe(SLICE);
  await nextTask();
  expect(drawn.old).toBe(2 * SLICE);
  jobs.run('households', job('new', 30));
  for (let i = 0; i < 10; i++) await nextTask();
  expect(drawn.old).toBe(2 * SLICE);
  expect(drawn.new).toBe(30);
});

test('finish completes a drawing at once (before details are opened or the view fitted)', async () => {
  const { jobs, drawn, job } = setup();
  jobs.run('markers', job('markers', 100));
  jobs.finish('markers');
  expect(drawn.markers).toBe(100);
  jobs.finish('markers');
  await nextTask();
  expect(drawn.markers).toBe(100);
});

test('stopAll stops every drawing (the map is gone)', async () => {
  const { jobs, drawn, job } = setup();
  jobs.run('markers', job('markers', 100));
  jobs.stopAll();
  for (let i = 0; i < 3; i++) await nextTask();
  expect(drawn.markers).toBe(SLICE);
});

test('a drawing that throws is dropped; the other layers go on', async () => {
  const { jobs, drawn, job } = setup();
  expect(() => jobs.run('markers', job('markers', 10, 1, 0))).toThrow('markers broke');
  jobs.run('trips', job('trips', 50));
  for (let i = 0; i < 8; i++) await nextTask();
  expect(drawn.trips).toBe(50);
  expect(drawn.markers).toBeUndefined();
});
