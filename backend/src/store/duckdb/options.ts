/** How the DuckDB store is opened and tuned. */
export interface DuckDbStoreOptions {
  /** A trace settles once no span of it arrived for this long (ms); see duckdb/settle.ts. */
  settleMs?: number;
  /** Settle due traces on a timer (default); tests turn it off and call settleDue() themselves. */
  autoSettle?: boolean;
  /** A failed settle run is retried on the next tick; this hears about the failure. */
  onSettleError?: (err: unknown) => void;
  /** Spans + rows that may wait for a commit before ingest is refused (OverloadedError). */
  maxQueuedItems?: number;
  /** Most spans of unsettled traces held in memory to settle from (see settle-memory.ts); 0 settles every trace from the database. */
  settleMemorySpans?: number;
  /**
   * WAL size that makes a commit checkpoint (DuckDB's `wal_autocheckpoint`); default WAL_CHECKPOINT.
   * bench:span-write compares thresholds in one run.
   */
  walCheckpoint?: string;
}

export const DEFAULT_SETTLE_MS = 10_000;
/**
 * DuckDB's default is 16 MB. A commit group is far below a row group (122,880 rows), so every span
 * goes through the WAL and each checkpoint rewrites the tables' partly filled last row groups:
 * at 128 MB the whole store step cost 1.22–1.42× less CPU per span over three runs, the final
 * CHECKPOINT included (bench:span-write, bench/README.md). The price: up to 128 MB of rows wait in
 * memory for the checkpoint, and reopening after a crash replays a full WAL in ~2.7 s instead of 0.5 s.
 */
export const WAL_CHECKPOINT = '128MB';
