import type { RedPoint, RedQuery, RedResponse } from '@osprey/model';

import { quantileMs } from '../../stats/latency-buckets';
import { MINUTE_MS } from '../duckdb/red';
import { apdexBounds, GROUP_COLUMNS, rawRedPoint, redPoint, seriesKey, toSeries } from '../red-series';
import type { ClickHouseConnection, Row } from './connection';
import { num, str } from './sql';

function filters(query: RedQuery): string[] {
  return (['service', 'instance', 'endpoint'] as const)
    .filter((column) => query[column] !== undefined)
    .map((column) => `${column} = ${str(query[column] as string)}`);
}

/** RED from raw transactions ending in [from, to); exact rank-⌈q·n⌉ percentiles (rule of `quantileMs`). */
export async function redFromTransactions(connection: ClickHouseConnection, query: RedQuery): Promise<RedResponse> {
  const columns = GROUP_COLUMNS[query.groupBy];
  const step = num(query.step);
  const where = [`end_time >= ${num(query.from)}`, `end_time < ${num(query.to)}`, ...filters(query)];
  const rank = (q: number) => `sorted[toUInt64(greatest(1, ceil(${q} * n)))]`;
  const { t, t4 } = apdexBounds(query);
  const rows = await connection.rows(
    `SELECT ${columns.join(', ')}, time, n, errors, ${rank(0.5)} AS p50, ${rank(0.9)} AS p90, ${rank(0.95)} AS p95,
            ${rank(0.99)} AS p99, satisfied, tolerating
     FROM (
       SELECT ${columns.join(', ')}, floor(end_time / ${step}) * ${step} AS time,
              count() AS n, countIf(status = 'error') AS errors, arraySort(groupArray(elapsed)) AS sorted,
              countIf(elapsed <= ${num(t)}) AS satisfied, countIf(elapsed > ${num(t)} AND elapsed <= ${num(t4)}) AS tolerating
       FROM transactions FINAL WHERE ${where.join(' AND ')}
       GROUP BY ${columns.join(', ')}, time
     )`
  );
  const points = rows.map((row): [Row, RedPoint] => [row, rawRedPoint(row, query)]);
  return { step: query.step, tier: 'raw', series: toSeries(points, columns) };
}

/**
 * RED from the per-minute rollups, steps aligned to multiples of `step` holding every minute that
 * starts in [from rounded down to its minute, to). ClickHouse 18.16 has no window functions, so the
 * (step, bucket) counts come back and the bucket percentiles are read here by `quantileMs`.
 */
export async function redFromRollups(connection: ClickHouseConnection, query: RedQuery): Promise<RedResponse> {
  const columns = GROUP_COLUMNS[query.groupBy];
  const keys = columns.join(', ');
  const step = num(query.step);
  const where = [
    `minute >= ${num(Math.floor(query.from / MINUTE_MS) * MINUTE_MS)}`,
    `minute < ${num(query.to)}`,
    ...filters(query),
  ];
  const rows = await connection.rows(
    `SELECT ${keys}, floor(minute / ${step}) * ${step} AS time, bucket, sum(count) AS n, sum(errors) AS errors
     FROM red_rollups WHERE ${where.join(' AND ')}
     GROUP BY ${keys}, time, bucket`
  );
  const { bucket: bt, bucket4: bt4 } = apdexBounds(query);
  const steps = new Map<string, { row: Row; n: number; errors: number; buckets: Array<[number, number]> }>();
  for (const row of rows) {
    const key = JSON.stringify([seriesKey(row, columns), Number(row.time)]);
    let entry = steps.get(key);
    if (entry === undefined) {
      entry = { row, n: 0, errors: 0, buckets: [] };
      steps.set(key, entry);
    }
    entry.n += Number(row.n);
    entry.errors += Number(row.errors);
    entry.buckets.push([Number(row.bucket), Number(row.n)]);
  }
  const within = (buckets: Array<[number, number]>, low: number, high: number) =>
    buckets.reduce((sum, [bucket, n]) => (bucket > low && bucket <= high ? sum + n : sum), 0);
  const points = [...steps.values()].map(({ row, n, errors, buckets }): [Row, RedPoint] => [
    row,
    redPoint(
      Number(row.time),
      query.step,
      n,
      errors,
      [quantileMs(buckets, 0.5), quantileMs(buckets, 0.9), quantileMs(buckets, 0.95), quantileMs(buckets, 0.99)],
      query.apdexT === undefined
        ? undefined
        : { satisfied: within(buckets, -1, bt), tolerating: within(buckets, bt, bt4) }
    ),
  ]);
  return { step: query.step, tier: 'rollup', series: toSeries(points, columns) };
}

/** Distinct values of `column` in the rollups (which count every stored transaction), sorted. */
export async function names(
  connection: ClickHouseConnection,
  column: 'instance' | 'endpoint',
  service: string | undefined
): Promise<string[]> {
  const rows = await connection.rows(
    `SELECT DISTINCT ${column} AS name FROM red_rollups
     ${service === undefined ? '' : `WHERE service = ${str(service)}`} ORDER BY name`
  );
  return rows.map((row) => String(row.name));
}
