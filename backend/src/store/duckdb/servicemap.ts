import { BIGINT, DOUBLE, type DuckDBConnection } from '@duckdb/node-api';
import type { ServiceMapResponse } from '@osprey/model';

import { TOLERATING_FACTOR } from '../../derive/apdex';
import { MINUTE_MS } from './red';
import { microsAtLeast, microsAtMost } from '../micros';
import { serviceMapAnswer, serviceNode } from '../servicemap-answer';

/**
 * The service map of [from, to]. Edges come from the per-minute rollups of every minute that
 * starts in [minute of `from`, `to`]; rate is calls per second over those whole minutes. Service
 * nodes count their transactions ending in [from, to] (p95 exact, from the raw rows) and their
 * Apdex at `apdexT`.
 */
export async function serviceMap(
  reader: DuckDBConnection,
  from: number,
  to: number,
  apdexT: number
): Promise<ServiceMapResponse> {
  const firstMinute = Math.floor(from / MINUTE_MS) * MINUTE_MS;
  const edgeRows = await reader.runAndReadAll(
    `SELECT source, target, any_value(target_type) AS target_type, any_value(target_name) AS target_name,
            any_value(db_system) AS db_system, bucket, sum(calls) AS calls, sum(errors) AS errors
     FROM servicemap_edges
     WHERE minute >= $from AND minute <= $to
     GROUP BY source, target, bucket`,
    { from: firstMinute, to },
    { from: DOUBLE, to: DOUBLE }
  );
  const serviceRows = await reader.runAndReadAll(
    `SELECT service, count(*) AS transactions, count(*) FILTER (WHERE status = 'error') AS errors,
            quantile_cont(elapsed, 0.95) AS p95, count(*) FILTER (WHERE elapsed <= $t) AS satisfied,
            count(*) FILTER (WHERE elapsed > $t AND elapsed <= $t4) AS tolerating
     FROM transactions
     WHERE end_us >= $fromUs AND end_us <= $toUs
     GROUP BY service`,
    { fromUs: microsAtLeast(from), toUs: microsAtMost(to), t: apdexT, t4: TOLERATING_FACTOR * apdexT },
    { fromUs: BIGINT, toUs: BIGINT, t: DOUBLE, t4: DOUBLE }
  );
  const services = serviceRows.getRowObjectsJS().map((row) => serviceNode(row, Number(row.p95)));
  return serviceMapAnswer({ from, to, apdexT }, edgeRows.getRowObjectsJS(), services);
}
