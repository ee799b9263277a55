import type { ActiveRequest, ActiveSnapshot, Span } from '@osprey/model';

import { TRACE_SPREAD_NS } from '../../derive/settle';
import type { ActiveSnapshotQuery } from '../store';
import type { ClickHouseConnection } from './connection';
import { rowToSpan } from '../shared/span-row';
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

/** Most spans one in-flight inference reads: a bound on the read, not a figure a workload reaches. */
const MAX_UNSETTLED_SPANS = 100_000;

/**
 * The stored spans of the traces with an arrival at or after `arrivedSince` (epoch ms) that no
 * settle run has covered yet (settle.ts' rule of due traces, without its quiet window). Spans of
 * one trace start within TRACE_SPREAD_NS of each other, which bounds the scan of `spans`.
 */
export async function unsettledSpans(connection: ClickHouseConnection, arrivedSince: number): Promise<Span[]> {
  const since = num(arrivedSince);
  const startsFrom = BigInt(Math.max(0, Math.floor(arrivedSince))) * BigInt(1_000_000) - TRACE_SPREAD_NS;
  const rows = await connection.rows(
    `SELECT trace_id, span_id, parent_span_id, service, name, kind, toString(start_ns) AS start_text,
            toString(duration_ns) AS duration_text, status, resource, '{}' AS attributes
     FROM spans FINAL
     WHERE start_ns >= ${num(startsFrom > BigInt(0) ? startsFrom : BigInt(0))}
       AND trace_id GLOBAL IN (
         SELECT trace_id FROM settle_pending
         GLOBAL ANY LEFT JOIN (
           SELECT trace_id, max(through) AS done FROM settle_done WHERE through >= ${since} GROUP BY trace_id
         ) USING trace_id
         WHERE arrived >= ${since} AND arrived > done
       )
     LIMIT ${num(MAX_UNSETTLED_SPANS)}`
  );
  return rows.map(rowToSpan);
}
