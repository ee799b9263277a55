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

import type { Row } from './shared/sql';

const present = (value: unknown) => value !== null && value !== undefined;

/** The columns every capture row has: which JVM, and its id and time taken. */
function jvmCapture(row: Row) {
  return {
    id: String(row.id),
    service: String(row.service),
    instance: String(row.instance),
    takenAt: Number(row.taken_at),
  };
}

export function rowToThreadDumpListItem(row: Row): ThreadDumpListItem {
  const item: ThreadDumpListItem = {
    ...jvmCapture(row),
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
    ...jvmCapture(row),
  };
}

export function rowToHeapHistogramListItem(row: Row): HeapHistogramListItem {
  return {
    ...jvmCapture(row),
    receivedAt: Number(row.received_at),
    totalBytes: Number(row.total_bytes),
    totalInstances: Number(row.total_instances),
    classes: Number(row.classes),
  };
}

export function rowToHeapHistogram(row: Row): HeapHistogramResponse {
  return {
    ...(JSON.parse(String(row.histogram)) as HeapHistogram),
    ...jvmCapture(row),
  };
}

/** Binary order, as both engines sort strings. */
const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byName = (a: JvmInstance, b: JvmInstance) => order(a.service, b.service) || order(a.instance, b.instance);

/**
 * Each JVM's newest capture of each kind, from the (service, instance, taken_at) maxima of the
 * thread dump and heap histogram tables, by service then instance.
 */
export function jvmInstances(dumps: readonly Row[], histograms: readonly Row[]): JvmInstance[] {
  const instances = new Map<string, JvmInstance>();
  const instance = (row: Row) => {
    const key = JSON.stringify([row.service, row.instance]);
    const known = instances.get(key);
    if (known) {
      return known;
    }
    const item: JvmInstance = { service: String(row.service), instance: String(row.instance) };
    instances.set(key, item);
    return item;
  };
  for (const row of dumps) {
    instance(row).lastThreadDumpAt = Number(row.taken_at);
  }
  for (const row of histograms) {
    instance(row).lastHeapHistogramAt = Number(row.taken_at);
  }
  return [...instances.values()].sort(byName);
}
