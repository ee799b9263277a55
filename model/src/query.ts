import { type Static, type TOptional, type TSchema, Type } from '@sinclair/typebox';

import { RED_GROUP_BYS, TRANSACTIONS_MODES } from './api';
import { HIERARCHY_VIEWS } from './hierarchy';
import { HOST_COMPARE_TABLES, HOST_SNAPSHOT_TABLES, type HostTable } from './hosts/tables';
import { RUNTIME_SERIES_NAMES } from './otel-metrics';
import { Millis, Strict, StringEnum } from './schema';
import { SQL_STATISTICS_SORTS } from './statistics';
import { XLOG_COLUMN_SETS, type XlogColumnSet } from './transaction-columns';

/**
 * The panel query contract: every field a saved Osprey query may carry, and each query type with
 * the fields it reads. The datasource's `OspreyQuery`, its editor's query-type options, its
 * template interpolation and the XLOG panel's box query all come from these two tables, so a
 * query type or field is added here once (docs/architecture.md, "a query type").
 */

/**
 * How dashboard variables apply to a field: `text` is interpolated; `filter` also reads a variable
 * at "All" as no filter; `adhoc` also gives way to a dashboard ad hoc filter on the same key. A
 * field without a template kind is taken as saved (numbers, switches, choices from a list).
 */
export type TemplateKind = 'text' | 'filter' | 'adhoc';

const field = <S extends TSchema, K extends TemplateKind | undefined = undefined>(schema: S, template?: K) => ({
  schema,
  template: template as K,
});
const text = <K extends TemplateKind = 'text'>(description: string, template?: K) =>
  field(Type.String({ description }), (template ?? 'text') as K);

/** The RED series a query draws by default, when none is chosen. */
export const RED_METRICS = ['rate', 'errorPercent', 'p50', 'p90', 'p99'] as const;
/** What a RED query may choose: the defaults, p95 (the anomaly band's), and the Apdex at the query's T. */
export const RED_METRIC_OPTIONS = [...RED_METRICS, 'p95', 'apdex'] as const;
export type RedMetric = (typeof RED_METRIC_OPTIONS)[number];

/** The one table of panel query fields (besides Grafana's own refId, queryType, hide, datasource). */
const QUERY_FIELD_TABLE = {
  service: text('service name', 'adhoc'),
  instance: text('instance (host / JVM) of the service', 'adhoc'),
  endpoint: text('endpoint name', 'adhoc'),
  /** Thread dump / heap histogram ids: empty = the latest of the instance (the latest two for a diff). */
  dumpId: text('thread dump or heap histogram id; for a diff the older one'),
  otherId: text('the newer thread dump or heap histogram id of a diff'),
  check: text('synthetic check name (absent = all)', 'filter'),
  concurrencyLimit: field(
    Type.Number({ exclusiveMinimum: 0, description: 'concurrency limit to project capacity at (absent = 200)' })
  ),
  hierarchyBy: field(StringEnum(HIERARCHY_VIEWS, { description: 'hierarchy by workload (default) or node' })),
  focus: text('path of the hierarchy node to show with what is below it (absent = everything)'),
  minElapsed: field(Millis({ description: 'only transactions at least this slow, milliseconds' })),
  /** Set by the XLOG panel for a drag-selected box's top; the editor has no input for it. */
  maxElapsed: field(Type.Number({ description: 'only transactions at most this slow, milliseconds' })),
  errorsOnly: field(Type.Boolean({ description: 'only failed transactions' })),
  limit: field(Type.Number({ exclusiveMinimum: 0, description: 'rows at most (absent = the backend default)' })),
  traceId: text('trace id (hex)'),
  spanId: text("span id (hex) of the transaction's entry span (empty = the trace's first)"),
  userId: text('user id'),
  mode: field(
    StringEnum(TRANSACTIONS_MODES, { description: 'XLOG rows, a density grid, or rows unless more than limit match' })
  ),
  columns: field(
    StringEnum(Object.keys(XLOG_COLUMN_SETS) as XlogColumnSet[], {
      description: 'XLOG fields: dots (default, what the panel draws), timings (+ SQL/API/CPU time), all',
    })
  ),
  live: field(Type.Boolean({ description: 'XLOG: keep polling for new transactions (LoadingState.Streaming)' })),
  groupBy: field(
    StringEnum(RED_GROUP_BYS, { description: 'RED: one series per service (default), instance or endpoint' })
  ),
  redMetrics: field(
    Type.Array(StringEnum(RED_METRIC_OPTIONS), { description: 'RED series to draw (none = all but apdex)' })
  ),
  apdexT: field(Type.Number({ exclusiveMinimum: 0, description: 'Apdex threshold T, milliseconds (absent = 500)' })),
  redBand: field(
    Type.Boolean({ description: "RED: draw rate, error % and p95 with their anomaly band (the backend's band)" })
  ),
  host: text('host, as the agent names it'),
  snapshotId: text("host snapshot id; for a compare the older one (empty = the host's latest, or the one before)"),
  otherSnapshotId: text("the newer host snapshot id of a compare (empty = the host's latest)"),
  hostTable: field(
    StringEnum([...new Set([...HOST_SNAPSHOT_TABLES, ...HOST_COMPARE_TABLES])] as HostTable[], {
      description: 'which table of a host answer (empty = the first)',
    })
  ),
  metricNames: text('OTLP metric names, comma-separated'),
  runtimeSeries: field(StringEnum(RUNTIME_SERIES_NAMES, { description: 'runtime series (model RUNTIME_SERIES)' })),
  search: text('only log records whose body contains this text'),
  minSeverity: field(Type.Number({ description: 'only log records at least this severe (OTLP SeverityNumber)' })),
  sqlSort: field(StringEnum(SQL_STATISTICS_SORTS, { description: 'SQL top-N order (default totalTime)' })),
  /**
   * Set, with no queryType, by the data links Grafana's Prometheus datasource builds from exemplars
   * (`exemplarTraceIdDestinations`): the trace id to show. No query type reads it as such.
   */
  query: field(Type.String({ description: 'trace id of an exemplar link' })),
};

