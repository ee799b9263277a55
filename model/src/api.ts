import { type Static, Type } from '@sinclair/typebox';

import { ApdexT, HexId, MAX_EPOCH_MS, Millis, NonEmpty, Strict, StringEnum } from './schema';
import { type Transaction, TransactionSchema } from './transaction-columns';

/**
 * The read and ingest API's JSON shapes as JSON Schemas (the backend's route schemas, validation
 * and the OpenAPI document come from them) and the types derived from those.
 */

/** Bearer-token scopes; `admin` implies the other two. */
export type Scope = 'ingest' | 'read' | 'admin';

export const API_PATHS = {
  otlpTraces: '/v1/traces',
  otlpMetrics: '/v1/metrics',
  otlpLogs: '/v1/logs',
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
  /** Transactions' errors grouped by exception type and message template (error-types.ts). */
  errorTypes: '/api/v1/statistics/errors',
  /** Per endpoint / service: counts, elapsed, SQL and API averages, users, Apdex (summary.ts). */
  summary: '/api/v1/statistics/summary',
  /** GET: in-flight requests with equalizer buckets; POST: one instance's snapshot. */
  active: '/api/v1/active',
  /** GET: OTLP metric points by name as series (model otel-metrics.ts); `/names` lists the names. */
  otelMetrics: '/api/v1/otel-metrics',
  otelMetricNames: '/api/v1/otel-metrics/names',
  /** GET: OTLP log records (model logs.ts). */
  logs: '/api/v1/logs',
  health: '/health',
  metrics: '/metrics',
  /** The OpenAPI document of this API, generated from the route schemas. */
  openapi: '/api/docs/openapi.json',
} as const;

/** Media type of the Arrow IPC stream answer of `GET /api/v1/transactions`. */
export const ARROW_STREAM_MEDIA_TYPE = 'application/vnd.apache.arrow.stream';

export const DEFAULT_TRANSACTION_LIMIT = 10_000;
export const MAX_TRANSACTION_LIMIT = 1_000_000;
export const MAX_TIME_BUCKETS = 5000;
export const MAX_ELAPSED_BUCKETS = 500;

/** A query time, epoch ms; bounded so `Infinity` (which coerces to a number) is refused. */
export const Time = () =>
  Type.Number({ description: 'epoch milliseconds', minimum: -MAX_EPOCH_MS, maximum: MAX_EPOCH_MS });
/** A filter value: absent means all, empty is an error (a blank variable, not "all"). */
export const Filter = (description: string) => Type.Optional(NonEmpty({ description }));

export const ServicesResponseSchema = Type.Object({ services: Type.Array(Type.String()) });
export type ServicesResponse = Static<typeof ServicesResponseSchema>;

/** `?service=` of the instances and endpoints lists. */
export const ServiceFilterQuerySchema = Strict({ service: Filter('service name') });
export const InstancesResponseSchema = Type.Object({ instances: Type.Array(Type.String()) });
export type InstancesResponse = Static<typeof InstancesResponseSchema>;
export const EndpointsResponseSchema = Type.Object({ endpoints: Type.Array(Type.String()) });
export type EndpointsResponse = Static<typeof EndpointsResponseSchema>;

export const TRANSACTIONS_MODES = ['rows', 'density', 'auto'] as const;
export type TransactionsMode = (typeof TRANSACTIONS_MODES)[number];

/** Query string of `GET /api/v1/transactions`; times are epoch milliseconds. */
export const TransactionQueryStringSchema = Strict({
  from: Time(),
  to: Time(),
  service: Filter('service name'),
  instance: Filter('instance name'),
  endpoint: Filter('endpoint name'),
  minElapsed: Type.Optional(Millis()),
  /** A drag-selected box's top edge. */
  maxElapsed: Type.Optional(Type.Number({ description: 'at most this slow, milliseconds' })),
  errorsOnly: Type.Optional(Type.Boolean()),
  columns: Type.Optional(NonEmpty({ description: 'comma-separated Transaction field names' })),
  traceId: Type.Optional(HexId(32)),
  userId: Filter('user id'),
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_TRANSACTION_LIMIT,
      description: `rows, ${DEFAULT_TRANSACTION_LIMIT} by default`,
    })
  ),
  /**
   * `rows` (default): up to `limit` rows. `density`: bucket counts only. `auto`: rows when at most
   * `limit` match, otherwise the density answer (and no rows).
   */
  mode: Type.Optional(StringEnum(TRANSACTIONS_MODES)),
  /** Density grid size (cells along time and along elapsed); defaults chosen by the backend. */
  timeBuckets: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_TIME_BUCKETS })),
  elapsedBuckets: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ELAPSED_BUCKETS })),
});
/** What the stores read: the query string with `columns` parsed apart. */
export type TransactionQuery = Omit<Static<typeof TransactionQueryStringSchema>, 'columns'>;

