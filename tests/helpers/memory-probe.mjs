/**
 * Preloaded (`--import`) by `startAppProcess(env, { memoryProbe: true })`: answers a 'memory'
 * message on the IPC channel with the process's own memory use, after a full GC when the process
 * was started with --expose-gc. The product runs exactly as it would without it.
 */
process.on('message', (m) => {
  if (m !== 'memory') return;
  globalThis.gc?.();
  process.send?.({ type: 'memory', ...process.memoryUsage() });
});
