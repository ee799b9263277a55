import type { Attributes, Span, SpanEvent, SpanKind, SpanStatus } from '@osprey/model';

import type { Row } from './sql';

/**
 * A `spans` row as either engine reads it, with its start and duration as text (`start_text`,
 * `duration_text`): 64-bit nanoseconds as text keep every nanosecond. The aliases differ from the
 * columns, which ClickHouse would otherwise let an alias shadow in WHERE and ORDER BY.
 */
export function rowToSpan(row: Row): Span {
  const span: Span = {
    traceId: String(row.trace_id),
    spanId: String(row.span_id),
    name: String(row.name),
    kind: row.kind as SpanKind,
    startTimeUnixNano: String(row.start_text),
    durationNano: String(row.duration_text),
    status: row.status as SpanStatus,
    service: String(row.service),
    resource: JSON.parse(String(row.resource ?? '{}')) as Attributes,
    attributes: JSON.parse(String(row.attributes)) as Attributes,
    events: JSON.parse(String(row.events ?? '[]')) as SpanEvent[],
  };
  if (row.parent_span_id !== null && row.parent_span_id !== undefined) {
    span.parentSpanId = String(row.parent_span_id);
  }
  if (row.status_message !== null && row.status_message !== undefined) {
    span.statusMessage = String(row.status_message);
  }
  return span;
}
