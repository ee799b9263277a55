import type { Attributes } from '@osprey/model';

import { MINUTE_MS } from '../duckdb/red';
import type { EndpointBucket, InstanceBucket, InstanceThroughput } from '../store';
import type { ClickHouseConnection } from './connection';
import { num, str } from './sql';

/** As the DuckDB store: rollups of the minutes holding [from, to) per service, `key` and bucket. */
async function latencyBy<K extends 'instance' | 'endpoint'>(
  connection: ClickHouseConnection,
  key: K,
  from: number,
  to: number
): Promise<Array<Omit<EndpointBucket, 'endpoint'> & Record<K, string>>> {
  // SummingMergeTree merges in the background: sum() reads merged and unmerged parts alike.
  const rows = await connection.rows(
    `SELECT service, ${key} AS key, bucket, toFloat64(sum(count)) AS count, toFloat64(sum(errors)) AS errors
     FROM red_rollups WHERE minute >= ${num(Math.floor(from / MINUTE_MS) * MINUTE_MS)} AND minute < ${num(to)}
     GROUP BY service, key, bucket ORDER BY service, key, bucket`
  );
  return rows.map((row) => ({
    service: String(row.service),
    [key]: String(row.key),
    bucket: Number(row.bucket),
    count: Number(row.count),
    errors: Number(row.errors),
  })) as Array<Omit<EndpointBucket, 'endpoint'> & Record<K, string>>;
}

export const instanceLatency = (
  connection: ClickHouseConnection,
  from: number,
  to: number
): Promise<InstanceBucket[]> => latencyBy(connection, 'instance', from, to);

export const endpointLatency = (
  connection: ClickHouseConnection,
  from: number,
  to: number
): Promise<EndpointBucket[]> => latencyBy(connection, 'endpoint', from, to);

/** The distinct resources of spans that started in [from, to] (epoch ms). */
export async function spanResources(connection: ClickHouseConnection, from: number, to: number): Promise<Attributes[]> {
  const ns = (ms: number) => (BigInt(Math.max(0, Math.round(ms))) * BigInt(1_000_000)).toString();
  const rows = await connection.rows(
    `SELECT DISTINCT resource FROM spans WHERE start_ns >= ${ns(Math.floor(from))} AND start_ns <= ${ns(Math.ceil(to))}
     ORDER BY resource`
  );
  return rows.map((row) => JSON.parse(String(row.resource)) as Attributes);
}

/** As the DuckDB store: transactions ending in [from, to] per service instance, count and mean elapsed. */
export async function instanceThroughput(
  connection: ClickHouseConnection,
  from: number,
  to: number,
  service: string | undefined
): Promise<InstanceThroughput[]> {
  // FINAL: a settled transaction is a newer version of the same row, counted once.
  const rows = await connection.rows(
    `SELECT service, instance, toFloat64(count()) AS requests, avg(elapsed) AS mean FROM transactions FINAL
     WHERE end_time >= ${num(from)} AND end_time <= ${num(to)} ${service === undefined ? '' : `AND service = ${str(service)}`}
     GROUP BY service, instance ORDER BY service, instance`
  );
  return rows.map((row) => ({
    service: String(row.service),
    instance: String(row.instance),
    requests: Number(row.requests),
    meanElapsedMs: Number(row.mean),
  }));
}
