import type { TransactionDensity, TransactionQuery } from '@osprey/model';

import { densityAnswer, elapsedEdges } from '../duckdb/transactions';
import type { ClickHouseConnection } from './connection';
import { num, str } from './sql';

/** The WHERE clause of a transaction window query: end time in [from, to] plus filters, as literals. */
export function transactionWhere(query: TransactionQuery): string {
  const where = [`end_time >= ${num(query.from)}`, `end_time <= ${num(query.to)}`];
  const equals: Array<[keyof TransactionQuery, string]> = [
    ['service', 'service'],
    ['instance', 'instance'],
    ['endpoint', 'endpoint'],
    ['traceId', 'trace_id'],
    ['userId', 'user_id'],
  ];
  for (const [param, column] of equals) {
    const value = query[param];
    if (value !== undefined) {
      where.push(`${column} = ${str(String(value))}`);
    }
  }
  if (query.minElapsed !== undefined) {
    where.push(`elapsed >= ${num(query.minElapsed)}`);
  }
  if (query.maxElapsed !== undefined) {
    where.push(`elapsed <= ${num(query.maxElapsed)}`);
  }
  if (query.errorsOnly) {
    where.push(`status = 'error'`);
  }
  return where.join(' AND ');
}

/**
 * Time × elapsed cell counts, the grid of the DuckDB store (same edges, same cell rule): time cell
 * i covers [from + i·timeStep, from + (i+1)·timeStep), the last one also `to`; elapsed bucket e
 * holds [edge e, edge e+1), the first also shorter durations, the last also the maximum.
 */
export async function transactionDensity(
  connection: ClickHouseConnection,
  query: TransactionQuery,
  timeBuckets: number,
  elapsedBuckets: number
): Promise<TransactionDensity> {
  const where = transactionWhere(query);
  const [range] = await connection.rows(
    `SELECT min(elapsed) AS lo, max(elapsed) AS hi, count() AS n FROM transactions FINAL WHERE ${where}`
  );
  const empty = Number(range.n) === 0;
  const timeStep = Math.max(query.to - query.from, 1) / timeBuckets;
  const edges = elapsedEdges(empty ? 0 : Number(range.lo), empty ? 0 : Number(range.hi), elapsedBuckets);
  const lo = edges[0];
  const lnRatio = Math.log(edges[elapsedBuckets] / lo);
  const rows = await connection.rows(
    `SELECT toInt32(least(${timeBuckets - 1}, floor((end_time - ${num(query.from)}) / ${num(timeStep)}))) AS t,
            toInt32(least(${elapsedBuckets - 1}, greatest(0,
              floor(${elapsedBuckets} * log(greatest(elapsed, ${num(lo)}) / ${num(lo)}) / ${num(lnRatio)})))) AS e,
            toUInt32(count()) AS count, toUInt32(countIf(status = 'error')) AS errors
     FROM transactions FINAL WHERE ${where}
     GROUP BY t, e ORDER BY t, e`
  );
  return densityAnswer(query, timeStep, edges, rows);
}
