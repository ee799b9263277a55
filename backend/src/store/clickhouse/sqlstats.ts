import type { SqlStatisticsQuery, SqlStatisticsResponse, SqlStatisticsSort, Transaction } from '@osprey/model';

import type { SqlRollup } from '../../derive/sqlstats';
import { spanKey } from '../../derive/transactions';
import { bucketRow, sqlStatements } from '../../sqlstats/answer';
import { MINUTE_MS } from '../duckdb/red';
import type { ClickHouseConnection, Row } from './connection';
import { num, str } from './sql';
import type { RewrittenTable } from './withdraw';

/**
 * The per-trace SQL-statistics rows of the ClickHouse store (table `sql_stats`, schema.ts),
 * recomputed from all of a trace's spans at each settle like the service-map edges.
 */
export const SQL_STATS_TABLE: RewrittenTable = {
  name: 'sql_stats',
  identity: ['minute', 'service', 'stmt_key', 'bucket', 'instance', 'endpoint'],
  kept: ['db_system', 'db_name', 'statement'],
  counters: ['calls', 'errors', 'total_ms', 'max_ms', 'rows_sum', 'row_calls'],
};

/**
 * One row per (minute, statement, bucket, instance, endpoint) of one trace: rollups of two entry
 * spans with the same endpoint add up, since the table keeps one version per identity.
 */
export function sqlStatRows(
  traceId: string,
  rollups: readonly SqlRollup[],
  transactions: ReadonlyMap<string, Transaction>,
  version: number
): Row[] {
  const rows = new Map<string, Row>();
  for (const rollup of rollups) {
    const tx = rollup.entrySpanId === undefined ? undefined : transactions.get(spanKey(traceId, rollup.entrySpanId));
    const instance = tx?.instance ?? '';
    const endpoint = tx?.endpoint ?? '';
    const id = JSON.stringify([rollup.minute, rollup.key, rollup.bucket, instance, endpoint]);
    const row = rows.get(id);
    if (row === undefined) {
      rows.set(id, {
        trace_id: traceId,
        minute: rollup.minute,
        service: rollup.service,
        stmt_key: rollup.key,
        bucket: rollup.bucket,
        instance,
        endpoint,
        db_system: rollup.dbSystem,
        db_name: rollup.dbName,
        statement: rollup.statement,
        calls: rollup.calls,
        errors: rollup.errors,
        total_ms: rollup.totalMs,
        max_ms: rollup.maxMs,
        rows_sum: rollup.rows,
        row_calls: rollup.rowCalls,
        version,
      });
      continue;
    }
    row.calls = Number(row.calls) + rollup.calls;
    row.errors = Number(row.errors) + rollup.errors;
    row.total_ms = Number(row.total_ms) + rollup.totalMs;
    row.max_ms = Math.max(Number(row.max_ms), rollup.maxMs);
    row.rows_sum = Number(row.rows_sum) + rollup.rows;
    row.row_calls = Number(row.row_calls) + rollup.rowCalls;
  }
  return [...rows.values()];
}

/** The top statements of [from, to], the answer of the DuckDB store. */
export async function sqlStatistics(
  connection: ClickHouseConnection,
  query: SqlStatisticsQuery & { sort: SqlStatisticsSort; limit: number }
): Promise<SqlStatisticsResponse> {
  const where = [`minute >= ${num(Math.floor(query.from / MINUTE_MS) * MINUTE_MS)}`, `minute <= ${num(query.to)}`];
  for (const column of ['service', 'instance', 'endpoint'] as const) {
    const value = query[column];
    if (value !== undefined) {
      where.push(`${column} = ${str(value)}`);
    }
  }
  // Not `AS service`: ClickHouse reads a WHERE name as the SELECT alias first, an aggregate there.
  const result = await connection.rows(
    `SELECT stmt_key, any(service) AS stmt_service, any(db_system) AS db_system, any(db_name) AS db_name,
            any(statement) AS statement, bucket, sum(calls) AS calls, sum(errors) AS errors,
            sum(total_ms) AS total_ms, max(max_ms) AS max_ms, sum(rows_sum) AS rows_sum, sum(row_calls) AS row_calls
     FROM sql_stats FINAL WHERE ${where.join(' AND ')}
     GROUP BY stmt_key, bucket`
  );
  const rows = result.map(bucketRow);
  return { from: query.from, to: query.to, sort: query.sort, statements: sqlStatements(rows, query.sort, query.limit) };
}
