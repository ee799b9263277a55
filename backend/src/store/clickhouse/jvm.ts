import type { NewHeapHistogram, NewThreadDump } from '../store';
import type { ClickHouseConnection } from './connection';

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
