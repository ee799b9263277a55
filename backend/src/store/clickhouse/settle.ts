import type { Span, Transaction } from '@osprey/model';

import { settle } from '../../derive/settle';
import { rowToTransaction } from '../transaction-row';
import { spanKey } from '../../derive/transactions';
import type { SettleRule } from '../shared/settle-loop';
import type { ClickHouseConnection, Row } from './connection';
import { rowToSpan } from '../shared/span-row';
import { transactionRow } from './rows';
import { num, strList } from './sql';
import { SQL_STATS_TABLE, sqlStatRows } from './sqlstats';
import { type RewrittenTable, withdrawnRows } from './withdraw';

/**
 * Settling on ClickHouse, shared by every backend of a cluster: the state is in ClickHouse, not in
 * a process, so a trace whose spans reached different backends settles once they are all stored,
 * whichever backend runs it.
 *
 * `settle_pending` gets a row per stored span (its arrival time); `settle_done` a row per settle
 * run of a trace (`through` = the newest arrival it covered). A trace is due when its arrivals
 * after `through` went quiet (or waited too long). ClickHouse has no transactions and no locks,
 * so a run is idempotent instead of exclusive: it recomputes the trace's transactions and edge
 * rows from all its stored spans and writes them as new versions of ReplacingMergeTree rows, so
 * two backends settling the same trace at once, or a run repeated after a crash, write the same
 * rows again instead of counting twice. `settle_done` is written last: a run that died before it
 * is simply run again.
 */

/**
 * How far back unsettled arrivals are looked for. While any backend runs, a trace settles at most
 * `maxWaitMs` (six windows) after its first unsettled arrival, so this only matters when every
 * backend was down longer than it: the traces of that gap keep their provisional figures.
 */
const PENDING_HORIZON_MS = 6 * 3_600_000;
/** Spans of one trace start within this much of each other (as in the DuckDB store). */
const TRACE_SPREAD_NS = BigInt(3600) * BigInt(1_000_000_000);
const NANOS_PER_MS = BigInt(1_000_000);

interface DueTrace {
  traceId: string;
  lo: bigint;
  hi: bigint;
  through: number;
}

/** Records the arrival of spans (epoch ms); a trace is due only `settleMs` after it, when its batch is long stored. */
export function recordArrivals(connection: ClickHouseConnection, spans: Span[], arrived: number): Promise<void> {
  return connection.insert(
    'settle_pending',
    spans.map((span) => ({ trace_id: span.traceId, span_id: span.spanId, start_ns: span.startTimeUnixNano, arrived }))
  );
}

async function dueTraces(connection: ClickHouseConnection, now: number, rule: SettleRule): Promise<DueTrace[]> {
  // GLOBAL: on a cluster the settled marks are read once and sent to every shard of settle_pending.
  const rows = await connection.rows(
    `SELECT trace_id, toString(min(start_ns)) AS lo, toString(max(start_ns)) AS hi, max(arrived) AS through
     FROM settle_pending
     GLOBAL ANY LEFT JOIN (
       SELECT trace_id, max(through) AS done FROM settle_done
       WHERE through >= ${num(now - PENDING_HORIZON_MS)} GROUP BY trace_id
     ) USING trace_id
     WHERE arrived >= ${num(now - PENDING_HORIZON_MS)} AND arrived > done
     GROUP BY trace_id
     HAVING max(arrived) <= ${num(now - rule.settleMs)} OR min(arrived) <= ${num(now - rule.maxWaitMs)}
     ORDER BY min(arrived), trace_id
     LIMIT ${num(rule.maxTraces)}`
  );
  return rows.map((row) => ({
    traceId: String(row.trace_id),
    lo: BigInt(String(row.lo)),
    hi: BigInt(String(row.hi)),
    through: Number(row.through),
  }));
}

/** The parent's service when an entry span's parent is in another service (the DuckDB store's link rule). */
function parentService(tx: Transaction, spans: Map<string, Span>): string | undefined {
  const span = spans.get(spanKey(tx.traceId, tx.spanId));
  const parent = span?.parentSpanId === undefined ? undefined : spans.get(spanKey(tx.traceId, span.parentSpanId));
  return parent !== undefined && parent.service !== tx.service ? parent.service : undefined;
}

/** The per-trace edge rows of the service map, rewritten at each settle like sql_stats. */
const EDGES_TABLE: RewrittenTable = {
  name: 'servicemap_edges',
  identity: ['minute', 'source', 'target', 'bucket'],
  kept: ['target_type', 'target_name', 'db_system'],
  counters: ['calls', 'errors'],
};

