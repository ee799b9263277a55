import type {
  HeapHistogramListItem,
  HeapHistogramResponse,
  HostSnapshotListItem,
  HostSnapshotResponse,
  HostsResponse,
  JvmInstance,
  JvmListQuery,
  ThreadDumpListItem,
  ThreadDumpResponse,
} from '@osprey/model';

import { type HostSnapshotQuery, rowToHost, rowToHostSnapshot, rowToHostSnapshotListItem } from '../host-rows';
import {
  jvmInstances,
  rowToHeapHistogram,
  rowToHeapHistogramListItem,
  rowToThreadDump,
  rowToThreadDumpListItem,
} from '../jvm-rows';
import { joinSql, raw, type Row, type Sql, sql, type SqlReader } from './sql';

/** An upload's body as received, with the header it came with and when. */
export interface RawUpload {
  body: Uint8Array;
  contentType: string;
  receivedAt: number;
}

export interface RawThreadDump extends RawUpload {
  format: 'text' | 'json';
}

/** The stored captures' reads: thread dumps, heap histograms and host snapshots, the same on both engines. */
export interface CaptureReads {
  /** Newest (takenAt, then id) first. */
  threadDumps(query: JvmListQuery): Promise<ThreadDumpListItem[]>;
  threadDump(id: string): Promise<ThreadDumpResponse | undefined>;
  /** Id of the newest dump of one instance. */
  latestThreadDumpId(service: string, instance: string): Promise<string | undefined>;
  threadDumpRaw(id: string): Promise<RawThreadDump | undefined>;
  /** A histogram as uploaded (jcmd's text; the route keeps no header, its upload is text/plain). */
  heapHistogramRaw(id: string): Promise<RawUpload | undefined>;
  heapHistograms(query: JvmListQuery): Promise<HeapHistogramListItem[]>;
  heapHistogram(id: string): Promise<HeapHistogramResponse | undefined>;
  latestHeapHistogramId(service: string, instance: string): Promise<string | undefined>;
  /** JVMs that sent a dump or a histogram, sorted by service then instance. */
  jvmInstances(service?: string): Promise<JvmInstance[]>;
  /** Newest (takenAt, then id) first. */
  hostSnapshots(query: HostSnapshotQuery): Promise<HostSnapshotListItem[]>;
  hostSnapshot(id: string): Promise<HostSnapshotResponse | undefined>;
  latestHostSnapshotId(host: string): Promise<string | undefined>;
  /** Hosts that sent a snapshot, by name. */
  hosts(): Promise<HostsResponse['hosts']>;
}

/** How an engine keeps an upload's raw body: the column, and its value read back as bytes. */
export interface RawBodyColumn {
  column: string;
  read(value: unknown): Uint8Array;
}

/** A capture table: its name, the columns its list reads and the columns of one whole capture. */
interface CaptureTable {
  name: 'jvm_thread_dumps' | 'jvm_heap_histograms' | 'host_snapshots';
  list: string;
  one: string;
}

const THREAD_DUMPS: CaptureTable = {
  name: 'jvm_thread_dumps',
  list: 'id, service, instance, taken_at, received_at, format, jvm_version, summary',
  one: 'id, service, instance, taken_at, dump',
};
const HEAP_HISTOGRAMS: CaptureTable = {
  name: 'jvm_heap_histograms',
  list: 'id, service, instance, taken_at, received_at, total_bytes, total_instances, classes',
  one: 'id, service, instance, taken_at, histogram',
};
const HOST_SNAPSHOTS: CaptureTable = {
  name: 'host_snapshots',
  list: 'id, host, taken_at, received_at, processes, tcp_connections, load1, memory_available',
  one: 'id, received_at, snapshot',
};

/** `column = value` for each filter given, and `taken_at` within [from, to]. */
function listWhere(equal: Record<string, string | undefined>, from?: number, to?: number): Sql {
  const conditions = Object.entries(equal).flatMap(([column, value]) =>
    value === undefined ? [] : [sql`${raw(column)} = ${value}`]
  );
  if (from !== undefined) {
    conditions.push(sql`taken_at >= ${from}`);
  }
  if (to !== undefined) {
    conditions.push(sql`taken_at <= ${to}`);
  }
  return joinSql(conditions, ' AND ', sql`1 = 1`);
}

const jvmWhere = ({ service, instance, from, to }: JvmListQuery) => listWhere({ service, instance }, from, to);

/**
 * The capture tables' reads written once, as SQL both engines run (store/duckdb/jvm.ts,
 * duckdb/hosts.ts and clickhouse/schema.ts create the same columns; only the raw body's differs).
 */