export const DensityCellSchema = Type.Object({
  /** Time cell index. */
  t: Type.Integer(),
  /** Elapsed bucket index. */
  e: Type.Integer(),
  count: Type.Integer(),
  errors: Type.Integer(),
});
export type DensityCell = Static<typeof DensityCellSchema>;

/**
 * Time × elapsed bucket counts of the transactions matching a query: what the XLOG draws when a
 * window holds too many dots to ship. Elapsed buckets are logarithmic.
 */
export const TransactionDensitySchema = Type.Object({
  from: Type.Number(),
  to: Type.Number(),
  /** Width of one time cell, ms; cell i covers [from + i·timeStep, from + (i+1)·timeStep). */
  timeStep: Type.Number(),
  /** Elapsed bucket edges in ms, ascending, length = elapsed buckets + 1. */
  elapsedEdges: Type.Array(Type.Number()),
  /** Non-empty cells only. */
  cells: Type.Array(DensityCellSchema),
  /** Transactions counted in all cells. */
  total: Type.Integer(),
});
export type TransactionDensity = Static<typeof TransactionDensitySchema>;

export const TransactionsResponseSchema = Type.Object({
  transactions: Type.Array(Type.Partial(TransactionSchema), {
    description: 'the fields columns= names, every field by default',
  }),
  /** True when more rows matched than `limit` allowed. */
  truncated: Type.Boolean(),
  /** Present when the answer is a density grid instead of rows (mode density, or auto over the limit). */
  density: Type.Optional(TransactionDensitySchema),
});
/** Rows are whole unless `columns=` picked fields (the datasource asks Arrow for those). */
export type TransactionsResponse = Omit<Static<typeof TransactionsResponseSchema>, 'transactions'> & {
  transactions: Transaction[];
};

export const RED_GROUP_BYS = ['service', 'instance', 'endpoint'] as const;
export type RedGroupBy = (typeof RED_GROUP_BYS)[number];

/** Query string of `GET /api/v1/metrics/red`; `step` in ms (the backend may widen it to its tier). */
export const RedQuerySchema = Strict({
  from: Time(),
  to: Time(),
  step: Type.Integer({ minimum: 1, description: 'milliseconds' }),
  service: Filter('service name'),
  instance: Filter('instance name'),
  endpoint: Filter('endpoint name'),
  groupBy: Type.Optional(StringEnum(RED_GROUP_BYS, { default: 'service' })),
  /** With it, each point carries its Apdex at this T. */
  apdexT: Type.Optional(ApdexT()),
  /** Add the anomaly band (derive/anomaly-band.ts) of rate, error ratio and p95 to each point; answered from the rollups. */
  band: Type.Optional(Type.Boolean()),
});
export type RedQuery = Static<typeof RedQuerySchema> & { groupBy: RedGroupBy };

/** The metrics a RED query's `band=true` gives a seasonal band of. */
export const RED_BAND_METRICS = ['rate', 'errorRatio', 'p95'] as const;
export type RedBandMetric = (typeof RED_BAND_METRICS)[number];

/**
 * `<metric>Lower` / `<metric>Upper`: what the same hour of the week held over the four weeks before
 * the query's `from` (median ± k·MAD); absent without `band=true`, or without enough history.
 */
const RED_BAND_FIELDS = {
  rateLower: Type.Optional(Type.Number()),
  rateUpper: Type.Optional(Type.Number()),
  errorRatioLower: Type.Optional(Type.Number()),
  errorRatioUpper: Type.Optional(Type.Number()),
  p95Lower: Type.Optional(Type.Number()),
  p95Upper: Type.Optional(Type.Number()),
};

/** One step; steps without transactions are left out. Latencies in ms. */
export const RedPointSchema = Type.Object({
  /** Start of the step, epoch ms. */
  time: Type.Number(),
  count: Type.Number(),
  /** Transactions per second over the step. */
  rate: Type.Number(),
  errors: Type.Number(),
  /** errors / count, 0..1. */
  errorRatio: Type.Number(),
  p50: Type.Number(),
  p90: Type.Number(),
  p95: Type.Number(),
  p99: Type.Number(),
  /**
   * With `apdexT`: (satisfied + tolerating / 2) / count, 0..1. The rollup tier counts a request
   * satisfied up to the upper bound of T's latency bucket (at most 19 % above T), as its percentiles.
   */
  apdex: Type.Optional(Type.Number()),
  ...RED_BAND_FIELDS,
});
export type RedPoint = Static<typeof RedPointSchema>;

