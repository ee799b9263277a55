/**
 * What each query editor field says: its label, width, placeholder and hover text, and the values a
 * choice offers. The fields themselves (and which query types read them) are model's QUERY_FIELDS.
 */
import type { SelectableValue } from '@grafana/data';
import {
  DEFAULT_APDEX_T_MS,
  HIERARCHY_VIEWS,
  HOST_SNAPSHOT_TABLES,
  type HostTable,
  RUNTIME_SERIES,
  RUNTIME_SERIES_NAMES,
  type RedGroupBy,
  type RuntimeSeries,
  type SqlStatisticsSort,
  type TemplatedField,
  type TransactionsMode,
  type XlogColumnSet,
} from '@osprey/model';

import type { OspreyQuery } from '../types';

/** Grafana's InlineField around one input: its label, label width (default 10) and hover text. */
export interface FieldLayout {
  label: string;
  labelWidth?: number;
  tooltip?: string;
}

export type PositiveField = 'minElapsed' | 'limit' | 'concurrencyLimit' | 'apdexT';

export const POSITIVE_FIELDS: readonly string[] = [
  'minElapsed',
  'limit',
  'concurrencyLimit',
  'apdexT',
] satisfies PositiveField[];

/** A templated text field (variables such as $service work in it) or a positive number. */
export type InputField = Exclude<TemplatedField, 'service' | 'instance' | 'endpoint' | 'host'> | PositiveField;

export interface InputSpec extends FieldLayout {
  width: number;
  placeholder?: string;
}

const LATEST = 'latest';

export const INPUTS: Record<InputField, InputSpec> = {
  dumpId: {
    label: 'Id',
    width: 24,
    placeholder: LATEST,
    tooltip: 'Empty: the latest of the instance (the latest two for a diff)',
  },
  otherId: { label: 'Newer id', width: 24, placeholder: LATEST },
  traceId: {
    label: 'Trace id',
    width: 36,
    placeholder: '4bf92f3577b34da6a3ce929d0e0e4736',
    tooltip: 'Hex trace id; variables such as $traceId work',
  },
  spanId: {
    label: 'Span id',
    width: 22,
    placeholder: "the trace's first entry",
    tooltip: "Hex span id of the transaction's entry span; variables work",
  },
  check: {
    label: 'Check',
    width: 24,
    placeholder: 'all checks',
    tooltip: 'One synthetic check by name; empty = all; $check works',
  },
  concurrencyLimit: {
    label: 'Limit',
    width: 12,
    placeholder: '200',
    tooltip: 'Requests the instance can hold in flight (thread pool); empty = 200',
  },
  focus: {
    label: 'Focus',
    width: 36,
    placeholder: 'everything',
    tooltip: "A row's path (cluster:prod/namespace:shop); $focus works",
  },
  userId: { label: 'User id', width: 20, placeholder: 'any user' },
  minElapsed: { label: 'Min elapsed (ms)', labelWidth: 17, width: 10 },
  limit: { label: 'Limit', labelWidth: 8, width: 10 },
  apdexT: {
    label: 'Apdex T',
    width: 10,
    placeholder: String(DEFAULT_APDEX_T_MS),
    tooltip: 'Satisfied at most T ms, tolerating at most 4T',
  },
  metricNames: {
    label: 'Metrics',
    width: 50,
    placeholder: 'http.server.request.duration, v8js.memory.heap.used',
    tooltip: 'OTLP metric names, comma-separated',
  },
  search: { label: 'Line contains', labelWidth: 14, width: 30, placeholder: 'any text' },
  snapshotId: {
    label: 'Snapshot id',
    labelWidth: 12,
    width: 28,
    placeholder: LATEST,
    tooltip: 'Empty: the latest of the host',
  },
  otherSnapshotId: {
    label: 'Newer id',
    labelWidth: 12,
    width: 28,
    placeholder: LATEST,
    tooltip: 'Empty: the latest of the host',
  },
};

export type SwitchField = 'errorsOnly' | 'live' | 'redBand';

export const SWITCHES: Record<SwitchField, FieldLayout> = {
  errorsOnly: { label: 'Errors only', labelWidth: 12 },
  live: { label: 'Live', labelWidth: 8, tooltip: 'Keep adding transactions as they finish (polls every 2 s)' },
  redBand: {
    label: 'Anomaly band',
    labelWidth: 14,
    tooltip: "Rate, error % and p95 drawn between their usual bounds for this hour of the week (the backend's band)",
  },
};

export type ChoiceField =
  'hierarchyBy' | 'mode' | 'columns' | 'sqlSort' | 'groupBy' | 'runtimeSeries' | 'minSeverity' | 'hostTable';
export type ChoiceValue<F extends ChoiceField> = NonNullable<OspreyQuery[F]>;

export interface ChoiceSpec<V> extends FieldLayout {
  options: Array<SelectableValue<V>>;
  /** What shows when the query has none: the backend's default. */
  fallback: V;
  /** With a width, a select of that width (long labels, many values); without, radio buttons. */
  width?: number;
}

