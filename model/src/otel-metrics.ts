import type { Attributes } from './span';

/** The OTLP metric data kinds Osprey stores (OTLP `Metric.data`). */
export type MetricKind = 'gauge' | 'sum' | 'histogram' | 'exponential_histogram';

export type MetricTemporality = 'unspecified' | 'delta' | 'cumulative';

/** Explicit-bounds histogram: `counts` has one more entry than `bounds` (the overflow bucket). */
export interface ExplicitBuckets {
  bounds: number[];
  counts: number[];
}

/** Base-2 exponential histogram: bucket i of a side covers (base^(offset+i), base^(offset+i+1)], base = 2^2^-scale. */
export interface ExponentialBuckets {
  scale: number;
  zeroCount: number;
  positive: { offset: number; counts: number[] };
  negative: { offset: number; counts: number[] };
}

/**
 * One OTLP data point of one resource (service + instance). Gauges and sums carry `value`;
 * histograms carry `count` / `sum` (`min` / `max` when sent) and their buckets.
 */
export interface MetricPoint {
  service: string;
  instance: string;
  name: string;
  unit: string;
  kind: MetricKind;
  /** Epoch ms of `timeUnixNano`. */
  time: number;
  /** Epoch ms of `startTimeUnixNano`, when sent (cumulative series restart there). */
  startTime?: number;
  temporality: MetricTemporality;
  monotonic?: boolean;
  attributes: Attributes;
  value?: number;
  count?: number;
  sum?: number;
  min?: number;
  max?: number;
  buckets?: ExplicitBuckets | ExponentialBuckets;
}

/** Query string of `GET /api/v1/otel-metrics`: the points of one or more metrics by name. */
export interface MetricSeriesQuery {
  from: number;
  to: number;
  /** Metric names (any of them); repeat the parameter or separate with commas. */
  names: string[];
  service?: string;
  instance?: string;
  limit?: number;
}

/** One time series: a metric of one resource with one attribute set. */
export interface MetricSeries {
  name: string;
  unit: string;
  kind: MetricKind;
  service: string;
  instance: string;
  attributes: Attributes;
  /** Gauge / sum: the point's value; histogram: its mean (sum / count), with `count` beside it. */
  points: Array<{ time: number; value: number; count?: number }>;
}

export interface MetricSeriesResponse {
  series: MetricSeries[];
  /** True when more points matched than `limit`: the newest were kept. */
  truncated: boolean;
}

export const DEFAULT_METRIC_POINT_LIMIT = 100_000;

/**
 * Runtime series by OpenTelemetry semantic-convention names, for the `runtime` query type: each
 * runtime's own metric for the same idea (JVM semconv, OTel JS `instrumentation-runtime-node` and
 * `host-metrics`). A service answers with whichever of them it sends.
 */
export const RUNTIME_SERIES = {
  heap: ['jvm.memory.used', 'v8js.memory.heap.used'],
  gc: ['jvm.gc.duration', 'v8js.gc.duration'],
  cpu: ['jvm.cpu.recent_utilization', 'process.cpu.utilization'],
  memory: ['process.memory.usage', 'system.memory.usage'],
  eventLoopDelay: ['nodejs.eventloop.delay.p99', 'nodejs.eventloop.delay.mean'],
  threads: ['jvm.thread.count'],
} as const satisfies Record<string, readonly string[]>;

export type RuntimeSeries = keyof typeof RUNTIME_SERIES;

export const RUNTIME_SERIES_NAMES = Object.keys(RUNTIME_SERIES) as RuntimeSeries[];
