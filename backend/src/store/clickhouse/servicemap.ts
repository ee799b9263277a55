import type { ServiceMapEdge, ServiceMapNode, ServiceMapNodeType, ServiceMapResponse } from '@osprey/model';

import { quantileMs } from '../../stats/latency-buckets';
import { MINUTE_MS } from '../duckdb-red';
import type { ClickHouseConnection } from './connection';
import { num } from './sql';

interface EdgeAccumulator {
  source: string;
  target: string;
  targetType: ServiceMapNodeType;
  targetName: string;
  dbSystem?: string;
  calls: number;
  errors: number;
  buckets: Array<[number, number]>;
}

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
 * of every minute starting in [minute of `from`, `to`]; service nodes from the transactions ending in [from, to].
 */
export async function serviceMap(
  connection: ClickHouseConnection,
  from: number,
  to: number
): Promise<ServiceMapResponse> {
  const firstMinute = Math.floor(from / MINUTE_MS) * MINUTE_MS;
  const edgeRows = await connection.rows(
    `SELECT source, target, any(target_type) AS target_type, any(target_name) AS target_name,
            any(db_system) AS db_system, bucket, sum(calls) AS calls, sum(errors) AS errors
     FROM servicemap_edges FINAL
     WHERE minute >= ${num(firstMinute)} AND minute <= ${num(to)}
     GROUP BY source, target, bucket`
  );
  const edges = new Map<string, EdgeAccumulator>();
  // Rows withdrawn by a later settle of their trace sum to zero calls: no edge.
  for (const row of edgeRows.filter((edge) => Number(edge.calls) > 0)) {
    const id = `${String(row.source)}->${String(row.target)}`;
    let edge = edges.get(id);
    if (edge === undefined) {
      edge = {
        source: String(row.source),
        target: String(row.target),
        targetType: row.target_type as ServiceMapNodeType,
        targetName: String(row.target_name),
        calls: 0,
        errors: 0,
        buckets: [],
      };
      if (row.db_system !== null && row.db_system !== undefined) {
        edge.dbSystem = String(row.db_system);
      }
      edges.set(id, edge);
    }
    edge.calls += Number(row.calls);
    edge.errors += Number(row.errors);
    edge.buckets.push([Number(row.bucket), Number(row.calls)]);
  }

  const nodes = new Map<string, ServiceMapNode>();
  const serviceRows = await connection.rows(
    `SELECT service, count() AS transactions, countIf(status = 'error') AS errors, arraySort(groupArray(elapsed)) AS sorted
     FROM transactions FINAL
     WHERE end_time >= ${num(from)} AND end_time <= ${num(to)}
     GROUP BY service`
  );
  for (const row of serviceRows) {
    const service = String(row.service);
    nodes.set(service, {
      id: service,
      type: 'service',
      name: service,
      transactions: Number(row.transactions),
      errors: Number(row.errors),
      p95: quantileCont((row.sorted as number[]).map(Number), 0.95),
    });
  }
  const ensure = (node: ServiceMapNode): ServiceMapNode => {
    const known = nodes.get(node.id);
    if (known !== undefined) {
      return known;
    }
    nodes.set(node.id, node);
    return node;
  };

  const seconds = (Math.floor(to / MINUTE_MS) * MINUTE_MS + MINUTE_MS - firstMinute) / 1000;
  const answer: ServiceMapEdge[] = [];
  for (const [id, edge] of edges) {
    ensure({ id: edge.source, type: 'service', name: edge.source, transactions: 0, errors: 0 });
    const target = ensure({
      id: edge.target,
      type: edge.targetType,
      name: edge.targetName,
      transactions: 0,
      errors: 0,
    });
    if (edge.dbSystem !== undefined) {
      target.dbSystem = edge.dbSystem;
    }
    if (target.type !== 'service') {
      target.errors += edge.errors;
    }
    answer.push({
      id,
      source: edge.source,
      target: edge.target,
      calls: edge.calls,
      errors: edge.errors,
      rate: edge.calls / seconds,
      p50: quantileMs(edge.buckets, 0.5),
      p95: quantileMs(edge.buckets, 0.95),
      p99: quantileMs(edge.buckets, 0.99),
    });
  }
  return {
    from,
    to,
    nodes: [...nodes.values()].sort((a, b) => a.id.localeCompare(b.id)),
    edges: answer.sort((a, b) => a.id.localeCompare(b.id)),
  };
}
