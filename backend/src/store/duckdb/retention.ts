import { BIGINT, type DuckDBConnection, type DuckDBType, type DuckDBValue, UBIGINT } from '@duckdb/node-api';

import { microsAtLeast } from '../micros';
import type { RetentionTier } from '../store';

/** Tables of each retention tier, and the condition that makes a row older than the cutoff (epoch ms). */
export const RETENTION_TABLES: Record<RetentionTier, ReadonlyArray<{ table: string; older: string }>> = {
  spans: [{ table: 'spans', older: 'start_ns < $cutoffNs' }],
  transactions: [{ table: 'transactions', older: 'end_us < $cutoffUs' }],
  rollups: [
    { table: 'red_rollups', older: 'minute < $cutoff' },
    { table: 'servicemap_edges', older: 'minute < $cutoff' },
    { table: 'sql_stats', older: 'minute < $cutoff' },
  ],
  jvm: [
    { table: 'jvm_thread_dumps', older: 'taken_at < $cutoff' },
    { table: 'jvm_heap_histograms', older: 'taken_at < $cutoff' },
    { table: 'jvm_requests', older: 'updated_at < $cutoff' },
    { table: 'host_snapshots', older: 'taken_at < $cutoff' },
  ],
  metrics: [{ table: 'otel_metric_points', older: 'time_ms < $cutoff' }],
  logs: [{ table: 'log_records', older: 'time_ms < $cutoff' }],
};

/**
 * Deletes at most `limit` rows of each table of a tier older than `cutoff` (epoch ms) and returns
 * how many went in all: fewer than `limit` means every table of the tier is done.
 * Bounded so that one call holds the single writer only briefly; the caller repeats until fewer
 * than `limit` came back. A span's age is its start, a transaction's its end, a rollup's its minute,
 * a thread dump's or heap histogram's its capture time, a capture request's its last update.
 */
export async function deleteOlderThan(
  writer: DuckDBConnection,
  tier: RetentionTier,
  cutoff: number,
  limit: number
): Promise<number> {
  const { values, types } = cutoffParameters(tier, cutoff);
  values.limit = limit;
  let deleted = 0;
  for (const { table, older } of RETENTION_TABLES[tier]) {
    const result = await writer.run(
      `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${older} LIMIT $limit)`,
      values,
      types
    );
    deleted += Number(result.rowsChanged);
  }
  return deleted;
}

/** The cutoff in the unit of the tier's time column: span start ns, transaction end µs, else epoch ms. */
function cutoffParameters(
  tier: RetentionTier,
  cutoff: number
): { values: Record<string, DuckDBValue>; types?: Record<string, DuckDBType> } {
  switch (tier) {
    case 'spans':
      return {
        values: { cutoffNs: BigInt(Math.max(0, Math.floor(cutoff))) * BigInt(1_000_000) },
        types: { cutoffNs: UBIGINT },
      };
    case 'transactions':
      return { values: { cutoffUs: microsAtLeast(cutoff) }, types: { cutoffUs: BIGINT } };
    default:
      return { values: { cutoff } };
  }
}
