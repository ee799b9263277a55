import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { RedPoint, RedQuery, RedResponse, Transaction } from '@osprey/model';

import { bucketOf, bucketUpperMs } from '../../stats/latency-buckets';
import { appendRows } from './append';
import { microsAtLeast } from '../micros';
import { apdexBounds, apdexCounts, GROUP_COLUMNS, rawRedPoint, type Row, redPoint, toSeries } from '../red-series';
import type { RollupCompaction } from '../store';

export const MINUTE_MS = 60_000;

/**
 * Per-minute RED rollups: one row per (service, instance, endpoint, minute, latency bucket) with
 * the transactions and errors that fell in it. Only non-empty buckets are stored, so a minute of
 * one endpoint costs a handful of rows, and a p99 over 90 days sums (time step, bucket) counts —
 * a GROUP BY over small integer columns — instead of sorting raw latencies.
 *
 * Rows are written in the same transaction as the transactions they count (see `appendRollups`),
 * so an acknowledged transaction is always in the rollups, late or not, and a crash can never
 * leave them apart. Each commit group adds its own rows; `compactRollups` later merges a closed
 * minute's rows into one per key and bucket. Queries sum rows, so merged or not gives one answer.
 */
export const RED_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS red_rollups (
    service VARCHAR NOT NULL,
    instance VARCHAR NOT NULL,
    endpoint VARCHAR NOT NULL,
    minute DOUBLE NOT NULL,
    bucket USMALLINT NOT NULL,
    count UINTEGER NOT NULL,
    errors UINTEGER NOT NULL
  )`,
  // Rows below `compacted_until` (epoch ms, a minute boundary) have been merged; crash-safe because
  // the merge and the watermark move commit together.
  `CREATE TABLE IF NOT EXISTS red_state (
    compacted_until DOUBLE NOT NULL
  )`,
];

/** One rollup row before it is stored. */
export interface RollupRow {
  service: string;
  instance: string;
  endpoint: string;
  minute: number;
  bucket: number;
  count: number;
  errors: number;
}

/** Folds transactions into rollup rows: the minute of their end time and the bucket of their elapsed. */
export function rollupRows(transactions: readonly Transaction[]): RollupRow[] {
  const rows = new Map<string, RollupRow>();
  for (const tx of transactions) {
    const minute = Math.floor(tx.endTime / MINUTE_MS) * MINUTE_MS;
    const bucket = bucketOf(tx.elapsed);
    const key = JSON.stringify([tx.service, tx.instance, tx.endpoint, minute, bucket]);
    let row = rows.get(key);
    if (row === undefined) {
      row = { service: tx.service, instance: tx.instance, endpoint: tx.endpoint, minute, bucket, count: 0, errors: 0 };
      rows.set(key, row);
    }
    row.count += 1;
    row.errors += tx.status === 'error' ? 1 : 0;
  }
  return [...rows.values()];
}

/** Appends the rollup rows of one commit group; runs inside the group's transaction. */
export async function appendRollups(writer: DuckDBConnection, transactions: readonly Transaction[]): Promise<void> {
  if (transactions.length === 0) {
    return;
  }
  await appendRows(writer, 'red_rollups', rollupRows(transactions), (appender, row) => {
    appender.appendVarchar(row.service);
    appender.appendVarchar(row.instance);
    appender.appendVarchar(row.endpoint);
    appender.appendDouble(row.minute);
    appender.appendUSmallInt(row.bucket);
    appender.appendUInteger(row.count);
    appender.appendUInteger(row.errors);
  });
}

/** Most minutes one compaction merges, so that it holds the single writer only briefly. */
export const COMPACT_MAX_MINUTES = 60;

/**
 * Merges the rollup rows of minutes in [compacted_until, before) — at most COMPACT_MAX_MINUTES of
 * them — into one row per key and bucket, and moves the watermark past them. Rows that arrive
 * later for minutes already behind the watermark (late data) stay as extra rows: still counted,
 * just not merged. Returns the minutes merged and their row count before and after.
 */
export async function compactRollups(writer: DuckDBConnection, before: number): Promise<RollupCompaction> {
  const until = Math.floor(before / MINUTE_MS) * MINUTE_MS;
  const state = (await writer.runAndReadAll('SELECT compacted_until FROM red_state')).getRowObjectsJS();
  let from: number;
  if (state.length === 0) {
    const oldest = (await writer.runAndReadAll('SELECT min(minute) AS m FROM red_rollups')).getRowObjectsJS()[0].m;
    from = oldest === null ? until : Math.min(Number(oldest), until);
    await writer.run('INSERT INTO red_state VALUES ($from)', { from });
  } else {
    from = Number(state[0].compacted_until);
  }
  if (from >= until) {
    return { from, to: from, rowsBefore: 0, rowsAfter: 0 };
  }
  const to = Math.min(until, from + COMPACT_MAX_MINUTES * MINUTE_MS);
  const range = { from, to };
  const rowsBefore = await count(
    writer,
    'SELECT count(*) AS n FROM red_rollups WHERE minute >= $from AND minute < $to',
    range
  );
  await writer.run(
    `CREATE TEMP TABLE red_compacted AS
     SELECT service, instance, endpoint, minute, bucket, sum(count)::UINTEGER AS count, sum(errors)::UINTEGER AS errors
     FROM red_rollups WHERE minute >= $from AND minute < $to
     GROUP BY service, instance, endpoint, minute, bucket`,
    range
  );
  // All inside the writer's transaction: a failure rolls back the temp table with the rest.
  await writer.run('DELETE FROM red_rollups WHERE minute >= $from AND minute < $to', range);
  await writer.run('INSERT INTO red_rollups SELECT * FROM red_compacted ORDER BY minute');
  await writer.run('DROP TABLE red_compacted');
  await writer.run('UPDATE red_state SET compacted_until = $to', { to });
  const rowsAfter = await count(
    writer,
    'SELECT count(*) AS n FROM red_rollups WHERE minute >= $from AND minute < $to',
    range
  );
  return { from, to, rowsBefore, rowsAfter };
}

async function count(connection: DuckDBConnection, sql: string, values: Record<string, DuckDBValue>): Promise<number> {
  return Number((await connection.runAndReadAll(sql, values)).getRowObjectsJS()[0].n);
}

function filters(query: RedQuery, values: Record<string, DuckDBValue>): string[] {
  const where: string[] = [];
  for (const column of ['service', 'instance', 'endpoint'] as const) {
    const value = query[column];
    if (value !== undefined) {
      where.push(`${column} = $${column}`);
      values[column] = value;
    }
  }
  return where;
}

/**
 * RED from raw transactions ending in [from, to), in steps aligned to multiples of `step` since the
 * epoch. Percentiles are exact: the rank-⌈q·n⌉ elapsed of the step, the rank rule of `quantileMs`.
 */
export async function redFromTransactions(reader: DuckDBConnection, query: RedQuery): Promise<RedResponse> {
  const columns = GROUP_COLUMNS[query.groupBy];
  const values: Record<string, DuckDBValue> = {
    fromUs: microsAtLeast(query.from),
    toUs: microsAtLeast(query.to),
    step: query.step,
    t: apdexBounds(query).t,
    t4: apdexBounds(query).t4,
  };
  const where = ['end_us >= $fromUs', 'end_us < $toUs', ...filters(query, values)];
  const result = await reader.runAndReadAll(
    `WITH steps AS (
       SELECT ${columns.join(', ')}, floor(end_us / 1000 / $step) * $step AS time,
              count(*) AS n, count(*) FILTER (WHERE status = 'error') AS errors,
              list_sort(list(elapsed)) AS sorted, count(*) FILTER (WHERE elapsed <= $t) AS satisfied,
              count(*) FILTER (WHERE elapsed > $t AND elapsed <= $t4) AS tolerating
       FROM transactions WHERE ${where.join(' AND ')}
       GROUP BY ALL
     )
     SELECT ${columns.join(', ')}, time, n, errors, satisfied, tolerating,
            sorted[greatest(1, ceil(0.5 * n))::BIGINT] AS p50,
            sorted[greatest(1, ceil(0.9 * n))::BIGINT] AS p90,
            sorted[greatest(1, ceil(0.95 * n))::BIGINT] AS p95,
            sorted[greatest(1, ceil(0.99 * n))::BIGINT] AS p99
     FROM steps`,
    values
  );
  const points = result.getRowObjectsJS().map((row): [Row, RedPoint] => [row, rawRedPoint(row, query)]);
  return { step: query.step, tier: 'raw', series: toSeries(points, columns) };
}

/**
 * RED from the per-minute rollups. `step` must be a whole number of minutes; steps are aligned to
 * multiples of it since the epoch and hold every minute starting in [from rounded down to its
 * minute, to). Percentiles are latency-bucket upper bounds, by the rank rule of `quantileMs`.
 */
export async function redFromRollups(reader: DuckDBConnection, query: RedQuery): Promise<RedResponse> {
  const columns = GROUP_COLUMNS[query.groupBy];
  const values: Record<string, DuckDBValue> = {
    from: Math.floor(query.from / MINUTE_MS) * MINUTE_MS,
    to: query.to,
    step: query.step,
    bt: apdexBounds(query).bucket,
    bt4: apdexBounds(query).bucket4,
  };
  const where = ['minute >= $from', 'minute < $to', ...filters(query, values)];
  // Percentiles in SQL: per step, the first bucket whose running count reaches rank ⌈q·n⌉ (the
  // rule of `quantileMs`), so only one row per series and step leaves DuckDB.
  const keys = columns.join(', ');
  const rank = (q: number) => `min(bucket) FILTER (WHERE cum >= greatest(1, ceil(${q} * total)))`;
  const result = await reader.runAndReadAll(
    `WITH buckets AS (
       SELECT ${keys}, floor(minute / $step) * $step AS time, bucket,
              sum(count)::DOUBLE AS n, sum(errors)::DOUBLE AS errors
       FROM red_rollups WHERE ${where.join(' AND ')}
       GROUP BY ALL
     ), running AS (
       SELECT *, sum(n) OVER (PARTITION BY ${keys}, time ORDER BY bucket ROWS UNBOUNDED PRECEDING) AS cum,
              sum(n) OVER (PARTITION BY ${keys}, time) AS total
       FROM buckets
     )
     SELECT ${keys}, time, any_value(total) AS n, sum(errors) AS errors,
            ${rank(0.5)} AS b50, ${rank(0.9)} AS b90, ${rank(0.95)} AS b95, ${rank(0.99)} AS b99,
            coalesce(sum(n) FILTER (WHERE bucket <= $bt), 0) AS satisfied,
            coalesce(sum(n) FILTER (WHERE bucket > $bt AND bucket <= $bt4), 0) AS tolerating
     FROM running GROUP BY ${keys}, time`,
    values
  );
  const points = result
    .getRowObjectsJS()
    .map((row): [Row, RedPoint] => [
      row,
      redPoint(
        Number(row.time),
        query.step,
        Number(row.n),
        Number(row.errors),
        [
          bucketUpperMs(Number(row.b50)),
          bucketUpperMs(Number(row.b90)),
          bucketUpperMs(Number(row.b95)),
          bucketUpperMs(Number(row.b99)),
        ],
        apdexCounts(query, row)
      ),
    ]);
  return { step: query.step, tier: 'rollup', series: toSeries(points, columns) };
}

/** Distinct values of `column` in the rollups (which count every stored transaction), sorted. */
export async function names(
  reader: DuckDBConnection,
  column: 'instance' | 'endpoint',
  service: string | undefined
): Promise<string[]> {
  const result = await reader.runAndReadAll(
    `SELECT DISTINCT ${column} AS name FROM red_rollups
     ${service === undefined ? '' : 'WHERE service = $service'} ORDER BY name`,
    service === undefined ? {} : { service }
  );
  return result.getRowObjectsJS().map((row) => String(row.name));
}
