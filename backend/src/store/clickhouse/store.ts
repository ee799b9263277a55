import type {
  ActiveSnapshot,
  CheckRun,
  CheckRunQuery,
  JvmRequest,
  JvmRequestResult,
  LogRecord,
  MetricPoint,
  RedQuery,
  RedResponse,
  ServiceMapResponse,
  Span,
  Transaction,
  TransactionColumn,
  TransactionQuery,
  TransactionsResponse,
  SqlStatisticsResponse,
  ErrorTypesResponse,
  SummaryResponse,
} from '@osprey/model';
import type { NewHostSnapshot } from '../host-rows';

import { rollupRows } from '../duckdb/red';
import { type Backlog, DEFAULT_MAX_QUEUED_ITEMS } from '../overload';
import { itemCount } from '../shared/batch';
import { type QueuedWrite, WriteQueue } from '../shared/write-queue';
import { SettleLoop, type SettleRule, settleRule } from '../shared/settle-loop';
import { bindReads, HEALTH_READS, OTEL_READS } from '../shared/bind';
import { type CaptureReads, CaptureTables } from '../shared/capture-reads';
import {
  type ActiveSnapshotQuery,
  type HealthReads,
  type OtelReads,
  type JvmRequestQuery,
  type JvmRequestUpdate,
  type LogPosition,
  type OtherRows,
  type NewHeapHistogram,
  type NewJvmRequest,
  type NewThreadDump,
  type RetentionTier,
  type RollupCompaction,
  type Store,
} from '../store';
import { type DensityRead, transactionsAnswer, windowAnswer } from '../transaction-answers';
import type { WindowAnswer, WindowQuery } from '../window';
import * as active from './active';
import * as otel from './otel';
import * as hostTables from './hosts';
import * as checks from './checks';
import * as hierarchy from './hierarchy';
import * as jvm from './jvm';
import { ClickHouseJvmRequests } from './jvm-requests';
import { ClickHouseConnection, type ClickHouseTarget } from './connection';
import * as red from './red';
import { dropOlderPartitions } from './retention';
import { rowToSpan } from '../shared/span-row';
import { spanRow, transactionRow } from './rows';
import { localTable, migrate } from './schema';
import { serviceMap } from './servicemap';
import { errorTypesFromTransactions } from './errortypes';
import { summaryFromTransactions } from './summary';
import { sqlStatistics } from './sqlstats';
import * as settle from './settle';
import { CLICKHOUSE_RAW_BODY, clickHouseReader, num, str } from './sql';
import { transactionDensity, transactionWhere } from './transactions';
import { transactionWindow } from './window';

export interface ClickHouseStoreOptions {
  /** A trace settles once no span of it arrived for this long (ms), on any backend of the cluster. */
  settleMs: number;
  /** Settle due traces on a timer (default); tests turn it off and call settleDue() themselves. */
  autoSettle?: boolean;
  onSettleError?: (err: unknown) => void;
  /** Spans + rows that may wait for ClickHouse before ingest is refused (OverloadedError). */
  maxQueuedItems?: number;
}

interface PendingBatch extends QueuedWrite {
  spans: Span[];
  transactions: Transaction[];
  position?: LogPosition;
  others?: OtherRows;
}

/**
 * The scale-out store: spans, transactions and rollups in ClickHouse (one server, or shards behind
 * Distributed tables), so several stateless backends can share one cluster.
 *
 * Batches that arrive while an insert is running are written together in the next one (group
 * insert: ClickHouse wants few large inserts). A batch is acknowledged only once ClickHouse
 * answered every insert of its group: each is one block, written to disk as a new part before the
 * HTTP answer (on a cluster, on every shard: insert_distributed_sync). ClickHouse does not fsync
 * parts by default, so an OS crash right after the answer may lose them; replicas are what makes
 * acknowledged data survive a machine. A batch's tables are written one after another, not in one
 * transaction: a failed group is answered with an error and resent by the exporter; spans and
 * transactions are replacing tables keyed by identity, so the resend does not duplicate them.
 */
export class ClickHouseStore implements Store {
  readonly kind = 'clickhouse';
  readonly otel: OtelReads;
  readonly health: HealthReads;
  readonly captures: CaptureReads;
  private readonly writes: WriteQueue<PendingBatch>;
  private closed = false;
  private readonly settleRule: SettleRule;
  private readonly settleLoop: SettleLoop | undefined;
  private readonly requests: ClickHouseJvmRequests;

