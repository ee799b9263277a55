/**
 * SQL statistics: per-statement figures from the per-minute rollups of db client spans, the
 * normalised statement as the key (`GET /api/v1/statistics/sql`).
 */

/** What a top-N list is ordered by, largest first. */
export type SqlStatisticsSort = 'totalTime' | 'count' | 'p95' | 'errors';
export const SQL_STATISTICS_SORTS: readonly SqlStatisticsSort[] = ['totalTime', 'count', 'p95', 'errors'];

export const DEFAULT_SQL_STATISTICS_LIMIT = 20;
export const MAX_SQL_STATISTICS_LIMIT = 1000;

/** Query string of `GET /api/v1/statistics/sql`; times are epoch ms, minutes starting in [minute of from, to]. */
export interface SqlStatisticsQuery {
  from: number;
  to: number;
  /** The service that ran the statement. */
  service?: string;
  /** Instance and endpoint of the transaction the statement ran in. */
  instance?: string;
  endpoint?: string;
  sort?: SqlStatisticsSort;
  limit?: number;
}

/** One normalised statement over the window. Times in ms. */
export interface SqlStatement {
  /** Stable hash of (service, db system, db name, normalised statement). */
  key: string;
  service: string;
  dbSystem: string;
  /** `db.namespace` / `db.name`; empty when the span names none. */
  dbName: string;
  /** The normalised text (literals as `?`). */
  statement: string;
  count: number;
  errors: number;
  totalTime: number;
  avgTime: number;
  maxTime: number;
  /** Upper bound of the latency bucket holding the 95th percentile (at most ~19% high). */
  p95: number;
  /** Rows returned, summed over the calls that reported them; absent when none did. */
  rows?: number;
}

export interface SqlStatisticsResponse {
  from: number;
  to: number;
  sort: SqlStatisticsSort;
  statements: SqlStatement[];
}

/** Largest `sort` first, ties by key: the order both stores and the datasource's merge give. */
export function compareSqlStatements(sort: SqlStatisticsSort): (a: SqlStatement, b: SqlStatement) => number {
  return (a, b) => b[sort] - a[sort] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** The datasource's SQL-statistics table frame: its name and field names, read by dashboards. */
export const SQL_STATISTICS_FRAME = {
  name: 'sql-statistics',
  fields: {
    statement: 'statement',
    service: 'service',
    dbSystem: 'dbSystem',
    dbName: 'dbName',
    count: 'count',
    errors: 'errors',
    totalTime: 'totalTime',
    avgTime: 'avgTime',
    p95: 'p95',
    maxTime: 'maxTime',
    rows: 'rows',
    key: 'key',
  },
} as const;