type FieldTable = typeof QUERY_FIELD_TABLE;
export type QueryField = keyof FieldTable;

/** The fields dashboard variables apply to. */
export type TemplatedField = {
  [K in QueryField]: FieldTable[K]['template'] extends TemplateKind ? K : never;
}[QueryField];

/** The fields a dashboard ad hoc filter sets: the transaction filters that fan out per value. */
export type AdhocField = {
  [K in QueryField]: FieldTable[K]['template'] extends 'adhoc' ? K : never;
}[QueryField];

export const QUERY_FIELDS = QUERY_FIELD_TABLE as Readonly<
  Record<QueryField, { schema: TSchema; template?: TemplateKind }>
>;

export const TEMPLATED_FIELDS = (Object.keys(QUERY_FIELDS) as QueryField[]).filter(
  (name) => QUERY_FIELDS[name].template
) as TemplatedField[];

export const ADHOC_FIELDS = TEMPLATED_FIELDS.filter((name) => QUERY_FIELDS[name].template === 'adhoc') as AdhocField[];

const properties = Object.fromEntries(
  Object.entries(QUERY_FIELD_TABLE).map(([name, spec]) => [name, Type.Optional(spec.schema)])
) as { [K in QueryField]: TOptional<FieldTable[K]['schema']> };

/** A panel query's own fields, all optional; unknown keys refused (a misspelt field is an error). */
export const OspreyQueryFieldsSchema = Strict(properties);
export type OspreyQueryFields = Static<typeof OspreyQueryFieldsSchema>;

export interface QueryTypeSpec {
  /** The query editor's option. */
  label: string;
  description: string;
  /** The fields this type reads; switching type keeps those both types read. */
  fields: readonly QueryField[];
  /**
   * Of `fields`, the templated ones taking several values: a multi-value variable there makes one
   * backend request per value (or, for the map, several services focused). The others take one
   * value, with Grafana's default formatting (a JVM query reads one JVM).
   */
  multi: readonly TemplatedField[];
  /** Types answered by one handler family: the variable lists, the JVM captures. */
  family?: 'list' | 'jvm' | 'host';
}

const FILTERS = ['service', 'instance', 'endpoint'] as const satisfies readonly AdhocField[];

/** A JVM capture query: of one JVM (service and instance, one value each), by id or the latest. */
const jvm = <const F extends readonly QueryField[]>(label: string, description: string, ...fields: F) =>
  ({ label, description, fields: ['service', 'instance', ...fields], multi: [], family: 'jvm' }) as const;

