/** One write of a batch: the prefixed key and the serialized value. */
export type BatchedRow = [key: string, value: string];

export interface WriteBatcherOptions {
  /** How long the first write of a batch waits for others to join it. */
  delayMs: number;
  /** A batch this large is written at once. */
  maxRows: number;
}

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for key-value writes: writes issued within `delayMs` of each other go to the database
 * as one statement, one batch at a time. On SQLite each statement costs ~100 µs of CPU whatever it
 * writes (prepare, two thread-pool hops, finalize), and a poll cycle writes two small rows per feed
 * as feeds finish one after another, so batching cuts that cost by the batch size.
 *
 * A write resolves only once its batch is written, so a caller that awaits it reads it back, and a
 * later write of the same key lands in a later batch. Within a batch the last value of a key wins.
 * A failed batch rejects every write in it.
 */
export class WriteBatcher {
  /** Pending rows in write order, each with the writes waiting for it. */
  private pending = new Map<string, { value: string; waiters: Waiter[] }>();
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;

  constructor(
    private readonly write: (rows: BatchedRow[]) => Promise<unknown>,
    private readonly options: WriteBatcherOptions,
  ) {}

  set(key: string, value: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const earlier = this.pending.get(key);
      // A key written twice before its batch goes is written once, with the last value; it moves to
      // where its last write was, so the batch keeps write order.
      this.pending.delete(key);
      this.pending.set(key, { value, waiters: [...(earlier?.waiters ?? []), { resolve, reject }] });
      if (this.writing) return; // the batch in flight starts the next one when it is done
      if (this.pending.size >= this.options.maxRows) this.startBatch();
      else this.timer ??= setTimeout(() => this.startBatch(), this.options.delayMs);
    });
  }

  /**
   * Resolves once every write issued before the call has been attempted (written or failed), without
   * waiting for the delay: for statements that must not overtake them, and for closing.
   */
  flush(): Promise<void> {
    let last: { waiters: Waiter[] } | undefined;
    for (const row of this.pending.values()) last = row;
    if (!last) return this.writing ?? Promise.resolve();
    // Batches go in write order, so the one holding the last pending row comes after all the others.
    const attempted = new Promise<void>((resolve) => last.waiters.push({ resolve, reject: () => resolve() }));
    if (!this.writing) this.startBatch();
    return attempted;
  }

  private startBatch(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.writing || this.pending.size === 0) return;
    const rows: BatchedRow[] = [];
    const waiters: Waiter[] = [];
    for (const [key, row] of this.pending) {
      if (rows.length === this.options.maxRows) break;
      rows.push([key, row.value]);
      waiters.push(...row.waiters);
      this.pending.delete(key);
    }
    this.writing = this.write(rows).then(
      () => this.settle(waiters, undefined),
      (err: unknown) => this.settle(waiters, err ?? new Error("batched write failed")),
    );
  }

  private settle(waiters: Waiter[], err: unknown): void {
    this.writing = null;
    for (const waiter of waiters) {
      if (err === undefined) waiter.resolve();
      else waiter.reject(err);
    }
    // Writes that came in meanwhile form the next batch at once: they have waited already.
    if (this.pending.size > 0) this.startBatch();
  }
}
