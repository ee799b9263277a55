import { hostListColumns, type NewHostSnapshot } from '../host-rows';
import type { ClickHouseConnection } from './connection';

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
