import { createClient } from '@clickhouse/client';

import type { ClickHouseConnection } from './connection';
import { str } from './sql';

/**
 * Tables of the ClickHouse store. ClickHouse 18.16 has no DateTime64 and no TTL, so times are
 * stored as the model has them (epoch ms as Float64 with the sub-ms fraction, span starts as UInt64
 * ns) and every table is partitioned by UTC day number: retention drops whole partitions.
 *
 * Rows that settling rewrites (transactions, edges) and rows an ingest retry may send twice
 * (spans) are ReplacingMergeTree keyed by their identity and read with FINAL, because ClickHouse
 * has no cheap UPDATE: a rewrite is an insert with a higher version. Sharding keys put every row
 * of a trace on one shard, so FINAL and the per-trace joins of settling see all versions locally.
 */
export interface TableSpec {
  name: string;
  columns: string;
  engine: string;
  partition: string;
  order: string;
  /** Distributed sharding expression. */
  shardKey: string;
}

const MS_DAY = 86_400_000;
const NS_DAY = '86400000000000';

/** What every dump and histogram row has, which the capture reads select (jvm-rows.ts jvmCapture). */
const CAPTURE_COLUMNS = 'id String, service String, instance String, taken_at Float64, received_at Float64';

export const TABLES: TableSpec[] = [
  {
    name: 'spans',
    columns: `trace_id String, span_id String, parent_span_id Nullable(String), service String, name String,
      kind String, start_ns UInt64, duration_ns UInt64, status String, status_message Nullable(String),
      resource String, attributes String, events String`,
    engine: 'ReplacingMergeTree',
    partition: `intDiv(start_ns, ${NS_DAY})`,
    order: 'trace_id, span_id',
    shardKey: 'cityHash64(trace_id)',
  },
  {
    name: 'transactions',
    columns: `end_time Float64, elapsed Float64, service String, instance String, endpoint String, status String,
      http_status Nullable(Int32), error_type Nullable(String), error_message Nullable(String), trace_id String,
      span_id String, parent_service Nullable(String), user_id Nullable(String), client_ip Nullable(String),
      sql_count Int32, sql_time Float64, api_call_count Int32, api_call_time Float64, kind String,
      thread_name Nullable(String), cpu_time Nullable(Float64), version UInt64`,
    engine: 'ReplacingMergeTree(version)',
    partition: `intDiv(toInt64(end_time), ${MS_DAY})`,
    // The XLOG path: one service's window by end time; trace/span make the row identity for FINAL.
    order: 'service, end_time, trace_id, span_id',
    shardKey: 'cityHash64(trace_id)',
  },
  {
    name: 'red_rollups',
    columns: `service String, instance String, endpoint String, minute Float64, bucket UInt16, count UInt32, errors UInt32`,
    // Background merges sum the rows of one key and bucket: the compaction the DuckDB store runs itself.
    engine: 'SummingMergeTree((count, errors))',
    partition: `intDiv(toInt64(minute), ${MS_DAY})`,
    order: 'service, instance, endpoint, minute, bucket',
    shardKey: 'rand()',
  },
  {
    name: 'settle_pending',
    columns: 'trace_id String, span_id String, start_ns UInt64, arrived Float64',
    // Settling reads only recent arrivals: ordered by arrival time, a tick reads a small range of
    // the primary index, not the day. A resent batch adds rows for the same spans: harmless.
    engine: 'MergeTree',
    partition: `intDiv(toInt64(arrived), ${MS_DAY})`,
    order: 'arrived, trace_id',
    shardKey: 'cityHash64(trace_id)',
  },
  {
    // `through`: the newest arrival a settle run of this trace covered; later arrivals are unsettled.
    name: 'settle_done',
    columns: 'trace_id String, through Float64',
    engine: 'MergeTree',
    partition: `intDiv(toInt64(through), ${MS_DAY})`,
    order: 'through, trace_id',
    shardKey: 'cityHash64(trace_id)',
  },
  {
    // One row per trace, minute, edge and bucket, recomputed from all of the trace's spans at each
    // settle: a second settle (or a second backend settling concurrently) replaces, never adds.
    name: 'servicemap_edges',
    columns: `trace_id String, minute Float64, source String, target String, target_type String, target_name String,
      db_system Nullable(String), bucket Int32, calls Int64, errors Int64, version Float64`,
    engine: 'ReplacingMergeTree(version)',
    partition: `intDiv(toInt64(minute), ${MS_DAY})`,
    order: 'minute, source, target, bucket, trace_id',
    shardKey: 'cityHash64(trace_id)',
  },
  {
    // Per trace like servicemap_edges (sqlstats.ts): instance and endpoint are the transaction's.
    name: 'sql_stats',
    columns: `trace_id String, minute Float64, service String, instance String, endpoint String, stmt_key String,
      db_system String, db_name String, statement String, bucket Int32, calls Int64, errors Int64, total_ms Float64,
      max_ms Float64, rows_sum Int64, row_calls Int64, version Float64`,
    engine: 'ReplacingMergeTree(version)',
    partition: `intDiv(toInt64(minute), ${MS_DAY})`,
    order: 'minute, service, stmt_key, bucket, instance, endpoint, trace_id',
    shardKey: 'cityHash64(trace_id)',
  },
  {
    name: 'jvm_thread_dumps',
    columns: `${CAPTURE_COLUMNS}, format String, jvm_version Nullable(String), summary String, dump String,
      raw_base64 String, content_type String`,
    engine: 'MergeTree',
    partition: `intDiv(toInt64(taken_at), ${MS_DAY})`,
    order: 'service, instance, taken_at, id',
    shardKey: 'cityHash64(service, instance)',
  },
  {
    name: 'jvm_heap_histograms',
    columns: `${CAPTURE_COLUMNS}, total_bytes Float64, total_instances Float64, classes Int32, histogram String,
      raw_base64 String`,
    engine: 'MergeTree',
    partition: `intDiv(toInt64(taken_at), ${MS_DAY})`,
    order: 'service, instance, taken_at, id',
    shardKey: 'cityHash64(service, instance)',
  },
  {
    name: 'host_snapshots',
    columns: `id String, host String, taken_at Float64, received_at Float64, processes Int32, tcp_connections Int32,
      load1 Float64, memory_available Float64, snapshot String`,
    engine: 'MergeTree',
    partition: `intDiv(toInt64(taken_at), ${MS_DAY})`,
    order: 'host, taken_at, id',
    shardKey: 'cityHash64(host)',
  },
  {
    // One row per transition of a capture request, never rewritten (see jvm-requests.ts). Partitioned
    // by the request's day, not the transition's, so retention drops a request with all its rows.
    name: 'jvm_requests',
    columns: `id String, service String, instance String, kind String, requested_at Float64, status String,
      at Float64, result_id Nullable(String), error Nullable(String), attempt String`,
    engine: 'MergeTree',
    partition: `intDiv(toInt64(requested_at), ${MS_DAY})`,
    order: 'id, at',
    shardKey: 'cityHash64(id)',
  },
  {
    // One insert per OTLP batch (see otel.ts), never rewritten.
    name: 'otel_metric_points',
    columns: `service String, instance String, name String, unit String, kind String, time_ms Float64,
      start_ms Nullable(Float64), temporality String, monotonic Nullable(UInt8), attributes String,
      value Nullable(Float64), count Nullable(Float64), sum Nullable(Float64), min Nullable(Float64),
      max Nullable(Float64), buckets Nullable(String)`,
    engine: 'MergeTree',
    partition: `intDiv(toInt64(time_ms), ${MS_DAY})`,
    order: 'name, service, instance, time_ms',
    shardKey: 'cityHash64(service, instance)',
  },
  {
    name: 'log_records',
    columns: `id String, time_ms Float64, service String, instance String, severity_number Int32,
      severity_text String, body String, attributes String, trace_id Nullable(String), span_id Nullable(String)`,
    engine: 'MergeTree',
    partition: `intDiv(toInt64(time_ms), ${MS_DAY})`,
    order: 'service, time_ms, id',
    shardKey: 'cityHash64(id)',
  },
  {
    // Synthetic check runs (checks.ts), one row each; read by time window, optionally of one check.
    name: 'check_runs',
    columns: `check_name String, kind String, url String, location String, started_at Float64, duration Float64,
      up UInt8, dns Nullable(Float64), connect Nullable(Float64), tls Nullable(Float64), first_byte Nullable(Float64),
      http_status Nullable(Int32), failure Nullable(String), message Nullable(String)`,
    engine: 'MergeTree',
    partition: `intDiv(toInt64(started_at), ${MS_DAY})`,
    order: 'check_name, started_at',
    shardKey: 'cityHash64(check_name)',
  },
  {
    // How far each backend's ingest log is loaded; the highest position wins (read with max()).
    name: 'ingest_log_positions',
    columns: 'log_id String, position UInt64',
    engine: 'ReplacingMergeTree(position)',
    partition: 'tuple()',
    order: 'log_id',
    shardKey: 'cityHash64(log_id)',
  },
  {
    // One row per instance after merges: the newest snapshot by takenAt (see active.ts).
    name: 'active_snapshots',
    columns: 'service String, instance String, taken_at Float64, received_at Float64, requests String',
    engine: 'ReplacingMergeTree(taken_at)',
    partition: 'tuple()',
    order: 'service, instance',
    shardKey: 'cityHash64(service, instance)',
  },
];

