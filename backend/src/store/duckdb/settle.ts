import { BIGINT, DOUBLE, type DuckDBConnection, INTEGER, UBIGINT } from '@duckdb/node-api';
import type { Attributes, Span, SpanKind, SpanStatus } from '@osprey/model';

import type { EdgeRollup } from '../../derive/servicemap';
import { type SettledTransaction, type Settlement, settle, settleWindow, TRACE_SPREAD_NS } from '../../derive/settle';
import { spanKey } from '../../derive/transactions';
import { appendRows } from './append';
import { appendColumns } from './chunks';
import { appendSqlStats } from './sqlstats';
import { msToMicros } from '../micros';
import type { SettleRule } from '../shared/settle-loop';
import { MAX_AHEAD_TRACES, SettleMemory, type SettleMemoryOptions } from '../settle-memory';

/**
 * Settling state and the service-map rollups it produces.
 *
 * `settle_pending` holds one row per stored span not yet settled, written in the same transaction
 * as the span itself, so after a crash every unsettled trace is still known and settles after the
 * restart. A settle run deletes the rows of the traces it settled in the same transaction that
 * updates their transactions and appends their edge rollups: a trace is settled exactly once per
 * arrival of spans, never half. Which traces are due, and most traces' spans, come from memory
 * (settle-memory.ts), rebuilt from this table at open.
 *
 * `servicemap_edges` keeps per-minute (source, target, latency bucket) call and error counts; it
 * is not tied to the raw spans, so it outlives their retention.
 */
