import type { Transaction } from './transaction';

/** Bearer-token scopes; `admin` implies the other two. */
export type Scope = 'ingest' | 'read' | 'admin';

export const API_PATHS = {
  otlpTraces: '/v1/traces',
  zipkinSpans: '/api/v2/spans',
  services: '/api/v1/services',
  instances: '/api/v1/instances',
  endpoints: '/api/v1/endpoints',
  /** GET: the XLOG window; POST: a native batch (JSON array of Transaction). */
  transactions: '/api/v1/transactions',
  traces: '/api/v1/traces',
  red: '/api/v1/metrics/red',
  serviceMap: '/api/v1/servicemap',
  /** Per-statement SQL statistics from the rollups (statistics.ts). */
  sqlStatistics: '/api/v1/statistics/sql',
  /** GET: in-flight requests with equalizer buckets; POST: one instance's snapshot. */
  active: '/api/v1/active',
  health: '/health',
  metrics: '/metrics',
} as const;

/** Media type of the Arrow IPC stream answer of `GET /api/v1/transactions`. */
export const ARROW_STREAM_MEDIA_TYPE = 'application/vnd.apache.arrow.stream';

export interface ServicesResponse {
  services: string[];
}

/** Query string of `GET /api/v1/transactions`; times are epoch milliseconds. */
export interface TransactionQuery {
  from: number;
  to: number;
  service?: string;
  instance?: string;
  endpoint?: string;
  minElapsed?: number;
  /** Only transactions at most this slow, ms (a drag-selected box's top edge). */
  maxElapsed?: number;
  errorsOnly?: boolean;
  traceId?: string;
  userId?: string;
  limit?: number;
  /**
   * `rows` (default): up to `limit` rows. `density`: bucket counts only. `auto`: rows when at most
   * `limit` match, otherwise the density answer (and no rows).
   */
  mode?: TransactionsMode;
  /** Density grid size (cells along time and along elapsed); defaults chosen by the backend. */
  timeBuckets?: number;
  elapsedBuckets?: number;
}

export type TransactionsMode = 'rows' | 'density' | 'auto';

export interface TransactionsResponse {
  transactions: Transaction[];
  /** True when more rows matched than `limit` allowed. */
  truncated: boolean;
  /** Present when the answer is a density grid instead of rows (mode density, or auto over the limit). */
  density?: TransactionDensity;
}

/**
 * Time × elapsed bucket counts of the transactions matching a query: what the XLOG draws when a
 * window holds too many dots to ship. Elapsed buckets are logarithmic.
 */
export interface TransactionDensity {
  from: number;
  to: number;
  /** Width of one time cell, ms; cell i covers [from + i·timeStep, from + (i+1)·timeStep). */
  timeStep: number;
  /** Elapsed bucket edges in ms, ascending, length = elapsed buckets + 1. */
  elapsedEdges: number[];
  /** Non-empty cells only. */
  cells: DensityCell[];
  /** Transactions counted in all cells. */
  total: number;
}

export interface DensityCell {
  /** Time cell index. */
  t: number;
  /** Elapsed bucket index. */
  e: number;
  count: number;
  errors: number;
}

/** `GET /api/v1/instances?service=` */
export interface InstancesResponse {
  instances: string[];
}

/** `GET /api/v1/endpoints?service=` */
export interface EndpointsResponse {
  endpoints: string[];
}

export type RedGroupBy = 'service' | 'instance' | 'endpoint';

/** Query string of `GET /api/v1/metrics/red`; `step` in ms (the backend may widen it to its tier). */
export interface RedQuery {
  from: number;
  to: number;
  step: number;
  service?: string;
  instance?: string;
  endpoint?: string;
  groupBy: RedGroupBy;
}

export interface RedResponse {
  /** Step actually used, ms. */
  step: number;
  /** Where the answer came from: raw transactions or per-minute rollups. */
  tier: 'raw' | 'rollup';
  series: RedSeries[];
}

/** One group's series: `service` always, `instance`/`endpoint` when grouped by them. */
export interface RedSeries {
  service: string;
  instance?: string;
  endpoint?: string;
  points: RedPoint[];
}

/** One step; steps without transactions are left out. Latencies in ms. */
export interface RedPoint {
  /** Start of the step, epoch ms. */
  time: number;
  count: number;
  /** Transactions per second over the step. */
  rate: number;
  errors: number;
  /** errors / count, 0..1. */
  errorRatio: number;
  p50: number;
  p90: number;
  p99: number;
}

export type ServiceMapNodeType = 'service' | 'database' | 'external';

export interface ServiceMapNode {
  /** Stable id: the service name for services, `db:<system>:<name>` and `ext:<address>` otherwise. */
  id: string;
  type: ServiceMapNodeType;
  /** Label: service name, database name (or server address), external address. */
  name: string;
  /** `db.system` of a database node. */
  dbSystem?: string;
  /** A service's own transactions in the window (0 for databases/externals). */
  transactions: number;
  errors: number;
  /** A service's transaction latency p95, ms (absent for databases/externals). */
  p95?: number;
}

export interface ServiceMapEdge {
  /** `<source>-><target>` */
  id: string;
  source: string;
  target: string;
  calls: number;
  errors: number;
  /** Calls per second over the window. */
  rate: number;
  /** Client-side call latency percentiles, ms. */
  p50: number;
  p95: number;
  p99: number;
}

export interface ServiceMapResponse {
  from: number;
  to: number;
  nodes: ServiceMapNode[];
  edges: ServiceMapEdge[];
}

/** One in-flight request of an instance, as its agent saw it. */
export interface ActiveRequest {
  endpoint: string;
  /** How long it has been running when the snapshot was taken, ms. */
  elapsed: number;
  traceId?: string;
  threadName?: string;
  userId?: string;
}

/** Body of `POST /api/v1/active`: every request in flight on one instance at `takenAt`. */
export interface ActiveSnapshot {
  service: string;
  instance: string;
  takenAt: number;
  requests: ActiveRequest[];
}

/** Scouter's active-service equalizer: in-flight counts by age. */
export interface ActiveBuckets {
  /** elapsed < thresholds.slow */
  fast: number;
  /** thresholds.slow ≤ elapsed < thresholds.verySlow */
  slow: number;
  /** elapsed ≥ thresholds.verySlow */
  verySlow: number;
}

/** `GET /api/v1/active?service=`: each instance's newest snapshot that is not stale. */
export interface ActiveResponse {
  /** Bucket edges, ms (defaults 3000 and 8000). */
  thresholds: { slow: number; verySlow: number };
  instances: Array<ActiveSnapshot & { buckets: ActiveBuckets }>;
}

export interface HealthResponse {
  status: 'ok';
  version: string;
  store: string;
}

export interface IngestResponse {
  /** Spans accepted in this batch. */
  spans: number;
  /** Transactions derived from them. */
  transactions: number;
}

/** Body of every 4xx/5xx answer. */
export interface ErrorResponse {
  error: string;
  message: string;
}

export const DEFAULT_TRANSACTION_LIMIT = 10_000;
export const MAX_TRANSACTION_LIMIT = 1_000_000;
