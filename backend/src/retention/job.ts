import { MINUTE_MS } from '../store/duckdb/red';
import { RETENTION_TIERS, type RetentionTier, type Store } from '../store/store';
import type { Retention } from './policy';

export interface RetentionJobOptions {
  store: Pick<Store, 'deleteOlderThan' | 'compactRollups'>;
  retention: Retention;
  now?: () => number;
  /** Rows per DELETE: each chunk is one short trip through the single writer, so ingest waits little. */
  chunkRows?: number;
  /** Pause between runs, ms. */
  intervalMs?: number;
  /** Rollup minutes younger than this are left unmerged: most of their late rows are still to come. */
  compactAfterMs?: number;
  onError?: (err: unknown) => void;
  onRun?: (run: RetentionRun) => void;
}

export interface RetentionRun {
  deleted: Record<RetentionTier, number>;
  compactedRows: number;
}

export const DEFAULT_CHUNK_ROWS = 10_000;
export const DEFAULT_INTERVAL_MS = 60_000;
export const DEFAULT_COMPACT_AFTER_MS = 2 * 60_000;

/**
 * Background maintenance: deletes rows older than their tier's retention in bounded chunks and
 * merges closed rollup minutes. Runs once at start, then every `intervalMs`; runs never overlap.
 */
export class RetentionJob {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private running: Promise<RetentionRun> | undefined;
  private readonly now: () => number;
  private readonly chunkRows: number;

  constructor(private readonly options: RetentionJobOptions) {
    this.now = options.now ?? Date.now;
    this.chunkRows = options.chunkRows ?? DEFAULT_CHUNK_ROWS;
  }

  /** One pass over every tier; resolves with what it removed. */
  runOnce(): Promise<RetentionRun> {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(): Promise<RetentionRun> {
    const now = this.now();
    const deleted = Object.fromEntries(RETENTION_TIERS.map((tier) => [tier, 0])) as Record<RetentionTier, number>;
    for (const tier of RETENTION_TIERS) {
      const cutoff = now - this.options.retention[tier];
      for (;;) {
        const n = await this.options.store.deleteOlderThan(tier, cutoff, this.chunkRows);
        deleted[tier] += n;
        if (n < this.chunkRows || this.stopped) {
          break;
        }
      }
    }
    // Each call merges a bounded slice of minutes; repeat until the watermark reaches the target.
    const before = now - (this.options.compactAfterMs ?? DEFAULT_COMPACT_AFTER_MS);
    let compactedRows = 0;
    for (;;) {
      const compaction = await this.options.store.compactRollups(before);
      compactedRows += compaction.rowsBefore - compaction.rowsAfter;
      if (compaction.to >= before - MINUTE_MS || compaction.from === compaction.to || this.stopped) {
        break;
      }
    }
    return { deleted, compactedRows };
  }

  start(): void {
    this.stopped = false;
    const tick = () => {
      this.runOnce()
        .then((run) => this.options.onRun?.(run))
        .catch((err: unknown) => this.options.onError?.(err))
        .finally(() => {
          if (this.timer !== undefined) {
            this.timer = setTimeout(tick, this.options.intervalMs ?? DEFAULT_INTERVAL_MS).unref();
          }
        });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  /** Stops scheduling and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}
