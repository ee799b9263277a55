import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { SummaryResponse } from '@osprey/model';

import { TOLERATING_FACTOR } from '../../derive/apdex';
import { type SummaryRead, summaryAnswer } from '../../summary/answer';
import { microsAtLeast } from '../micros';
import { GROUP_COLUMNS } from '../red-series';

/**
 * The summary of the transactions ending in [from, to), one row per group. p95 is exact (the rank
 * ⌈0.95·n⌉ elapsed, the rule of RED's raw tier). Users are counted exactly: approx_count_distinct
 * (HyperLogLog) answered 6 for the conformance workload's 7 users, where ClickHouse said 7.
 */
export async function summaryFromTransactions(reader: DuckDBConnection, query: SummaryRead): Promise<SummaryResponse> {
  const columns = GROUP_COLUMNS[query.groupBy].join(', ');
  const values: Record<string, DuckDBValue> = {
    fromUs: microsAtLeast(query.from),
    toUs: microsAtLeast(query.to),
    t: query.apdexT,
    t4: TOLERATING_FACTOR * query.apdexT,
  };
  const where = ['end_us >= $fromUs', 'end_us < $toUs'];
  for (const column of ['service', 'instance', 'endpoint'] as const) {
    if (query[column] !== undefined) {
      where.push(`${column} = $${column}`);
      values[column] = query[column];
    }
  }
  const result = await reader.runAndReadAll(
    `SELECT ${columns}, count(*) AS n, count(*) FILTER (WHERE status = 'error') AS errors,
            avg(elapsed) AS avg_elapsed, list_sort(list(elapsed))[greatest(1, ceil(0.95 * count(*)))::BIGINT] AS p95,
            max(elapsed) AS max_elapsed, avg(sql_count) AS avg_sql_count, avg(sql_time) AS avg_sql_time,
            avg(api_call_count) AS avg_api_calls, count(DISTINCT user_id) AS users,
            count(*) FILTER (WHERE elapsed <= $t) AS satisfied,
            count(*) FILTER (WHERE elapsed > $t AND elapsed <= $t4) AS tolerating
     FROM transactions WHERE ${where.join(' AND ')}
     GROUP BY ${columns}`,
    values
  );
  return summaryAnswer(result.getRowObjectsJS(), query);
}
