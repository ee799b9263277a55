import type { HostSnapshot, HostSnapshotListItem, HostSnapshotResponse, HostsResponse } from '@osprey/model';

import type { Row } from './shared/sql';

/** A host snapshot as uploaded, with its id and times. */
export interface NewHostSnapshot {
  id: string;
  receivedAt: number;
  snapshot: HostSnapshot;
}

/** Filters of `GET /api/v1/hosts/snapshots`; `limit` already validated. Times are epoch ms on `takenAt`. */
export interface HostSnapshotQuery {
  host?: string;
  from?: number;
  to?: number;
  limit: number;
}

/** The list columns both stores keep beside the JSON, so a list reads no snapshot. */
export function hostListColumns(s: HostSnapshot) {
  return {
    processes: s.processes.length,
    tcp_connections: Object.values(s.tcp.states).reduce((a, b) => a + (b ?? 0), 0),
    load1: s.load.one,
    memory_available: s.memory.availableBytes,
  };
}

export function rowToHostSnapshotListItem(row: Row): HostSnapshotListItem {
  return {
    id: String(row.id),
    host: String(row.host),
    takenAt: Number(row.taken_at),
    receivedAt: Number(row.received_at),
    processes: Number(row.processes),
    tcpConnections: Number(row.tcp_connections),
    load1: Number(row.load1),
    memoryAvailableBytes: Number(row.memory_available),
  };
}

export function rowToHostSnapshot(row: Row): HostSnapshotResponse {
  return {
    ...(JSON.parse(String(row.snapshot)) as HostSnapshot),
    id: String(row.id),
    receivedAt: Number(row.received_at),
  };
}

export function rowToHost(row: Row): HostsResponse['hosts'][number] {
  return { host: String(row.host), lastSnapshotAt: Number(row.last_at), snapshots: Number(row.snapshots) };
}
