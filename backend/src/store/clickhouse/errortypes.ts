import type { ErrorTypesResponse } from '@osprey/model';

import { earlierRow, type ErrorTypesRead, errorTypes, messageRow } from '../../errorstats/answer';
import type { ClickHouseConnection } from './connection';
import { num, str } from './sql';

/** Errors by type of the error transactions ending in [from, to), the answer of the DuckDB store. */
export async function errorTypesFromTransactions(
  connection: ClickHouseConnection,
  query: ErrorTypesRead
): Promise<ErrorTypesResponse> {
  const where = ["status = 'error'"];
  for (const column of ['service', 'endpoint'] as const) {
    const value = query[column];
    if (value !== undefined) {
      where.push(`${column} = ${str(value)}`);
    }
  }
  const step = num(query.step);
  // FINAL inside: a settled transaction is a newer version of its row, counted once.
  const inRange = await connection.rows(
    `SELECT service, endpoint, ifNull(error_type, '') AS exception, ifNull(error_message, '') AS message,
            floor(end_time / ${step}) * ${step} AS time, count() AS n,
            min(end_time) AS first_seen, max(end_time) AS last_seen, argMax(trace_id, end_time) AS example
     FROM transactions FINAL
     WHERE end_time >= ${num(query.from)} AND end_time < ${num(query.to)} AND ${where.join(' AND ')}
     GROUP BY service, endpoint, exception, message, time`
  );
  const before = await connection.rows(
    `SELECT service, ifNull(error_type, '') AS exception, ifNull(error_message, '') AS message, min(end_time) AS first_seen
     FROM transactions FINAL WHERE end_time < ${num(query.from)} AND ${where.join(' AND ')}
     GROUP BY service, exception, message`
  );
  return {
    from: query.from,
    to: query.to,
    step: query.step,
    errorTypes: errorTypes(inRange.map(messageRow), before.map(earlierRow), query.limit),
  };
}
