/**
 * Host API answers → data frames, one table per frame (the query's `hostTable`). Pure: the
 * datasource fetches, these shape; the Hosts dashboard's tables read the fields by name.
 */
import { createDataFrame, type DataFrame, FieldType } from '@grafana/data';
import type {
  HostCompareTable,
  HostProcess,
  HostSnapshotCompare,
  HostSnapshotResponse,
  HostSnapshotTable,
  HostsResponse,
  ProcessMove,
  ProcessRef,
  TcpByLocalPort,
  TcpByRemote,
  TcpCount,
  TcpDelta,
  TcpRemoteDelta,
} from '@osprey/model';

type Value = string | number | boolean | null;

/** One column: its name, type, how a row gives its value, and the unit Grafana shows it in. */
type Column<T> = [name: string, type: FieldType, value: (row: T) => Value, unit?: string];

/** `meta.custom` of every host frame: which host and snapshots the table is of. */
export interface HostFrameMeta {
  host: string;
  /** The snapshot (one snapshot) or the older and newer (a compare). */
  snapshotIds: string[];
  table: HostSnapshotTable | HostCompareTable;
}

function table<T>(
  refId: string,
  name: string,
  rows: T[],
  columns: Array<Column<T>>,
  custom?: HostFrameMeta
): DataFrame {
  return createDataFrame({
    refId,
    name,
    ...(custom ? { meta: { custom } } : {}),
    fields: columns.map(([field, type, value, unit]) => ({
      name: field,
      type,
      values: rows.map(value),
      ...(unit ? { config: { unit } } : {}),
    })),
  });
}

const { number, string, time } = { number: FieldType.number, string: FieldType.string, time: FieldType.time };

export function hostsToFrame(refId: string, hosts: HostsResponse['hosts']): DataFrame {
  return table(refId, 'hosts', hosts, [
    ['host', string, (h) => h.host],
    ['lastSnapshotAt', time, (h) => h.lastSnapshotAt],
    ['snapshots', number, (h) => h.snapshots],
  ]);
}