/** Settles the traces due as of `now` (epoch ms); resolves with how many. */
export async function settleDue(connection: ClickHouseConnection, now: number, rule: SettleRule): Promise<number> {
  const due = await dueTraces(connection, now, rule);
  if (due.length === 0) {
    return 0;
  }
  const ids = strList(due.map((trace) => trace.traceId));
  let lo = due[0].lo;
  let hi = due[0].hi;
  for (const trace of due) {
    lo = trace.lo < lo ? trace.lo : lo;
    hi = trace.hi > hi ? trace.hi : hi;
  }
  const from = lo > TRACE_SPREAD_NS ? lo - TRACE_SPREAD_NS : BigInt(0);
  const to = hi + TRACE_SPREAD_NS;
  const spanRows = await connection.rows(
    `SELECT trace_id, span_id, parent_span_id, service, name, kind, toString(start_ns) AS start_text,
            toString(duration_ns) AS duration_text, status, attributes
     FROM spans FINAL WHERE trace_id IN ${ids} AND start_ns BETWEEN ${num(from)} AND ${num(to)}`
  );
  const byTrace = new Map<string, Span[]>();
  const byKey = new Map<string, Span>();
  for (const span of spanRows.map(rowToSpan)) {
    byKey.set(spanKey(span.traceId, span.spanId), span);
    const list = byTrace.get(span.traceId);
    if (list === undefined) {
      byTrace.set(span.traceId, [span]);
    } else {
      list.push(span);
    }
  }

  const txRows = await connection.rows(
    `SELECT * FROM transactions FINAL WHERE trace_id IN ${ids} AND end_time >= ${num(Number(from / NANOS_PER_MS))}`
  );
  const stored = new Map(
    txRows.map((row) => [spanKey(String(row.trace_id), String(row.span_id)), rowToTransaction(row)])
  );
  const figures = new Map<string, Omit<Transaction, 'endTime'>>();
  const edgeRows: Row[] = [];
  const sqlRows: Row[] = [];
  for (const trace of due) {
    const spans = byTrace.get(trace.traceId) ?? [];
    const settlement = settle(spans, new Set(spans.map((span) => spanKey(span.traceId, span.spanId))));
    for (const tx of settlement.transactions) {
      figures.set(spanKey(tx.traceId, tx.spanId), tx as unknown as Omit<Transaction, 'endTime'>);
    }
    for (const edge of settlement.edges) {
      edgeRows.push({
        trace_id: trace.traceId,
        minute: edge.minute,
        source: edge.source,
        target: edge.target.id,
        target_type: edge.target.type,
        target_name: edge.target.name,
        db_system: edge.target.dbSystem ?? null,
        bucket: edge.bucket,
        calls: edge.calls,
        errors: edge.errors,
        version: trace.through,
      });
    }
    sqlRows.push(...sqlStatRows(trace.traceId, settlement.sql, stored, trace.through));
  }

  const through = new Map(due.map((trace) => [trace.traceId, trace.through]));
  const firstMinute = Math.floor(Number(from / NANOS_PER_MS) / 60_000) * 60_000;
  edgeRows.push(...(await withdrawnRows(connection, EDGES_TABLE, ids, firstMinute, edgeRows, through)));
  sqlRows.push(...(await withdrawnRows(connection, SQL_STATS_TABLE, ids, firstMinute, sqlRows, through)));
  const rewrites: Row[] = [];
  for (const row of txRows) {
    const tx = stored.get(spanKey(String(row.trace_id), String(row.span_id)))!;
    const settled = figures.get(spanKey(tx.traceId, tx.spanId));
    const next: Transaction = { ...tx };
    if (settled !== undefined) {
      next.sqlCount = settled.sqlCount;
      next.sqlTime = settled.sqlTime;
      next.apiCallCount = settled.apiCallCount;
      next.apiCallTime = settled.apiCallTime;
    }
    next.parentService = tx.parentService ?? parentService(tx, byKey);
    if (next.parentService === undefined) {
      delete next.parentService;
    }
    const changed =
      next.sqlCount !== tx.sqlCount ||
      next.sqlTime !== tx.sqlTime ||
      next.apiCallCount !== tx.apiCallCount ||
      next.apiCallTime !== tx.apiCallTime ||
      next.parentService !== tx.parentService;
    if (changed) {
      const version = Math.max(Number(row.version) + 1, through.get(tx.traceId) ?? 0);
      rewrites.push(transactionRow(next, version));
    }
  }
  await connection.insert('transactions', rewrites);
  await connection.insert('servicemap_edges', edgeRows);
  await connection.insert('sql_stats', sqlRows);
  await connection.insert(
    'settle_done',
    due.map((trace) => ({ trace_id: trace.traceId, through: trace.through }))
  );
  return due.length;
}
