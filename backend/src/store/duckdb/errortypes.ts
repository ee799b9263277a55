import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { ErrorTypesResponse } from '@osprey/model';

import { earlierRow, type ErrorTypesRead, errorTypes, messageRow } from '../../errorstats/answer';
import { microsAtLeast } from '../micros';

function filters(query: ErrorTypesRead, values: Record<string, DuckDBValue>): string[] {
  const where = ["status = 'error'"];
  for (const column of ['service', 'endpoint'] as const) {
    if (query[column] !== undefined) {
      where.push(`${column} = $${column}`);
      values[column] = query[column];
    }
  }
  return where;
}

/**
 * Errors by type of the error transactions ending in [from, to): grouped here by the message as
 * recorded, folded into templates by errorstats/answer.ts. "New" looks at every stored error
 * transaction before `from` with the same filters.
 */
export async function errorTypesFromTransactions(
  reader: DuckDBConnection,
  query: ErrorTypesRead
): Promise<ErrorTypesResponse> {
  const values: Record<string, DuckDBValue> = {
    fromUs: microsAtLeast(query.from),
    toUs: microsAtLeast(query.to),
    step: query.step,
  };
  const where = filters(query, values);
  const inRange = await reader.runAndReadAll(
    `SELECT service, endpoint, coalesce(error_type, '') AS exception, coalesce(error_message, '') AS message,
            floor(end_us / 1000 / $step) * $step AS time, count(*) AS n,
            min(end_us) / 1000 AS first_seen, max(end_us) / 1000 AS last_seen,
            printf('%032x', arg_max(trace_id, end_us)) AS example
     FROM transactions WHERE end_us >= $fromUs AND end_us < $toUs AND ${where.join(' AND ')}
     GROUP BY ALL`,
    values
  );
  delete values.toUs;
  delete values.step;
  const before = await reader.runAndReadAll(
    `SELECT service, coalesce(error_type, '') AS exception, coalesce(error_message, '') AS message,
            min(end_us) / 1000 AS first_seen
     FROM transactions WHERE end_us < $fromUs AND ${where.join(' AND ')}
     GROUP BY ALL`,
    values
  );
  return {
    from: query.from,
    to: query.to,
    step: query.step,
    errorTypes: errorTypes(
      inRange.getRowObjectsJS().map(messageRow),
      before.getRowObjectsJS().map(earlierRow),
      query.limit
    ),
  };
}
