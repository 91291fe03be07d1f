/**
 * When the console reads the incident again after live events.
 *
 * - Soon after a batch, but not later and later: the first batch since the last read sets the
 *   read's time and later batches join it. (Restarting the wait at every batch, as a debounce does,
 *   never reads at all while changes keep coming faster than the wait: the busiest minutes of a
 *   night are when the screen must not freeze.)
 * - Never closer together than the last read took: at 10,000 guests a read is a few hundred
 *   milliseconds of the server's time, and a console that asked again at once would spend the
 *   server on itself. So a read is at most half of the time, whatever the rate of changes.
 * - A read that failed is tried again with a backoff; a new batch meanwhile tries at once.
 */
export const SOON_MS = 150;
export const RETRY_MS = [1000, 2000, 5000, 10_000, 15_000];

export class RereadTimer {
  private due: ReturnType<typeof setTimeout> | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  /** Changes came while a read ran: read again after it. */
  private pending = false;
  private failures = 0;
  private lastTookMs = 0;
  private stopped = false;

  /** `read` resolves false when it was not answered and should be tried again, true otherwise. */
  constructor(private readonly read: () => Promise<boolean>) {}

  /** Changes came: read them soon (with any read already due, or after the one running). */
  soon(): void {
    if (this.retry) {
      clearTimeout(this.retry);
      this.retry = null;
    }
    if (this.running) this.pending = true;
    else this.schedule();
  }

  stop(): void {
    if (this.due) clearTimeout(this.due);
    if (this.retry) clearTimeout(this.retry);
    this.due = this.retry = null;
    this.pending = false;
    this.stopped = true;
  }

  private schedule(): void {
    if (this.due || this.stopped) return;
    this.due = setTimeout(
      () => {
        this.due = null;
        void this.run();
      },
      Math.max(SOON_MS, this.lastTookMs),
    );
  }

  private async run(): Promise<void> {
    this.running = true;
    this.pending = false;
    const t0 = Date.now();
    const answered = await this.read();
    this.lastTookMs = Date.now() - t0;
    this.running = false;
    if (this.stopped) return;
    if (answered) this.failures = 0;
    if (this.pending) return this.schedule();
    if (answered) return;
    // Not answered (network, or 503 while the database restarts): the screen would stay stale
    // until the next change, so ask again shortly.
    this.retry = setTimeout(
      () => {
        this.retry = null;
        void this.run();
      },
      RETRY_MS[Math.min(this.failures++, RETRY_MS.length - 1)],
    );
  }
}

/**
 * Drivers' positions arrive every few seconds per vehicle (the volatile `vehicles.moved`), and move
 * what is not an event: the vehicles on the map and the live projection ("everyone in bed by"),
 * which goes on from a driver's position when it is fresh (shared/live-shelter.ts). So they are
 * read again, without households or trips, at most once per this long.
 */
export const POSITIONS_REREAD_MS = 30_000;

/** Call `fire` after a signal, at most once per `everyMs`: the first signal after a quiet spell fires at once. */
export class AtMostEvery {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private last = -Infinity;
  constructor(
    private readonly everyMs: number,
    private readonly fire: () => void,
  ) {}
  signal(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.last + this.everyMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.last = Date.now();
      this.fire();
    }, wait);
  }
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
