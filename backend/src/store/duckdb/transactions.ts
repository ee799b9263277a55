import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { TransactionDensity, TransactionQuery } from '@osprey/model';

import { microsAtLeast, microsAtMost } from '../micros';

/** The WHERE clause (and its parameters) of a transaction window query: end time in [from, to] plus filters. */
export function transactionWhere(query: TransactionQuery): { where: string; values: Record<string, DuckDBValue> } {
  const where = ['end_us >= $fromUs', 'end_us <= $toUs'];
  const values: Record<string, DuckDBValue> = { fromUs: microsAtLeast(query.from), toUs: microsAtMost(query.to) };
  const equals: Array<[keyof TransactionQuery, string]> = [
    ['service', 'service'],
    ['instance', 'instance'],
    ['endpoint', 'endpoint'],
    ['userId', 'user_id'],
  ];
  for (const [param, column] of equals) {
    const value = query[param];
    if (value !== undefined) {
      where.push(`${column} = $${param}`);
      values[param] = value as string;
    }
  }
  if (query.traceId !== undefined) {
    where.push('trace_id = hex_trace_id($traceId)');
    values.traceId = query.traceId;
  }
  if (query.minElapsed !== undefined) {
    where.push('elapsed >= $minElapsed');
    values.minElapsed = query.minElapsed;
  }
  if (query.maxElapsed !== undefined) {
    where.push('elapsed <= $maxElapsed');
    values.maxElapsed = query.maxElapsed;
  }
  if (query.errorsOnly) {
    where.push(`status = 'error'`);
  }
  return { where: where.join(' AND '), values };
}

/** Smallest elapsed edge: shorter (and zero) durations share the first elapsed bucket. */
const MIN_EDGE_MS = 0.01;

/**
 * Log-spaced elapsed edges from `lo` to `hi` (ms): edge i = lo·(hi/lo)^(i/buckets). A window whose
 * durations are all equal still gets a range (one doubling) so the grid has a height.
 */
export function elapsedEdges(minElapsed: number, maxElapsed: number, buckets: number): number[] {
  const lo = Math.max(minElapsed, MIN_EDGE_MS);
  const hi = Math.max(maxElapsed, lo * 2);
  return Array.from({ length: buckets + 1 }, (_, i) => (i === buckets ? hi : lo * (hi / lo) ** (i / buckets)));
}

/** The density answer from the (t, e, count, errors) cell rows either store computes. */
export function densityAnswer(
  query: TransactionQuery,
  timeStep: number,
  edges: number[],
  rows: ReadonlyArray<Record<string, unknown>>
): TransactionDensity {
  const cells = rows.map((row) => ({
    t: Number(row.t),
    e: Number(row.e),
    count: Number(row.count),
    errors: Number(row.errors),
  }));
  return {
    from: query.from,
    to: query.to,
    timeStep,
    elapsedEdges: edges,
    cells,
    total: cells.reduce((sum, cell) => sum + cell.count, 0),
  };
}

/**
 * Time × elapsed cell counts of the transactions matching `query`, computed in DuckDB. Time cell i
 * covers [from + i·timeStep, from + (i+1)·timeStep) and the last one also holds `to`; elapsed bucket
 * e holds [edge e, edge e+1), the first also shorter durations, the last also the maximum.
 */
export async function transactionDensity(
  reader: DuckDBConnection,
  query: TransactionQuery,
  timeBuckets: number,
  elapsedBuckets: number
): Promise<TransactionDensity> {
  const { where, values } = transactionWhere(query);
  const range = (
    await reader.runAndReadAll(`SELECT min(elapsed) AS lo, max(elapsed) AS hi FROM transactions WHERE ${where}`, values)
  ).getRowObjectsJS()[0];
  const timeStep = Math.max(query.to - query.from, 1) / timeBuckets;
  const edges = elapsedEdges(Number(range.lo ?? 0), Number(range.hi ?? 0), elapsedBuckets);
  const lo = edges[0];
  const result = await reader.runAndReadAll(
    `SELECT least($tMax, floor((end_us / 1000 - $from) / $timeStep))::INTEGER AS t,
            least($eMax, greatest(0, floor($elapsedBuckets * ln(greatest(elapsed, $lo) / $lo) / $lnRatio)))::INTEGER AS e,
            count(*)::INTEGER AS count, (count(*) FILTER (WHERE status = 'error'))::INTEGER AS errors
     FROM transactions WHERE ${where}
     GROUP BY ALL ORDER BY t, e`,
    {
      ...values,
      from: query.from,
      timeStep,
      tMax: timeBuckets - 1,
      eMax: elapsedBuckets - 1,
      elapsedBuckets,
      lo,
      lnRatio: Math.log(edges[elapsedBuckets] / lo),
    }
  );
  return densityAnswer(query, timeStep, edges, result.getRowObjectsJS());
}
