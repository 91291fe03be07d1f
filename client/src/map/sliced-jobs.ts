/**
 * Work on the map in slices (client/src/map/leaflet-adapter.ts): no Leaflet here, so it is tested alone.
 */

/** Longest stretch the map draws for before letting the page paint and answer input. */
export const SLICE_MS = 12;

/**
 * Drawing jobs done in slices: a job is a generator that yields after each thing it draws; it runs
 * until SLICE_MS have passed, then goes on in a later task. At 10,000 guests the console's first
 * drawing (hundreds of markers with labels, hundreds of trip lines, thousands of household dots)
 * took one task of ~80 ms; sliced, the page keeps painting and answering meanwhile (decision 0017).
 * A small change finishes within its first slice, at once, as before. A new job for the same layer
 * replaces the one still running (it diffs against what is drawn so far, so nothing is lost).
 */
export function slicedJobs(now: () => number = () => performance.now(), sliceMs = SLICE_MS) {
  const jobs = new Map<string, Generator<void, void, void>>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** End of the slice the current task may still use (the layers set in one commit share it). */
  let until = 0;
  const later = () => {
    timer ??= setTimeout(() => {
      timer = null;
      until = 0;
      work();
    }, 0);
  };
  const begin = () => {
    if (until) return;
    until = now() + sliceMs;
    queueMicrotask(() => (until = 0));
  };
  const work = () => {
    begin();
    try {
      for (const [key, gen] of jobs) {
        for (;;) {
          if (now() >= until) return later();
          let done = true;
          try {
            done = !!gen.next().done;
          } finally {
            // A job that threw is dropped: its error reaches the page's handler once.
            if (done && jobs.get(key) === gen) jobs.delete(key);
          }
          if (done) break;
        }
      }
    } catch (err) {
      if (jobs.size) later();
      throw err;
    }
  };
  return {
    /** Count what the caller does from now on against this task's slice (creating the map). */
    begin,
    run(key: string, gen: Generator<void, void, void>) {
      jobs.delete(key);
      jobs.set(key, gen);
      work();
    },
    /** Finish a job now (before reading what it draws: details to open, bounds to fit). */
    finish(key: string) {
      const gen = jobs.get(key);
      if (!gen) return;
      jobs.delete(key);
      while (!gen.next().done);
    },
    stopAll() {
      jobs.clear();
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
