import type { ServiceMapResponse } from '@osprey/model';

import { TOLERATING_FACTOR } from '../../derive/apdex';
import { serviceMapAnswer, serviceMapEdgeRows, serviceNode } from '../servicemap-answer';
import type { ClickHouseConnection } from './connection';
import { clickHouseReader, num } from './sql';

/**
 * Linear-interpolated quantile of sorted values, the rule of DuckDB's quantile_cont (and of SQL's
 * percentile_cont), so both stores answer the same p95: ClickHouse 18.16's exact quantiles do not interpolate.
 */
export function quantileCont(sorted: readonly number[], q: number): number {
  const position = q * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (position - lo);
}

/**
 * The service map of [from, to], the answer of the DuckDB store: edges from the per-trace edge rows
 * (serviceMapEdgeRows); service nodes from the transactions ending in [from, to], with their Apdex at `apdexT`.
 */
export async function serviceMap(
  connection: ClickHouseConnection,
  from: number,
  to: number,
  apdexT: number
): Promise<ServiceMapResponse> {
  const edgeRows = await serviceMapEdgeRows(clickHouseReader(connection), 'servicemap_edges FINAL', from, to);
  const serviceRows = await connection.rows(
    `SELECT service, count() AS transactions, countIf(status = 'error') AS errors, arraySort(groupArray(elapsed)) AS sorted,
            countIf(elapsed <= ${num(apdexT)}) AS satisfied,
            countIf(elapsed > ${num(apdexT)} AND elapsed <= ${num(TOLERATING_FACTOR * apdexT)}) AS tolerating
     FROM transactions FINAL
     WHERE end_time >= ${num(from)} AND end_time <= ${num(to)}
     GROUP BY service`
  );
  const services = serviceRows.map((row) => serviceNode(row, quantileCont((row.sorted as number[]).map(Number), 0.95)));
  return serviceMapAnswer({ from, to, apdexT }, edgeRows, services);
}
