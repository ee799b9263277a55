import type {
  ActiveSnapshot,
  Attributes,
  CheckRun,
  CheckRunQuery,
  AnalyzedThreadDump,
  HeapHistogram,
  JvmRequest,
  JvmRequestKind,
  JvmRequestQuery,
  JvmRequestResult,
  LogQuery,
  LogRecord,
  LogsResponse,
  MetricPoint,
  MetricSeriesQuery,
  MetricSeriesResponse,
  ServiceMapResponse,
  RedQuery,
  ErrorTypesResponse,
  SummaryResponse,
  SqlStatisticsQuery,
  SqlStatisticsResponse,
  SqlStatisticsSort,
  RedResponse,
  Span,
  Transaction,
  TransactionColumn,
  TransactionQuery,
  TransactionsResponse,
} from '@osprey/model';

import type { ErrorTypesRead } from '../errorstats/answer';
import type { SummaryRead } from '../summary/answer';
import type { Backlog } from './overload';
import type { NewHostSnapshot } from './host-rows';
import type { CaptureReads } from './shared/capture-reads';
import type { WindowAnswer, WindowQuery } from './window';

/** A thread dump as uploaded: the analysed form (with service, instance, takenAt set) and the raw body. */
export interface NewThreadDump {
  id: string;
  service: string;
  instance: string;
  takenAt: number;
  receivedAt: number;
  dump: AnalyzedThreadDump;
  raw: Uint8Array;
  contentType: string;
}

export interface NewHeapHistogram {
  id: string;
  service: string;
  instance: string;
  takenAt: number;
  receivedAt: number;
  histogram: HeapHistogram;
  raw: Uint8Array;
}

/** A capture request as Grafana asks for it, made at `now` (epoch ms). */
export interface NewJvmRequest {
  id: string;
  service: string;
  instance: string;
  kind: JvmRequestKind;
  now: number;
}

/** Filter of the stored active-service snapshots; `receivedSince` (epoch ms) drops stale ones. */
export interface ActiveSnapshotQuery {
  service?: string;
  receivedSince: number;
}

/**
 * What a claim or a result did: `missing` = no such request; `conflict` = the request was not in a
 * state that allows it (`request` shows the state it is in); `ok` = the change was committed.
 */
export type JvmRequestUpdate =
  { outcome: 'ok'; request: JvmRequest } | { outcome: 'conflict'; request: JvmRequest } | { outcome: 'missing' };

/** Density grid size when the query leaves it out: about one cell per few pixels of a panel. */
export const DEFAULT_TIME_BUCKETS = 300;
export const DEFAULT_ELAPSED_BUCKETS = 60;

/**
 * Tables with a retention tier: a span's age is its start, a transaction's its end, a rollup's its
 * minute, an OTLP metric point's or log record's its time.
 */
export type RetentionTier = 'spans' | 'transactions' | 'rollups' | 'jvm' | 'metrics' | 'logs';

export const RETENTION_TIERS: readonly RetentionTier[] = ['spans', 'transactions', 'rollups', 'jvm', 'metrics', 'logs'];

/** What one rollup compaction did: minutes [from, to) merged, their row count before and after. */
export interface RollupCompaction {
  from: number;
  to: number;
  rowsBefore: number;
  rowsAfter: number;
}

/** One service instance's rollup rows of one latency bucket, summed over a window. */
export interface InstanceBucket {
  service: string;
  instance: string;
  bucket: number;
  count: number;
  errors: number;
}

/** One endpoint's rollup rows of one latency bucket, summed over a window. */
export interface EndpointBucket {
  service: string;
  endpoint: string;
  bucket: number;
  count: number;
  errors: number;
}

/** One service instance's transactions ending in a window: how many, and their mean elapsed (ms). */
export interface InstanceThroughput {
  service: string;
  instance: string;
  requests: number;
  meanElapsedMs: number;
}

/** How far one ingest log (store/shared/ingest-log.ts) is in the store: every record ending at or below `end`. */
export interface LogPosition {
  logId: string;
  end: number;
}

/**
 * The ingest kinds a batch may carry beside spans and transactions: what the OTLP metrics and logs
 * routes and the JVM and host uploads accept. They go through the ingest log like spans, so a load
 * stores them with the rows and the log position at once.
 */