/** A snapshot as a variable option's text: its time in UTC, so the options sort by time as text. */
export function snapshotOptionText(takenAt: number): string {
  return `${new Date(takenAt).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/**
 * A variable's options: Grafana reads the `text` and `value` fields by name; `value` comes first
 * for readers that take the first string field (the plugin host's preview, the dashboard tests).
 */
export function variableOptionsToFrame(
  refId: string,
  name: string,
  options: Array<{ text: string; value: string }>
): DataFrame {
  return table(refId, name, options, [
    ['value', string, (o) => o.value],
    ['text', string, (o) => o.text],
  ]);
}

const processColumns: Array<Column<HostProcess>> = [
  ['pid', number, (p) => p.pid],
  ['ppid', number, (p) => p.ppid],
  ['user', string, (p) => p.user],
  ['state', string, (p) => p.state],
  ['name', string, (p) => p.name],
  ['cpuPercent', number, (p) => p.cpuPercent, 'percent'],
  ['rss', number, (p) => p.rssBytes, 'bytes'],
  ['threads', number, (p) => p.threads],
  ['fds', number, (p) => p.fds?.total ?? null],
  ['fdLimit', number, (p) => p.fdLimit ?? null],
  ['sockets', number, (p) => p.fds?.sockets ?? null],
  ['startTime', time, (p) => p.startTime],
  ['cmdline', string, (p) => p.cmdline],
];

/** What a descriptor target is, from its /proc/<pid>/fd link text. */
function targetKind(target: string): string {
  if (target.startsWith('socket:')) {
    return 'socket';
  }
  if (target.startsWith('pipe:')) {
    return 'pipe';
  }
  return target.startsWith('/') ? 'file' : 'other';
}

/** A table of `S` (a snapshot or a compare): which rows it has and their columns. */
type TableOf<S> = (refId: string, name: string, s: S, meta: HostFrameMeta) => DataFrame;

const tableOf =
  <S, T>(rows: (s: S) => T[], columns: Array<Column<T>>): TableOf<S> =>
  (refId, name, s, meta) =>
    table(refId, name, rows(s), columns, meta);

const countColumns = <T extends TcpCount>(key: Column<T>): Array<Column<T>> => [
  key,
  ['state', string, (r) => r.state],
  ['count', number, (r) => r.count],
];

const SNAPSHOT_TABLES: Record<HostSnapshotTable, TableOf<HostSnapshotResponse>> = {
  processes: tableOf(
    (s) => [...s.processes].sort((a, b) => b.cpuPercent - a.cpuPercent || a.pid - b.pid),
    processColumns
  ),
  connections: tableOf((s) => s.tcp.byRemote, countColumns<TcpByRemote>(['remote', string, (r) => r.remote])),
  ports: tableOf((s) => s.tcp.byLocalPort, countColumns<TcpByLocalPort>(['port', number, (r) => r.port])),
  listening: tableOf(
    (s) => s.tcp.listening,
    [
      ['address', string, (l) => l.address],
      ['port', number, (l) => l.port],
      ['pids', string, (l) => l.pids.join(', ')],
    ]
  ),
  openFiles: tableOf(
    (s) => s.processes.flatMap((p) => (p.openFiles ?? []).map((target) => ({ p, target }))),
    [
      ['pid', number, (r) => r.p.pid],
      ['name', string, (r) => r.p.name],
      ['kind', string, (r) => targetKind(r.target)],
      ['target', string, (r) => r.target],
    ]
  ),
  disks: tableOf(
    (s) => s.disks,
    [
      ['mount', string, (d) => d.mount],
      ['device', string, (d) => d.device],
      ['fsType', string, (d) => d.fsType],
      ['total', number, (d) => d.totalBytes, 'bytes'],
      ['available', number, (d) => d.availableBytes, 'bytes'],
      ['usedPercent', number, (d) => (d.totalBytes > 0 ? 100 * (1 - d.freeBytes / d.totalBytes) : null), 'percent'],
    ]
  ),
};

/** One table of a snapshot; processes by CPU %, the others as the agent listed them. */
export function hostSnapshotToFrame(refId: string, s: HostSnapshotResponse, which: HostSnapshotTable): DataFrame {
  return SNAPSHOT_TABLES[which](refId, `hostSnapshot.${which}`, s, { host: s.host, snapshotIds: [s.id], table: which });
}

const refColumns: Array<Column<ProcessRef>> = [
  ['pid', number, (p) => p.pid],
  ['name', string, (p) => p.name],
  ['user', string, (p) => p.user],
  ['startTime', time, (p) => p.startTime],
  ['cmdline', string, (p) => p.cmdline],
];

const moveColumns: Array<Column<ProcessMove>> = [
  ...refColumns.slice(0, 3),
  ['cpuPercent', number, (m) => m.cpuPercent, 'percent'],
  ['cpuDelta', number, (m) => m.cpuDeltaMs, 'ms'],
  ['rssBefore', number, (m) => m.rssBefore, 'bytes'],
  ['rssAfter', number, (m) => m.rssAfter, 'bytes'],
  ['rssDelta', number, (m) => m.rssDeltaBytes, 'bytes'],
];

const deltaColumns = <T extends TcpDelta>(...key: Array<Column<T>>): Array<Column<T>> => [
  ...key,
  ['before', number, (r) => r.before],
  ['after', number, (r) => r.after],
  ['delta', number, (r) => r.delta],
];

const COMPARE_TABLES: Record<HostCompareTable, TableOf<HostSnapshotCompare>> = {
  started: tableOf((c) => c.started, refColumns),
  ended: tableOf((c) => c.ended, refColumns),
  cpu: tableOf((c) => c.cpu, moveColumns),
  rss: tableOf((c) => c.rss, moveColumns),
  fds: tableOf(
    (c) => c.fds,
    [
      ...refColumns.slice(0, 3),
      ['before', number, (f) => f.before],
      ['after', number, (f) => f.after],
      ['delta', number, (f) => f.delta],
      ['filesDelta', number, (f) => f.filesDelta],
      ['socketsDelta', number, (f) => f.socketsDelta],
      ['pipesDelta', number, (f) => f.pipesDelta],
    ]
  ),
  connections: tableOf(
    (c) => c.tcpRemotes,
    deltaColumns<TcpRemoteDelta>(['remote', string, (r) => r.remote], ['state', string, (r) => r.state])
  ),
  tcpStates: tableOf((c) => c.tcpStates, deltaColumns(['state', string, (r) => r.state])),
};

/** One table of a compare, in the order the backend ranked it (largest change first). */
export function hostCompareToFrame(
  refId: string,
  c: HostSnapshotCompare,
  which: HostCompareTable,
  snapshotIds: [string, string]
): DataFrame {
  return COMPARE_TABLES[which](refId, `hostCompare.${which}`, c, { host: c.host, snapshotIds, table: which });
}
