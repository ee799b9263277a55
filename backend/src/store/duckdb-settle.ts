import { DOUBLE, type DuckDBConnection, INTEGER, LIST, listValue, UBIGINT, VARCHAR } from '@duckdb/node-api';
import type { Attributes, Span, SpanKind, SpanStatus } from '@osprey/model';

import { settle } from '../derive/settle';
import type { EdgeRollup } from '../derive/servicemap';
import { spanKey } from '../derive/transactions';

/**
 * Settling state and the service-map rollups it produces.
 *
 * `settle_pending` holds one row per stored span not yet settled, written in the same transaction
 * as the span itself, so after a crash every unsettled trace is still known and settles after the
 * restart. A settle run deletes the rows of the traces it settled in the same transaction that
 * updates their transactions and appends their edge rollups: a trace is settled exactly once per
 * arrival of spans, never half.
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

/** Spans of one trace start within this much of each other (as in DuckDbStore's parent linking). */
const TRACE_SPREAD_NS = BigInt(3600) * BigInt(1_000_000_000);
const NANOS_PER_MS = BigInt(1_000_000);
const UINT64_MAX = (BigInt(1) << BigInt(64)) - BigInt(1);

/** Records the arrival of spans (epoch ms); runs inside the ingest group's transaction. */
export async function recordArrivals(writer: DuckDBConnection, spans: Span[], arrived: number): Promise<void> {
  if (spans.length === 0) {
    return;
  }
  const appender = await writer.createAppender('settle_pending');
  try {
    for (const span of spans) {
      appender.appendVarchar(span.traceId);
      appender.appendVarchar(span.spanId);
      appender.appendUBigInt(BigInt(span.startTimeUnixNano));
      appender.appendDouble(arrived);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** When a trace is due, as of `now` (epoch ms). */
export interface SettleRule {
  /** A trace settles once no span of it arrived for this long. */
  settleMs: number;
  /** …or once its oldest unsettled span has waited this long, so a trace that never goes quiet still counts. */
  maxWaitMs: number;
  /** At most this many traces per run. */
  maxTraces: number;
}

/**
 * Settles the traces that are due: recomputes the sql/api figures of their transactions from every
 * stored span and appends the edge rollups of their newly arrived client spans. Returns how many
 * traces it settled. Must run inside a write transaction.
 */
export async function settleDue(writer: DuckDBConnection, now: number, rule: SettleRule): Promise<number> {
  const pending = await duePending(writer, now, rule);
  if (pending.length === 0) {
    return 0;
  }
  const due = new Set<string>();
  const fresh = new Set<string>();
  let lo = pending[0].start;
  let hi = pending[0].start;
  for (const { traceId, spanId, start } of pending) {
    due.add(traceId);
    fresh.add(spanKey(traceId, spanId));
    lo = start < lo ? start : lo;
    hi = start > hi ? start : hi;
  }
  const traceIds = listValue([...due]);
  const from = lo > TRACE_SPREAD_NS ? lo - TRACE_SPREAD_NS : BigInt(0);
  const to = hi < UINT64_MAX - TRACE_SPREAD_NS ? hi + TRACE_SPREAD_NS : UINT64_MAX;
  const spans = await readSpans(writer, traceIds, from, to);
  const settlement = settle(spans, fresh);

  const txs = settlement.transactions;
  // Only rows whose figures change are rewritten: when a batch held a whole request they are already right.
  if (txs.length > 0) {
    await writer.run(
      `UPDATE transactions AS t
       SET sql_count = u.sql_count, sql_time = u.sql_time,
           api_call_count = u.api_call_count, api_call_time = u.api_call_time
       FROM (SELECT unnest($traceIds) AS trace_id, unnest($spanIds) AS span_id,
                    unnest($sqlCounts) AS sql_count, unnest($sqlTimes) AS sql_time,
                    unnest($apiCounts) AS api_call_count, unnest($apiTimes) AS api_call_time) AS u
       WHERE t.end_us >= CAST($fromMs * 1000 AS BIGINT)
         AND t.trace_id = hex_trace_id(u.trace_id) AND t.span_id = hex_span_id(u.span_id)
         AND (t.sql_count <> u.sql_count OR t.sql_time <> u.sql_time
              OR t.api_call_count <> u.api_call_count OR t.api_call_time <> u.api_call_time)`,
      {
        traceIds: listValue(txs.map((tx) => tx.traceId)),
        spanIds: listValue(txs.map((tx) => tx.spanId)),
        sqlCounts: listValue(txs.map((tx) => tx.sqlCount)),
        sqlTimes: listValue(txs.map((tx) => tx.sqlTime)),
        apiCounts: listValue(txs.map((tx) => tx.apiCallCount)),
        apiTimes: listValue(txs.map((tx) => tx.apiCallTime)),
        fromMs: Number(from / NANOS_PER_MS),
      },
      {
        traceIds: LIST(VARCHAR),
        spanIds: LIST(VARCHAR),
        sqlCounts: LIST(INTEGER),
        sqlTimes: LIST(DOUBLE),
        apiCounts: LIST(INTEGER),
        apiTimes: LIST(DOUBLE),
        fromMs: DOUBLE,
      }
    );
  }
  await appendEdges(writer, settlement.edges);
  await writer.run(
    'DELETE FROM settle_pending WHERE trace_id IN (SELECT unnest($traceIds))',
    { traceIds },
    { traceIds: LIST(VARCHAR) }
  );
  return due.size;
}

/** The unsettled spans of the traces due (oldest first, at most `maxTraces` traces). */
async function duePending(
  writer: DuckDBConnection,
  now: number,
  rule: SettleRule
): Promise<Array<{ traceId: string; spanId: string; start: bigint }>> {
  const result = await writer.runAndReadAll(
    `SELECT trace_id, span_id, start_ns
     FROM settle_pending
     WHERE trace_id IN (
       SELECT trace_id
       FROM settle_pending
       GROUP BY trace_id
       HAVING max(arrived) <= $quietBefore OR min(arrived) <= $overdueBefore
       ORDER BY min(arrived), trace_id
       LIMIT $limit)`,
    { quietBefore: now - rule.settleMs, overdueBefore: now - rule.maxWaitMs, limit: rule.maxTraces },
    { quietBefore: DOUBLE, overdueBefore: DOUBLE, limit: INTEGER }
  );
  return result.getRowsJS().map(([traceId, spanId, start]) => ({
    traceId: String(traceId),
    spanId: String(spanId),
    start: BigInt(start as bigint),
  }));
}

/** The columns settling needs; resource and events stay in the table. */
async function readSpans(
  writer: DuckDBConnection,
  traceIds: ReturnType<typeof listValue>,
  from: bigint,
  to: bigint
): Promise<Span[]> {
  const result = await writer.runAndReadAll(
    `SELECT trace_id, span_id, parent_span_id, service, name, kind, start_ns, duration_ns, status, attributes
     FROM spans
     WHERE trace_id IN (SELECT unnest($traceIds)) AND start_ns BETWEEN $from AND $to`,
    { traceIds, from, to },
    { traceIds: LIST(VARCHAR), from: UBIGINT, to: UBIGINT }
  );
  return result.getRowsJS().map(([traceId, spanId, parent, service, name, kind, start, duration, status, attrs]) => {
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
    return span;
  });
}

async function appendEdges(writer: DuckDBConnection, edges: EdgeRollup[]): Promise<void> {
  if (edges.length === 0) {
    return;
  }
  const appender = await writer.createAppender('servicemap_edges');
  try {
    for (const edge of edges) {
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
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
