/** `jcmd <pid> GC.class_histogram` as the backend parses it (DESIGN.md "HeapHistogram"). */

export interface HistogramRow {
  rank: number;
  /** Class name as printed: `java.lang.String`, `[B`, `java.util.concurrent.ConcurrentHashMap$Node`. */
  class: string;
  instances: number;
  bytes: number;
  /** JDK 9+: the module column, e.g. `java.base@17.0.15`; absent on JDK 8. */
  module?: string;
}

export interface HeapHistogram {
  takenAt?: number;
  service?: string;
  instance?: string;
  pid?: number;
  rows: HistogramRow[];
  totalInstances: number;
  totalBytes: number;
  unparsed: string[];
}

export interface HistogramGrowth {
  class: string;
  module?: string;
  instancesBefore: number;
  instancesAfter: number;
  instancesDelta: number;
  bytesBefore: number;
  bytesAfter: number;
  bytesDelta: number;
}

/** Growth per class from histogram `a` (older) to `b`, largest byte growth first. */
export interface HistogramDiff {
  intervalMs?: number;
  totalBytesDelta: number;
  totalInstancesDelta: number;
  rows: HistogramGrowth[];
}