/** The one table of query types, in the editor's order. */
export const QUERY_TYPES = {
  xlog: {
    label: 'XLOG',
    description: 'One row per finished transaction, or a density grid',
    fields: [
      ...FILTERS,
      'minElapsed',
      'maxElapsed',
      'errorsOnly',
      'traceId',
      'userId',
      'limit',
      'mode',
      'columns',
      'live',
    ],
    multi: FILTERS,
  },
  red: {
    label: 'RED metrics',
    description: 'Rate, error %, p50/p90/p99 per service, instance or endpoint',
    fields: [...FILTERS, 'groupBy', 'redMetrics', 'apdexT', 'redBand'],
    multi: FILTERS,
  },
  trace: {
    label: 'Trace',
    description: 'One trace by id, for the Traces panel',
    fields: ['traceId'],
    multi: ['traceId'],
  },
  profile: {
    label: 'Transaction profile',
    description: "One transaction's SQL, API calls, spans and logs, by offset from its start",
    fields: ['traceId', 'spanId'],
    multi: [],
  },
  serviceMap: {
    label: 'Service map',
    description: 'Services, databases and calls, for the Node Graph; Apdex per service',
    fields: ['service', 'apdexT'],
    multi: ['service'],
  },
  active: {
    label: 'Active services',
    description: 'Requests in flight per instance (equalizer)',
    fields: ['service'],
    multi: ['service'],
  },
  checks: {
    label: 'Checks',
    description: 'Synthetic checks: state, latency, reason, uptime',
    fields: ['check'],
    multi: ['check'],
  },
  checkRuns: {
    label: 'Check runs',
    description: 'Synthetic check runs over time (uptime timeline)',
    fields: ['check'],
    multi: ['check'],
  },
  hierarchy: {
    label: 'Health hierarchy',
    description: 'Cluster > namespace > workload > pod, worst first',
    fields: ['hierarchyBy', 'focus'],
    multi: [],
  },
  capacity: {
    label: 'Capacity',
    description: "Little's law: in flight, measured, max throughput",
    fields: ['service', 'concurrencyLimit'],
    multi: ['service'],
  },
  slos: {
    label: 'SLOs',
    description: "Error budget remaining and burn rate per SLO, each over its own window up to the range's end",
    fields: [],
    multi: [],
  },
  sqlStatistics: {
    label: 'SQL statistics',
    description: 'Top statements by total time, count, p95 or errors',
    fields: [...FILTERS, 'sqlSort', 'limit'],
    multi: FILTERS,
  },
  summary: {
    label: 'Endpoint summary',
    description: 'Per endpoint / service: count, error %, elapsed, SQL and API calls, users, Apdex',
    fields: [...FILTERS, 'groupBy', 'apdexT', 'limit'],
    multi: FILTERS,
  },
  errorTypes: {
    label: 'Errors by type',
    description: 'Exception type and message, counted; new ones marked',
    fields: ['service', 'endpoint', 'limit'],
    multi: ['service', 'endpoint'],
  },
  services: { label: 'Services', description: 'List of services', fields: [], multi: [], family: 'list' },
  instances: {
    label: 'Instances',
    description: 'List of instances of a service',
    fields: ['service'],
    multi: ['service'],
    family: 'list',
  },
  endpoints: {
    label: 'Endpoints',
    description: 'List of endpoints of a service',
    fields: ['service'],
    multi: ['service'],
    family: 'list',
  },
  threadDumps: jvm('Thread dumps', 'Dumps of the time range (table, annotations)', 'limit'),
  threadDump: jvm('Thread dump', 'One dump by id, or the latest of an instance', 'dumpId'),
  threadDumpDiff: jvm('Thread dump diff', 'Two dumps by id, or the latest two', 'dumpId', 'otherId'),
  heapHistogram: jvm('Heap histogram', 'One class histogram by id, or the latest', 'dumpId'),
  heapHistogramDiff: jvm('Heap histogram diff', 'Growth per class between two', 'dumpId', 'otherId'),
  hosts: {
    label: 'Hosts',
    description: 'Hosts that sent a snapshot: last one, how many',
    fields: [],
    multi: [],
    family: 'host',
  },
  hostSnapshot: {
    label: 'Host snapshot',
    description: 'Processes, connections, open files of one snapshot',
    fields: ['host', 'snapshotId', 'hostTable'],
    multi: [],
    family: 'host',
  },
  hostCompare: {
    label: 'Host compare',
    description: 'What changed on a host between two snapshots',
    fields: ['host', 'snapshotId', 'otherSnapshotId', 'hostTable'],
    multi: [],
    family: 'host',
  },
  runtime: {
    label: 'Runtime metrics',
    description: 'Heap, GC, CPU, event loop, threads (OTLP metrics)',
    fields: ['service', 'instance', 'runtimeSeries'],
    multi: ['service', 'instance'],
  },
  otelMetrics: {
    label: 'OTLP metrics',
    description: 'Any OTLP metric by name, as time series',
    fields: ['service', 'instance', 'metricNames'],
    multi: ['service', 'instance'],
  },
  logs: {
    label: 'Logs',
    description: 'OTLP log records, for the Logs panel; by trace, text, severity',
    fields: ['service', 'instance', 'traceId', 'search', 'minSeverity', 'limit'],
    multi: ['service', 'instance'],
  },
} as const satisfies Record<string, QueryTypeSpec>;

type Types = typeof QUERY_TYPES;
export type OspreyQueryType = keyof Types;

export const QUERY_TYPE_NAMES = Object.keys(QUERY_TYPES) as OspreyQueryType[];

/** The spec of a type, widened so its lists can be searched with any field. */
export const queryTypeSpec = (type: OspreyQueryType): QueryTypeSpec => QUERY_TYPES[type];

export const isQueryType = (value: unknown): value is OspreyQueryType =>
  typeof value === 'string' && Object.hasOwn(QUERY_TYPES, value);

type FamilyOf<F> = { [K in OspreyQueryType]: Types[K] extends { family: F } ? K : never }[OspreyQueryType];
export type ListQueryType = FamilyOf<'list'>;
export type JvmQueryType = FamilyOf<'jvm'>;
export type HostQueryType = FamilyOf<'host'>;

export const LIST_QUERY_TYPES = QUERY_TYPE_NAMES.filter(
  (t) => queryTypeSpec(t).family === 'list'
) as readonly ListQueryType[];

/** The fields one query type reads, typed: what a panel that builds such a query may set. */
export type QueryFieldsOf<T extends OspreyQueryType> = Pick<OspreyQueryFields, Types[T]['fields'][number]>;
