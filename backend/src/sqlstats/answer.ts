import { compareSqlStatements, type SqlStatement, type SqlStatisticsSort } from '@osprey/model';

import type { SqlRollup } from '../derive/sqlstats';
import { quantileMs } from '../stats/latency-buckets';

/**
 * One (statement key, latency bucket) of the rollups over a window, as both stores read it: a
 * rollup's figures summed over its minutes and transactions.
 */
export type SqlBucketRow = Omit<SqlRollup, 'traceId' | 'entrySpanId' | 'entryEnd' | 'minute'>;

/**
 * A row of the stores' (statement key, bucket) query, whose columns both name alike (`stmt_service`:
 * ClickHouse would read a WHERE `service` as the SELECT alias).
 */
export function bucketRow(row: Record<string, unknown>): SqlBucketRow {
  return {
    key: String(row.stmt_key),
    service: String(row.stmt_service),
    dbSystem: String(row.db_system),
    dbName: String(row.db_name),
    statement: String(row.statement),
    bucket: Number(row.bucket),
    calls: Number(row.calls),
    errors: Number(row.errors),
    totalMs: Number(row.total_ms),
    maxMs: Number(row.max_ms),
    rows: Number(row.rows_sum),
    rowCalls: Number(row.row_calls),
  };
}

/**
 * Folds the bucket rows of each statement into its figures, largest `sort` first (ties by key, so
 * both stores answer the same order), the first `limit`. Totals are summed per statement before
 * any division, so the average is the exact mean of the calls.
 */
export function sqlStatements(rows: readonly SqlBucketRow[], sort: SqlStatisticsSort, limit: number): SqlStatement[] {
  const byKey = new Map<string, { first: SqlBucketRow; buckets: Array<[number, number]>; sums: SqlBucketRow }>();
  for (const row of rows) {
    const entry = byKey.get(row.key);
    if (entry === undefined) {
      byKey.set(row.key, { first: row, buckets: [[row.bucket, row.calls]], sums: { ...row } });
      continue;
    }
    entry.buckets.push([row.bucket, row.calls]);
    entry.sums.calls += row.calls;
    entry.sums.errors += row.errors;
    entry.sums.totalMs += row.totalMs;
    entry.sums.maxMs = Math.max(entry.sums.maxMs, row.maxMs);
    entry.sums.rows += row.rows;
    entry.sums.rowCalls += row.rowCalls;
  }
  const statements: SqlStatement[] = [];
  for (const { first, buckets, sums } of byKey.values()) {
    if (sums.calls === 0) {
      continue;
    }
    const statement: SqlStatement = {
      key: first.key,
      service: first.service,
      dbSystem: first.dbSystem,
      dbName: first.dbName,
      statement: first.statement,
      count: sums.calls,
      errors: sums.errors,
      totalTime: sums.totalMs,
      avgTime: sums.totalMs / sums.calls,
      maxTime: sums.maxMs,
      p95: quantileMs(buckets, 0.95),
    };
    if (sums.rowCalls > 0) {
      statement.rows = sums.rows;
    }
    statements.push(statement);
  }
  statements.sort(compareSqlStatements(sort));
  return statements.slice(0, limit);
}
