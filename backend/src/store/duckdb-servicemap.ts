import { DOUBLE, type DuckDBConnection } from '@duckdb/node-api';
import type { ServiceMapEdge, ServiceMapNode, ServiceMapNodeType, ServiceMapResponse } from '@osprey/model';

import { quantileMs } from '../stats/latency-buckets';

const MINUTE_MS = 60_000;

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
 * The service map of [from, to]. Edges come from the per-minute rollups of every minute that
 * starts in [minute of `from`, `to`]; rate is calls per second over those whole minutes. Service
 * nodes count their transactions ending in [from, to] (p95 exact, from the raw rows).
 */
export async function serviceMap(reader: DuckDBConnection, from: number, to: number): Promise<ServiceMapResponse> {
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
  const edges = new Map<string, EdgeAccumulator>();
  for (const row of edgeRows.getRowObjectsJS()) {
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
  const serviceRows = await reader.runAndReadAll(
    `SELECT service, count(*) AS transactions, count(*) FILTER (WHERE status = 'error') AS errors,
            quantile_cont(elapsed, 0.95) AS p95
     FROM transactions
     WHERE end_time >= $from AND end_time <= $to
     GROUP BY service`,
    { from, to },
    { from: DOUBLE, to: DOUBLE }
  );
  for (const row of serviceRows.getRowObjectsJS()) {
    const service = String(row.service);
    nodes.set(service, {
      id: service,
      type: 'service',
      name: service,
      transactions: Number(row.transactions),
      errors: Number(row.errors),
      p95: Number(row.p95),
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
      // A database or external peer has no transactions of its own: its errors are the failed calls to it.
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
