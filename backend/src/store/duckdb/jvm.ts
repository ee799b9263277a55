import { BLOB, blobValue, type DuckDBConnection, type DuckDBValue, VARCHAR } from '@duckdb/node-api';
import {
  JVM_REQUEST_TIMEOUT_MS,
  type JvmRequest,
  type JvmRequestKind,
  type JvmRequestResult,
  type JvmRequestStatus,
} from '@osprey/model';

import type { JvmRequestQuery, JvmRequestUpdate, NewHeapHistogram, NewJvmRequest, NewThreadDump } from '../store';

/** What every dump and histogram row has, which the capture reads select (jvm-rows.ts jvmCapture). */
const CAPTURE_COLUMNS = `id VARCHAR NOT NULL,
    service VARCHAR NOT NULL,
    instance VARCHAR NOT NULL,
    taken_at DOUBLE NOT NULL,
    received_at DOUBLE NOT NULL`;

/**
 * JVM tables. Times are epoch ms as DOUBLE like `transactions`. No PRIMARY KEY: ids are generated
 * unique (time + random), an ART index would slow every append and DuckDB's indexes refuse an
 * UPDATE of a row inserted in the same transaction, which group commit can produce for requests;
 * a point lookup on `id` reads only that column.
 */
export const JVM_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS jvm_thread_dumps (
    ${CAPTURE_COLUMNS},
    format VARCHAR NOT NULL,
    jvm_version VARCHAR,
    summary JSON NOT NULL,
    dump JSON NOT NULL,
    raw BLOB NOT NULL,
    content_type VARCHAR NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS jvm_heap_histograms (
    ${CAPTURE_COLUMNS},
    total_bytes DOUBLE NOT NULL,
    total_instances DOUBLE NOT NULL,
    classes INTEGER NOT NULL,
    histogram JSON NOT NULL,
    raw BLOB NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS jvm_requests (
    id VARCHAR NOT NULL,
    service VARCHAR NOT NULL,
    instance VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    requested_at DOUBLE NOT NULL,
    updated_at DOUBLE NOT NULL,
    result_id VARCHAR,
    error VARCHAR
  )`,
];

type Row = Record<string, unknown>;

export async function insertThreadDump(writer: DuckDBConnection, d: NewThreadDump): Promise<void> {
  await writer.run(
    `INSERT INTO jvm_thread_dumps VALUES
       ($id, $service, $instance, $takenAt, $receivedAt, $format, $jvmVersion, $summary, $dump, $raw, $contentType)`,
    {
      id: d.id,
      service: d.service,
      instance: d.instance,
      takenAt: d.takenAt,
      receivedAt: d.receivedAt,
      format: d.dump.format,
      jvmVersion: d.dump.jvmVersion ?? null,
      summary: JSON.stringify(d.dump.summary),
      dump: JSON.stringify(d.dump),
      raw: blobValue(d.raw),
      contentType: d.contentType,
    },
    { jvmVersion: VARCHAR, summary: VARCHAR, dump: VARCHAR, raw: BLOB }
  );
}

export async function insertHeapHistogram(writer: DuckDBConnection, h: NewHeapHistogram): Promise<void> {
  await writer.run(
    `INSERT INTO jvm_heap_histograms VALUES
       ($id, $service, $instance, $takenAt, $receivedAt, $totalBytes, $totalInstances, $classes, $histogram, $raw)`,
    {
      id: h.id,
      service: h.service,
      instance: h.instance,
      takenAt: h.takenAt,
      receivedAt: h.receivedAt,
      totalBytes: h.histogram.totalBytes,
      totalInstances: h.histogram.totalInstances,
      classes: h.histogram.rows.length,
      histogram: JSON.stringify(h.histogram),
      raw: blobValue(h.raw),
    },
    { histogram: VARCHAR, raw: BLOB }
  );
}

function rowToRequest(row: Row): JvmRequest {
  const request: JvmRequest = {
    id: String(row.id),
    service: String(row.service),
    instance: String(row.instance),
    kind: row.kind as JvmRequestKind,
    status: row.status as JvmRequestStatus,
    requestedAt: Number(row.requested_at),
    updatedAt: Number(row.updated_at),
  };
  if (row.result_id !== null && row.result_id !== undefined) {
    request.resultId = String(row.result_id);
  }
  if (row.error !== null && row.error !== undefined) {
    request.error = String(row.error);
  }
  return request;
}

export async function createRequest(writer: DuckDBConnection, r: NewJvmRequest): Promise<JvmRequest> {
  await writer.run(
    `INSERT INTO jvm_requests (id, service, instance, kind, status, requested_at, updated_at)
     VALUES ($id, $service, $instance, $kind, 'pending', $now, $now)`,
    { id: r.id, service: r.service, instance: r.instance, kind: r.kind, now: r.now }
  );
  return {
    id: r.id,
    service: r.service,
    instance: r.instance,
    kind: r.kind,
    status: 'pending',
    requestedAt: r.now,
    updatedAt: r.now,
  };
}

/** Pending requests nobody claimed within the timeout fail, so Grafana stops waiting for them. */
export async function expireRequests(writer: DuckDBConnection, now: number): Promise<void> {
  await writer.run(
    `UPDATE jvm_requests SET status = 'failed', error = 'no agent took it', updated_at = $now
     WHERE status = 'pending' AND requested_at < $cutoff`,
    { now, cutoff: now - JVM_REQUEST_TIMEOUT_MS }
  );
}

export async function requests(connection: DuckDBConnection, query: JvmRequestQuery): Promise<JvmRequest[]> {
  const where = ['TRUE'];
  const values: Record<string, DuckDBValue> = {};
  for (const key of ['service', 'instance', 'status'] as const) {
    const value = query[key];
    if (value !== undefined) {
      where.push(`${key} = $${key}`);
      values[key] = value;
    }
  }
  const result = await connection.runAndReadAll(
    `SELECT * FROM jvm_requests WHERE ${where.join(' AND ')} ORDER BY requested_at, id`,
    values
  );
  return result.getRowObjectsJS().map(rowToRequest);
}

export async function request(connection: DuckDBConnection, id: string): Promise<JvmRequest | undefined> {
  const result = await connection.runAndReadAll('SELECT * FROM jvm_requests WHERE id = $id', { id });
  const row = result.getRowObjectsJS()[0];
  return row === undefined ? undefined : rowToRequest(row);
}

/** A conditional UPDATE … RETURNING: the row it changed, else why not (missing, or the state it is in). */
async function transition(
  writer: DuckDBConnection,
  id: string,
  sql: string,
  values: Record<string, DuckDBValue>
): Promise<JvmRequestUpdate> {
  const result = await writer.runAndReadAll(sql, { ...values, id }, { resultId: VARCHAR, error: VARCHAR });
  const row = result.getRowObjectsJS()[0];
  if (row !== undefined) {
    return { outcome: 'ok', request: rowToRequest(row) };
  }
  const current = await request(writer, id);
  return current === undefined ? { outcome: 'missing' } : { outcome: 'conflict', request: current };
}

export function claimRequest(writer: DuckDBConnection, id: string, now: number): Promise<JvmRequestUpdate> {
  return transition(
    writer,
    id,
    `UPDATE jvm_requests SET status = 'taken', updated_at = $now
     WHERE id = $id AND status = 'pending' RETURNING *`,
    { now }
  );
}

export function finishRequest(
  writer: DuckDBConnection,
  id: string,
  result: JvmRequestResult,
  now: number
): Promise<JvmRequestUpdate> {
  const resultId = 'resultId' in result ? result.resultId : null;
  const error = 'error' in result ? result.error : null;
  return transition(
    writer,
    id,
    `UPDATE jvm_requests
     SET status = CASE WHEN $error IS NULL THEN 'done' ELSE 'failed' END,
         result_id = $resultId, error = $error, updated_at = $now
     WHERE id = $id AND status IN ('pending', 'taken') RETURNING *`,
    { now, resultId, error }
  );
}
