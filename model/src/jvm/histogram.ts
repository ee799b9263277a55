/** `jcmd <pid> GC.class_histogram` as the backend parses it (DESIGN.md "HeapHistogram"). */
import { type Static, Type } from '@sinclair/typebox';

const Opt = Type.Optional;

export const HistogramRowSchema = Type.Object({
  rank: Type.Number(),
  /** Class name as printed: `java.lang.String`, `[B`, `java.util.concurrent.ConcurrentHashMap$Node`. */
  class: Type.String(),
  instances: Type.Number(),
  bytes: Type.Number(),
  /** JDK 9+: the module column, e.g. `java.base@17.0.15`; absent on JDK 8. */
  module: Opt(Type.String()),
});
export type HistogramRow = Static<typeof HistogramRowSchema>;

const HEAP_HISTOGRAM_PROPERTIES = {
  takenAt: Opt(Type.Number()),
  service: Opt(Type.String()),
  instance: Opt(Type.String()),
  pid: Opt(Type.Number()),
  rows: Type.Array(HistogramRowSchema),
  totalInstances: Type.Number(),
  totalBytes: Type.Number(),
  unparsed: Type.Array(Type.String()),
};
export const HeapHistogramSchema = Type.Object(HEAP_HISTOGRAM_PROPERTIES);
export type HeapHistogram = Static<typeof HeapHistogramSchema>;

export const HistogramGrowthSchema = Type.Object({
  class: Type.String(),
  module: Opt(Type.String()),
  instancesBefore: Type.Number(),
  instancesAfter: Type.Number(),
  instancesDelta: Type.Number(),
  bytesBefore: Type.Number(),
  bytesAfter: Type.Number(),
  bytesDelta: Type.Number(),
});
export type HistogramGrowth = Static<typeof HistogramGrowthSchema>;

/** Growth per class from histogram `a` (older) to `b`, largest byte growth first. */
export const HistogramDiffSchema = Type.Object({
  intervalMs: Opt(Type.Number()),
  totalBytesDelta: Type.Number(),
  totalInstancesDelta: Type.Number(),
  rows: Type.Array(HistogramGrowthSchema),
});
export type HistogramDiff = Static<typeof HistogramDiffSchema>;