/** One group's series: `service` always, `instance`/`endpoint` when grouped by them. */
export const RedSeriesSchema = Type.Object({
  service: Type.String(),
  instance: Type.Optional(Type.String()),
  endpoint: Type.Optional(Type.String()),
  points: Type.Array(RedPointSchema),
});
export type RedSeries = Static<typeof RedSeriesSchema>;

export const RedResponseSchema = Type.Object({
  /** Step actually used, ms. */
  step: Type.Number(),
  /** Where the answer came from: raw transactions or per-minute rollups. */
  tier: StringEnum(['raw', 'rollup'] as const),
  series: Type.Array(RedSeriesSchema),
});
export type RedResponse = Static<typeof RedResponseSchema>;

export const ServiceMapQuerySchema = Strict({
  from: Time(),
  to: Time(),
  /** The T of each service node's Apdex (default 500 ms). */
  apdexT: Type.Optional(ApdexT()),
});
export type ServiceMapQuery = Static<typeof ServiceMapQuerySchema>;

export const SERVICE_MAP_NODE_TYPES = ['service', 'database', 'external'] as const;
export type ServiceMapNodeType = (typeof SERVICE_MAP_NODE_TYPES)[number];

export const ServiceMapNodeSchema = Type.Object({
  /** Stable id: the service name for services, `db:<system>:<name>` and `ext:<address>` otherwise. */
  id: Type.String(),
  type: StringEnum(SERVICE_MAP_NODE_TYPES),
  /** Label: service name, database name (or server address), external address. */
  name: Type.String(),
  /** `db.system` of a database node. */
  dbSystem: Type.Optional(Type.String()),
  /** A service's own transactions in the window (0 for databases/externals). */
  transactions: Type.Number(),
  errors: Type.Number(),
  /** A service's transaction latency p95, ms (absent for databases/externals). */
  p95: Type.Optional(Type.Number()),
  /**
   * A service's Apdex at the answer's `apdexT`: (satisfied + tolerating / 2) / transactions, from
   * its transactions' elapsed times (absent for databases/externals).
   */
  apdex: Type.Optional(Type.Number()),
});
export type ServiceMapNode = Static<typeof ServiceMapNodeSchema>;

export const ServiceMapEdgeSchema = Type.Object({
  /** `<source>-><target>` */
  id: Type.String(),
  source: Type.String(),
  target: Type.String(),
  calls: Type.Number(),
  errors: Type.Number(),
  /** Calls per second over the window. */
  rate: Type.Number(),
  /** Client-side call latency percentiles, ms. */
  p50: Type.Number(),
  p95: Type.Number(),
  p99: Type.Number(),
});
export type ServiceMapEdge = Static<typeof ServiceMapEdgeSchema>;

export const ServiceMapResponseSchema = Type.Object({
  from: Type.Number(),
  to: Type.Number(),
  /** The Apdex T used, ms. */
  apdexT: Type.Number(),
  nodes: Type.Array(ServiceMapNodeSchema),
  edges: Type.Array(ServiceMapEdgeSchema),
});
export type ServiceMapResponse = Static<typeof ServiceMapResponseSchema>;

export const HealthResponseSchema = Type.Object({
  status: Type.Literal('ok'),
  version: Type.String(),
  store: Type.String(),
});
export type HealthResponse = Static<typeof HealthResponseSchema>;

export const IngestResponseSchema = Type.Object({
  /** Spans accepted in this batch. */
  spans: Type.Integer(),
  /** Transactions derived from them. */
  transactions: Type.Integer(),
});
export type IngestResponse = Static<typeof IngestResponseSchema>;

/**
 * OTLP/HTTP success body. `partialSuccess` is empty when everything was stored; otherwise it names
 * what was not (OTLP: the sender must not retry those, and should log the message).
 */
export const OtlpExportResponseSchema = Type.Object({
  partialSuccess: Type.Object({
    rejectedSpans: Type.Optional(Type.Integer()),
    rejectedDataPoints: Type.Optional(Type.Integer()),
    rejectedLogRecords: Type.Optional(Type.Integer()),
    errorMessage: Type.Optional(Type.String()),
  }),
});
export type OtlpExportResponse = Static<typeof OtlpExportResponseSchema>;

/** A route that takes no parameters (extra ones are ignored, as they always were). */
export const NoQuerySchema = Type.Object({});

/** A 204: the batch is committed, nothing to say. */
export const NoContentSchema = Type.Null({ description: 'committed' });

/** Body of every 4xx/5xx answer. */
export const ErrorResponseSchema = Type.Object({ error: Type.String(), message: Type.String() });
export type ErrorResponse = Static<typeof ErrorResponseSchema>;

/** Body of `POST /api/v1/transactions`: a native agent's batch. */
export const TransactionBatchSchema = Type.Array(TransactionSchema);
