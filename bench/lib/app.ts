import type { AppProcessOptions } from '../../tests/helpers/process.js';

/**
 * How the benchmarks start the app: as `npm start` runs it (built JavaScript, its Node flags and
 * environment), or from the sources through tsx with BENCH_FROM_SOURCES=1. BENCH_APP_NODE_FLAGS
 * adds Node flags, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" for a CPU profile of the app.
 */
export function benchAppOptions(): AppProcessOptions {
  return { npmStart: !process.env.BENCH_FROM_SOURCES, nodeFlags: (process.env.BENCH_APP_NODE_FLAGS ?? '').split(' ').filter(Boolean) };
}
