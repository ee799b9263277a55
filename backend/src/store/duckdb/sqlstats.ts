import { BIGINT, DOUBLE, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { SqlStatisticsQuery, SqlStatisticsResponse, SqlStatisticsSort } from '@osprey/model';

import type { SqlRollup } from '../../derive/sqlstats';
import { bucketRow, sqlStatements } from '../../sqlstats/answer';
import { appendNullable, appendRows } from './append';
import { MINUTE_MS } from './red';
import { msToMicros } from '../micros';

/** The columns a statement's row carries, in the table and in a settle run's staging table alike. */
const STATEMENT_COLUMNS = `stmt_key VARCHAR NOT NULL, db_system VARCHAR NOT NULL, db_name VARCHAR NOT NULL,
    statement VARCHAR NOT NULL, bucket USMALLINT NOT NULL, calls BIGINT NOT NULL, errors BIGINT NOT NULL,
    total_ms DOUBLE NOT NULL, max_ms DOUBLE NOT NULL, rows_sum BIGINT NOT NULL, row_calls BIGINT NOT NULL`;

/**
 * Per-minute SQL statistics: one row per (minute, service, instance, endpoint, statement key,
 * latency bucket) and settle run, appended in the settle run's transaction like the service-map
 * edges, and kept with the rollup tier. Instance and endpoint are the transaction's the statement
 * ran in, joined from its row at settle time, because the spans settling reads carry neither.
 * The statement text is repeated in every row rather than kept in a table of its own: DuckDB
 * compresses repeated strings per row group, and the top-N query needs no join.
 */
export const SQL_STATS_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS sql_stats (
    minute DOUBLE NOT NULL,
    service VARCHAR NOT NULL,
    instance VARCHAR NOT NULL,
    endpoint VARCHAR NOT NULL,
    ${STATEMENT_COLUMNS}
  )`,
  `CREATE TEMP TABLE IF NOT EXISTS settle_run_sql (
    trace_id VARCHAR NOT NULL,
    entry_span_id VARCHAR,
    minute DOUBLE NOT NULL,
    service VARCHAR NOT NULL,
    ${STATEMENT_COLUMNS}
  )`,
];

/** Appends a settle run's SQL rollups, filed under their transactions' instance and endpoint. */
export async function appendSqlStats(writer: DuckDBConnection, rollups: readonly SqlRollup[]): Promise<void> {
  if (rollups.length === 0) {
    return;
  }
  await appendRows(
    writer,
    'settle_run_sql',
    rollups,
    (appender, r) => {
      appender.appendVarchar(r.traceId);
      appendNullable(appender, r.entrySpanId);
      appender.appendDouble(r.minute);
      appender.appendVarchar(r.service);
      appender.appendVarchar(r.key);
      appender.appendVarchar(r.dbSystem);
      appender.appendVarchar(r.dbName);
      appender.appendVarchar(r.statement);
      appender.appendUSmallInt(r.bucket);
      appender.appendBigInt(BigInt(r.calls));
      appender.appendBigInt(BigInt(r.errors));
      appender.appendDouble(r.totalMs);
      appender.appendDouble(r.maxMs);
      appender.appendBigInt(BigInt(r.rows));
      appender.appendBigInt(BigInt(r.rowCalls));
    },
    { temp: true }
  );
  const ends = rollups.filter((r) => r.entryEnd !== undefined).map((r) => msToMicros(r.entryEnd!));
  // The transaction rows lie within the entries' end times (zonemaps skip the rest), as in settleDue.
  // Only equalities in the ON clause: with the range or an IS NOT NULL there DuckDB joined in a
  // nested loop: ingest and settle took 3.5× as long in bench:sql-topn.
  const fromUs = ends.length === 0 ? 0 : Math.min(...ends) - 1;
  const toUs = ends.length === 0 ? 0 : Math.max(...ends) + 1;
  await writer.run(
    `INSERT INTO sql_stats
     SELECT s.minute, s.service, coalesce(t.instance, ''), coalesce(t.endpoint, ''), s.stmt_key,
            any_value(s.db_system), any_value(s.db_name), any_value(s.statement), s.bucket,
            sum(s.calls), sum(s.errors), sum(s.total_ms), max(s.max_ms), sum(s.rows_sum), sum(s.row_calls)
     FROM settle_run_sql AS s
     LEFT JOIN (SELECT trace_id, span_id, instance, endpoint FROM transactions WHERE end_us BETWEEN $fromUs AND $toUs) AS t
       ON t.trace_id = hex_trace_id(s.trace_id) AND t.span_id = hex_span_id(s.entry_span_id)
     GROUP BY s.minute, s.service, t.instance, t.endpoint, s.stmt_key, s.bucket`,
    { fromUs: BigInt(fromUs), toUs: BigInt(toUs) },
    { fromUs: BIGINT, toUs: BIGINT }
  );
  await writer.run('DELETE FROM settle_run_sql');
}

/** The top statements of [from, to] (minutes starting in [minute of `from`, `to`]). */
export async function sqlStatistics(
  reader: DuckDBConnection,
  query: SqlStatisticsQuery & { sort: SqlStatisticsSort; limit: number }
): Promise<SqlStatisticsResponse> {
  const where = ['minute >= $from', 'minute <= $to'];
  const values: Record<string, DuckDBValue> = { from: Math.floor(query.from / MINUTE_MS) * MINUTE_MS, to: query.to };
  for (const column of ['service', 'instance', 'endpoint'] as const) {
    if (query[column] !== undefined) {
      where.push(`${column} = $${column}`);
      values[column] = query[column];
    }
  }
  const result = await reader.runAndReadAll(
    `SELECT stmt_key, any_value(service) AS stmt_service, any_value(db_system) AS db_system,
            any_value(db_name) AS db_name, any_value(statement) AS statement, bucket,
            sum(calls) AS calls, sum(errors) AS errors, sum(total_ms) AS total_ms, max(max_ms) AS max_ms,
            sum(rows_sum) AS rows_sum, sum(row_calls) AS row_calls
     FROM sql_stats WHERE ${where.join(' AND ')}
     GROUP BY stmt_key, bucket`,
    values,
    { from: DOUBLE, to: DOUBLE }
  );
  const rows = result.getRowObjectsJS().map(bucketRow);
  return { from: query.from, to: query.to, sort: query.sort, statements: sqlStatements(rows, query.sort, query.limit) };
}

/**
 * Merges the rows of minutes [from, to) into one per (minute, service, instance, endpoint,
 * statement, bucket), run with the RED compaction of the same minutes. Rows whose calls sum to
 * zero (calls that moved to their endpoint) go.
 */
export async function compactSqlStats(writer: DuckDBConnection, from: number, to: number): Promise<void> {
  if (from >= to) {
    return;
  }
  const range = { from, to };
  const types = { from: DOUBLE, to: DOUBLE };
  await writer.run(
    `CREATE TEMP TABLE sql_compacted AS
     SELECT minute, service, instance, endpoint, stmt_key, any_value(db_system), any_value(db_name),
            any_value(statement), bucket, sum(calls), sum(errors), sum(total_ms), max(max_ms), sum(rows_sum),
            sum(row_calls)
     FROM sql_stats WHERE minute >= $from AND minute < $to
     GROUP BY minute, service, instance, endpoint, stmt_key, bucket
     HAVING sum(calls) <> 0`,
    range,
    types
  );
  await writer.run('DELETE FROM sql_stats WHERE minute >= $from AND minute < $to', range, types);
  await writer.run('INSERT INTO sql_stats SELECT * FROM sql_compacted ORDER BY minute');
  await writer.run('DROP TABLE sql_compacted');
}
