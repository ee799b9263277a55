import type {
  HeapHistogramListItem,
  HeapHistogramResponse,
  JvmInstance,
  ThreadDumpListItem,
  ThreadDumpResponse,
} from '@osprey/model';

import {
  rowToHeapHistogram,
  rowToHeapHistogramListItem,
  rowToJvmInstance,
  rowToThreadDump,
  rowToThreadDumpListItem,
} from '../jvm-rows';
import type { JvmListQuery, NewHeapHistogram, NewThreadDump } from '../store';
import type { ClickHouseConnection } from './connection';
import { num, str } from './sql';

/**
 * Thread dumps and heap histograms (the DuckDB store's jvm tables). Raw uploads are kept as
 * base64 text: JSONEachRow carries only valid UTF-8 strings, and a raw dump need not be.
 */

export function insertThreadDump(connection: ClickHouseConnection, d: NewThreadDump): Promise<void> {
  return connection.insert('jvm_thread_dumps', [
    {
      id: d.id,
      service: d.service,
      instance: d.instance,
      taken_at: d.takenAt,
      received_at: d.receivedAt,
      format: d.dump.format,
      jvm_version: d.dump.jvmVersion ?? null,
      summary: JSON.stringify(d.dump.summary),
      dump: JSON.stringify(d.dump),
      raw_base64: Buffer.from(d.raw).toString('base64'),
      content_type: d.contentType,
    },
  ]);
}

export function insertHeapHistogram(connection: ClickHouseConnection, h: NewHeapHistogram): Promise<void> {
  return connection.insert('jvm_heap_histograms', [
    {
      id: h.id,
      service: h.service,
      instance: h.instance,
      taken_at: h.takenAt,
      received_at: h.receivedAt,
      total_bytes: h.histogram.totalBytes,
      total_instances: h.histogram.totalInstances,
      classes: h.histogram.rows.length,
      histogram: JSON.stringify(h.histogram),
      raw_base64: Buffer.from(h.raw).toString('base64'),
    },
  ]);
}

function listWhere(query: JvmListQuery): string {
  const where = ['1'];
  if (query.service !== undefined) {
    where.push(`service = ${str(query.service)}`);
  }
  if (query.instance !== undefined) {
    where.push(`instance = ${str(query.instance)}`);
  }
  if (query.from !== undefined) {
    where.push(`taken_at >= ${num(query.from)}`);
  }
  if (query.to !== undefined) {
    where.push(`taken_at <= ${num(query.to)}`);
  }
  return where.join(' AND ');
}

export async function threadDumps(
  connection: ClickHouseConnection,
  query: JvmListQuery
): Promise<ThreadDumpListItem[]> {
  const rows = await connection.rows(
    `SELECT id, service, instance, taken_at, received_at, format, jvm_version, summary
     FROM jvm_thread_dumps WHERE ${listWhere(query)} ORDER BY taken_at DESC, id DESC LIMIT ${num(query.limit)}`
  );
  return rows.map(rowToThreadDumpListItem);
}

export async function threadDump(
  connection: ClickHouseConnection,
  id: string
): Promise<ThreadDumpResponse | undefined> {
  const [row] = await connection.rows(
    `SELECT id, service, instance, taken_at, dump FROM jvm_thread_dumps WHERE id = ${str(id)} LIMIT 1`
  );
  if (row === undefined) {
    return undefined;
  }
  return rowToThreadDump(row);
}

export async function threadDumpRaw(
  connection: ClickHouseConnection,
  id: string
): Promise<{ body: Uint8Array; contentType: string; format: 'text' | 'json' } | undefined> {
  const [row] = await connection.rows(
    `SELECT raw_base64, content_type, format FROM jvm_thread_dumps WHERE id = ${str(id)} LIMIT 1`
  );
  if (row === undefined) {
    return undefined;
  }
  return {
    body: new Uint8Array(Buffer.from(String(row.raw_base64), 'base64')),
    contentType: String(row.content_type),
    format: row.format as 'text' | 'json',
  };
}

export async function latestId(
  connection: ClickHouseConnection,
  table: 'jvm_thread_dumps' | 'jvm_heap_histograms',
  service: string,
  instance: string
): Promise<string | undefined> {
  const [row] = await connection.rows(
    `SELECT id FROM ${table} WHERE service = ${str(service)} AND instance = ${str(instance)}
     ORDER BY taken_at DESC, id DESC LIMIT 1`
  );
  return row === undefined ? undefined : String(row.id);
}

export async function heapHistograms(
  connection: ClickHouseConnection,
  query: JvmListQuery
): Promise<HeapHistogramListItem[]> {
  const rows = await connection.rows(
    `SELECT id, service, instance, taken_at, received_at, total_bytes, total_instances, classes
     FROM jvm_heap_histograms WHERE ${listWhere(query)} ORDER BY taken_at DESC, id DESC LIMIT ${num(query.limit)}`
  );
  return rows.map(rowToHeapHistogramListItem);
}

export async function heapHistogram(
  connection: ClickHouseConnection,
  id: string
): Promise<HeapHistogramResponse | undefined> {
  const [row] = await connection.rows(
    `SELECT id, service, instance, taken_at, histogram FROM jvm_heap_histograms WHERE id = ${str(id)} LIMIT 1`
  );
  if (row === undefined) {
    return undefined;
  }
  return rowToHeapHistogram(row);
}

export async function jvmInstances(connection: ClickHouseConnection, service?: string): Promise<JvmInstance[]> {
  const filter = service === undefined ? '' : `WHERE service = ${str(service)}`;
  const rows = await connection.rows(
    `SELECT service, instance, max(dump_at) AS dump_at, max(histogram_at) AS histogram_at FROM (
       SELECT service, instance, toNullable(taken_at) AS dump_at, CAST(NULL AS Nullable(Float64)) AS histogram_at
       FROM jvm_thread_dumps
       UNION ALL
       SELECT service, instance, CAST(NULL AS Nullable(Float64)), toNullable(taken_at) FROM jvm_heap_histograms
     ) ${filter} GROUP BY service, instance ORDER BY service, instance`
  );
  return rows.map(rowToJvmInstance);
}