export class CaptureTables implements CaptureReads {
  constructor(
    private readonly reader: SqlReader,
    private readonly rawBody: RawBodyColumn
  ) {}

  private async list<T>(table: CaptureTable, where: Sql, limit: number, toItem: (row: Row) => T): Promise<T[]> {
    const rows = await this.reader.rows(
      sql`SELECT ${raw(table.list)} FROM ${raw(table.name)} WHERE ${where}
          ORDER BY taken_at DESC, id DESC LIMIT ${limit}`
    );
    return rows.map(toItem);
  }

  private async one<T>(table: CaptureTable, id: string, toItem: (row: Row) => T, columns = table.one) {
    const [row] = await this.reader.rows(sql`SELECT ${raw(columns)} FROM ${raw(table.name)} WHERE id = ${id} LIMIT 1`);
    return row === undefined ? undefined : toItem(row);
  }

  private async latest(table: CaptureTable, where: Sql): Promise<string | undefined> {
    const [row] = await this.reader.rows(
      sql`SELECT id FROM ${raw(table.name)} WHERE ${where} ORDER BY taken_at DESC, id DESC LIMIT 1`
    );
    return row === undefined ? undefined : String(row.id);
  }

  threadDumps(query: JvmListQuery): Promise<ThreadDumpListItem[]> {
    return this.list(THREAD_DUMPS, jvmWhere(query), query.limit, rowToThreadDumpListItem);
  }

  threadDump(id: string): Promise<ThreadDumpResponse | undefined> {
    return this.one(THREAD_DUMPS, id, rowToThreadDump);
  }

  private rawUpload(row: Row, contentType = String(row.content_type)): RawUpload {
    return { body: this.rawBody.read(row.raw), contentType, receivedAt: Number(row.received_at) };
  }

  threadDumpRaw(id: string): Promise<RawThreadDump | undefined> {
    const toRaw = (row: Row): RawThreadDump => ({ ...this.rawUpload(row), format: row.format as 'text' | 'json' });
    return this.one(THREAD_DUMPS, id, toRaw, `${this.rawBody.column} AS raw, content_type, format, received_at`);
  }

  heapHistogramRaw(id: string): Promise<RawUpload | undefined> {
    const toRaw = (row: Row) => this.rawUpload(row, 'text/plain');
    return this.one(HEAP_HISTOGRAMS, id, toRaw, `${this.rawBody.column} AS raw, received_at`);
  }

  latestThreadDumpId(service: string, instance: string): Promise<string | undefined> {
    return this.latest(THREAD_DUMPS, listWhere({ service, instance }));
  }

  heapHistograms(query: JvmListQuery): Promise<HeapHistogramListItem[]> {
    return this.list(HEAP_HISTOGRAMS, jvmWhere(query), query.limit, rowToHeapHistogramListItem);
  }

  heapHistogram(id: string): Promise<HeapHistogramResponse | undefined> {
    return this.one(HEAP_HISTOGRAMS, id, rowToHeapHistogram);
  }

  latestHeapHistogramId(service: string, instance: string): Promise<string | undefined> {
    return this.latest(HEAP_HISTOGRAMS, listWhere({ service, instance }));
  }

  async jvmInstances(service?: string): Promise<JvmInstance[]> {
    const newest = (table: CaptureTable) =>
      this.reader.rows(
        sql`SELECT service, instance, max(taken_at) AS taken_at FROM ${raw(table.name)}
            WHERE ${listWhere({ service })} GROUP BY service, instance`
      );
    const [dumps, histograms] = await Promise.all([newest(THREAD_DUMPS), newest(HEAP_HISTOGRAMS)]);
    return jvmInstances(dumps, histograms);
  }

  hostSnapshots({ host, from, to, limit }: HostSnapshotQuery): Promise<HostSnapshotListItem[]> {
    return this.list(HOST_SNAPSHOTS, listWhere({ host }, from, to), limit, rowToHostSnapshotListItem);
  }

  hostSnapshot(id: string): Promise<HostSnapshotResponse | undefined> {
    return this.one(HOST_SNAPSHOTS, id, rowToHostSnapshot);
  }

  latestHostSnapshotId(host: string): Promise<string | undefined> {
    return this.latest(HOST_SNAPSHOTS, listWhere({ host }));
  }

  async hosts(): Promise<HostsResponse['hosts']> {
    const rows = await this.reader.rows(
      sql`SELECT host, max(taken_at) AS last_at, count(*) AS snapshots FROM host_snapshots GROUP BY host ORDER BY host`
    );
    return rows.map(rowToHost);
  }
}