  private constructor(
    private readonly connection: ClickHouseConnection,
    options: ClickHouseStoreOptions
  ) {
    this.writes = new WriteQueue<PendingBatch>({
      maxQueuedItems: options.maxQueuedItems ?? DEFAULT_MAX_QUEUED_ITEMS,
      commit: (group) => this.writeGroup(group),
      retryAlone: false,
    });
    this.requests = new ClickHouseJvmRequests(connection);
    this.captures = new CaptureTables(clickHouseReader(connection), CLICKHOUSE_RAW_BODY);
    this.otel = bindReads(connection, otel, OTEL_READS);
    this.health = bindReads(connection, hierarchy, HEALTH_READS);
    this.settleRule = settleRule(options.settleMs);
    if (options.autoSettle !== false) {
      this.settleLoop = new SettleLoop(() => this.settleDue(), this.settleRule, options.onSettleError);
    }
  }

  /** Connects, creates what is missing of the schema, and starts settling. */
  static async open(target: ClickHouseTarget, options: ClickHouseStoreOptions): Promise<ClickHouseStore> {
    const connection = new ClickHouseConnection(target);
    try {
      await migrate(connection);
    } catch (err) {
      await connection.close();
      throw err;
    }
    return new ClickHouseStore(connection, options);
  }

  settleDue(now = Date.now()): Promise<number> {
    return settle.settleDue(this.connection, now, this.settleRule);
  }

