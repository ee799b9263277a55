import type { RetentionTier } from '../store';
import type { ClickHouseConnection } from './connection';
import { localTable } from './schema';
import { str } from './sql';

const MS_DAY = 86_400_000;

/** Tables of each retention tier; each is partitioned by UTC day number (see schema.ts). */
export const RETENTION_TABLES: Record<RetentionTier, readonly string[]> = {
  spans: ['spans', 'settle_pending', 'settle_done'],
  transactions: ['transactions'],
  rollups: ['red_rollups', 'servicemap_edges', 'sql_stats'],
  jvm: ['jvm_thread_dumps', 'jvm_heap_histograms', 'jvm_requests', 'host_snapshots'],
  metrics: ['otel_metric_points'],
  logs: ['log_records'],
};

/**
 * Retention by partition drop: every day partition that ends at or before `cutoff` (epoch ms) goes
 * at once, a metadata operation however many rows it holds, so `limit` does not apply. Rows of
 * the day the cutoff falls in stay until that whole day is past: retention is whole UTC days.
 * On a cluster this drops the partitions of the node this backend talks to (the `_local` tables):
 * every shard needs a backend running retention, see the README's cluster section.
 * Returns the rows dropped.
 */
export async function dropOlderPartitions(
  connection: ClickHouseConnection,
  tier: RetentionTier,
  cutoff: number
): Promise<number> {
  const lastDay = Math.floor(cutoff / MS_DAY);
  let dropped = 0;
  for (const name of RETENTION_TABLES[tier]) {
    const table = localTable(name, connection.target.cluster);
    const parts = await connection.rows(
      `SELECT partition, sum(rows) AS rows FROM system.parts
       WHERE active AND database = ${str(connection.target.database)} AND table = ${str(table)}
       GROUP BY partition`
    );
    for (const part of parts) {
      const day = Number(part.partition);
      if (Number.isInteger(day) && day < lastDay) {
        await connection.command(`ALTER TABLE ${table} DROP PARTITION ${day}`);
        dropped += Number(part.rows);
      }
    }
  }
  return dropped;
}