export interface OtherRows {
  metricPoints: MetricPoint[];
  logRecords: LogRecord[];
  threadDumps: NewThreadDump[];
  heapHistograms: NewHeapHistogram[];
  hostSnapshots: NewHostSnapshot[];
}

export interface OtelReads {
  /** Points of the named metrics in [from, to] as series; the newest `limit` (validated) when more match. */
  metricSeries(query: MetricSeriesQuery & { limit: number }): Promise<MetricSeriesResponse>;
  /** Names of the stored metrics, optionally of one service, sorted. */
  metricNames(service?: string): Promise<string[]>;
  /** Records in [from, to] matching the filters, newest first, at most `limit` (validated). */
  logRecords(query: LogQuery & { limit: number }): Promise<LogsResponse>;
}

export interface HealthReads {
  /** Requests and errors per service instance and latency bucket in the rollup minutes holding [from, to). */
  instanceLatency(from: number, to: number): Promise<InstanceBucket[]>;
  /** The same per service, endpoint and latency bucket (the SLOs' error budgets). */
  endpointLatency(from: number, to: number): Promise<EndpointBucket[]>;
  /** The distinct resources of the spans that started in [from, to], ordered by their JSON. */
  spanResources(from: number, to: number): Promise<Attributes[]>;
  /** Per service instance (optionally of one service), the transactions ending in [from, to], by service then instance. */
  instanceThroughput(from: number, to: number, service?: string): Promise<InstanceThroughput[]>;
}

/** Where spans and derived transactions live. Every backend (DuckDB now, ClickHouse later) implements this. */
export interface Store {
  /** Short name reported by /health, e.g. "duckdb". */
  readonly kind: string;
  /**
   * Stores one ingest batch atomically; resolves only once it is committed durably. Rejects with
   * OverloadedError, storing nothing, when the writer queue is full. With `position` (a load from
   * the ingest log, store/shared/loader.ts) the store also records that the log is loaded up to
   * `position.end`: DuckDB in the same transaction as the rows, so a crash leaves both or neither;
   * ClickHouse (no transactions) right after the rows, so a crash between the two loads them again.
   * `others` are stored with them, under the same rule (DuckDB: in the same transaction).
   */
  insertBatch(spans: Span[], transactions: Transaction[], position?: LogPosition, others?: OtherRows): Promise<void>;
  /** Where the ingest log `logId` was loaded up to (LogPosition.end of the last load), 0 if never. */
  loadedLogPosition(logId: string): Promise<number>;
  /** Batches and spans/rows waiting for (or in) a commit. */
  backlog(): Backlog;
  /** Names of every service that sent spans, sorted. */
  services(): Promise<string[]>;
  /**
   * Transactions ending in [from, to], newest first; `limit` must already be validated. `mode`
   * density (or auto with more than `limit` matches) answers the density grid instead of rows.
   */
  transactions(query: TransactionQuery & { limit: number }): Promise<TransactionsResponse>;
  /**
   * The same window as columns (window.ts), streamed in batches: all matches when they fit in
   * `limit`, in storage order, else the newest `limit`; `mode` density, or auto over the limit,
   * answers the density grid. The batches must be read to the end (or their iterator returned).
   */
  transactionWindow(query: WindowQuery, columns: readonly TransactionColumn[]): Promise<WindowAnswer>;
  /**
   * RED series from raw transactions (`raw`: exact percentiles, any step) or from the per-minute
   * rollups (`rollup`: `step` a whole number of minutes, bucket-bound percentiles).
   */
  red(query: RedQuery, tier: RedResponse['tier']): Promise<RedResponse>;
  /** Instances / endpoints that sent transactions still in the rollups, optionally of one service, sorted. */
  instances(service?: string): Promise<string[]>;
  endpoints(service?: string): Promise<string[]>;
  /** Deletes at most `limit` rows of a tier older than `cutoff` (epoch ms) through the writer; returns how many. */
  deleteOlderThan(tier: RetentionTier, cutoff: number, limit: number): Promise<number>;
  /** Merges the rollup rows of closed minutes before `before` (epoch ms) into one per key and bucket. */
  compactRollups(before: number): Promise<RollupCompaction>;
  /** Every stored span of a trace, by start time. */
  trace(traceId: string): Promise<Span[]>;
  /**
   * Services, databases and external peers with the calls between them in [from, to] (settled traces
   * only); each service with its Apdex at `apdexT` (ms).
   */
  serviceMap(from: number, to: number, apdexT: number): Promise<ServiceMapResponse>;
  /** The top statements by `sort` of the SQL-statistics rollups of [from, to] (settled traces only). */
  sqlStatistics(query: SqlStatisticsQuery & { sort: SqlStatisticsSort; limit: number }): Promise<SqlStatisticsResponse>;
  /** The error transactions ending in [from, to) grouped by service, exception type and message template. */
  errorTypes(query: ErrorTypesRead): Promise<ErrorTypesResponse>;
  /** Per service, instance or endpoint: counts, elapsed, SQL and API averages, users and Apdex of [from, to). */
  summary(query: SummaryRead): Promise<SummaryResponse>;

