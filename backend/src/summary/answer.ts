import { compareSummaries, type SummaryQuery, type SummaryResponse, type SummaryRow } from '@osprey/model';

import { apdexScore } from '../derive/apdex';
import { GROUP_COLUMNS, type Row } from '../store/red-series';

/** What a store's summary read is given: the route's query with its defaults applied. */
export type SummaryRead = SummaryQuery & Required<Pick<SummaryQuery, 'groupBy' | 'apdexT' | 'sort' | 'limit'>>;

/**
 * One group of the stores' summary query, columns: the group's (service, instance or endpoint),
 * n, errors, avg_elapsed, p95, max_elapsed, avg_sql_count, avg_sql_time, avg_api_calls, users,
 * satisfied, tolerating.
 */
function summaryRow(row: Row, columns: readonly string[]): SummaryRow {
  const count = Number(row.n);
  const errors = Number(row.errors);
  const satisfied = Number(row.satisfied);
  const tolerating = Number(row.tolerating);
  const summary: SummaryRow = {
    service: String(row.service),
    count,
    errors,
    errorRate: count === 0 ? 0 : errors / count,
    avgElapsed: Number(row.avg_elapsed),
    p95: Number(row.p95),
    maxElapsed: Number(row.max_elapsed),
    avgSqlCount: Number(row.avg_sql_count),
    avgSqlTime: Number(row.avg_sql_time),
    avgApiCallCount: Number(row.avg_api_calls),
    users: Number(row.users),
    satisfied,
    tolerating,
    apdex: apdexScore(satisfied, tolerating, count),
  };
  for (const column of columns.slice(1) as Array<'instance' | 'endpoint'>) {
    summary[column] = String(row[column]);
  }
  return summary;
}

/** The stores' rows as the answer: sorted by the query's sort, cut at its limit. */
export function summaryAnswer(rows: readonly Row[], query: SummaryRead): SummaryResponse {
  const columns = GROUP_COLUMNS[query.groupBy];
  const summaries = rows.map((row) => summaryRow(row, columns)).sort(compareSummaries(query.sort));
  return {
    from: query.from,
    to: query.to,
    groupBy: query.groupBy,
    apdexT: query.apdexT,
    sort: query.sort,
    summaries: summaries.slice(0, query.limit),
  };
}
