import type { Span, Transaction } from '@osprey/model';

import type { Row } from './connection';

/** JSONEachRow row of `spans`; UInt64 nanoseconds travel as decimal strings (past 2^53). */
export function spanRow(span: Span): Row {
  return {
    trace_id: span.traceId,
    span_id: span.spanId,
    parent_span_id: span.parentSpanId ?? null,
    service: span.service,
    name: span.name,
    kind: span.kind,
    start_ns: span.startTimeUnixNano,
    duration_ns: span.durationNano,
    status: span.status,
    status_message: span.statusMessage ?? null,
    resource: JSON.stringify(span.resource),
    attributes: JSON.stringify(span.attributes),
    events: JSON.stringify(span.events),
  };
}

/** JSONEachRow row of `transactions`; `version` orders the rewrites of settling (ReplacingMergeTree). */
export function transactionRow(tx: Transaction, version: number): Row {
  return {
    end_time: tx.endTime,
    elapsed: tx.elapsed,
    service: tx.service,
    instance: tx.instance,
    endpoint: tx.endpoint,
    status: tx.status,
    http_status: tx.httpStatus ?? null,
    error_type: tx.errorType ?? null,
    error_message: tx.errorMessage ?? null,
    trace_id: tx.traceId,
    span_id: tx.spanId,
    parent_service: tx.parentService ?? null,
    user_id: tx.userId ?? null,
    client_ip: tx.clientIp ?? null,
    sql_count: tx.sqlCount,
    sql_time: tx.sqlTime,
    api_call_count: tx.apiCallCount,
    api_call_time: tx.apiCallTime,
    kind: tx.kind,
    thread_name: tx.threadName ?? null,
    cpu_time: tx.cpuTime ?? null,
    version,
  };
}