  insertBatch(spans: Span[], transactions: Transaction[], position?: LogPosition, others?: OtherRows): Promise<void> {
    if (this.closed) {
      return Promise.reject(new Error('store is closed'));
    }
    const items = spans.length + transactions.length + (others === undefined ? 0 : itemCount(others));
    if (items === 0 && position === undefined) {
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      this.writes.enqueue({ spans, transactions, position, others, items, resolve, reject }, true);
    });
  }

  backlog(): Backlog {
    return this.writes.backlog();
  }

  /**
   * Spans, their arrival marks and transactions in parallel (a batch is acknowledged only once all
   * three are in, and a resend repeats them harmlessly), then the rollups: they are summed, so they
   * are written only once everything they count is.
   */
  private async writeGroup(group: PendingBatch[]): Promise<void> {
    const spans = group.flatMap((batch) => batch.spans);
    const transactions = group.flatMap((batch) => batch.transactions);
    await Promise.all([
      ...group.map((batch) => (batch.others ? this.insertOtherRows(batch.others) : undefined)),
      this.connection.insert('spans', spans.map(spanRow)),
      settle.recordArrivals(this.connection, spans, Date.now()),
      this.connection.insert(
        'transactions',
        transactions.map((tx) => transactionRow(tx, 0))
      ),
    ]);
    await this.connection.insert('red_rollups', rollupRows(transactions) as unknown as Array<Record<string, unknown>>);
    // After the rows, not with them (ClickHouse has no transactions): a crash in between loads
    // that group again on restart; spans and transactions collapse by identity, rollups count twice.
    const positions = group.flatMap((batch) => (batch.position ? [batch.position] : []));
    if (positions.length > 0) {
      await this.connection.insert(
        this.positionsTable(),
        positions.map((p) => ({ log_id: p.logId, position: p.end }))
      );
    }
  }

  /** One insert per table, as the single-kind methods do; a crash before the position loads them again. */
  private async insertOtherRows(rows: OtherRows): Promise<void> {
    await Promise.all([
      otel.insertMetricPoints(this.connection, rows.metricPoints),
      otel.insertLogRecords(this.connection, rows.logRecords),
      ...rows.threadDumps.map((dump) => jvm.insertThreadDump(this.connection, dump)),
      ...rows.heapHistograms.map((histogram) => jvm.insertHeapHistogram(this.connection, histogram)),
      ...rows.hostSnapshots.map((snapshot) => hostTables.insertHostSnapshot(this.connection, snapshot)),
    ]);
  }

  /**
   * A backend's log positions live on the server of its --clickhouse-url, in the local table on a
   * cluster: read at start, when the other shards may not have their tables yet.
   */
  private positionsTable(): string {
    return localTable('ingest_log_positions', this.connection.target.cluster);
  }

  async loadedLogPosition(logId: string): Promise<number> {
    const rows = await this.connection.rows(
      `SELECT max(position) AS position FROM ${this.positionsTable()} WHERE log_id = ${str(logId)}`
    );
    return Number(rows[0]?.position ?? 0);
  }

  async services(): Promise<string[]> {
    const rows = await this.connection.rows('SELECT DISTINCT service FROM spans ORDER BY service');
    return rows.map((row) => String(row.service));
  }

  transactions(query: TransactionQuery & { limit: number }): Promise<TransactionsResponse> {
    return transactionsAnswer(query, this.density(query), (limit) =>
      this.connection.rows(
        `SELECT * FROM transactions FINAL WHERE ${transactionWhere(query)} ORDER BY end_time DESC LIMIT ${num(limit)}`
      )
    );
  }

  transactionWindow(query: WindowQuery, columns: readonly TransactionColumn[]): Promise<WindowAnswer> {
    return windowAnswer(query, this.density(query), () => transactionWindow(this.connection, query, columns));
  }

  /** The grid of the query's window, at the size the answer asks for. */
  private density(query: TransactionQuery): DensityRead {
    return (timeBuckets, elapsedBuckets) => transactionDensity(this.connection, query, timeBuckets, elapsedBuckets);
  }

  red(query: RedQuery, tier: RedResponse['tier']): Promise<RedResponse> {
    return tier === 'raw'
      ? red.redFromTransactions(this.connection, query)
      : red.redFromRollups(this.connection, query);
  }

  instances(service?: string): Promise<string[]> {
    return red.names(this.connection, 'instance', service);
  }

  endpoints(service?: string): Promise<string[]> {
    return red.names(this.connection, 'endpoint', service);
  }

  deleteOlderThan(tier: RetentionTier, cutoff: number): Promise<number> {
    return dropOlderPartitions(this.connection, tier, cutoff);
  }

  /**
   * Nothing to do here: red_rollups is a SummingMergeTree, whose background merges add up the
   * rows of one key and bucket. Reported as an empty run so the retention job's figures stay true.
   */
  compactRollups(before: number): Promise<RollupCompaction> {
    return Promise.resolve({ from: before, to: before, rowsBefore: 0, rowsAfter: 0 });
  }

  async trace(traceId: string): Promise<Span[]> {
    const rows = await this.connection.rows(
      `SELECT trace_id, span_id, parent_span_id, service, name, kind, toString(start_ns) AS start_text,
              toString(duration_ns) AS duration_text, status, status_message, resource, attributes, events
       FROM spans FINAL WHERE trace_id = ${str(traceId)} ORDER BY start_ns, span_id`
    );
    return rows.map(rowToSpan);
  }

  serviceMap(from: number, to: number, apdexT: number): Promise<ServiceMapResponse> {
    return serviceMap(this.connection, from, to, apdexT);
  }

  sqlStatistics(query: Parameters<Store['sqlStatistics']>[0]): Promise<SqlStatisticsResponse> {
    return sqlStatistics(this.connection, query);
  }

  errorTypes(query: Parameters<Store['errorTypes']>[0]): Promise<ErrorTypesResponse> {
    return errorTypesFromTransactions(this.connection, query);
  }

  summary(query: Parameters<Store['summary']>[0]): Promise<SummaryResponse> {
    return summaryFromTransactions(this.connection, query);
  }

  insertThreadDump(dump: NewThreadDump): Promise<void> {
    return jvm.insertThreadDump(this.connection, dump);
  }

  insertHostSnapshot(snapshot: NewHostSnapshot): Promise<void> {
    return hostTables.insertHostSnapshot(this.connection, snapshot);
  }

  insertHeapHistogram(histogram: NewHeapHistogram): Promise<void> {
    return jvm.insertHeapHistogram(this.connection, histogram);
  }

  insertActiveSnapshot(snapshot: ActiveSnapshot, receivedAt: number): Promise<void> {
    return active.insertActiveSnapshot(this.connection, snapshot, receivedAt);
  }

  activeSnapshots(query: ActiveSnapshotQuery): Promise<ActiveSnapshot[]> {
    return active.activeSnapshots(this.connection, query);
  }

  unsettledSpans(arrivedSince: number): Promise<Span[]> {
    return active.unsettledSpans(this.connection, arrivedSince);
  }

  insertMetricPoints(points: MetricPoint[]): Promise<void> {
    return otel.insertMetricPoints(this.connection, points);
  }

  insertLogRecords(records: LogRecord[]): Promise<void> {
    return otel.insertLogRecords(this.connection, records);
  }

  /** Two inserts, not one transaction: a run whose transaction failed is still a run. */
  async insertCheckRun(run: CheckRun, transaction: Transaction): Promise<void> {
    await checks.insertCheckRun(this.connection, run);
    await this.insertBatch([], [transaction]);
  }

  checkRuns(query: CheckRunQuery): Promise<CheckRun[]> {
    return checks.checkRuns(this.connection, query);
  }

  createJvmRequest(request: NewJvmRequest): Promise<JvmRequest> {
    return this.requests.create(request);
  }

  jvmRequests(query: JvmRequestQuery, now: number): Promise<JvmRequest[]> {
    return this.requests.list(query, now);
  }

  jvmRequest(id: string, now: number): Promise<JvmRequest | undefined> {
    return this.requests.get(id, now);
  }

  claimJvmRequest(id: string, now: number): Promise<JvmRequestUpdate> {
    return this.requests.claim(id, now);
  }

  finishJvmRequest(id: string, result: JvmRequestResult, now: number): Promise<JvmRequestUpdate> {
    return this.requests.finish(id, result, now);
  }

  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    const settled = this.settleLoop?.stop();
    const written = this.writes.close();
    await settled;
    await written;
    await this.connection.close();
  }
}
