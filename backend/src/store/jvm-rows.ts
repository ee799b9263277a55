import type {
  AnalyzedThreadDump,
  HeapHistogram,
  HeapHistogramListItem,
  HeapHistogramResponse,
  JvmInstance,
  ThreadDumpListItem,
  ThreadDumpResponse,
  ThreadDumpSummary,
} from '@osprey/model';

/** JVM rows as either store reads them back: snake_case columns, JSON text columns, NULL for absent. */
type Row = Record<string, unknown>;

const present = (value: unknown) => value !== null && value !== undefined;

export function rowToThreadDumpListItem(row: Row): ThreadDumpListItem {
  const item: ThreadDumpListItem = {
    id: String(row.id),
    service: String(row.service),
    instance: String(row.instance),
    takenAt: Number(row.taken_at),
    receivedAt: Number(row.received_at),
    format: row.format as 'text' | 'json',
    summary: JSON.parse(String(row.summary)) as ThreadDumpSummary,
  };
  if (present(row.jvm_version)) {
    item.jvmVersion = String(row.jvm_version);
  }
  return item;
}

export function rowToThreadDump(row: Row): ThreadDumpResponse {
  return {
    ...(JSON.parse(String(row.dump)) as AnalyzedThreadDump),
    id: String(row.id),
    service: String(row.service),
    instance: String(row.instance),
    takenAt: Number(row.taken_at),
  };
}

export function rowToHeapHistogramListItem(row: Row): HeapHistogramListItem {
  return {
    id: String(row.id),
    service: String(row.service),
    instance: String(row.instance),
    takenAt: Number(row.taken_at),
    receivedAt: Number(row.received_at),
    totalBytes: Number(row.total_bytes),
    totalInstances: Number(row.total_instances),
    classes: Number(row.classes),
  };
}

export function rowToHeapHistogram(row: Row): HeapHistogramResponse {
  return {
    ...(JSON.parse(String(row.histogram)) as HeapHistogram),
    id: String(row.id),
    service: String(row.service),
    instance: String(row.instance),
    takenAt: Number(row.taken_at),
  };
}

/** A (service, instance, dump_at, histogram_at) row: the newest capture of each kind. */
export function rowToJvmInstance(row: Row): JvmInstance {
  const item: JvmInstance = { service: String(row.service), instance: String(row.instance) };
  if (present(row.dump_at)) {
    item.lastThreadDumpAt = Number(row.dump_at);
  }
  if (present(row.histogram_at)) {
    item.lastHeapHistogramAt = Number(row.histogram_at);
  }
  return item;
}