const LOCAL_SUFFIX = '_local';

/** The MergeTree holding a table's rows on the server a backend talks to: `<name>_local` on a cluster. */
export function localTable(name: string, cluster: string | undefined): string {
  return cluster === undefined ? name : `${name}${LOCAL_SUFFIX}`;
}

/** The spec of a table, by its own name or its cluster-local one (the same columns). */
export function tableSpec(table: string): TableSpec | undefined {
  const name = table.endsWith(LOCAL_SUFFIX) ? table.slice(0, -LOCAL_SUFFIX.length) : table;
  return TABLES.find((t) => t.name === name);
}

/** The DDL that creates one table: a MergeTree, or its `_local` MergeTree plus a Distributed over the cluster. */
export function createStatements(table: TableSpec, database: string, cluster: string | undefined): string[] {
  const local = localTable(table.name, cluster);
  const statements = [
    `CREATE TABLE IF NOT EXISTS ${local} (${table.columns})
     ENGINE = ${table.engine} PARTITION BY ${table.partition} ORDER BY (${table.order})`,
  ];
  if (cluster !== undefined) {
    statements.push(
      `CREATE TABLE IF NOT EXISTS ${table.name} AS ${local}
       ENGINE = Distributed(${str(cluster)}, ${str(database)}, ${str(local)}, ${table.shardKey})`
    );
  }
  return statements;
}

/** Creates the database and every table that is missing; safe to run from every backend at start. */
export async function migrate(connection: ClickHouseConnection): Promise<void> {
  const { database, cluster } = connection.target;
  // The store's client names the database in every request, so it cannot be the one creating it.
  const bootstrap = createClient({ url: connection.target.url });
  try {
    await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database)}` });
  } finally {
    await bootstrap.close();
  }
  for (const table of TABLES) {
    for (const statement of createStatements(table, database, cluster)) {
      await connection.command(statement);
    }
  }
}

/** A back-quoted identifier: the database name comes from configuration. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/[\\`]/g, (c) => `\\${c}`)}\``;
}
