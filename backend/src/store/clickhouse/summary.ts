import type { SummaryResponse } from '@osprey/model';

import { TOLERATING_FACTOR } from '../../derive/apdex';
import { type SummaryRead, summaryAnswer } from '../../summary/answer';
import { GROUP_COLUMNS } from '../red-series';
import type { ClickHouseConnection } from './connection';
import { num, str } from './sql';

/** The summary of the transactions ending in [from, to), the answer of the DuckDB store. */
export async function summaryFromTransactions(
  connection: ClickHouseConnection,
  query: SummaryRead
): Promise<SummaryResponse> {
  const columns = GROUP_COLUMNS[query.groupBy].join(', ');
  const where = [`end_time >= ${num(query.from)}`, `end_time < ${num(query.to)}`];
  for (const column of ['service', 'instance', 'endpoint'] as const) {
    const value = query[column];
    if (value !== undefined) {
      where.push(`${column} = ${str(value)}`);
    }
  }
  const t = num(query.apdexT);
  const t4 = num(TOLERATING_FACTOR * query.apdexT);
  const rows = await connection.rows(
    `SELECT ${columns}, n, errors, avg_elapsed, sorted[toUInt64(greatest(1, ceil(0.95 * n)))] AS p95, max_elapsed,
            avg_sql_count, avg_sql_time, avg_api_calls, users, satisfied, tolerating
     FROM (
       SELECT ${columns}, count() AS n, countIf(status = 'error') AS errors, avg(elapsed) AS avg_elapsed,
              arraySort(groupArray(elapsed)) AS sorted, max(elapsed) AS max_elapsed,
              avg(sql_count) AS avg_sql_count, avg(sql_time) AS avg_sql_time, avg(api_call_count) AS avg_api_calls,
              uniqExact(user_id) AS users, countIf(elapsed <= ${t}) AS satisfied,
              countIf(elapsed > ${t} AND elapsed <= ${t4}) AS tolerating
       FROM transactions FINAL WHERE ${where.join(' AND ')}
       GROUP BY ${columns}
     )`
  );
  return summaryAnswer(rows, query);
}
