import type { ActiveRequest, ActiveSnapshot } from '@osprey/model';

import type { ActiveSnapshotQuery } from '../store';
import type { ClickHouseConnection } from './connection';
import { num, str } from './sql';

/**
 * Each instance's newest snapshot: `active_snapshots` is a ReplacingMergeTree keyed by (service,
 * instance) with `taken_at` as version, so of the rows of one instance FINAL keeps the newest by
 * takenAt (the last written on a tie), whichever order retried snapshots arrived in — the rule of
 * the DuckDB store's delete-and-insert.
 */
export function insertActiveSnapshot(
  connection: ClickHouseConnection,
  snapshot: ActiveSnapshot,
  receivedAt: number
): Promise<void> {
  return connection.insert('active_snapshots', [
    {
      service: snapshot.service,
      instance: snapshot.instance,
      taken_at: snapshot.takenAt,
      received_at: receivedAt,
      requests: JSON.stringify(snapshot.requests),
    },
  ]);
}

/** Newest snapshots received at or after `receivedSince`, by service then instance. */
export async function activeSnapshots(
  connection: ClickHouseConnection,
  query: ActiveSnapshotQuery
): Promise<ActiveSnapshot[]> {
  // The time filter runs outside FINAL's subquery: filtering first could resurrect an older snapshot.
  const rows = await connection.rows(
    `SELECT service, instance, taken_at, requests FROM (
       SELECT service, instance, taken_at, received_at, requests FROM active_snapshots FINAL
       ${query.service === undefined ? '' : `WHERE service = ${str(query.service)}`}
     )
     WHERE received_at >= ${num(query.receivedSince)}
     ORDER BY service, instance`
  );
  return rows.map((row) => ({
    service: String(row.service),
    instance: String(row.instance),
    takenAt: Number(row.taken_at),
    requests: JSON.parse(String(row.requests)) as ActiveRequest[],
  }));
}
