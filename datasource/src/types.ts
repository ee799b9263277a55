import type { DataQuery, DataSourceJsonData } from '@grafana/data';

export type JvmQueryType = 'threadDumps' | 'threadDump' | 'threadDumpDiff' | 'heapHistogram' | 'heapHistogramDiff';

export type OspreyQueryType = 'xlog' | 'trace' | JvmQueryType;

export const JVM_QUERY_TYPES: readonly JvmQueryType[] = [
  'threadDumps',
  'threadDump',
  'threadDumpDiff',
  'heapHistogram',
  'heapHistogramDiff',
];

export function isJvmQueryType(t: OspreyQueryType | undefined): t is JvmQueryType {
  return JVM_QUERY_TYPES.includes(t as JvmQueryType);
}

/** One panel query. `trace` is what the traceId data link opens in Explore. */
export interface OspreyQuery extends DataQuery {
  queryType: OspreyQueryType;
  service?: string;
  /** JVM queries: the instance (JVM) of the service. */
  instance?: string;
  /**
   * JVM queries: a thread dump / heap histogram id. Empty = the latest for service + instance. For the
   * diffs it is the older one, `otherId` the newer; both empty = the latest two of the instance.
   */
  dumpId?: string;
  otherId?: string;
  endpoint?: string;
  /** Only transactions at least this slow, milliseconds. */
  minElapsed?: number;
  errorsOnly?: boolean;
  limit?: number;
  traceId?: string;
}

/** Settings stored in plain jsonData: the backend URL the data proxy route forwards to. */
export interface OspreyOptions extends DataSourceJsonData {
  url?: string;
}

/** Settings Grafana keeps server-side; the route injects the token as a bearer header. */
export interface OspreySecureOptions {
  token?: string;
}

export const DEFAULT_QUERY: Partial<OspreyQuery> = {
  queryType: 'xlog',
  errorsOnly: false,
};

/** Path below the datasource's proxy URL that plugin.json's route forwards to the backend. */
export const ROUTE_PATH = 'osprey';
