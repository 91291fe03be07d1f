/**
 * Group commit (docs/decisions/0011-ledger-group-commit.md). Appends to one incident's chain are
 * serial anyway (they lock its head row), so instead of queueing on that lock one transaction at
 * a time, requests for the same key that arrive while a batch is being written wait in memory and
 * then go together in the next transaction. Each job still gets its own outcome: `run` answers one
 * per job (a refused job wrote nothing), and if a batch's transaction fails as a whole, its jobs
 * are retried one by one so that one bad request cannot sink the others.
 *
 * With no concurrency a request runs at once in a batch of one: nothing waits for a timer.
 */
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

interface Waiting<J, R> {
  job: J;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

export class GroupCommit<J, R> {
  private readonly queues = new Map<string, Waiting<J, R>[]>();

  constructor(
    private readonly run: (key: string, jobs: J[]) => Promise<Outcome<R>[]>,
    private readonly maxBatch = 200,
  ) {}

  submit(key: string, job: J): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const queue = this.queues.get(key);
      if (queue) queue.push({ job, resolve, reject });
      else {
        // Nobody is writing for this key: start a writer; it drains the queue until it is empty.
        this.queues.set(key, [{ job, resolve, reject }]);
        void this.drain(key);
      }
    });
  }

  /** Jobs waiting or being written, per key (for tests and metrics). */
  get size(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  private async drain(key: string): Promise<void> {
    const queue = this.queues.get(key)!;
    while (queue.length > 0) {
      // Jobs stay in the queue while written, so a newcomer sees a writer at work and just waits.
      const batch = queue.slice(0, this.maxBatch);
      await this.settle(key, batch);
      queue.splice(0, batch.length);
    }
    this.queues.delete(key);
  }

  private async settle(key: string, batch: Waiting<J, R>[]): Promise<void> {
    let outcomes: Outcome<R>[];
    try {
      outcomes = await this.run(
        key,
        batch.map((w) => w.job),
      );
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      for (const w of batch) await this.settle(key, [w]);
      return;
    }
    batch.forEach((w, i) => {
      const o = outcomes[i];
      if (!o) w.reject(new Error('group commit: no outcome for a job'));
      else if (o.ok) w.resolve(o.value);
      else w.reject(o.error);
    });
  }
}