const RUNTIME_LABELS: Record<RuntimeSeries, string> = {
  heap: 'Heap used',
  gc: 'GC duration',
  cpu: 'CPU utilisation',
  memory: 'Process / system memory',
  eventLoopDelay: 'Event-loop delay',
  threads: 'Threads',
};

const HOST_TABLE_LABELS: Record<HostTable, string> = {
  processes: 'Processes',
  connections: 'Connections per remote endpoint',
  ports: 'Connections per local port',
  listening: 'Listening sockets',
  openFiles: 'Open files',
  disks: 'Disks',
  started: 'Processes started',
  ended: 'Processes ended',
  cpu: 'CPU movers',
  rss: 'RSS movers',
  fds: 'Descriptor growth',
  tcpStates: 'TCP state deltas',
};

export const hostTableOptions = (tables: readonly HostTable[]): Array<SelectableValue<HostTable>> =>
  tables.map((value) => ({ label: HOST_TABLE_LABELS[value], value }));

const MODES: Array<SelectableValue<TransactionsMode>> = [
  { label: 'Rows', value: 'rows', description: 'Up to the limit, newest kept' },
  { label: 'Auto', value: 'auto', description: 'Rows, or a density grid when more than the limit match' },
  { label: 'Density', value: 'density', description: 'Counts per time × elapsed cell' },
];

const COLUMN_SETS: Array<SelectableValue<XlogColumnSet>> = [
  { label: 'Dots', value: 'dots', description: 'What the XLOG panel draws: end time, elapsed, status, service' },
  { label: '+ Timings', value: 'timings', description: 'Also SQL, API and CPU time, for the XLOG y-axis switch' },
  { label: 'All fields', value: 'all', description: 'Every transaction field (trace id, endpoint, user…), for tables' },
];

const SQL_SORTS: Array<SelectableValue<SqlStatisticsSort>> = [
  { label: 'Total time', value: 'totalTime' },
  { label: 'Count', value: 'count' },
  { label: 'p95', value: 'p95' },
  { label: 'Errors', value: 'errors' },
];

const GROUP_BY: Array<SelectableValue<RedGroupBy>> = [
  { label: 'Service', value: 'service' },
  { label: 'Instance', value: 'instance' },
  { label: 'Endpoint', value: 'endpoint' },
];

const HIERARCHY_OPTIONS = HIERARCHY_VIEWS.map((value) => ({ label: value === 'node' ? 'Node' : 'Workload', value }));

const RUNTIME_OPTIONS: Array<SelectableValue<RuntimeSeries>> = RUNTIME_SERIES_NAMES.map((value) => ({
  label: RUNTIME_LABELS[value],
  value,
  description: RUNTIME_SERIES[value].join(', '),
}));

/** OTLP SeverityNumber floors of the levels (the first number of each range of four). */
const SEVERITIES: Array<SelectableValue<number>> = [
  { label: 'Any', value: 0 },
  { label: 'Debug', value: 5 },
  { label: 'Info', value: 9 },
  { label: 'Warn', value: 13 },
  { label: 'Error', value: 17 },
  { label: 'Fatal', value: 21 },
];

export const CHOICES: { [F in ChoiceField]: ChoiceSpec<ChoiceValue<F>> } = {
  hierarchyBy: { label: 'By', options: HIERARCHY_OPTIONS, fallback: 'workload' },
  mode: { label: 'Mode', labelWidth: 8, tooltip: 'Live queries always fetch rows', options: MODES, fallback: 'rows' },
  columns: {
    label: 'Columns',
    tooltip: 'The fields each transaction brings; fewer load faster',
    options: COLUMN_SETS,
    fallback: 'dots',
  },
  sqlSort: { label: 'Top by', labelWidth: 8, options: SQL_SORTS, fallback: 'totalTime' },
  groupBy: { label: 'Group by', options: GROUP_BY, fallback: 'service' },
  runtimeSeries: {
    label: 'Series',
    tooltip: 'Semantic-convention runtime metrics (JVM or Node.js)',
    width: 30,
    options: RUNTIME_OPTIONS,
    fallback: 'heap',
  },
  minSeverity: { label: 'Severity ≥', labelWidth: 12, width: 14, options: SEVERITIES, fallback: 0 },
  hostTable: { label: 'Table', width: 32, options: hostTableOptions(HOST_SNAPSHOT_TABLES), fallback: 'processes' },
};

export type NameField = 'service' | 'instance' | 'endpoint' | 'host';

export const NAMES: Record<NameField, InputSpec> = {
  service: { label: 'Service', width: 24, placeholder: 'All services' },
  instance: { label: 'Instance', width: 24, placeholder: 'All instances' },
  endpoint: { label: 'Endpoint', width: 28, placeholder: 'All endpoints' },
  host: { label: 'Host', width: 24, placeholder: 'Choose a host' },
};
