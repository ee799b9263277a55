import type { ServiceMapEdge, ServiceMapNode, ServiceMapNodeType, ServiceMapResponse } from '@osprey/model';

import { apdexScore } from '../derive/apdex';
import { quantileMs } from '../stats/latency-buckets';
import { MINUTE_MS } from './duckdb/red';
import { raw, type Row, sql, type SqlReader } from './shared/sql';

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
 * The edge rows of the service map of [from, to]: the per-trace edge rows of every minute starting
 * in [minute of `from`, `to`], summed per edge and latency bucket, in the same statement on both
 * engines (ClickHouse reads `servicemap_edges FINAL`, the rows' latest versions). Every row of an
 * edge names the same target, so min() picks its type, name and database alike on both. An edge
 * whose rows sum to no calls was withdrawn by a later settle of its traces: it is left out.
 */
export async function serviceMapEdgeRows(
  reader: SqlReader,
  table: 'servicemap_edges' | 'servicemap_edges FINAL',
  from: number,
  to: number
): Promise<Row[]> {
  const firstMinute = Math.floor(from / MINUTE_MS) * MINUTE_MS;
  // Not HAVING: ClickHouse 18.16 resolves `calls` there to the alias, and sum(sum(calls)) is refused.
  const rows = await reader.rows(
    sql`SELECT source, target, min(target_type) AS target_type, min(target_name) AS target_name,
               min(db_system) AS db_system, bucket, sum(calls) AS calls, sum(errors) AS errors
        FROM ${raw(table)}
        WHERE minute >= ${firstMinute} AND minute <= ${to}
        GROUP BY source, target, bucket`
  );
  return rows.filter((row) => Number(row.calls) > 0);
}

/**
 * A service node from a row of either store's service query (service, transactions, errors,
 * satisfied, tolerating at the answer's Apdex T), with the p95 its engine computed.
 */
export function serviceNode(row: Record<string, unknown>, p95: number): ServiceMapNode {
  const service = String(row.service);
  const transactions = Number(row.transactions);
  return {
    id: service,
    type: 'service',
    name: service,
    transactions,
    errors: Number(row.errors),
    p95,
    apdex: apdexScore(Number(row.satisfied), Number(row.tolerating), transactions),
  };
}

/**
 * The service map answer both stores give for [from, to]: `edgeRows` (source, target, target_type,
 * target_name, db_system, bucket, calls, errors) summed from the rollups of every minute that
 * starts in [minute of `from`, `to`] (rate is calls per second over those whole minutes), `services` the service nodes of the transactions ending in [from, to]. Nodes the edges
 * name but `services` lacks (databases, external peers, callers without transactions) are added,
 * without an Apdex: they have no transactions of their own in the window.
 */
export function serviceMapAnswer(
  { from, to, apdexT }: { from: number; to: number; apdexT: number },
  edgeRows: ReadonlyArray<Record<string, unknown>>,
  services: readonly ServiceMapNode[]
): ServiceMapResponse {
  const edges = new Map<string, EdgeAccumulator>();
  for (const row of edgeRows) {
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

  const nodes = new Map<string, ServiceMapNode>(services.map((node) => [node.id, { ...node }]));
  const ensure = (node: ServiceMapNode): ServiceMapNode => {
    const known = nodes.get(node.id);
    if (known !== undefined) {
      return known;
    }
    nodes.set(node.id, node);
    return node;
  };

  const firstMinute = Math.floor(from / MINUTE_MS) * MINUTE_MS;
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
    apdexT,
    nodes: [...nodes.values()].sort((a, b) => a.id.localeCompare(b.id)),
    edges: answer.sort((a, b) => a.id.localeCompare(b.id)),
  };
}
