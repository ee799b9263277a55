import { BIGINT, DOUBLE, type DuckDBConnection } from '@duckdb/node-api';
import type { ServiceMapResponse } from '@osprey/model';

import { TOLERATING_FACTOR } from '../../derive/apdex';
import { microsAtLeast, microsAtMost } from '../micros';
import { serviceMapAnswer, serviceMapEdgeRows, serviceNode } from '../servicemap-answer';
import { duckDbReader } from './sql';

/**
 * The service map of [from, to]. Edges come from the per-minute rollups (serviceMapEdgeRows); rate
 * is calls per second over those whole minutes. Service nodes count their transactions ending in
 * [from, to] (p95 exact, from the raw rows) and their Apdex at `apdexT`.
 */
export async function serviceMap(
  reader: DuckDBConnection,
  from: number,
  to: number,
  apdexT: number
): Promise<ServiceMapResponse> {
  const edgeRows = await serviceMapEdgeRows(duckDbReader(reader), 'servicemap_edges', from, to);
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
  return serviceMapAnswer({ from, to, apdexT }, edgeRows, services);
}