  /** Stores a thread dump; resolves once committed; may reject with OverloadedError. */
  insertThreadDump(dump: NewThreadDump): Promise<void>;
  insertHeapHistogram(histogram: NewHeapHistogram): Promise<void>;
  /** The thread dumps', heap histograms' and host snapshots' reads, written once for both engines. */
  readonly captures: CaptureReads;

  /** Keeps the snapshot as its instance's newest unless a newer one is stored; may reject with OverloadedError. */
  insertActiveSnapshot(snapshot: ActiveSnapshot, receivedAt: number): Promise<void>;
  /** Each instance's newest snapshot, by service then instance. */
  activeSnapshots(query: ActiveSnapshotQuery): Promise<ActiveSnapshot[]>;
  /**
   * Spans of the traces not settled yet that had a span arrive at or after `arrivedSince` (epoch
   * ms), as far as the store holds them at hand: ids, parent, kind, service and start are set,
   * name and resource may be blank (read the trace for those). What in-flight inference reads.
   */
  unsettledSpans(arrivedSince: number): Promise<Span[]>;

  /** Stores one OTLP metrics batch whole; resolves once committed; may reject with OverloadedError. */
  insertMetricPoints(points: MetricPoint[]): Promise<void>;
  /** Stores one OTLP logs batch whole; resolves once committed; may reject with OverloadedError. */
  insertLogRecords(records: LogRecord[]): Promise<void>;
  /** The OTLP metrics' and logs' reads. */
  readonly otel: OtelReads;
  /** What the health views read: rollup latency buckets, throughput and the spans' resources. */
  readonly health: HealthReads;

  /** Stores a synthetic check's run with its XLOG transaction (kind `synthetic`); may reject with OverloadedError. */
  insertCheckRun(run: CheckRun, transaction: Transaction): Promise<void>;
  /** Runs started in [from, to], newest first (ties by check name), at most `limit`. */
  checkRuns(query: CheckRunQuery): Promise<CheckRun[]>;

  /** Stores a new pending capture request. */
  createJvmRequest(request: NewJvmRequest): Promise<JvmRequest>;
  /** Oldest first. Pending requests older than the timeout are failed first (as of `now`). */
  jvmRequests(query: JvmRequestQuery, now: number): Promise<JvmRequest[]>;
  jvmRequest(id: string, now: number): Promise<JvmRequest | undefined>;
  /** pending → taken, atomically (one writer): a second claim is a conflict. */
  claimJvmRequest(id: string, now: number): Promise<JvmRequestUpdate>;
  /** pending/taken → done (resultId) or failed (error). */
  finishJvmRequest(id: string, result: JvmRequestResult, now: number): Promise<JvmRequestUpdate>;

  /** Stores a host snapshot; resolves once committed. Kept under the `jvm` retention tier. */
  insertHostSnapshot(snapshot: NewHostSnapshot): Promise<void>;

  close(): Promise<void>;
}

/** Filters of the JVM list and capture-request routes, as their query schemas check them. */
export type { JvmListQuery, JvmRequestQuery } from '@osprey/model';
