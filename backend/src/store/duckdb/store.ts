import { mkdirSync } from 'node:fs';
import path from 'node:path';

import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type {
  ActiveSnapshot,
  CheckRun,
  CheckRunQuery,
  JvmRequest,
  JvmRequestResult,
  LogRecord,
  MetricPoint,
  ServiceMapResponse,
  RedQuery,
  RedResponse,
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

import * as hostTables from './hosts';
import * as jvm from './jvm';
import { DuckDbJvmRequests } from './jvm-requests';
import * as active from './active';
import * as otel from './otel';
import * as checks from './checks';
import * as hierarchy from './hierarchy';
import * as red from './red';
import { errorTypesFromTransactions } from './errortypes';
import { summaryFromTransactions } from './summary';
import { serviceMap } from './servicemap';
import { compactSqlStats, sqlStatistics } from './sqlstats';
import * as settle from './settle';
import { ParentLinker } from './links';
import { ResourceDictionary } from './resources';
import { deleteOlderThan } from './retention';
import { loadedLogPosition } from './log-position';
import { transactionDensity, transactionWhere } from './transactions';
import { transactionWindow } from './window';
import { type Backlog, DEFAULT_MAX_QUEUED_ITEMS } from '../overload';
import { commitGroup, insertOtherRows, type PendingBatch } from './commit';
import { DEFAULT_SETTLE_MS, type DuckDbStoreOptions, WAL_CHECKPOINT } from './options';
import { itemCount } from '../shared/batch';
import { createSchema } from './schema';
import { rowToSpan } from '../shared/span-row';
import { WriteQueue } from '../shared/write-queue';
import { SettleLoop, type SettleRule, settleRule } from '../shared/settle-loop';
import { bindReads, HEALTH_READS, OTEL_READS } from '../shared/bind';
import { type CaptureReads, CaptureTables } from '../shared/capture-reads';
import { DUCKDB_RAW_BODY, duckDbReader } from './sql';
import { DEFAULT_SETTLE_MEMORY, type SettleMemory } from '../settle-memory';
import { type DensityRead, transactionsAnswer, windowAnswer } from '../transaction-answers';
import type { WindowAnswer, WindowQuery } from '../window';
import {
  type ActiveSnapshotQuery,
  type HealthReads,
  type OtelReads,
  type JvmRequestQuery,
  type JvmRequestUpdate,
  type LogPosition,
  type NewHeapHistogram,
  type NewJvmRequest,
  type NewThreadDump,
  type OtherRows,
  type RetentionTier,
  type RollupCompaction,
  type Store,
} from '../store';

export { DEFAULT_SETTLE_MS, type DuckDbStoreOptions, WAL_CHECKPOINT } from './options';

/**
 * The embedded store: one DuckDB file `<dataDir>/osprey.duckdb`.
 *
 * Writes go through a single writer connection. Batches that arrive while a commit is running
 * wait in a queue and are then written together in one transaction (group commit), so many small
 * OTLP exports cost one commit. If a group fails, its batches are retried one by one so a bad
 * batch fails alone. Reads use their own connection and see only committed data.
 *
 * The queue is bounded by the spans + rows it holds (including the group being committed): an
 * ingest write that would go past `maxQueuedItems` is refused with OverloadedError, so a burst
 * costs the senders a retry instead of the process its memory. A batch larger than the whole bound
 * is still taken when nothing waits, or it could never be stored.
 */
export class DuckDbStore implements Store {
  readonly kind = 'duckdb';
  readonly otel: OtelReads;
  readonly health: HealthReads;
  readonly captures: CaptureReads;
  private readonly writes: WriteQueue<PendingBatch>;
  private closed = false;
  private readonly settleRule: SettleRule;
  private readonly settleLoop: SettleLoop | undefined;
  private readonly requests = new DuckDbJvmRequests((statements) => this.write(statements));
  /** Connections of window answers still streaming; closed with the store. */
  private readonly windowReads = new Set<DuckDBConnection>();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
    private readonly reader: DuckDBConnection,
    private readonly links: ParentLinker,
    private readonly resources: ResourceDictionary,
    private readonly settleMemory: SettleMemory,
    options: DuckDbStoreOptions
  ) {
    this.captures = new CaptureTables(duckDbReader(reader), DUCKDB_RAW_BODY);
    this.otel = bindReads(reader, otel, OTEL_READS);
    this.health = bindReads(reader, hierarchy, HEALTH_READS);
    this.writes = new WriteQueue<PendingBatch>({
      maxQueuedItems: options.maxQueuedItems ?? DEFAULT_MAX_QUEUED_ITEMS,
      commit: (group) => this.commit(group),
      retryAlone: true,
    });
    this.settleRule = settleRule(options.settleMs ?? DEFAULT_SETTLE_MS);
    if (options.autoSettle !== false) {
      this.settleLoop = new SettleLoop(() => this.settleDue(), this.settleRule, options.onSettleError);
    }
  }

  static async open(dataDir: string, options: DuckDbStoreOptions = {}): Promise<DuckDbStore> {
    mkdirSync(dataDir, { recursive: true });
    const instance = await DuckDBInstance.create(path.join(dataDir, 'osprey.duckdb'), {
      wal_autocheckpoint: options.walCheckpoint ?? WAL_CHECKPOINT,
    });
    const writer = await instance.connect();
    await createSchema(writer, instance);
    const reader = await instance.connect();
    return new DuckDbStore(
      instance,
      writer,
      reader,
      await ParentLinker.load(writer),
      await ResourceDictionary.load(writer),
      await settle.loadSettleMemory(writer, {
        ...DEFAULT_SETTLE_MEMORY,
        maxSpans: options.settleMemorySpans ?? DEFAULT_SETTLE_MEMORY.maxSpans,
      }),
      options
    );
  }

  /** Settles the traces due as of `now` (epoch ms) through the writer queue; resolves with how many. */
  settleDue(now = Date.now()): Promise<number> {
    let run: settle.SettleRun | undefined;
    // Alone: memory learns a group's spans only after its COMMIT, so a run grouped with them would
    // delete their pending rows without having counted them.
    return this.write(
      async (writer) => {
        run = await settle.settleDue(writer, this.settleMemory, now, this.settleRule);
        return run.settled;
      },
      0,
      { alone: true, committed: () => run?.committed() }
    );
  }

  /** Traces settled since open, from memory and from the database (see settle-memory.ts). */
  settledFrom(): { memory: number; database: number } {
    return { ...this.settleMemory.settledFrom };
  }

  insertBatch(spans: Span[], transactions: Transaction[], position?: LogPosition, others?: OtherRows): Promise<void> {
    const items = spans.length + transactions.length + (others === undefined ? 0 : itemCount(others));
    if (items === 0 && position === undefined) {
      return this.closed ? Promise.reject(new Error('store is closed')) : Promise.resolve();
    }
    const statements = others && ((writer: DuckDBConnection) => insertOtherRows(writer, others));
    return new Promise((resolve, reject) => {
      this.writes.enqueue({ spans, transactions, position, statements, items, resolve, reject }, true);
    });
  }

  loadedLogPosition(logId: string): Promise<number> {
    return loadedLogPosition(this.reader, logId);
  }

  backlog(): Backlog {
    return this.writes.backlog();
  }

  /**
   * Runs `statements` through the writer queue, in a group-committed transaction, and resolves with
   * what they returned once committed. If the group fails they run again alone (after the rollback),
   * so they must only depend on the database. `ingestRows` > 0 makes it an ingest write, subject to
   * the queue bound; control writes (capture requests) are tiny and always taken.
   */
  private write<T>(
    statements: (writer: DuckDBConnection) => Promise<T>,
    ingestRows = 0,
    hooks: Pick<PendingBatch, 'alone' | 'committed'> = {}
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let result: T;
      this.writes.enqueue(
        {
          spans: [],
          transactions: [],
          statements: async (writer) => {
            result = await statements(writer);
          },
          items: ingestRows,
          ...hooks,
          resolve: () => resolve(result),
          reject,
        },
        ingestRows > 0
      );
    });
  }

  private commit(group: PendingBatch[]): Promise<void> {
    const { writer, resources, links, settleMemory } = this;
    return commitGroup({ writer, resources, links, settleMemory }, group);
  }

  async services(): Promise<string[]> {
    const result = await this.reader.runAndReadAll('SELECT DISTINCT service FROM spans ORDER BY service');
    return result.getRowObjectsJS().map((row) => String(row.service));
  }

  transactions(query: TransactionQuery & { limit: number }): Promise<TransactionsResponse> {
    return transactionsAnswer(query, this.density(query), async (limit) => {
      const { where, values } = transactionWhere(query);
      const result = await this.reader.runAndReadAll(
        `SELECT * EXCLUDE (end_us, trace_id, span_id), end_us / 1000 AS end_time,
                  printf('%032x', trace_id) AS trace_id, printf('%016x', span_id) AS span_id
           FROM transactions
           WHERE ${where} ORDER BY end_us DESC LIMIT $limit`,
        { ...values, limit }
      );
      return result.getRowObjectsJS();
    });
  }

  transactionWindow(query: WindowQuery, columns: readonly TransactionColumn[]): Promise<WindowAnswer> {
    return windowAnswer(query, this.density(query), async () => {
      // Its own connection: a streaming result is invalidated by the next query on its connection.
      const connection = await this.instance.connect();
      this.windowReads.add(connection);
      return transactionWindow(connection, query, columns, () => {
        this.windowReads.delete(connection);
        connection.closeSync();
      });
    });
  }

  /** The grid of the query's window, at the size the answer asks for. */
  private density(query: TransactionQuery): DensityRead {
    return (timeBuckets, elapsedBuckets) => transactionDensity(this.reader, query, timeBuckets, elapsedBuckets);
  }

  red(query: RedQuery, tier: RedResponse['tier']): Promise<RedResponse> {
    return tier === 'raw' ? red.redFromTransactions(this.reader, query) : red.redFromRollups(this.reader, query);
  }

  instances(service?: string): Promise<string[]> {
    return red.names(this.reader, 'instance', service);
  }

  endpoints(service?: string): Promise<string[]> {
    return red.names(this.reader, 'endpoint', service);
  }

  deleteOlderThan(tier: RetentionTier, cutoff: number, limit: number): Promise<number> {
    if (tier === 'spans') {
      // From now on memory may hold spans the database no longer has: those traces settle from the database.
      this.settleMemory.spansDeletedBefore(BigInt(Math.ceil(cutoff)) * BigInt(1_000_000));
    }
    return this.write((writer) => deleteOlderThan(writer, tier, cutoff, limit));
  }

  compactRollups(before: number): Promise<RollupCompaction> {
    return this.write(async (writer) => {
      const compaction = await red.compactRollups(writer, before);
      await compactSqlStats(writer, compaction.from, compaction.to);
      return compaction;
    });
  }

  async trace(traceId: string): Promise<Span[]> {
    const result = await this.reader.runAndReadAll(
      `SELECT s.*, s.start_ns::VARCHAR AS start_text, s.duration_ns::VARCHAR AS duration_text, r.resource
       FROM spans AS s JOIN span_resources AS r ON r.id = s.resource_id
       WHERE s.trace_id = $traceId ORDER BY s.start_ns, s.span_id`,
      { traceId }
    );
    return result.getRowObjectsJS().map(rowToSpan);
  }

  serviceMap(from: number, to: number, apdexT: number): Promise<ServiceMapResponse> {
    return serviceMap(this.reader, from, to, apdexT);
  }

  sqlStatistics(query: Parameters<Store['sqlStatistics']>[0]): Promise<SqlStatisticsResponse> {
    return sqlStatistics(this.reader, query);
  }

  errorTypes(query: Parameters<Store['errorTypes']>[0]): Promise<ErrorTypesResponse> {
    return errorTypesFromTransactions(this.reader, query);
  }

  summary(query: Parameters<Store['summary']>[0]): Promise<SummaryResponse> {
    return summaryFromTransactions(this.reader, query);
  }

  insertThreadDump(dump: NewThreadDump): Promise<void> {
    return this.write((writer) => jvm.insertThreadDump(writer, dump), 1);
  }

  insertHostSnapshot(snapshot: NewHostSnapshot): Promise<void> {
    return this.write((writer) => hostTables.insertHostSnapshot(writer, snapshot), 1);
  }

  insertHeapHistogram(histogram: NewHeapHistogram): Promise<void> {
    return this.write((writer) => jvm.insertHeapHistogram(writer, histogram), 1);
  }

  insertActiveSnapshot(snapshot: ActiveSnapshot, receivedAt: number): Promise<void> {
    return this.write((writer) => active.insertActiveSnapshot(writer, snapshot, receivedAt), 1);
  }

  activeSnapshots(query: ActiveSnapshotQuery): Promise<ActiveSnapshot[]> {
    return active.activeSnapshots(this.reader, query);
  }

  unsettledSpans(arrivedSince: number): Promise<Span[]> {
    return Promise.resolve(this.settleMemory.heldSpansArrivedSince(arrivedSince));
  }

  insertMetricPoints(points: MetricPoint[]): Promise<void> {
    return this.write((writer) => otel.insertMetricPoints(writer, points), Math.max(1, points.length));
  }

  insertLogRecords(records: LogRecord[]): Promise<void> {
    return this.write((writer) => otel.insertLogRecords(writer, records), Math.max(1, records.length));
  }

  /** The run and its XLOG transaction commit together. */
  insertCheckRun(run: CheckRun, transaction: Transaction): Promise<void> {
    return new Promise((resolve, reject) => {
      const statements = (writer: DuckDBConnection) => checks.insertCheckRun(writer, run);
      this.writes.enqueue({ spans: [], transactions: [transaction], statements, items: 2, resolve, reject }, true);
    });
  }

  checkRuns(query: CheckRunQuery): Promise<CheckRun[]> {
    return checks.checkRuns(this.reader, query);
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
    for (const connection of this.windowReads) {
      connection.interrupt();
      connection.closeSync();
    }
    this.reader.closeSync();
    this.writer.closeSync();
    this.instance.closeSync();
  }
}
