import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { Attributes } from '@osprey/model';

import { MINUTE_MS } from './red';
import { microsAtLeast, microsAtMost } from '../micros';
import type { EndpointBucket, InstanceBucket, InstanceThroughput } from '../store';

/** Rollup rows of the minutes holding [from, to) summed per service, `key` and latency bucket. */
async function latencyBy<K extends 'instance' | 'endpoint'>(
  reader: DuckDBConnection,
  key: K,
  from: number,
  to: number
): Promise<Array<Omit<EndpointBucket, 'endpoint'> & Record<K, string>>> {
  const result = await reader.runAndReadAll(
    `SELECT service, ${key} AS key, bucket, sum(count)::DOUBLE AS count, sum(errors)::DOUBLE AS errors
     FROM red_rollups WHERE minute >= $from AND minute < $to
     GROUP BY ALL ORDER BY service, key, bucket`,
    { from: Math.floor(from / MINUTE_MS) * MINUTE_MS, to }
  );
  return result.getRowObjectsJS().map((row) => ({
    service: String(row.service),
    [key]: String(row.key),
    bucket: Number(row.bucket),
    count: Number(row.count),
    errors: Number(row.errors),
  })) as Array<Omit<EndpointBucket, 'endpoint'> & Record<K, string>>;
}

export const instanceLatency = (reader: DuckDBConnection, from: number, to: number): Promise<InstanceBucket[]> =>
  latencyBy(reader, 'instance', from, to);

export const endpointLatency = (reader: DuckDBConnection, from: number, to: number): Promise<EndpointBucket[]> =>
  latencyBy(reader, 'endpoint', from, to);

/** The distinct resources of spans that started in [from, to] (epoch ms). */
export async function spanResources(reader: DuckDBConnection, from: number, to: number): Promise<Attributes[]> {
  const result = await reader.runAndReadAll(
    `SELECT resource FROM span_resources WHERE id IN (
       SELECT DISTINCT resource_id FROM spans WHERE start_ns >= $from AND start_ns <= $to
     ) ORDER BY resource`,
    {
      from: BigInt(Math.max(0, Math.floor(from))) * BigInt(1_000_000),
      to: BigInt(Math.max(0, Math.ceil(to))) * BigInt(1_000_000),
    }
  );
  return result.getRowObjectsJS().map((row) => JSON.parse(String(row.resource)) as Attributes);
}

/** Raw transactions ending in [from, to] per service instance: count and mean elapsed. */
export async function instanceThroughput(
  reader: DuckDBConnection,
  from: number,
  to: number,
  service: string | undefined
): Promise<InstanceThroughput[]> {
  const values: Record<string, DuckDBValue> = { fromUs: microsAtLeast(from), toUs: microsAtMost(to) };
  if (service !== undefined) {
    values.service = service;
  }
  const result = await reader.runAndReadAll(
    `SELECT service, instance, count(*)::DOUBLE AS requests, avg(elapsed) AS mean
     FROM transactions WHERE end_us >= $fromUs AND end_us <= $toUs ${service === undefined ? '' : 'AND service = $service'}
     GROUP BY ALL ORDER BY service, instance`,
    values
  );
  return result.getRowObjectsJS().map((row) => ({
    service: String(row.service),
    instance: String(row.instance),
    requests: Number(row.requests),
    meanElapsedMs: Number(row.mean),
  }));
}
