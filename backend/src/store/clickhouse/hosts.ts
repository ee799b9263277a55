import type { HostSnapshotListItem, HostSnapshotResponse, HostsResponse } from '@osprey/model';

import {
  hostListColumns,
  type HostSnapshotQuery,
  type NewHostSnapshot,
  rowToHost,
  rowToHostSnapshot,
  rowToHostSnapshotListItem,
} from '../host-rows';
import type { ClickHouseConnection } from './connection';
import { num, str } from './sql';

/** Host snapshots (the DuckDB store's host_snapshots table; schema.ts). */

export function insertHostSnapshot(connection: ClickHouseConnection, s: NewHostSnapshot): Promise<void> {
  return connection.insert('host_snapshots', [
    {
      id: s.id,
      host: s.snapshot.host,
      taken_at: s.snapshot.takenAt,
      received_at: s.receivedAt,
      ...hostListColumns(s.snapshot),
      snapshot: JSON.stringify(s.snapshot),
    },
  ]);
}

export async function hostSnapshots(
  connection: ClickHouseConnection,
  q: HostSnapshotQuery
): Promise<HostSnapshotListItem[]> {
  const where = ['1'];
  if (q.host !== undefined) {
    where.push(`host = ${str(q.host)}`);
  }
  if (q.from !== undefined) {
    where.push(`taken_at >= ${num(q.from)}`);
  }
  if (q.to !== undefined) {
    where.push(`taken_at <= ${num(q.to)}`);
  }
  const rows = await connection.rows(
    `SELECT id, host, taken_at, received_at, processes, tcp_connections, load1, memory_available
     FROM host_snapshots WHERE ${where.join(' AND ')} ORDER BY taken_at DESC, id DESC LIMIT ${num(q.limit)}`
  );
  return rows.map(rowToHostSnapshotListItem);
}

export async function hostSnapshot(
  connection: ClickHouseConnection,
  id: string
): Promise<HostSnapshotResponse | undefined> {
  const [row] = await connection.rows(
    `SELECT id, received_at, snapshot FROM host_snapshots WHERE id = ${str(id)} LIMIT 1`
  );
  return row === undefined ? undefined : rowToHostSnapshot(row);
}

export async function latestHostSnapshotId(
  connection: ClickHouseConnection,
  host: string
): Promise<string | undefined> {
  const [row] = await connection.rows(
    `SELECT id FROM host_snapshots WHERE host = ${str(host)} ORDER BY taken_at DESC, id DESC LIMIT 1`
  );
  return row === undefined ? undefined : String(row.id);
}

export async function hosts(connection: ClickHouseConnection): Promise<HostsResponse['hosts']> {
  const rows = await connection.rows(
    'SELECT host, max(taken_at) AS last_at, count() AS snapshots FROM host_snapshots GROUP BY host ORDER BY host'
  );
  return rows.map(rowToHost);
}
