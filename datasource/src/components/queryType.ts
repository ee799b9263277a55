/** Which query fields each query type uses, so switching type keeps what still applies. */
import type { OspreyQuery, OspreyQueryType } from '../types';

type QueryField = Exclude<keyof OspreyQuery, 'refId' | 'queryType' | 'hide' | 'key' | 'datasource'>;

export const QUERY_FIELDS: Record<OspreyQueryType, readonly QueryField[]> = {
  xlog: [
    'service',
    'instance',
    'endpoint',
    'minElapsed',
    'errorsOnly',
    'traceId',
    'userId',
    'limit',
    'mode',
    'columns',
    'live',
  ],
  trace: ['traceId'],
  red: ['service', 'instance', 'endpoint', 'groupBy', 'redMetrics', 'apdexT'],
  serviceMap: ['service'],
  active: ['service'],
  checks: ['check'],
  checkRuns: ['check'],
  hierarchy: ['hierarchyBy', 'focus'],
  capacity: ['service', 'concurrencyLimit'],
  sqlStatistics: ['service', 'instance', 'endpoint', 'sqlSort', 'limit'],
  errorTypes: ['service', 'endpoint', 'limit'],
  summary: ['service', 'instance', 'endpoint', 'groupBy', 'apdexT', 'limit'],
  services: [],
  instances: ['service'],
  endpoints: ['service'],
  threadDumps: ['service', 'instance', 'limit'],
  threadDump: ['service', 'instance', 'dumpId'],
  threadDumpDiff: ['service', 'instance', 'dumpId', 'otherId'],
  heapHistogram: ['service', 'instance', 'dumpId'],
  heapHistogramDiff: ['service', 'instance', 'dumpId', 'otherId'],
  hosts: [],
  hostSnapshot: ['host', 'snapshotId', 'hostTable'],
  hostCompare: ['host', 'snapshotId', 'otherSnapshotId', 'hostTable'],
  otelMetrics: ['service', 'instance', 'metricNames'],
  runtime: ['service', 'instance', 'runtimeSeries'],
  logs: ['service', 'instance', 'traceId', 'search', 'minSeverity', 'limit'],
};

const ALL_FIELDS = new Set(Object.values(QUERY_FIELDS).flat());

/** Thread-dump ids mean nothing to a histogram query and the other way round. */
const idFamily = (t: OspreyQueryType) =>
  t.startsWith('threadDump') ? 'threadDump' : t.startsWith('heap') ? 'heap' : t;

/** The query under a new type: fields the new type uses are kept, others dropped. */
export function switchQueryType(query: OspreyQuery, to: OspreyQueryType): OspreyQuery {
  const from = query.queryType ?? 'xlog';
  const next: OspreyQuery = { ...query, queryType: to };
  const keep = new Set(QUERY_FIELDS[to]);
  for (const field of ALL_FIELDS) {
    const idField = field === 'dumpId' || field === 'otherId';
    if (!keep.has(field) || (idField && idFamily(from) !== idFamily(to))) {
      delete next[field];
    }
  }
  return next;
}

export function usesField(type: OspreyQueryType | undefined, field: QueryField): boolean {
  return QUERY_FIELDS[type ?? 'xlog'].includes(field);
}
