/**
 * "One in flight, one queued": a load (or the outbox's send) runs one at a time; a call while it
 * runs asks for one more run after it, and any number of such calls coalesce into that one run.
 * So an older answer never lands after a newer one, and a burst of notices costs two requests, not
 * twenty. Every caller's promise settles when the runs end.
 */
export function oneInFlight(task: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    const run = async () => {
      do {
        again = false;
        await task();
      } while (again);
    };
    running = run().finally(() => (running = null));
    return running;
  };
}
