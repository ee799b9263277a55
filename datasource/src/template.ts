/**
 * A panel query with its dashboard variables and ad hoc filters applied: what the datasource's
 * applyTemplateVariables answers and what its query() runs, so both read a query the same way.
 */
import type { AdHocVariableFilter, ScopedVars } from '@grafana/data';
import type { TemplateSrv } from '@grafana/runtime';

import { adhocFilters, MULTI_SEPARATOR } from './params';
import { normaliseQuery, type OspreyQuery, type OspreyQueryType } from './types';

type FilterKey = 'service' | 'instance' | 'endpoint';
type TextField =
  | FilterKey
  | 'traceId'
  | 'userId'
  | 'dumpId'
  | 'otherId'
  | 'host'
  | 'snapshotId'
  | 'otherSnapshotId'
  | 'metricNames'
  | 'search'
  | 'check'
  | 'focus';

const TEXT_FIELDS: readonly TextField[] = [
  'service',
  'instance',
  'endpoint',
  'traceId',
  'userId',
  'dumpId',
  'otherId',
  'host',
  'snapshotId',
  'otherSnapshotId',
  'metricNames',
  'search',
  'check',
  'focus',
];
const isFilterKey = (field: TextField): field is FilterKey =>
  field === 'service' || field === 'instance' || field === 'endpoint';

/**
 * The fields of each query type that take several values: one backend request per value (XLOG and
 * RED filters, the services of active / instances / endpoints, trace ids), or the services a map is
 * focused on. A multi-value variable there is joined by MULTI_SEPARATOR, to be split again by
 * filterValues; in a filter, "All" means no filter and an ad hoc filter on the key replaces it. The
 * other fields take one value, with Grafana's default formatting (JVM queries read one JVM).
 */
const MULTI_VALUE: Record<OspreyQueryType, readonly TextField[]> = {
  xlog: ['service', 'instance', 'endpoint'],
  red: ['service', 'instance', 'endpoint'],
  serviceMap: ['service'],
  active: ['service'],
  checks: ['check'],
  checkRuns: ['check'],
  hierarchy: [],
  capacity: ['service'],
  sqlStatistics: ['service', 'instance', 'endpoint'],
  errorTypes: ['service', 'endpoint'],
  summary: ['service', 'instance', 'endpoint'],
  trace: ['traceId'],
  services: [],
  instances: ['service'],
  endpoints: ['service'],
  threadDumps: [],
  threadDump: [],
  threadDumpDiff: [],
  heapHistogram: [],
  heapHistogramDiff: [],
  hosts: [],
  hostSnapshot: [],
  hostCompare: [],
  otelMetrics: ['service', 'instance'],
  runtime: ['service', 'instance'],
  logs: ['service', 'instance'],
};

const joinValues = (value: string | string[]) => (Array.isArray(value) ? value.join(MULTI_SEPARATOR) : value);

/** A variable referenced in `text` (as $x, ${x...} or [[x]]) whose current value is "All". */
function refersToAll(templateSrv: TemplateSrv, text: string, scopedVars: ScopedVars): boolean {
  return templateSrv.getVariables().some((v) => {
    const used = new RegExp(`\\$${v.name}\\b|\\$\\{${v.name}[}:]|\\[\\[${v.name}\\]\\]`).test(text);
    if (!used || scopedVars[v.name] || !('current' in v)) {
      return false;
    }
    const value = (v.current as { value?: string | string[] } | undefined)?.value;
    return Array.isArray(value) ? value.includes('$__all') : value === '$__all';
  });
}

/**
 * The query as it runs: an exemplar link read as a trace query, a type this version does not know
 * read as XLOG, every text field interpolated (see MULTI_VALUE), blank ones left out.
 */
export function interpolateQuery(
  templateSrv: TemplateSrv,
  raw: OspreyQuery,
  scopedVars: ScopedVars,
  filters?: AdHocVariableFilter[]
): OspreyQuery {
  const normalised = normaliseQuery(raw);
  const queryType = Object.hasOwn(MULTI_VALUE, normalised.queryType) ? normalised.queryType : 'xlog';
  const adhoc = adhocFilters(filters);
  const multi = MULTI_VALUE[queryType];
  const interpolate = (field: TextField, text: string | undefined): string | undefined => {
    if (!multi.includes(field)) {
      return text && templateSrv.replace(text, scopedVars);
    }
    if (isFilterKey(field) && adhoc[field]) {
      return adhoc[field];
    }
    if ((isFilterKey(field) || field === 'check') && text && refersToAll(templateSrv, text, scopedVars)) {
      return undefined;
    }
    return text && templateSrv.replace(text, scopedVars, joinValues);
  };
  const query: OspreyQuery = { ...normalised, queryType };
  for (const field of TEXT_FIELDS) {
    const value = interpolate(field, normalised[field]);
    if (value) {
      query[field] = value;
    } else {
      delete query[field];
    }
  }
  return query;
}