export const SETTLE_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS settle_pending (
    trace_id VARCHAR NOT NULL,
    span_id VARCHAR NOT NULL,
    start_ns UBIGINT NOT NULL,
    arrived DOUBLE NOT NULL
  )`,
  // A run's traces and recomputed figures, appended rather than bound as list parameters: binding
  // lists of a few thousand values cost 4× the whole UPDATE. Temporary: the writer's own, not logged.
  `CREATE TEMP TABLE IF NOT EXISTS settle_run_traces (
    trace_id VARCHAR NOT NULL,
    from_database BOOLEAN NOT NULL
  )`,
  `CREATE TEMP TABLE IF NOT EXISTS settle_run_figures (
    trace_id VARCHAR NOT NULL,
    span_id VARCHAR NOT NULL,
    sql_count INTEGER NOT NULL,
    sql_time DOUBLE NOT NULL,
    api_call_count INTEGER NOT NULL,
    api_call_time DOUBLE NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS servicemap_edges (
    minute DOUBLE NOT NULL,
    source VARCHAR NOT NULL,
    target VARCHAR NOT NULL,
    target_type VARCHAR NOT NULL,
    target_name VARCHAR NOT NULL,
    db_system VARCHAR,
    bucket INTEGER NOT NULL,
    calls BIGINT NOT NULL,
    errors BIGINT NOT NULL
  )`,
];

const NANOS_PER_MS = BigInt(1_000_000);
const UINT64_MAX = (BigInt(1) << BigInt(64)) - BigInt(1);

/** Records the arrival of spans (epoch ms); runs inside the ingest group's transaction. */
export function recordArrivals(writer: DuckDBConnection, spans: Span[], arrived: number): Promise<void> {
  return appendColumns(writer, 'settle_pending', spans, [
    (span) => span.traceId,
    (span) => span.spanId,
    (span) => BigInt(span.startTimeUnixNano),
    () => arrived,
  ]);
}

/** Memory of the unsettled traces as `settle_pending` and `spans` hold them at open (see settle-memory.ts). */
export async function loadSettleMemory(
  writer: DuckDBConnection,
  options?: SettleMemoryOptions,
  now = Date.now()
): Promise<SettleMemory> {
  const aheadOf = BigInt(Math.floor(now)) * NANOS_PER_MS + TRACE_SPREAD_NS;
  const aheadRows = await writer.runAndReadAll(
    'SELECT DISTINCT trace_id FROM spans WHERE start_ns > $aheadOf LIMIT $limit',
    { aheadOf, limit: MAX_AHEAD_TRACES + 1 },
    { aheadOf: UBIGINT, limit: INTEGER }
  );
  let ahead = aheadRows.getRowsJS().map(([traceId]) => String(traceId));
  // Too many traces from clocks ahead to remember: they raise the floor, blunt but never wrong.
  const bound = ahead.length > MAX_AHEAD_TRACES ? UINT64_MAX : aheadOf;
  ahead = ahead.length > MAX_AHEAD_TRACES ? [] : ahead;
  const newest = await writer.runAndReadAll(
    'SELECT max(start_ns) FROM spans WHERE start_ns <= $bound',
    { bound },
    {
      bound: UBIGINT,
    }
  );
  const openedMax = newest.getRowsJS()[0][0];
  const memory = new SettleMemory(
    openedMax === null || openedMax === undefined ? undefined : BigInt(openedMax as bigint),
    options,
    ahead
  );
  const pending = await writer.runAndReadAll(
    `SELECT trace_id, min(arrived), max(arrived), min(start_ns), max(start_ns)
     FROM settle_pending GROUP BY trace_id ORDER BY min(arrived), trace_id`
  );
  for (const [traceId, first, last, minStart, maxStart] of pending.getRowsJS()) {
    memory.restore(
      String(traceId),
      Number(first),
      Number(last),
      BigInt(minStart as bigint),
      BigInt(maxStart as bigint)
    );
  }
  return memory;
}

/** What a settle run did: how many traces it settled, and what to tell memory once it committed. */
export interface SettleRun {
  settled: number;
  committed: () => void;
}

/**
 * Settles the traces that are due: recomputes the sql/api figures of their transactions from every
 * stored span and appends the edge and SQL-statistics rollups of their newly arrived client spans. Traces memory holds
 * whole settle from memory, the others from `spans` and `settle_pending` (settle-memory.ts says
 * which). Must run inside a write transaction of its own (no spans stored in it); `committed`
 * must be called once it committed.
 */
export async function settleDue(
  writer: DuckDBConnection,
  memory: SettleMemory,
  now: number,
  rule: SettleRule
): Promise<SettleRun> {
  const due = memory.due(now, rule);
  const traces = [...due.fromMemory, ...due.fromDatabase];
  if (traces.length === 0) {
    return { settled: 0, committed: () => undefined };
  }
  await appendRows(
    writer,
    'settle_run_traces',
    traces,
    (appender, entry, i) => {
      appender.appendVarchar(entry.traceId);
      appender.appendBoolean(i >= due.fromMemory.length);
    },
    { temp: true }
  );
  const fromMemory = settle(
    due.fromMemory.flatMap((entry) => entry.spans!),
    'all'
  );
  const fromDatabase = due.fromDatabase.length > 0 ? await settleFromDatabase(writer) : undefined;
  const txs = fromDatabase ? [...fromMemory.transactions, ...fromDatabase.transactions] : fromMemory.transactions;
  const edges = fromDatabase ? [...fromMemory.edges, ...fromDatabase.edges] : fromMemory.edges;
  const sql = fromDatabase ? [...fromMemory.sql, ...fromDatabase.sql] : fromMemory.sql;

  const last = Math.max(...traces.map((entry) => entry.last));
  if (txs.length > 0) {
    await appendRows(
      writer,
      'settle_run_figures',
      txs,
      (appender, tx) => {
        appender.appendVarchar(tx.traceId);
        appender.appendVarchar(tx.spanId);
        appender.appendInteger(tx.sqlCount);
        appender.appendDouble(tx.sqlTime);
        appender.appendInteger(tx.apiCallCount);
        appender.appendDouble(tx.apiCallTime);
      },
      { temp: true }
    );
    // Only rows whose figures change are rewritten: when a batch held a whole request they are already
    // right. Each row ended when its entry span did, so the scan stays within the run's entries' end
    // times (zonemaps skip the rest) instead of every transaction since the earliest start − 1 h.
    const ends = endWindowMicros(txs);
    await writer.run(
      `UPDATE transactions AS t
       SET sql_count = u.sql_count, sql_time = u.sql_time,
           api_call_count = u.api_call_count, api_call_time = u.api_call_time
       FROM settle_run_figures AS u
       WHERE t.end_us BETWEEN $fromUs AND $toUs
         AND t.trace_id = hex_trace_id(u.trace_id) AND t.span_id = hex_span_id(u.span_id)
         AND (t.sql_count <> u.sql_count OR t.sql_time <> u.sql_time
              OR t.api_call_count <> u.api_call_count OR t.api_call_time <> u.api_call_time)`,
      { fromUs: ends.from, toUs: ends.to },
      { fromUs: BIGINT, toUs: BIGINT }
    );
    await writer.run('DELETE FROM settle_run_figures');
  }
  await appendEdges(writer, edges);
  await appendSqlStats(writer, sql);
  // Every pending row of these traces arrived by `last`: newer row groups need no look.
  await writer.run(
    'DELETE FROM settle_pending WHERE arrived <= $last AND trace_id IN (SELECT trace_id FROM settle_run_traces)',
    { last },
    { last: DOUBLE }
  );
  await writer.run('DELETE FROM settle_run_traces');
  return { settled: traces.length, committed: () => memory.forget(due) };
}

/**
 * Settles from the database: the unsettled spans from `settle_pending`, and each trace's stored
 * spans starting within TRACE_SPREAD_NS of its own unsettled ones.
 */
async function settleFromDatabase(writer: DuckDBConnection): Promise<Settlement> {
  const pending = await writer.runAndReadAll(
    `SELECT trace_id, span_id, start_ns FROM settle_pending
     WHERE trace_id IN (SELECT trace_id FROM settle_run_traces WHERE from_database)`
  );
  const fresh = new Set<string>();
  const windows = new Map<string, { lo: bigint; hi: bigint }>();
  for (const [traceId, spanId, startNs] of pending.getRowsJS()) {
    const trace = String(traceId);
    const start = BigInt(startNs as bigint);
    fresh.add(spanKey(trace, String(spanId)));
    const window = windows.get(trace);
    if (window === undefined) {
      windows.set(trace, { lo: start, hi: start });
    } else {
      window.lo = start < window.lo ? start : window.lo;
      window.hi = start > window.hi ? start : window.hi;
    }
  }
  if (windows.size === 0) {
    return { transactions: [], edges: [], sql: [] };
  }
  const traceWindows = new Map<string, { from: bigint; to: bigint }>();
  let from: bigint | undefined;
  let to: bigint | undefined;
  for (const [trace, { lo, hi }] of windows) {
    const window = settleWindow(lo, hi);
    traceWindows.set(trace, window);
    from = from === undefined || window.from < from ? window.from : from;
    to = to === undefined || window.to > to ? window.to : to;
  }
  const spans = await readSpans(writer, from!, to!, (traceId, start) => {
    const window = traceWindows.get(traceId)!;
    return start >= window.from && start <= window.to;
  });
  return settle(spans, fresh);
}

/** The columns settling needs of the spans `inWindow` keeps; resource and events stay in the table. */
async function readSpans(
  writer: DuckDBConnection,
  from: bigint,
  to: bigint,
  inWindow: (traceId: string, start: bigint) => boolean
): Promise<Span[]> {
  const result = await writer.runAndReadAll(
    `SELECT trace_id, span_id, parent_span_id, service, name, kind, start_ns, duration_ns, status, attributes
     FROM spans
     WHERE trace_id IN (SELECT trace_id FROM settle_run_traces WHERE from_database)
       AND start_ns BETWEEN $from AND $to`,
    { from, to },
    { from: UBIGINT, to: UBIGINT }
  );
  const spans: Span[] = [];
  for (const [traceId, spanId, parent, service, name, kind, start, duration, status, attrs] of result.getRowsJS()) {
    if (!inWindow(String(traceId), BigInt(start as bigint))) {
      continue;
    }
    const span: Span = {
      traceId: String(traceId),
      spanId: String(spanId),
      name: String(name),
      kind: kind as SpanKind,
      startTimeUnixNano: String(start),
      durationNano: String(duration),
      status: status as SpanStatus,
      service: String(service),
      resource: {},
      attributes: JSON.parse(String(attrs)) as Attributes,
      events: [],
    };
    if (parent !== null && parent !== undefined) {
      span.parentSpanId = String(parent);
    }
    spans.push(span);
  }
  return spans;
}

async function appendEdges(writer: DuckDBConnection, edges: EdgeRollup[]): Promise<void> {
  if (edges.length === 0) {
    return;
  }
  await appendRows(writer, 'servicemap_edges', edges, (appender, edge) => {
    appender.appendDouble(edge.minute);
    appender.appendVarchar(edge.source);
    appender.appendVarchar(edge.target.id);
    appender.appendVarchar(edge.target.type);
    appender.appendVarchar(edge.target.name);
    if (edge.target.dbSystem === undefined) {
      appender.appendNull();
    } else {
      appender.appendVarchar(edge.target.dbSystem);
    }
    appender.appendInteger(edge.bucket);
    appender.appendBigInt(BigInt(edge.calls));
    appender.appendBigInt(BigInt(edge.errors));
  });
}

/**
 * The stored `end_us` range of settled transactions: their rows were appended with msToMicros of
 * the same endTime, widened by a microsecond each side against rounding the double differently.
 */
export function endWindowMicros(txs: readonly SettledTransaction[]): { from: bigint; to: bigint } {
  let from = Infinity;
  let to = -Infinity;
  for (const tx of txs) {
    const us = msToMicros(tx.endTime);
    from = Math.min(from, us);
    to = Math.max(to, us);
  }
  return { from: BigInt(from - 1), to: BigInt(to + 1) };
}
