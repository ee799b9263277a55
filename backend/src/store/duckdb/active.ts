import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { ActiveRequest, ActiveSnapshot } from '@osprey/model';

import type { ActiveSnapshotQuery } from '../store';

/**
 * One row per (service, instance): its newest snapshot. The equalizer only ever shows the newest
 * one, and agents send every few seconds, so older rows would only grow the file.
 */
export const ACTIVE_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS active_snapshots (
    service VARCHAR NOT NULL,
    instance VARCHAR NOT NULL,
    taken_at DOUBLE NOT NULL,
    received_at DOUBLE NOT NULL,
    requests JSON NOT NULL
  )`,
];

/**
 * Replaces the instance's snapshot unless a newer one (by takenAt) is already stored: snapshots
 * retried after a 503 may arrive after their successor.
 */
export async function insertActiveSnapshot(
  writer: DuckDBConnection,
  snapshot: ActiveSnapshot,
  receivedAt: number
): Promise<void> {
  const key = { service: snapshot.service, instance: snapshot.instance, takenAt: snapshot.takenAt };
  await writer.run(
    'DELETE FROM active_snapshots WHERE service = $service AND instance = $instance AND taken_at <= $takenAt',
    key
  );
  await writer.run(
    `INSERT INTO active_snapshots
     SELECT $service, $instance, $takenAt, $receivedAt, $requests
     WHERE NOT EXISTS (
       SELECT 1 FROM active_snapshots WHERE service = $service AND instance = $instance AND taken_at > $takenAt
     )`,
    { ...key, receivedAt, requests: JSON.stringify(snapshot.requests) }
  );
}

/** Snapshots received at or after `receivedSince`, by service then instance. */
export async function activeSnapshots(reader: DuckDBConnection, query: ActiveSnapshotQuery): Promise<ActiveSnapshot[]> {
  const values: Record<string, DuckDBValue> = { since: query.receivedSince };
  let where = 'received_at >= $since';
  if (query.service !== undefined) {
    where += ' AND service = $service';
    values.service = query.service;
  }
  const result = await reader.runAndReadAll(
    `SELECT service, instance, taken_at, requests FROM active_snapshots WHERE ${where} ORDER BY service, instance`,
    values
  );
  return result.getRowObjectsJS().map((row) => ({
    service: String(row.service),
    instance: String(row.instance),
    takenAt: Number(row.taken_at),
    requests: JSON.parse(String(row.requests)) as ActiveRequest[],
  }));
}
