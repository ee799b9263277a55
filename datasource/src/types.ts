import type { DataQuery, DataSourceJsonData } from '@grafana/data';
import type {
  HierarchyView,
  RedGroupBy,
  RuntimeSeries,
  SqlStatisticsSort,
  TransactionsMode,
  XlogColumnSet,
} from '@osprey/model';

export type JvmQueryType = 'threadDumps' | 'threadDump' | 'threadDumpDiff' | 'heapHistogram' | 'heapHistogramDiff';

export type ListQueryType = 'services' | 'instances' | 'endpoints';

/** OTLP signals: metrics by name, runtime series by semantic-convention names, log records. */
export type OtelQueryType = 'otelMetrics' | 'runtime' | 'logs';

export type OspreyQueryType =
  | 'xlog'
  | 'trace'
  | 'red'
  | 'serviceMap'
  | 'active'
  | ListQueryType
  | JvmQueryType
  | OtelQueryType
  | 'checks'
  | 'checkRuns'
  | 'hierarchy'
  | 'capacity'
  | 'sqlStatistics';

export const JVM_QUERY_TYPES: readonly JvmQueryType[] = [
  'threadDumps',
  'threadDump',
  'threadDumpDiff',
  'heapHistogram',
  'heapHistogramDiff',
];

export const LIST_QUERY_TYPES: readonly ListQueryType[] = ['services', 'instances', 'endpoints'];

export function isJvmQueryType(t: OspreyQueryType | undefined): t is JvmQueryType {
  return JVM_QUERY_TYPES.includes(t as JvmQueryType);
}

export function isListQueryType(t: OspreyQueryType | undefined): t is ListQueryType {
  return LIST_QUERY_TYPES.includes(t as ListQueryType);
}

/** The RED series a query draws; all of them when none is chosen. */
export type RedMetric = 'rate' | 'errorPercent' | 'p50' | 'p90' | 'p95' | 'p99';

export const RED_METRICS: readonly RedMetric[] = ['rate', 'errorPercent', 'p50', 'p90', 'p95', 'p99'];

/** One panel query. `trace` is what the traceId data link opens in Explore. */
export interface OspreyQuery extends DataQuery {
  queryType: OspreyQueryType;
  service?: string;
  /** The instance (host/JVM) of the service. */
  instance?: string;
  /**
   * JVM queries: a thread dump / heap histogram id. Empty = the latest for service + instance. For the
   * diffs it is the older one, `otherId` the newer; both empty = the latest two of the instance.
   */
  dumpId?: string;
  otherId?: string;
  endpoint?: string;
  /** Synthetic checks: one check by name (absent = all). */
  check?: string;
  /** Capacity: the concurrency limit (thread / connection pool) to project at; absent = the backend's 200. */
  concurrencyLimit?: number;
  /** Hierarchy: by workload (default) or by node. */
  hierarchyBy?: HierarchyView;
  /** Hierarchy: the `path` of the node to show with what is below it (absent = everything). */
  focus?: string;
  /** Only transactions at least this slow, milliseconds. */
  minElapsed?: number;
  errorsOnly?: boolean;
  limit?: number;
  traceId?: string;
  userId?: string;
  /** XLOG: rows, a density grid, or rows unless more than `limit` match (absent = rows). */
  mode?: TransactionsMode;
  /**
   * XLOG: the fields asked for (model's XLOG_COLUMN_SETS): `dots` (default) what the XLOG panel
   * draws, `timings` also SQL/API/CPU time for its y-axis switch, `all` every field (tables).
   */
  columns?: XlogColumnSet;
  /** XLOG: only transactions at most this slow, ms (a drag-selected box's top). */
  maxElapsed?: number;
  /** XLOG: keep polling for new transactions after the first answer (LoadingState.Streaming). */
  live?: boolean;
  /** RED: one series per service, instance or endpoint (default service). */
  groupBy?: RedGroupBy;
  redMetrics?: RedMetric[];
  /** RED: draw each rate, error % and p95 with its anomaly band (the backend's band=true). */
  redBand?: boolean;
  /** otelMetrics: metric names, comma-separated. */
  metricNames?: string;
  /** runtime: which runtime series (model RUNTIME_SERIES). */
  runtimeSeries?: RuntimeSeries;
  /** logs: only records whose body contains this text. */
  search?: string;
  /** logs: only records at least this severe (OTLP SeverityNumber, e.g. 17 = ERROR). */
  minSeverity?: number;
  /** SQL statistics: what the top-N is ordered by (default total time). */
  sqlSort?: SqlStatisticsSort;
  /**
   * Set (with no queryType) by the data links Grafana's Prometheus datasource builds from exemplars
   * (`exemplarTraceIdDestinations`): the trace id to show.
   */
  query?: string;
}

/** A query as saved or linked → one with a type; an exemplar link becomes a trace query. */
export function normaliseQuery(q: OspreyQuery): OspreyQuery {
  if (!q.queryType && typeof q.query === 'string' && q.query.trim() !== '') {
    return { refId: q.refId, queryType: 'trace', traceId: q.query.trim() };
  }
  return q.queryType ? q : { ...q, queryType: 'xlog' };
}

/** Settings stored in plain jsonData: the backend URL the data proxy route forwards to. */
export interface OspreyOptions extends DataSourceJsonData {
  url?: string;
  /** Seconds a single backend request may take before the query fails (default 30). */
  timeout?: number;
}

/** Settings Grafana keeps server-side; the route injects the token as a bearer header. */
export interface OspreySecureOptions {
  token?: string;
}

export const DEFAULT_QUERY: Partial<OspreyQuery> = {
  queryType: 'xlog',
  errorsOnly: false,
};

export const DEFAULT_TIMEOUT_SECONDS = 30;

/** Path below the datasource's proxy URL that plugin.json's route forwards to the backend. */
export const ROUTE_PATH = 'osprey';
