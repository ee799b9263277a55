import { type Backlog, OverloadedError } from '../overload';

/** A write waiting for (or in) a group commit. */
export interface QueuedWrite {
  /** Spans + rows it holds, counted against the queue bound. */
  items: number;
  /** Committed in a group of its own, not with the writes around it. */
  alone?: boolean;
  resolve(): void;
  reject(err: unknown): void;
}

export interface WriteQueueOptions<W extends QueuedWrite> {
  maxQueuedItems: number;
  /** Writes a group at once; a rejection fails the whole group. */
  commit(group: W[]): Promise<void>;
  /**
   * After a failed group of several writes, commit each again alone so a bad write fails by itself.
   * Only for an engine whose failed group left nothing behind (DuckDB rolls back); ClickHouse has
   * no transactions, so a retry would count the rows that did get in twice.
   */
  retryAlone: boolean;
}

/**
 * The single writer both engines use: writes that arrive while a commit runs wait and are then
 * committed together (group commit), so many small exports cost one commit. The queue is bounded by
 * the items it holds, the group in its commit included: a write past the bound is refused with
 * OverloadedError and queued nothing, unless the queue is empty (a batch larger than the bound
 * still goes through alone).
 */
export class WriteQueue<W extends QueuedWrite> {
  private queue: W[] = [];
  private writing = false;
  private closed = false;
  private batches = 0;
  private items = 0;

  constructor(private readonly options: WriteQueueOptions<W>) {}

  /** Queues `write` (settled through its resolve/reject); `bounded` writes are subject to the bound. */
  enqueue(write: W, bounded: boolean): void {
    if (this.closed) {
      write.reject(new Error('store is closed'));
      return;
    }
    const { maxQueuedItems } = this.options;
    if (bounded && this.items > 0 && this.items + write.items > maxQueuedItems) {
      write.reject(new OverloadedError(this.items, maxQueuedItems));
      return;
    }
    this.batches += 1;
    this.items += write.items;
    this.queue.push(write);
    void this.drain();
  }

  backlog(): Backlog {
    return { batches: this.batches, items: this.items, maxItems: this.options.maxQueuedItems };
  }

  /** Refuses new writes, and resolves once the queued ones are committed (or failed). */
  async close(): Promise<void> {
    this.closed = true;
    while (this.writing || this.queue.length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private finish(write: W, error?: unknown): void {
    this.batches -= 1;
    this.items -= write.items;
    if (error === undefined) {
      write.resolve();
    } else {
      write.reject(error);
    }
  }

  private async drain(): Promise<void> {
    if (this.writing) {
      return;
    }
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const alone = this.queue.findIndex((write) => write.alone === true);
        const group = this.queue.splice(0, alone === -1 ? this.queue.length : Math.max(alone, 1));
        try {
          await this.options.commit(group);
          group.forEach((write) => this.finish(write));
        } catch (groupError) {
          if (group.length === 1 || !this.options.retryAlone) {
            group.forEach((write) => this.finish(write, groupError));
            continue;
          }
          for (const write of group) {
            try {
              await this.options.commit([write]);
              this.finish(write);
            } catch (err) {
              this.finish(write, err);
            }
          }
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
