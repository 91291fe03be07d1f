/**
 * Entry for `startAppProcess(env, { memoryProbe: true })`: the product exactly as `npm start` runs
 * it, plus an answer over the IPC channel with its memory use (after a full GC when the process
 * was started with --expose-gc), for soak runs that watch replicas for growth.
 */
process.on('message', (m: unknown) => {
  if (m !== 'memory') return;
  (globalThis as { gc?: () => void }).gc?.();
  process.send?.({ type: 'memory', ...process.memoryUsage() });
});

export {};
await import('../../server/main.js');
