import { type Backlog, OverloadedError } from '../overload';
import type { LogPosition, Store } from '../store';
import { type DecodedBatch, itemCount, mergeBatches, otherRowsOf } from './batch';

/** DuckDB writes a row group straight to its file, past the WAL, when one transaction appends this many rows. */
export const ROW_GROUP_ROWS = 122_880;
export const DEFAULT_LOAD_INTERVAL_MS = 1000;

/** A decoded batch whose log record is durable, waiting to be loaded into the store. */
export type LoggedBatch = DecodedBatch & {
  /** Log position just past its record. */
  end: number;
};

export interface LoaderOptions {
  store: Pick<Store, 'insertBatch'>;
  /** Names the log in the store's position table. */
  logId: string;
  /** Most items (itemCount) acknowledged but not yet loaded; past it ingest is refused (OverloadedError). */
  maxItems: number;
  /** A load starts once this long passed since the oldest waiting batch became durable. */
  intervalMs?: number;
  /** ... or as soon as this many spans + rows wait. */
  loadRows?: number;
  /** A load committed everything up to `end`: the log may drop what lies below. */
  onLoaded: (end: number) => void;
  /** A load failed; its batches are kept and tried again after `intervalMs`. */
  onError: (err: unknown) => void;
}

/**
 * Hands acknowledged batches (still decoded, in memory) to the store in few large insertBatch
 * calls, in log order, each carrying the log position it reaches so the store commits rows and
 * position together. One load runs at a time. What is admitted but not loaded is bounded: a batch
 * that would pass `maxItems` is refused before it is logged, and the refusal starts a load at once.
 */
export class Loader {
  private waiting: LoggedBatch[] = [];
  private waitingItems = 0;
  /** Admitted: logged or being logged, and not loaded yet. */
  private admitted = 0;
  private timer: NodeJS.Timeout | undefined;
  private loading: Promise<void> | undefined;
  private closed = false;
  /** Log position the last load reached, and the one the running load will reach. */
  private loadedEnd = 0;
  private loadingEnd: number | undefined;
  /** Queries waiting for the loads of what was durable when they arrived (`caughtUp`). */
  private readonly watchers = new Set<{ end: number; done: () => void }>();
  private readonly counts = { loads: 0, loadedItems: 0, failures: 0 };
  /** The last load failed: the next waits an interval, whoever asks for it sooner, instead of retrying in a tight loop. */
  private failing = false;

  constructor(private readonly options: LoaderOptions) {}

  /** Reserves room for a batch about to be logged; throws OverloadedError when there is none. */
  admit(items: number): void {
    if (this.admitted > 0 && this.admitted + items > this.options.maxItems) {
      this.loadSoon(0);
      throw new OverloadedError(this.admitted, this.options.maxItems);
    }
    this.admitted += items;
  }

  /** Gives back what `admit` reserved for a batch that did not reach the log. */
  withdraw(items: number): void {
    this.admitted -= items;
  }

  /** Batches whose log records are durable, in log order (already admitted, or replayed at start). */
  add(batches: readonly LoggedBatch[], replayed = false): void {
    for (const batch of batches) {
      this.waiting.push(batch);
      this.waitingItems += itemCount(batch);
      if (replayed) {
        this.admitted += itemCount(batch);
      }
    }
    this.loadSoon(this.nextDelay());
  }

  backlog(): Backlog {
    return { batches: this.waiting.length, items: this.admitted, maxItems: this.options.maxItems };
  }

  stats(): { loads: number; loadedItems: number; failures: number } {
    return { ...this.counts };
  }

  /**
   * Resolves once every batch durable now is loaded — starting that load at once — or after
   * `maxWaitMs`, whichever is first: a query made after a 2xx sees its batch unless loading is that
   * far behind.
   */
  caughtUp(maxWaitMs: number): Promise<void> {
    const end = this.waiting.at(-1)?.end ?? this.loadingEnd;
    if (end === undefined || end <= this.loadedEnd) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const watcher = {
        end,
        done: () => {
          clearTimeout(timer);
          this.watchers.delete(watcher);
          resolve();
        },
      };
      const timer = setTimeout(watcher.done, maxWaitMs);
      this.watchers.add(watcher);
      this.loadSoon(0);
    });
  }

  /** Loads until nothing waits (shutdown, and the replay at start); rejects if a load fails. */
  async drain(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.loading;
    while (this.waiting.length > 0) {
      await this.loadOnce();
    }
  }

  /** Loads what waits and stops loading. */
  async close(): Promise<void> {
    await this.drain();
    this.closed = true;
  }

  private nextDelay(): number {
    const full = this.waitingItems >= (this.options.loadRows ?? ROW_GROUP_ROWS);
    return full || this.watchers.size > 0 ? 0 : (this.options.intervalMs ?? DEFAULT_LOAD_INTERVAL_MS);
  }

  private loadSoon(asked: number): void {
    const delayMs = this.failing ? Math.max(asked, this.options.intervalMs ?? DEFAULT_LOAD_INTERVAL_MS) : asked;
    if (this.closed || this.loading !== undefined || (this.timer !== undefined && delayMs > 0)) {
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.loadOnce().catch((err: unknown) => {
        this.counts.failures += 1;
        this.options.onError(err);
      });
    }, delayMs);
    this.timer.unref();
  }

  private loadOnce(): Promise<void> {
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
      if (this.waiting.length > 0) {
        this.loadSoon(this.nextDelay());
      }
    });
    return this.loading;
  }

  private async load(): Promise<void> {
    const group = this.waiting;
    if (group.length === 0) {
      return;
    }
    this.waiting = [];
    const items = this.waitingItems;
    this.waitingItems = 0;
    const position: LogPosition = { logId: this.options.logId, end: group[group.length - 1].end };
    this.loadingEnd = position.end;
    try {
      const rows = mergeBatches(group);
      await this.options.store.insertBatch(rows.spans, rows.transactions, position, otherRowsOf(rows));
    } catch (err) {
      this.waiting = [...group, ...this.waiting];
      this.waitingItems += items;
      this.failing = true;
      throw err;
    } finally {
      this.loadingEnd = undefined;
    }
    this.failing = false;
    this.admitted -= items;
    this.loadedEnd = position.end;
    [...this.watchers].filter((watcher) => watcher.end <= position.end).forEach((watcher) => watcher.done());
    this.counts.loads += 1;
    this.counts.loadedItems += items;
    try {
      this.options.onLoaded(position.end);
    } catch (err) {
      // The rows are in: a failure to drop old segments must not make them load again.
      this.options.onError(err);
    }
  }
}
