import { type DuckDBConnection, VARCHAR } from '@duckdb/node-api';

import { hostListColumns, type NewHostSnapshot } from '../host-rows';

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
