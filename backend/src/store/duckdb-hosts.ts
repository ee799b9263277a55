import { type DuckDBConnection, type DuckDBValue, VARCHAR } from '@duckdb/node-api';
import type { HostSnapshotListItem, HostSnapshotResponse, HostsResponse } from '@osprey/model';

import {
  hostListColumns,
  type HostSnapshotQuery,
  type NewHostSnapshot,
  rowToHost,
  rowToHostSnapshot,
  rowToHostSnapshotListItem,
} from './host-rows';

/** Host snapshots: the list columns beside the whole snapshot as JSON (no PRIMARY KEY, as the jvm tables). */
export const HOST_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS host_snapshots (
    id VARCHAR NOT NULL,
    host VARCHAR NOT NULL,
    taken_at DOUBLE NOT NULL,
    received_at DOUBLE NOT NULL,
    processes INTEGER NOT NULL,
    tcp_connections INTEGER NOT NULL,
    load1 DOUBLE NOT NULL,
    memory_available DOUBLE NOT NULL,
    snapshot JSON NOT NULL
  )`,
];

export async function insertHostSnapshot(writer: DuckDBConnection, s: NewHostSnapshot): Promise<void> {
  const c = hostListColumns(s.snapshot);
  await writer.run(
    `INSERT INTO host_snapshots VALUES ($id, $host, $takenAt, $receivedAt, $processes, $tcp, $load1, $mem, $snapshot)`,
    {
      id: s.id,
      host: s.snapshot.host,
      takenAt: s.snapshot.takenAt,
      receivedAt: s.receivedAt,
      processes: c.processes,
      tcp: c.tcp_connections,
      load1: c.load1,
      mem: c.memory_available,
      snapshot: JSON.stringify(s.snapshot),
    },
    { snapshot: VARCHAR }
  );
}

export async function hostSnapshots(reader: DuckDBConnection, q: HostSnapshotQuery): Promise<HostSnapshotListItem[]> {
  const where = ['TRUE'];
  const values: Record<string, DuckDBValue> = { limit: q.limit };
  if (q.host !== undefined) {
    where.push('host = $host');
    values.host = q.host;
  }
  if (q.from !== undefined) {
    where.push('taken_at >= $from');
    values.from = q.from;
  }
  if (q.to !== undefined) {
    where.push('taken_at <= $to');
    values.to = q.to;
  }
  const result = await reader.runAndReadAll(
    `SELECT id, host, taken_at, received_at, processes, tcp_connections, load1, memory_available
     FROM host_snapshots WHERE ${where.join(' AND ')} ORDER BY taken_at DESC, id DESC LIMIT $limit`,
    values
  );
  return result.getRowObjectsJS().map(rowToHostSnapshotListItem);
}

export async function hostSnapshot(reader: DuckDBConnection, id: string): Promise<HostSnapshotResponse | undefined> {
  const result = await reader.runAndReadAll('SELECT id, received_at, snapshot FROM host_snapshots WHERE id = $id', {
    id,
  });
  const row = result.getRowObjectsJS()[0];
  return row === undefined ? undefined : rowToHostSnapshot(row);
}

export async function latestHostSnapshotId(reader: DuckDBConnection, host: string): Promise<string | undefined> {
  const result = await reader.runAndReadAll(
    'SELECT id FROM host_snapshots WHERE host = $host ORDER BY taken_at DESC, id DESC LIMIT 1',
    { host }
  );
  const row = result.getRowObjectsJS()[0];
  return row === undefined ? undefined : String(row.id);
}

export async function hosts(reader: DuckDBConnection): Promise<HostsResponse['hosts']> {
  const result = await reader.runAndReadAll(
    'SELECT host, max(taken_at) AS last_at, count(*) AS snapshots FROM host_snapshots GROUP BY host ORDER BY host'
  );
  return result.getRowObjectsJS().map(rowToHost);
}
